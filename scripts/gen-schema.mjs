// Writes the published JSON Schema of the .lossbook format to resources/lossbook.schema.json,
// generated from the zod schema in src/shared/notebook/format.ts (the one the app validates
// with), so the two cannot drift: src/shared/notebook/format-schema.test.ts fails when stale.
//   node --import tsx scripts/gen-schema.mjs           write it
//   node --import tsx scripts/gen-schema.mjs --check   exit 1 if it is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lossbookJsonSchema } from '../src/shared/notebook/format.ts';

const target = fileURLToPath(new URL('../resources/lossbook.schema.json', import.meta.url));
const text = JSON.stringify(lossbookJsonSchema(), null, 2) + '\n';
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('resources/lossbook.schema.json is stale: run `node --import tsx scripts/gen-schema.mjs`');
    process.exit(1);
  }
  console.log('resources/lossbook.schema.json is up to date');
} else {
  writeFileSync(target, text);
  console.log('wrote resources/lossbook.schema.json');
}
