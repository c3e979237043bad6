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
  for (const link of Array.from(body.querySelectorAll('a'))) {
    const href = link.getAttribute('href');
    if (href === null || safeHref(href) === null || href.startsWith('#')) link.replaceWith(...Array.from(link.childNodes));
  }
  return { html: body.innerHTML, dropped: { images: media.length } };
}
