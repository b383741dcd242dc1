// Coarse → fine: a narrower search space around the best trials, written as code to paste.
import type { SweepState } from './scheduler';
import { refineSpace, type ParamSpec, type SearchSpace } from './space';
import { formatValue, isFiniteNumber } from './format';
import { rankTrials } from './trials-table';

export interface RefineProposal {
  /** Trials the narrower space is built around, best first. */
  basedOn: number[];
  space: SearchSpace;
  /** What changed, per parameter: "1e-5 … 0.1 → 0.0005 … 0.008". */
  changes: Array<{ param: string; from: string; to: string }>;
  /** Ready to paste into a lossbook.sweep({...}) call: `space: { lr: lossbook.sweep.logUniform(…), … },` */
  snippet: string;
  /** A runnable cell defining `refinedSpace`, for "insert as a cell". */
  cellCode: string;
}

/** A number literal with 3 significant digits, rounded outward so the written range still covers the refined one. */
function codeNumber(value: number, direction: 'down' | 'up'): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  let rounded = Number(value.toPrecision(3));
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 2);
  if (direction === 'down' && rounded > value) rounded = Number((rounded - unit).toPrecision(3));
  if (direction === 'up' && rounded < value) rounded = Number((rounded + unit).toPrecision(3));
  return String(rounded);
}

function specCode(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'choice':
      return `lossbook.sweep.choice([${spec.values.map((value) => JSON.stringify(value)).join(', ')}])`;
    case 'intUniform':
      return `lossbook.sweep.intUniform(${spec.low}, ${spec.high})`;
    default: {
      const low = codeNumber(spec.low, 'down');
      const high = codeNumber(spec.high, 'up');
      // Rounding down can reach 0 or cross high on tiny spans; keep the literal valid for its kind.
      const safeLow = spec.kind === 'logUniform' && !(Number(low) > 0) ? String(spec.low) : low;
      return `lossbook.sweep.${spec.kind}(${safeLow}, ${Number(high) >= Number(safeLow) ? high : String(spec.high)})`;
    }
  }
}

function specRange(spec: ParamSpec): string {
  return spec.kind === 'choice' ? spec.values.map((value) => formatValue(value)).join(', ') : `${formatValue(spec.low)} … ${formatValue(spec.high)}`;
}

const propertyName = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

export function refineProposal(state: SweepState, top = 3, margin = 2): RefineProposal | undefined {
  // The same trials SweepResult.refine() uses: finished, not failed, with a finite metric.
  const best = rankTrials(state)
    .filter((trial) => trial.status !== 'failed' && isFiniteNumber(trial.best))
    .slice(0, top);
  if (best.length === 0) return undefined;
  const space = refineSpace(state.settings.space, best.map((trial) => trial.params), margin);
  const lines = Object.entries(space).map(([name, spec]) => `  ${propertyName(name)}: ${specCode(spec)},`);
  const snippet = `space: {\n${lines.join('\n')}\n},`;
  const ids = best.map((trial) => trial.id).join(', ');
  const cellCode = [
    `// Coarse → fine (seed 001): a narrower space around the best ${best.length} trial${best.length > 1 ? 's' : ''} (${ids}) of this sweep.`,
    `// Run the sweep again with it: lossbook.sweep({ ...yourOptions, space: refinedSpace })`,
    `const refinedSpace = {\n${lines.join('\n')}\n};`,
  ].join('\n');
  const changes = Object.entries(space).map(([param, spec]) => ({ param, from: specRange(state.settings.space[param]!), to: specRange(spec) }));
  return { basedOn: best.map((trial) => trial.id), space, changes, snippet, cellCode };
}

