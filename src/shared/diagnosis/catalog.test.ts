// The catalog has one source of truth, the rule objects: docs/catalog.md is generated from them and
// must match, every id of the original catalog (../shared/checklists.md, outside the repository)
// maps to a rule when that file is present, and every threshold a rule declares controls something.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from './index';
import { catalogMarkdown } from './catalog';

describe('the catalog', () => {
  it('docs/catalog.md is what `npm run catalog` generates from the rules', () => {
    const file = readFileSync(new URL('../../../docs/catalog.md', import.meta.url), 'utf8');
    expect(file).toBe(catalogMarkdown(allRules));
  });

  it('lists every rule once, with its explanation, fix and source', () => {
    const ids = allRules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    const markdown = catalogMarkdown(allRules);
    for (const rule of allRules) {
      expect(markdown, rule.id).toContain(`### \`${rule.id}\``);
      expect(rule.explanation.length, rule.id).toBeGreaterThan(40);
      expect(rule.source.length, rule.id).toBeGreaterThan(2);
      expect(rule.fix.text.length, rule.id).toBeGreaterThan(10);
    }
  });

  it('every threshold a rule declares is read by the rule (none that controls nothing)', () => {
    const unread: string[] = [];
    for (const rule of allRules) {
      // Rules read their thresholds as this.thresholds.x or through a local `t`: a property access.
      const code = `${rule.check.toString()}\n${rule.needsSymptom?.toString() ?? ''}`;
      for (const name of Object.keys(rule.thresholds)) if (!new RegExp(`\\.${name}\\b`).test(code)) unread.push(`${rule.id}.${name}`);
    }
    expect(unread).toEqual([]);
  });

  const checklists = new URL('../../../../shared/checklists.md', import.meta.url);
  it.runIf(existsSync(checklists))('maps every rule id of the original catalog (../shared/checklists.md) to a rule', () => {
    const ids = [...readFileSync(checklists, 'utf8').matchAll(/^\| `([a-z]+\.[a-z-]+)`/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(45);
    const ruleIds = new Set(allRules.map((rule) => rule.id));
    expect(ids.filter((id) => !ruleIds.has(id))).toEqual([]);
  });
});
