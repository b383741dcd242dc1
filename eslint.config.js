// ESLint flat config. Tests (*.test.ts) may reach across layers to set up fixtures.
// Besides style, it enforces the import direction of shared/design.md:
//   shared ← kernel, host;  host ← main, cli;  renderer imports only shared (+ the API interface).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

const layer = (names) => ({ regex: `(^|/)(${names.join('|')})(/|$)` });
const restrict = (message, names, extraPaths = []) => [
  'error',
  {
    paths: extraPaths.map((name) => ({ name, message })),
    patterns: [{ ...layer(names), message }],
  },
];
const nodeBuiltins = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'child_process', 'node:child_process', 'electron'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', '.gpu-kit/**', 'coverage/**', 'e2e/artifacts/**', '.venv-ray/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['src/shared/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        'src/shared is pure TypeScript for every process: no electron, no node:fs, no other layer (design.md).',
        ['kernel', 'host', 'main', 'preload', 'renderer', 'cli'],
        nodeBuiltins,
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'localStorage', 'navigator'],
    },
  },
  {
    files: ['src/kernel/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict('The kernel imports only src/shared (design.md).', ['host', 'main', 'preload', 'renderer', 'cli'], ['electron']),
    },
  },
  {
    files: ['src/host/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        'src/host is Node shared by Electron main and the CLI: no electron, no kernel internals, no UI (design.md).',
        ['kernel', 'main', 'preload', 'renderer', 'cli'],
        ['electron'],
      ),
    },
  },
  {
    files: ['src/main/**', 'src/preload/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict('Electron code reaches the kernel only through src/host (design.md).', ['kernel', 'renderer', 'cli']),
    },
  },
  {
    files: ['src/cli/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict('The CLI stands on src/host and src/shared only (design.md).', ['kernel', 'main', 'preload', 'renderer'], ['electron']),
    },
  },
  {
    files: ['src/renderer/**'],
    ignores: ['**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        'The renderer talks only through the API interface; it imports src/shared and nothing of kernel/host/main/cli (design.md).',
        ['kernel', 'host', 'main', 'preload', 'cli'],
        nodeBuiltins,
      ),
    },
  },
);
