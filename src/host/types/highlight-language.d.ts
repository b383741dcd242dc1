// A highlight.js language, for the Node type check only (see highlight-core.d.ts).
import type { LanguageFn } from './highlight-core';

declare const language: LanguageFn;
export default language;
