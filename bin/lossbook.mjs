#!/usr/bin/env node
// The `lossbook` command: runs the built CLI (npm run build makes out/node/cli.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/node/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  console.error('lossbook: the CLI is not built yet. Run `npm run build` in the Lossbook folder first.');
  process.exit(2);
}
await import(pathToFileURL(cli).href);
