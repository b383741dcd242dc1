// Every rule of the catalog, in the order the engine runs them (one file per family, plus task.ts).
import { dataRules } from './data';
import { dynamicRules } from './dynamic';
import { resourceRules } from './resources';
import { staticRules } from './static';
import { taskRules } from './task';
import { trendRules } from './trend';
import type { Rule } from './types';

export const allRules: readonly Rule[] = [...staticRules, ...dataRules, ...taskRules, ...dynamicRules, ...trendRules, ...resourceRules];
