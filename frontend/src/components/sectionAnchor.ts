/** The element id of a section in the reader; keys are set by the secretariat, not free text. */
export function sectionAnchor(key: string): string {
  return `section-${key}`;
}
