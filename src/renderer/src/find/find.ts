// Notebook-wide find and replace (issue 21): every match in every cell's source, code and
// markdown, in notebook order. Pure functions over the cells, so the bar, the editors'
// highlights and Replace all agree on what a match is.

export interface FindOptions {
  caseSensitive: boolean;
  regex: boolean;
  wholeWord: boolean;
}

export interface FindMatch {
  cellId: string;
  /** Offsets into the cell's source. */
  start: number;
  end: number;
  /** 1-based, for the editor. */
  line: number;
  column: number;
}

export interface FindQuery {
  pattern: RegExp | undefined;
  /** Why the query matches nothing on purpose (an invalid regular expression). */
  error?: string;
}

/** More matches than this are not listed (a one-letter query in a long notebook). */
export const MAX_MATCHES = 10_000;

export function compileQuery(text: string, options: FindOptions): FindQuery {
  if (!text) return { pattern: undefined };
  let source = options.regex ? text : text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (options.wholeWord) source = `(?<![\\p{L}\\p{N}_$])(?:${source})(?![\\p{L}\\p{N}_$])`;
  try {
    return { pattern: new RegExp(source, `gu${options.caseSensitive ? '' : 'i'}m`) };
  } catch (error) {
    return { pattern: undefined, error: `Not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}` };
  }
}

function* matchesIn(source: string, pattern: RegExp): Generator<{ start: number; end: number; text: string }> {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    // An empty match (e.g. /^/) would loop forever and means nothing to highlight: step past it.
    if (match[0].length === 0) {
      pattern.lastIndex += 1;
      continue;
    }
    yield { start: match.index, end: match.index + match[0].length, text: match[0] };
  }
}

function position(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = source.indexOf('\n'); index !== -1 && index < offset; index = source.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function findMatches(cells: ReadonlyArray<{ id: string; source: string }>, query: FindQuery): FindMatch[] {
  const found: FindMatch[] = [];
  if (!query.pattern) return found;
  for (const cell of cells) {
    for (const { start, end } of matchesIn(cell.source, query.pattern)) {
      found.push({ cellId: cell.id, start, end, ...position(cell.source, start) });
      if (found.length >= MAX_MATCHES) return found;
    }
  }
  return found;
}

/**
 * The replacement text for one match: with a regular expression, `$1`, `$&`, `$<name>` expand as
 * in String.prototype.replace (and VS Code's find); otherwise the text is literal.
 */
function replacementFor(source: string, match: { start: number; end: number }, query: FindQuery, replacement: string, options: FindOptions): string {
  if (!options.regex || !query.pattern) return replacement;
  const single = new RegExp(query.pattern.source, query.pattern.flags.replace('g', ''));
  const text = source.slice(match.start, match.end);
  return text.replace(single, replacement);
}

/** The source with one match replaced; undefined when the match no longer fits the source. */
export function replaceOne(source: string, match: FindMatch, query: FindQuery, replacement: string, options: FindOptions): string | undefined {
  const fresh = query.pattern ? [...matchesIn(source, query.pattern)].find((candidate) => candidate.start === match.start && candidate.end === match.end) : undefined;
  if (!fresh) return undefined;
  return source.slice(0, match.start) + replacementFor(source, match, query, replacement, options) + source.slice(match.end);
}

/** Every match of one source replaced; returns the new source and how many were replaced. */
export function replaceAllIn(source: string, query: FindQuery, replacement: string, options: FindOptions): { source: string; count: number } {
  if (!query.pattern) return { source, count: 0 };
  let result = '';
  let last = 0;
  let count = 0;
  for (const match of [...matchesIn(source, query.pattern)]) {
    result += source.slice(last, match.start) + replacementFor(source, match, query, replacement, options);
    last = match.end;
    count += 1;
  }
  return { source: result + source.slice(last), count };
}
