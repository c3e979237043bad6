import { describe, expect, test } from 'vitest';
import { renderPreview } from './markdown';
import { indexText, passageOf, selectorFor } from './textquote';

// The same text and passages as the server's tests (tests/unit/test_markdown.py): the reader shows
// a quote as the server's Comment.passage will.
const PASSAGES =
  'Samtidig skal forskere\nhave lettere adgang til data.\n\n' +
  '3. Et trin\n   over to linjer\n4. Næste trin\n\n' +
  '- et punkt\n\n' +
  '1. Løs\n\n2. liste\n\n' +
  '> Citat over\n> to linjer\n\n' +
  'Hårdt  \nbrud og **fed\ntekst** og *kursiv*\n*tekst*';

function indexed() {
  const root = document.createElement('div');
  root.innerHTML = renderPreview(PASSAGES);
  return indexText(root);
}

function asRead(passage: string): string {
  const index = indexed();
  const start = index.text.indexOf(passage);
  expect(start).toBeGreaterThanOrEqual(0);
  const quote = selectorFor(index.text, start, start + passage.length);
  if (!quote) throw new Error('empty passage');
  return passageOf(index, quote);
}

describe('a quote as it reads', () => {
  test('a soft line break reads as a space', () => {
    expect(indexed().text).toContain('forskere\nhave');
    expect(asRead('forskere\nhave lettere')).toBe('forskere have lettere');
    expect(asRead('Citat over\nto linjer')).toBe('Citat over to linjer');
    expect(asRead('fed\ntekst')).toBe('fed tekst');
    expect(asRead('kursiv\ntekst')).toBe('kursiv tekst');
  });

  test('hard line breaks and block ends stay', () => {
    expect(asRead('Hårdt\nbrud')).toBe('Hårdt\nbrud');
    expect(asRead('data.\nEt trin')).toBe('data.\n3. Et trin');
  });

  test('numbered items keep their numbers where they start in the passage', () => {
    expect(asRead('Et trin\nover to linjer\nNæste trin')).toBe('3. Et trin over to linjer\n4. Næste trin');
    expect(asRead('trin\nover')).toBe('trin over');
    expect(asRead('Løs\nliste')).toBe('1. Løs\n2. liste');
    expect(asRead('et punkt')).toBe('et punkt');
  });
});
