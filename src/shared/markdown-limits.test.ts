import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { clampMarkdownNesting, MAX_MARKDOWN_QUOTE_DEPTH, renderMarkdownSafely } from './markdown-limits';

const marked = new Marked({ gfm: true, async: false });
const parse = (text: string) => marked.parse(text, { async: false });

describe('markdown nesting limits (issue 17)', () => {
  it(`renders 50,000 nested block quotes as ${MAX_MARKDOWN_QUOTE_DEPTH}, with the text`, () => {
    const html = renderMarkdownSafely(`${'>'.repeat(50_000)} deep text`, parse);
    expect(html).toContain('deep text');
    expect(html.split('<blockquote>').length - 1).toBe(MAX_MARKDOWN_QUOTE_DEPTH);
  });

  it('leaves ordinary quotes, quotes with spaces and code alone', () => {
    const source = '> one\n> > two\n\n```\n>>>> in code\n```\n';
    expect(clampMarkdownNesting(source)).toBe(source);
    expect(clampMarkdownNesting(`${'> '.repeat(40)}x`)).toBe(`${'> '.repeat(MAX_MARKDOWN_QUOTE_DEPTH)}x`);
  });

  it('clamps list items indented thousands of levels (marked slows down quadratically with depth)', () => {
    let source = '';
    for (let level = 0; level < 1_000; level++) source += `${' '.repeat(level * 2)}- level ${level}\n`;
    const html = renderMarkdownSafely(source, parse);
    expect(html).toContain('level 999');
    expect(html.split('<ul>').length - 1).toBeLessThanOrEqual(2 * MAX_MARKDOWN_QUOTE_DEPTH + 1);
    // Code in a list keeps its indentation: only list-item lines are clamped.
    expect(clampMarkdownNesting(`${' '.repeat(100)}const x = 1;`)).toBe(`${' '.repeat(100)}const x = 1;`);
  });

  it('shows the source as escaped text when the parser throws anyway', () => {
    const html = renderMarkdownSafely('<b>bold</b> text', () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    expect(html).toBe('<pre class="markdown-unrendered">&lt;b&gt;bold&lt;/b&gt; text</pre>');
  });
});
