// Writes docs/catalog.md from the rule objects (src/shared/diagnosis/catalog.ts).
//   npm run catalog
import { writeFileSync } from 'node:fs';
import { allRules } from '../src/shared/diagnosis';
import { catalogMarkdown } from '../src/shared/diagnosis/catalog';

const target = new URL('../docs/catalog.md', import.meta.url);
writeFileSync(target, catalogMarkdown(allRules));
console.log(`wrote ${target.pathname} (${allRules.length} rules)`);
