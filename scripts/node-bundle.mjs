// esbuild options shared by every plain-Node bundle of ours: the kernel and the CLI
// (build-node.mjs), the kernel the benchmarks run (bench/lifetimes.bench.ts) and the GPU kit's
// bench (gpu-kit/pack.mjs). npm packages stay external: they resolve from node_modules at run time
// (tfjs backends load their own .wasm / native files), and ESM output gets a CommonJS `require`.

export const REQUIRE_BANNER = "import { createRequire as __lbCreateRequire } from 'node:module'; const require = __lbCreateRequire(import.meta.url);";

/** @type {import('esbuild').BuildOptions} */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  banner: { js: REQUIRE_BANNER },
};
