// Markdown cells come from files anyone may send. marked parses nested block quotes and lists
// recursively: 2,500 nested `>` overflowed the stack, the export failed and the app rendered the
// cell blank (issue 17). Both renderers (the app's MarkdownView, the HTML report) go through
// here: nesting is clamped to a depth no reader can tell apart, and if the parser still fails the
// source is shown as plain text — a markdown cell always shows what it holds.

/** Deeper block quotes than this read the same; marked handles this depth with room to spare. */
export const MAX_MARKDOWN_QUOTE_DEPTH = 32;

const DEEP_QUOTE = new RegExp(`^( {0,3})((?:>[ \\t]?){${MAX_MARKDOWN_QUOTE_DEPTH + 1},})`, 'gm');
/** A list item indented so deep that it nests past the clamp (4 columns or more per level). */
const DEEP_INDENT = new RegExp(`^[ \\t]{${MAX_MARKDOWN_QUOTE_DEPTH * 4},}(?=\\S)`, 'gm');

/** The source with block quotes nested at most MAX_MARKDOWN_QUOTE_DEPTH deep (and lists indented as much). */
export function clampMarkdownNesting(source: string): string {
  return source
    .replace(DEEP_QUOTE, (_match, indent: string) => `${indent}${'> '.repeat(MAX_MARKDOWN_QUOTE_DEPTH)}`)
    .replace(DEEP_INDENT, ' '.repeat(MAX_MARKDOWN_QUOTE_DEPTH * 4));
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
