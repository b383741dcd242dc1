// Which notebook globals hold the model, data and optimizer of a fit, and the text of the fit
// call in the running cell (issue 22: fixes that run as inserted). Cells' top-level declarations
// are properties of the kernel's global object (transform.ts), so identity with a global's value
// names them. Nothing found → the name stays unbound and the fix says so.
import type { FixBindings } from '../shared/diagnosis';
import type { FitObservation } from './monitor-api';

function globalNameOf(value: unknown, names: readonly string[], scope: Record<string, unknown>): string | undefined {
  if (value === undefined || value === null) return undefined;
  // Cells' names first (a user's `model`), never the kernel's own helpers.
  return names.find((name) => !name.startsWith('__') && name !== 'tf' && name !== 'lossbook' && scope[name] === value);
}

/** From `start` (an opening parenthesis) to its matching close, skipping strings; -1 if unbalanced. */
function matchingParen(source: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < source.length; i++) {
    const char = source[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Every `model.fit(xs, ys, { … })` in the cell for the model held in `modelName` (a match inside a string is a candidate too; the caller keeps the first that resolves). */
export function fitCallTexts(source: string, modelName: string, method: 'fit' | 'fitDataset'): string[] {
  const pattern = new RegExp(`\\b${modelName.replace(/[$]/g, '\\$')}\\s*\\.\\s*${method}\\s*\\(`, 'g');
  const calls: string[] = [];
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    const open = match.index + match[0].length - 1;
    const close = matchingParen(source, open);
    if (close > 0) calls.push(source.slice(match.index, close + 1));
  }
  return calls;
}

export function fitCallText(source: string, modelName: string, method: 'fit' | 'fitDataset'): string | undefined {
  return fitCallTexts(source, modelName, method)[0];
}

/** Every plain name a call passes is a notebook global (not a local of a function, not a parameter). */
function resolvable(call: string, scope: Record<string, unknown>): boolean {
  const callArguments = call.slice(call.indexOf('(') + 1, -1);
  if (/=>|\bfunction\b/.test(callArguments)) return false;
  const identifiers = callArguments.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, '').match(/(?<![.\w$])[A-Za-z_$][\w$]*(?=\s*[,)\].}]|\s*$)/g) ?? [];
  return identifiers.every((name) => ['true', 'false', 'null', 'undefined', 'tf', 'lossbook'].includes(name) || name in scope);
}

/** A fit call rebuilt from its arguments, when the cell's text does not show it (or shows it under another name). */
function rebuiltFitCall(model: string, x: string, y: string, args: Record<string, unknown>): string {
  const kept = ['epochs', 'batchSize', 'validationSplit', 'shuffle', 'verbose'].filter((key) => ['number', 'boolean'].includes(typeof args[key]));
  const options = kept.map((key) => `${key}: ${String(args[key])}`).join(', ');
  return `await ${model}.fit(${x}, ${y}${options ? `, { ${options} }` : ''})`;
}

export function findBindings(observation: FitObservation, source: string | undefined, scope: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): FixBindings {
  const names = Object.keys(scope);
  const bindings: FixBindings = {};
  const model = globalNameOf(observation.model, names, scope);
  const dataset = observation.dataset !== undefined ? globalNameOf(observation.dataset, names, scope) : undefined;
  const x = observation.dataset === undefined ? globalNameOf(observation.x, names, scope) : undefined;
  const y = observation.dataset === undefined ? globalNameOf(observation.y, names, scope) : undefined;
  const optimizer = globalNameOf((observation.model as { optimizer?: unknown }).optimizer, names, scope);
  if (model) bindings.model = model;
  if (x) bindings.x = x;
  if (y) bindings.y = y;
  if (optimizer) bindings.optimizer = optimizer;
  if (!model) return bindings;
  const method = observation.dataset !== undefined ? 'fitDataset' : 'fit';
  // The call as written, if every plain name it passes is a global (not a local of a function).
  const written = source ? fitCallTexts(source, model, method).find((call) => resolvable(call, scope)) : undefined;
  if (written) bindings.fit = `await ${written}`;
  else if (x && y) bindings.fit = rebuiltFitCall(model, x, y, observation.args);
  else if (dataset && method === 'fitDataset' && typeof observation.args.epochs === 'number') bindings.fit = `await ${model}.fitDataset(${dataset}, { epochs: ${observation.args.epochs} })`;
  return bindings;
}
