// One markdown and HTML policy for the app (MarkdownView, CellOutputs) and the HTML report
// (issue 19): markdown cells and html outputs come from files anyone may send, and the same
// source must render to the same HTML wherever it is shown. Before this, the app used marked's
// global setup + DOMPurify and the report its own Marked + sanitize-html, so a GFM checkbox or
// a remote image read differently in the two.
//
// The sanitizer is sanitize-html, not DOMPurify: DOMPurify needs a DOM, which Node (the report,
// the CLI's export) has only through jsdom — a large dependency this project does not ship —
// while sanitize-html parses with htmlparser2 and runs the same in Node and in the renderer.
// Nothing here touches the DOM, so the report and the app produce byte-identical HTML. The
// price: the renderer bundle grows by about 210 kB (htmlparser2, postcss) over DOMPurify's 22 kB,
// small beside Monaco and Plotly and paid once at load.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { renderMarkdownSafely } from './markdown-limits';

// Formatting is kept; anything active goes: no script, style, iframe, form, event handler or
// javascript: URL. Images only as data: — a remote image would be a network request when the
// report opens (and the app's CSP blocks it anyway), and a relative one would read a file beside
// the report — so any other image is shown as a note saying it was not embedded.
// <details> folds kept their fold in the app before the two policies became one; ids, classes
// and styles of the notebook's own do not survive (an id could shadow the page's own elements).
const POLICY: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'h1', 'h2', 'del', 'ins', 'sup', 'sub', 'input', 'details', 'summary'],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    code: ['class'],
    th: ['align', 'colspan', 'rowspan'],
    td: ['align', 'colspan', 'rowspan'],
    ol: ['start'],
    input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // A link opens in a new tab (issue 17): in browser mode a plain link navigated the notebook
    // tab away from unsaved work; Electron sends new-window requests to the OS browser.
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer', target: '_blank' } }),
    img: (tagName, attribs): sanitizeHtml.Tag => {
      const { src, ...rest } = attribs;
      if (src && /^data:image\/(png|jpeg|gif|webp);base64,/i.test(src)) return { tagName, attribs: { ...rest, src } };
      return { tagName: 'span', attribs: { class: 'image-omitted' }, text: `[image${rest.alt ? `: ${rest.alt}` : ''} — not embedded]` };
    },
    // GFM task lists show their checkboxes, which cannot be ticked; any other input goes.
    input: (tagName, attribs) => (attribs.type === 'checkbox' ? { tagName, attribs: { ...attribs, disabled: 'disabled' } } : { tagName: 'span', attribs: {} }),
  },
  allowedClasses: { code: [/^language-[\w-]+$/], span: ['image-omitted'], pre: ['markdown-unrendered'] },
};

/** HTML from a notebook (an html output, rendered markdown) with everything active removed. */
export function sanitizeNotebookHtml(html: string): string {
  return sanitizeHtml(html, POLICY);
}

// A parser of its own: marked's global `marked` can be reconfigured by any other import.
const markdownParser = new Marked({ gfm: true, breaks: false, async: false });

/** A markdown cell's HTML: nesting clamped (markdown-limits.ts), parsed, then sanitized. */
export function renderMarkdown(source: string): string {
  return sanitizeNotebookHtml(renderMarkdownSafely(source, (text) => markdownParser.parse(text, { async: false })));
}
