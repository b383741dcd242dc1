// Links in markdown cells open in a new tab (issue 17): in browser mode a plain link navigated the
// notebook tab away from unsaved work. In Electron a new-window request goes to the OS browser
// (main/security.ts), so the same attribute serves both.
import DOMPurify from 'dompurify';

/** A DOMPurify instance of its own, so the hook below touches no other sanitizer in the renderer. */
const purify = DOMPurify(window);
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/** Sanitize rendered markdown (the cell's policy) and make every link open in a new tab. */
export function sanitizeMarkdownHtml(html: string): string {
  return purify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input'], FORBID_ATTR: ['style'] });
}
