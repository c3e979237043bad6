import { safeHref } from './links';

/** What a paste brought that the editor does not keep, to be told to the user. */
export interface PasteDropped {
  images: number;
}

const MEDIA = 'img, svg, picture, object, embed, video, audio, iframe, canvas';
const NOISE = 'style, script, meta, link, title, xml, template, noscript';

/**
 * HTML pasted from Word or a web page, reduced to what a section holds: headings become bold
 * paragraphs (a section has one title; inside it Word's headings read as bold lead-ins), images
 * and other media are dropped and counted, links with other schemes than Udkast's lose their
 * target. Styles, classes and fonts are left for the editor's schema to ignore.
 */
export function cleanPastedHtml(html: string): { html: string; dropped: PasteDropped } {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const body = parsed.body;
  for (const element of Array.from(body.querySelectorAll(NOISE))) element.remove();
  const media = Array.from(body.querySelectorAll(MEDIA));
  for (const element of media) element.remove();
  for (const heading of Array.from(body.querySelectorAll('h1, h2, h3, h4, h5, h6'))) {
    const paragraph = parsed.createElement('p');
    const strong = parsed.createElement('strong');
    strong.append(...Array.from(heading.childNodes));
    paragraph.append(strong);
    heading.replaceWith(paragraph);
  }
  wordLists(parsed);
  for (const link of Array.from(body.querySelectorAll('a'))) {
    const href = link.getAttribute('href');
    if (href === null || safeHref(href) === null || href.startsWith('#')) link.replaceWith(...Array.from(link.childNodes));
  }
  return { html: body.innerHTML, dropped: { images: media.length } };
}

const WORD_LIST_ITEM = /mso-list:\s*l\d+\s+level(\d+)/i;

/**
 * Word's own clipboard HTML has no lists: each item is a paragraph styled `mso-list: l0 level2`,
 * its bullet or number written out in a span styled `mso-list: Ignore`. Rebuild real (nested)
 * lists from such paragraphs, numbered when Word's marker is a number or letter.
 */
function wordLists(parsed: Document) {
  let stack: { list: HTMLElement; level: number }[] = [];
  for (const element of Array.from(parsed.body.children)) {
    const level = WORD_LIST_ITEM.exec(element.getAttribute('style') ?? '')?.[1];
    if (element.tagName !== 'P' || level === undefined) {
      stack = [];
      continue;
    }
    const depth = Number.parseInt(level, 10);
    const markers = Array.from(element.querySelectorAll('span')).filter((span) => /mso-list:\s*ignore/i.test(span.getAttribute('style') ?? ''));
    const ordered = /^[0-9a-z]+[.)]$/i.test(markers[0]?.textContent?.trim() ?? '');
    for (const marker of markers) marker.remove();
    while (stack.length > 0 && (stack.at(-1)?.level ?? 0) > depth) stack.pop();
    const top = stack.at(-1);
    if (top && top.level === depth && (top.list.tagName === 'OL') !== ordered) stack.pop();
    let list = stack.at(-1)?.level === depth ? stack.at(-1)?.list : undefined;
    if (!list) {
      list = parsed.createElement(ordered ? 'ol' : 'ul');
      const parentItem = stack.at(-1)?.list.lastElementChild;
      if (parentItem) parentItem.append(list);
      else element.before(list);
      stack.push({ list, level: depth });
    }
    const item = parsed.createElement('li');
    const paragraph = parsed.createElement('p');
    paragraph.append(...Array.from(element.childNodes));
    item.append(paragraph);
    list.append(item);
    element.remove();
  }
}
