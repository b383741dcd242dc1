// Dynamic checks (catalog §3): per step / epoch, from the loss, gradients, weight updates and
// activation probes that the monitor collects while training runs. One file per family; a new rule
// goes into its family's list (one file), a new family file adds one line here.
import type { Rule } from '../types';
import { activationRules } from './activations';
import { gradientRules } from './gradients';
import { lossRules } from './loss';
import { progressRules } from './progress';

export { SATURATION_PRE_ACTIVATION, TFJS_CLIPPED_LOSS } from './signals';

export const dynamicRules: Rule[] = [...lossRules, ...progressRules, ...gradientRules, ...activationRules];
