// Issue 19: the same markdown cell or html output renders to the same HTML in the app and in the
// exported report. The app side is the real components (MarkdownView, CellOutputs) rendered with
// Vue's server renderer; the report side is renderReport. Both must agree on every input below,
// hostile or odd, and none of the active content may survive.
import { createSSRApp, h } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../host/report';
import type { Notebook } from '../../../shared/notebook/model';
import CellOutputs from './CellOutputs.vue';
import MarkdownView from './MarkdownView.vue';

const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const MARKDOWN: Record<string, string> = {
  script: '# Results <script>window.__xss = 1</script>',
  handlers: '<img src="x" onerror="window.__xss = 2"> <a href="https://example.com" onclick="window.__xss=4">x</a> <b onmouseover="x()">bold</b>',
  javascriptLinks: '[click](javascript:window.__xss=3) [tab](jav&#x09;ascript:alert(1)) <a href="JaVaScRiPt:alert(1)">caps</a> <a href="//evil.example/x">protocol-relative</a>',
  frames: '<iframe src="https://example.com"></iframe><style>body{display:none}</style><object data="x"></object><embed src="x">',
  svgAndForm: '<svg><script>window.__xss=5</script></svg><form action="https://example.com"><input type="text" value="typed"><button>go</button></form>',
  images: `![remote](https://example.com/track.png) ![relative](plots/loss.png) ![inline](${PIXEL}) <img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="svg">`,
  taskList: '- [x] train\n- [ ] evaluate\n  - [ ] nested',
  table: '| metric | value |\n|:--|--:|\n| loss | **0.12** |\n| acc | `0.97` |',
  code: '```ts\nconst x = tf.tensor([1, 2]);\n```\n\n    indented code\n\n`inline <b>`',
  styles: '<p style="position:fixed;top:0">overlay</p><span class="badge" id="x" data-x="1">attributes</span>',
  odd: '~~gone~~ <sup>2</sup> <sub>i</sub> <del>old</del> <ins>new</ins> <details><summary>more</summary>hidden</details> <!-- comment --> &amp; &lt;tag&gt; <https://js.tensorflow.org> mail@example.com 学习率 🙂',
  entities: '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">encoded</a> <img src=x onerror=alert(1)//',
  deepQuotes: `${'>'.repeat(2500)} quoted`,
  deepLists: Array.from({ length: 300 }, (_, depth) => `${'  '.repeat(depth)}- level ${depth}`).join('\n'),
  unclosed: '<div><p>unclosed <em>tags <strong>here',
};

const HTML_OUTPUT = `<div style="color:red"><h3>Summary</h3><table><tr><td onclick="x()">1</td></tr></table><script>alert(1)</script><img src="${PIXEL}" alt="dot"><a href="https://example.com">link</a><input type="checkbox" checked><iframe src="x"></iframe></div>`;

function notebookOf(markdown: string, html: string): Notebook {
  return {
    metadata: { title: 'parity', created: '', modified: '', lossbookVersion: '0.1.0' },
    cells: [
      { id: 'm', kind: 'markdown', source: markdown, outputs: [], runs: [], dismissed: [] },
      { id: 'c', kind: 'code', source: '', outputs: [{ type: 'display', value: { kind: 'html', html } }], runs: [], dismissed: [] },
    ],
  } as unknown as Notebook;
}

/** What the report puts inside the markdown cell's section and the html output's div. */
function reportHtml(markdown: string, html: string): { markdown: string; output: string } {
  const report = renderReport(notebookOf(markdown, html), { generatedAt: new Date(0) });
  return {
    markdown: /<section class="cell markdown" id="cell-0">([\s\S]*?)<\/section>\n<section class="cell code"/.exec(report)![1]!,
    output: /<div class="output html">([\s\S]*?)<\/div><\/div>\n/.exec(report)![1]!,
  };
}

async function appMarkdown(source: string): Promise<string> {
  const html = await renderToString(createSSRApp({ render: () => h(MarkdownView, { source }) }));
  return /<div class="markdown">([\s\S]*)<\/div><!--\]-->$/.exec(html)![1]!;
}

async function appHtmlOutput(html: string): Promise<string> {
  const rendered = await renderToString(createSSRApp({ render: () => h(CellOutputs, { outputs: [{ type: 'display', value: { kind: 'html', html } }] }) }));
  return /<div class="html"[^>]*>([\s\S]*)<\/div>(?:<!--\]-->)+<\/div>$/.exec(rendered)![1]!;
}

describe('one markdown and HTML policy for the app and the report (issue 19)', () => {
  it.each(Object.entries(MARKDOWN))('renders %s markdown to the same HTML in both', async (_name, source) => {
    const app = await appMarkdown(source);
    expect(app).toBe(reportHtml(source, '').markdown);
    // Inside tags only: escaped text such as "&lt;img onerror=…" is harmless and stays.
    expect(app).not.toMatch(/<(script|iframe|style|object|embed|form)\b|<[^>]*(\son\w+=|javascript:|style=)/i);
  });

  it('keeps formatting and marks what it removed, in both', async () => {
    const images = await appMarkdown(MARKDOWN.images!);
    expect(images).toContain('<span class="image-omitted">[image: remote — not embedded]</span>');
    expect(images).toContain('<span class="image-omitted">[image: relative — not embedded]</span>');
    expect(images).toContain(`<img alt="inline" src="${PIXEL}" />`);
    expect(images).not.toContain('image/svg+xml');
    const tasks = await appMarkdown(MARKDOWN.taskList!);
    expect(tasks.match(/<input[^>]*type="checkbox"/g)).toHaveLength(3);
    expect(tasks.match(/disabled="disabled"/g)).toHaveLength(3);
    const links = await appMarkdown('[docs](https://js.tensorflow.org)');
    expect(links).toContain('<a href="https://js.tensorflow.org" rel="noopener noreferrer" target="_blank">docs</a>');
    expect(await appMarkdown(MARKDOWN.table!)).toMatch(/<th align="left">metric<\/th>/);
    expect(await appMarkdown(MARKDOWN.code!)).toContain('<code class="language-ts">');
    expect(await appMarkdown(MARKDOWN.odd!)).toContain('<details><summary>more</summary>hidden</details>');
    expect(await appMarkdown(MARKDOWN.styles!)).toContain('<span>attributes</span>');
  });

  it('sanitizes an html output the same way in both', async () => {
    const app = await appHtmlOutput(HTML_OUTPUT);
    expect(app).toBe(reportHtml('x', HTML_OUTPUT).output);
    expect(app).toContain('<h3>Summary</h3>');
    expect(app).toContain(`<img alt="dot" src="${PIXEL}" />`);
    expect(app).not.toMatch(/<script|<iframe|onclick|style=/);
  });
});
