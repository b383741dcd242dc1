// Monaco, bundled for offline use: the editor core, TypeScript/JavaScript and Markdown only,
// with its web workers built by Vite (?worker), and the tfjs types fed to the TS worker.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
import 'monaco-editor/esm/vs/editor/edcore.main.js';
import 'monaco-editor/esm/vs/language/typescript/monaco.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/typescript/typescript.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/javascript/javascript.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/markdown/markdown.contribution.js';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/esm/vs/language/typescript/ts.worker?worker';
import { LOSSBOOK_EXTRA_LIBS } from './lossbook-globals';
import { NOTEBOOK_IGNORED_DIAGNOSTICS } from './ignored-diagnostics';
import { isDark, onThemeChange } from '../theme';

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker();
  },
};

// Cells share one namespace, so every cell is a script in one global scope: redeclaring a
// `const` in a later cell and top-level await are fine in a notebook, so those are not errors.
// A cell with an `import` becomes a module to TypeScript and its names vanish from the other
// cells, and packages resolve from the notebook's folder at run time, which the editor cannot
// see: unknown names and modules are left to the kernel, which reports them on the right line.

const defaults = [monaco.languages.typescript.typescriptDefaults, monaco.languages.typescript.javascriptDefaults];
for (const languageDefaults of defaults) {
  languageDefaults.setCompilerOptions({
    target: monaco.languages.typescript.ScriptTarget.ES2020,
    module: monaco.languages.typescript.ModuleKind.ESNext,
    moduleResolution: monaco.languages.typescript.ModuleResolutionKind.NodeJs,
    lib: ['es2022'],
    allowNonTsExtensions: true,
    allowJs: true,
    checkJs: false,
    strict: false,
    noImplicitAny: false,
    esModuleInterop: true,
    skipLibCheck: true,
  });
  languageDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, diagnosticCodesToIgnore: NOTEBOOK_IGNORED_DIAGNOSTICS });
  languageDefaults.setEagerModelSync(true);
  languageDefaults.setExtraLibs(LOSSBOOK_EXTRA_LIBS);
}

let typesLoaded: Promise<void> | undefined;
/** Load the tfjs .d.ts files into the TS worker once (after the first editor shows). */
export function loadTfjsTypes(): Promise<void> {
  typesLoaded ??= import('./tfjs-types').then(({ tfjsTypeDefinitions }) => {
    const libs = tfjsTypeDefinitions().map(([filePath, content]) => ({ filePath, content }));
    for (const languageDefaults of defaults) languageDefaults.setExtraLibs([...LOSSBOOK_EXTRA_LIBS, ...libs]);
  });
  return typesLoaded;
}


monaco.editor.defineTheme('lossbook-light', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#00000000', 'editorGutter.background': '#00000000', 'editor.lineHighlightBackground': '#0000000a', 'editorLineNumber.foreground': '#9aa1ab' },
});
monaco.editor.defineTheme('lossbook-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#00000000', 'editorGutter.background': '#00000000', 'editor.lineHighlightBackground': '#ffffff0a', 'editorLineNumber.foreground': '#5c6370' },
});
monaco.editor.setTheme(isDark() ? 'lossbook-dark' : 'lossbook-light');
onThemeChange(() => monaco.editor.setTheme(isDark() ? 'lossbook-dark' : 'lossbook-light'));

export { monaco };
