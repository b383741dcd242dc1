// Builds the plain-Node programs (no Electron): the kernel process and the lossbook CLI
// (which also serves browser mode). npm packages stay external: they resolve from
// node_modules at run time (tfjs backends load their own .wasm / native files).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  absWorkingDir: root,
  entryPoints: { kernel: 'src/kernel/main.ts', cli: 'src/cli/main.ts' },
  outdir: 'out/node',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __lbCreateRequire } from 'node:module'; const require = __lbCreateRequire(import.meta.url);",
  },
});
console.log('built out/node/kernel.mjs, out/node/cli.mjs');
