import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

// Three Electron entries (main, preload, renderer). The kernel, the CLI and the browser-mode
// server are plain Node programs built by scripts/build-node.mjs, so nothing there needs Electron.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      // notebook-reader: the worker thread that parses untrusted notebooks outside main (src/host/isolated-reader.ts).
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts'), 'notebook-reader': resolve(__dirname, 'src/host/notebook-reader.worker.ts') } },
    },
  },
  preload: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    plugins: [vue()],
    // Plotly's "strict" build draws without eval (parcoords included), which the app's CSP forbids.
    resolve: { alias: { '@shared': resolve(__dirname, 'src/shared'), 'plotly.js-dist-min': 'plotly.js-strict-dist-min' } },
    build: {
      // electron-vite leaves the renderer unminified by default; browser mode serves it over HTTP
      // and Electron parses it at every window start, so it is minified.
      minify: 'esbuild',
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
