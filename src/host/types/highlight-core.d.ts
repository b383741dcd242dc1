// What the report uses of highlight.js, for the Node type check only (tsconfig.node.json maps
// the imports here): the package's own types carry `/// <reference lib="dom" />`, which would
// make the DOM visible to all Node code. Bundlers and tests still load the real package.
export type LanguageFn = (hljs?: unknown) => unknown;

declare const hljs: {
  registerLanguage(name: string, language: LanguageFn): void;
  highlight(code: string, options: { language: string; ignoreIllegals?: boolean }): { value: string };
};
export default hljs;
