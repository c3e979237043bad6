/**
 * A word-level diff for the conflict screen, where the three texts come from the server as plain
 * Markdown and nothing else needs a round trip. Tokens are words, runs of whitespace and single
 * marks (as in server/drafting/diff.py); the alignment is a longest common subsequence.
 */

export type DiffPart = { kind: 'equal' | 'insert' | 'delete'; text: string };

const TOKEN = /[\p{L}\p{N}_]+|\s+|[^\p{L}\p{N}_\s]/gu;
// Above this many token pairs the texts are shown as one deletion and one insertion.
const LIMIT = 4_000_000;

function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  // Common head and tail first: most edits touch a small part of a section.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  push('equal', a.slice(0, head).join(''));
  if ((midA.length + 1) * (midB.length + 1) > LIMIT) {
    push('delete', midA.join(''));
    push('insert', midB.join(''));
  } else {
    const n = midA.length;
    const m = midB.length;
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] =
          midA[i] === midB[j]
            ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
            : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        push('equal', midA[i] ?? '');
        i++;
        j++;
      } else if (i < n && (j >= m || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))) {
        // Deletions first: "~~nem~~ fuld" reads as a replacement.
        push('delete', midA[i] ?? '');
        i++;
      } else {
        push('insert', midB[j] ?? '');
        j++;
      }
    }
  }
  push('equal', a.slice(a.length - tail).join(''));
  return parts;
}

/**
 * The diff with each run of changes read as one: words changed one for one with the spaces
 * between them kept ("skal udbredes" → "bør tilbydes") become one deletion followed by one
 * insertion, rather than alternating word by word.
 */
export function groupedChanges(parts: readonly DiffPart[]): DiffPart[] {
  const grouped: DiffPart[] = [];
  let deleted = '';
  let inserted = '';
  const flush = () => {
    if (deleted) grouped.push({ kind: 'delete', text: deleted });
    if (inserted) grouped.push({ kind: 'insert', text: inserted });
    deleted = inserted = '';
  };
  parts.forEach((part, index) => {
    const next = parts[index + 1];
    if (part.kind === 'delete') deleted += part.text;
    else if (part.kind === 'insert') inserted += part.text;
    else if ((deleted || inserted) && next && next.kind !== 'equal' && !part.text.trim()) {
      deleted += part.text;
      inserted += part.text;
    } else {
      flush();
      grouped.push(part);
    }
  });
  flush();
  return grouped;
}
