// The one-line summary of a folded JSON output, the same in the app (CellOutputs) and the report.

/** `{ epoch, history, … }` / `Array(60)`: what a folded value is (a History object, a big config). */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    return `{ ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''} }`;
  }
  return String(value);
}
