// Builds the plain-Node programs (no Electron): the kernel process and the lossbook CLI
// (which also serves browser mode). Bundle options: node-bundle.mjs.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { NODE_BUNDLE } from './node-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  ...NODE_BUNDLE,
  absWorkingDir: root,
  // notebook-reader: the worker thread that parses untrusted notebooks (src/host/isolated-reader.ts).
  entryPoints: { kernel: 'src/kernel/main.ts', cli: 'src/cli/main.ts', 'notebook-reader': 'src/host/notebook-reader.worker.ts' },
  outdir: 'out/node',
  outExtension: { '.js': '.mjs' },
  sourcemap: true,
});
console.log('built out/node/kernel.mjs, out/node/cli.mjs, out/node/notebook-reader.mjs');
