import { expect, test } from 'vitest';
import { groupedChanges, wordDiff } from './worddiff';

test('a run of changed words reads as one deletion and one insertion', () => {
  expect(groupedChanges(wordDiff('Telemedicin skal udbredes til flere patienter.', 'Telemedicin bør tilbydes alle patienter.'))).toEqual([
    { kind: 'equal', text: 'Telemedicin ' },
    { kind: 'delete', text: 'skal udbredes til flere' },
    { kind: 'insert', text: 'bør tilbydes alle' },
    { kind: 'equal', text: ' patienter.' },
  ]);
});

test('separate changes stay apart, and the texts are kept whole', () => {
  const before = 'Data skal deles sikkert mellem sektorerne når borgeren vil.';
  const after = 'Data kan deles sikkert mellem alle sektorer når borgeren vil.';
  const parts = groupedChanges(wordDiff(before, after));
  expect(parts.filter((part) => part.kind !== 'insert').map((part) => part.text).join('')).toBe(before);
  expect(parts.filter((part) => part.kind !== 'delete').map((part) => part.text).join('')).toBe(after);
  expect(parts.filter((part) => part.kind === 'delete').map((part) => part.text)).toEqual(['skal', 'sektorerne']);
  expect(parts.filter((part) => part.kind === 'insert').map((part) => part.text)).toEqual(['kan', 'alle sektorer']);
});
