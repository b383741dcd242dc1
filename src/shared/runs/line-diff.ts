// A line diff for `lossbook runs compare` (the app shows code in Monaco's diff editor). Common
// head and tail are trimmed first; the middle is a longest-common-subsequence table, which is
// bounded: past it the middle is shown as replaced, never a slow compare.
export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * A diff as shown: an unchanged stretch far from every change `folded` to its line count, and
 * (in a notebook's comparison snapshot, which keeps a bounded number of rows) the lines past
 * the bound `omitted`, also as a count, so line numbers stay right.
 */
export type ShownDiffLine = DiffLine | { kind: 'folded' | 'omitted'; count: number };

/** Unchanged lines shown around each change of a code diff; longer unchanged stretches fold. */
export const DIFF_CONTEXT = 3;

/** Cells of the LCS table past which the changed middle is shown as removed + added. */
const MAX_TABLE_CELLS = 4_000_000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const same = (lines: string[]) => lines.map((text): DiffLine => ({ kind: 'same', text }));
  return [...same(a.slice(0, head)), ...diffMiddle(middleA, middleB), ...same(a.slice(a.length - tail))];
}

function diffMiddle(a: string[], b: string[]): DiffLine[] {
  const removed = (text: string): DiffLine => ({ kind: 'removed', text });
  const added = (text: string): DiffLine => ({ kind: 'added', text });
  if (!a.length || !b.length || (a.length + 1) * (b.length + 1) > MAX_TABLE_CELLS) return [...a.map(removed), ...b.map(added)];
  const width = b.length + 1;
  // lengths[i * width + j]: LCS length of a[i:] and b[j:].
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) out.push(removed(a[i++]!));
    else out.push(added(b[j++]!));
  }
  while (i < a.length) out.push(removed(a[i++]!));
  while (j < b.length) out.push(added(b[j++]!));
  return out;
}

const isChange = (line: ShownDiffLine): line is DiffLine & { kind: 'added' | 'removed' } => line.kind === 'added' || line.kind === 'removed';

/** Indexes of the changed lines and of `context` unchanged lines around each, in order. */
export function shownLines(lines: readonly ShownDiffLine[], context: number): number[] {
  const keep = new Set<number>();
  lines.forEach((line, index) => {
    if (!isChange(line)) return;
    for (let near = Math.max(0, index - context); near <= Math.min(lines.length - 1, index + context); near++) keep.add(near);
  });
  return [...keep].sort((x, y) => x - y);
}

/**
 * The diff with every unchanged line more than `context` lines from a change folded: each
 * stretch of them (and any folds already there) becomes one `folded` count. Folding twice
 * changes nothing.
 */
export function foldDiff(lines: readonly ShownDiffLine[], context = DIFF_CONTEXT): ShownDiffLine[] {
  const shown = new Set(shownLines(lines, context));
  const out: ShownDiffLine[] = [];
  lines.forEach((line, index) => {
    if (line.kind === 'omitted' || isChange(line) || (line.kind === 'same' && shown.has(index))) {
      out.push(line);
      return;
    }
    const count = line.kind === 'folded' ? line.count : 1;
    const last = out.at(-1);
    if (last?.kind === 'folded') out[out.length - 1] = { kind: 'folded', count: last.count + count };
    else out.push({ kind: 'folded', count });
  });
  return out;
}

/** How many lines of code a shown diff stands for (folded and omitted ones counted). */
export function diffLineCount(lines: readonly ShownDiffLine[]): number {
  return lines.reduce((total, line) => total + ('count' in line ? line.count : 1), 0);
}

/** Unified-style text: changed lines with `context` unchanged lines around them, `…` between hunks. */
export function formatDiff(lines: readonly DiffLine[], context = 2): string {
  const out: string[] = [];
  let previous = -1;
  for (const index of shownLines(lines, context)) {
    if (previous >= 0 && index > previous + 1) out.push('  …');
    const line = lines[index]!;
    out.push(`${line.kind === 'added' ? '+' : line.kind === 'removed' ? '-' : ' '} ${line.text}`);
    previous = index;
  }
  return out.join('\n');
}
