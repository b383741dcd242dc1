// Loader hooks for trace-esm.mjs: records resolved file: URLs under node_modules.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let file;
const seen = new Set();

export function initialize({ folder, pid }) {
  file = join(folder, `esm-${pid}.txt`);
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (file && result.url.startsWith('file:') && result.url.includes('node_modules') && !seen.has(result.url)) {
    seen.add(result.url);
    appendFileSync(file, `${fileURLToPath(result.url)}\n`);
  }
  return result;
}
