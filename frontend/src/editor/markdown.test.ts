import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { Editor } from '@tiptap/core';
import { sectionExtensions } from './extensions';
import { editorCanHold, markdownOf, renderedMeaning, roundTrip } from './markdown';

// Words with the characters that Markdown gives a meaning, so escaping is exercised too.
const word = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('styregruppen', 'data', 'borgeren', 'sundhed', 'Æble', 'øst', 'år', '2018-2022', 'KL') },
  { weight: 1, arbitrary: fc.constantFrom('*', 'snake_case_navn', '[note]', 'x\\y', '#1', 'a|b', '<b>', '&amp;', '1.', '-', '+', '>', '~', '!') },
);
const plainWord = fc.constantFrom('Styregruppen', 'Data', 'Borgeren', 'Sundhed');
// A line of Markdown starting with a marker is another block (a list, a heading): text starts with a word.
const words = fc
  .tuple(plainWord, fc.array(word, { maxLength: 5 }))
  .map(([first, rest]) => [first, ...rest].join(' '));
const href = fc.constantFrom('https://sundhed.dk', 'http://example.org/a?b=1&c=2', 'mailto:sekretariat@sds.dk', 'tel:+4570202010', '/documents/x');

/** Inline Markdown as the editor writes it: text, bold, italic, links, hard breaks. */
const inline: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: words },
      { weight: 1, arbitrary: words.map((text) => `**${text}**`) },
      { weight: 1, arbitrary: words.map((text) => `*${text}*`) },
      { weight: 1, arbitrary: fc.tuple(words, href).map(([text, url]) => `[${text}](${url})`) },
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(' '));
const paragraph = fc.array(inline, { minLength: 1, maxLength: 3 }).chain((lines) =>
  fc.constantFrom('  \n', '\n').map((separator) => lines.join(separator)),
);

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line, index) => (index === 0 || line === '' ? line : by + line))
    .join('\n');
}

const table = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 3 }))
  .chain(([columns, rows]) =>
    fc.array(fc.array(inline.map((text) => text.replaceAll('|', '\\|')), { minLength: columns, maxLength: columns }), {
      minLength: rows + 1,
      maxLength: rows + 1,
    }),
  )
  .map(([head = [], ...body]) =>
    [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((row) => `| ${row.join(' | ')} |`)].join('\n'),
  );
const { block } = fc.letrec<{ block: string; list: string; quote: string }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: paragraph },
    { weight: 2, arbitrary: tie('list') },
    { weight: 1, arbitrary: tie('quote') },
    { weight: 1, arbitrary: table },
  ),
  list: fc
    .tuple(
      fc.constantFrom('-', '*', '1.', '3.'),
      fc.array(fc.tuple(inline, fc.option(tie('list'), { nil: undefined, freq: 3 })), { minLength: 1, maxLength: 4 }),
    )
    .map(([marker, items]) =>
      items
        .map(([text, nested], index) => {
          const bullet = marker.endsWith('.') ? `${Number.parseInt(marker, 10) + index}.` : marker;
          const pad = ' '.repeat(bullet.length + 1);
          // Only an ordered list starting at 1 may interrupt the item's text (CommonMark).
          const sublist = nested?.replace(/^\d+\./, '1.');
          return `${bullet} ${text}${sublist ? `\n${pad}${indent(sublist, pad)}` : ''}`;
        })
        .join('\n'),
    ),
  quote: fc
    .array(fc.oneof(paragraph, tie('list')), { minLength: 1, maxLength: 2 })
    .map((blocks) => blocks.join('\n\n').split('\n').map((line) => (line ? `> ${line}` : '>')).join('\n')),
}));
const markdownDocument = fc.array(block, { minLength: 1, maxLength: 5 }).map((blocks) => blocks.join('\n\n'));

describe('the section editor keeps what a text says', () => {
  test('generated documents: the same rendered HTML after the editor, the same Markdown once written by it', () => {
    fc.assert(
      fc.property(markdownDocument, (markdown) => {
        const written = roundTrip(markdown);
        expect(renderedMeaning(written)).toBe(renderedMeaning(markdown));
        expect(roundTrip(written)).toBe(written);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  const seeds = join(import.meta.dirname, '../../../seeds/documents');
  const sections = readdirSync(seeds).flatMap((file) => {
    const seed = parse(readFileSync(join(seeds, file), 'utf8')) as { sections: { key: string; body: string }[] };
    return seed.sections.map((section) => ({ name: `${file}: ${section.key}`, body: section.body }));
  });

  test('there are seed sections to check', () => {
    expect(sections.length).toBeGreaterThan(10);
  });

  test.each(sections)('seed section $name', ({ body }) => {
    const written = roundTrip(body);
    expect(renderedMeaning(written)).toBe(renderedMeaning(body));
    expect(roundTrip(written)).toBe(written);
  });

  test.each([
    ['a heading', '# Vision\n\nTekst'],
    ['code', 'Brug `kode` her'],
    ['strikethrough', 'Det ~~gamle~~ nye'],
    ['an image', '![logo](https://x.dk/a.png)'],
    ['a rule', 'a\n\n---\n\nb'],
  ])('what the editor cannot hold is told apart: %s', (_name, markdown) => {
    expect(editorCanHold(markdown)).toBe(false);
  });

  test('raw HTML stays text, as the server shows it', () => {
    const written = roundTrip('a <b>fed</b> & <https://x.dk> b');
    expect(renderedMeaning(written)).toBe(renderedMeaning('a <b>fed</b> & <https://x.dk> b'));
  });
});

describe('text typed in the editor stays text', () => {
  const lines = ['# ikke en overskrift', '1. ikke en liste', '2) heller ikke', '- intet punkt', '+ intet', '> intet citat', '---', '===', '***', 'a *b* _c_ [d](e) <f> & `g` \\ h | i'];

  test.each(lines)('a paragraph typed as %j', (line) => {
    const editor = new Editor({ extensions: sectionExtensions(), content: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: line }] }] } });
    const written = markdownOf(editor);
    editor.destroy();
    expect(renderedMeaning(written)).toBe(`<p>${line.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')}</p>`);
    expect(roundTrip(written)).toBe(written);
  });

  test('after a line break too', () => {
    const content = [{ type: 'text', text: 'Først' }, { type: 'hardBreak' }, { type: 'text', text: '# ikke en overskrift' }];
    const editor = new Editor({ extensions: sectionExtensions(), content: { type: 'doc', content: [{ type: 'paragraph', content }] } });
    const written = markdownOf(editor);
    editor.destroy();
    expect(renderedMeaning(written)).toBe('<p>Først<br> # ikke en overskrift</p>');
  });

  test('two lists in a row stay two lists', () => {
    const list = (type: string) => ({ type, content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: type }] }] }] });
    const editor = new Editor({ extensions: sectionExtensions(), content: { type: 'doc', content: [list('orderedList'), list('orderedList'), list('bulletList'), list('bulletList'), list('bulletList')] } });
    const written = markdownOf(editor);
    editor.destroy();
    expect(renderedMeaning(written).match(/<(ol|ul)\b/g)).toHaveLength(5);
  });
});
