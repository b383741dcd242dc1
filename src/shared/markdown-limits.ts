// Markdown cells come from files anyone may send. marked parses nested block quotes and lists
// recursively: 2,500 nested `>` overflowed the stack, the export failed and the app rendered the
// cell blank (issue 17). Both renderers (the app's MarkdownView, the HTML report) go through
// here: nesting is clamped to a depth no reader can tell apart, and if the parser still fails the
// source is shown as plain text — a markdown cell always shows what it holds.

/** Deeper block quotes than this read the same (and past it the text is squeezed to a sliver); marked handles this depth with room to spare. */
export const MAX_MARKDOWN_QUOTE_DEPTH = 16;

const DEEP_QUOTE = new RegExp(`^( {0,3})((?:>[ \\t]?){${MAX_MARKDOWN_QUOTE_DEPTH + 1},})`, 'gm');

/** List items indented past MAX_MARKDOWN_QUOTE_DEPTH levels (marked's list parsing slows down quadratically with depth: 400 levels took 1.5 s). */
const LIST_INDENT_COLUMNS = MAX_MARKDOWN_QUOTE_DEPTH * 4;
const DEEP_LIST_ITEM = new RegExp(`^[ \\t]{${LIST_INDENT_COLUMNS + 1},}(?=(?:[-*+]|\\d{1,9}[.)])[ \\t])`, 'gm');

/**
 * The source with block quotes nested at most MAX_MARKDOWN_QUOTE_DEPTH deep, and list items
 * indented at most as many levels. Only quote markers and list-item lines are touched.
 */
export function clampMarkdownNesting(source: string): string {
  return source
    .replace(DEEP_QUOTE, (_match, indent: string) => `${indent}${'> '.repeat(MAX_MARKDOWN_QUOTE_DEPTH)}`)
    .replace(DEEP_LIST_ITEM, ' '.repeat(LIST_INDENT_COLUMNS));
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Render markdown with `parse` (marked) after clamping its nesting; if the parser throws anyway
 * (a stack overflow on some other shape), the cell is shown as escaped plain text instead.
 */
export function renderMarkdownSafely(source: string, parse: (source: string) => string): string {
  try {
    return parse(clampMarkdownNesting(source));
  } catch {
    return `<pre class="markdown-unrendered">${escapeText(source)}</pre>`;
  }
}
