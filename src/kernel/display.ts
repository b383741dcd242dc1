// The value of a cell's last expression, as the notebook shows it: tensors with dtype, shape,
// tf's own print and a min/max/mean summary; models with their summary and parameter count;
// plain data as JSON; anything else as util.inspect text. Bounded, so a huge value cannot
// flood the protocol.
import { inspect } from 'node:util';
import type * as tfType from '@tensorflow/tfjs';
import type { DisplayValue } from '../shared/protocol';
import type { Tf } from './monitor-api';

const MAX_TEXT = 100_000;
const MAX_JSON = 100_000;

export async function describeValue(tf: Tf, value: unknown): Promise<DisplayValue | undefined> {
  if (value === undefined) return undefined;
  if (value instanceof tf.Tensor) return describeTensor(tf, value);
  if (value instanceof tf.LayersModel) return describeModel(value);
  // `await model.fit(...)` as a cell's last line: show the metrics per epoch, not the object
  // (which reaches the whole model).
  if (value instanceof tf.History) {
    const history = value as tfType.History;
    return { kind: 'json', json: { epoch: [...history.epoch], history: await plainHistory(history.history) } };
  }
  if (typeof value === 'string') return { kind: 'text', text: truncate(value) };
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || typeof value === 'symbol' || value === null) {
    return { kind: 'text', text: inspect(value) };
  }
  if (typeof value === 'function') return { kind: 'text', text: truncate(inspect(value)) };
  if (isPlainData(value, 0)) {
    const json = JSON.stringify(value);
    if (json !== undefined && json.length <= MAX_JSON) return { kind: 'json', json: JSON.parse(json) as unknown };
  }
  return { kind: 'text', text: truncate(inspect(value, { depth: 2, maxArrayLength: 50, maxStringLength: 2_000, breakLength: 100 })) };
}

/**
 * Values are read back asynchronously: a synchronous read (dataSync, and tensor.toString() which
 * uses it) is impossible on the webgpu backend in Node (it reads through an OffscreenCanvas). tf's
 * own print is taken from a host copy, which stays on the CPU on every backend until it is used.
 */
async function describeTensor(tf: Tf, tensor: tfType.Tensor): Promise<DisplayValue> {
  if (tensor.isDisposed) return { kind: 'text', text: `Tensor (disposed) dtype=${tensor.dtype} shape=[${tensor.shape.join(', ')}]` };
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32' && tensor.dtype !== 'bool') {
    return { kind: 'tensor', dtype: tensor.dtype, shape: [...tensor.shape], text: truncate(tensor.toString()) };
  }
  const values = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
  const host = tf.tensor(values, tensor.shape, tensor.dtype);
  let text: string;
  try {
    text = truncate(host.toString());
  } finally {
    host.dispose();
  }
  return { kind: 'tensor', dtype: tensor.dtype, shape: [...tensor.shape], text, ...(values.length > 0 ? { stats: summarize(values) } : {}) };
}

/** min, max and mean as tf.min/max/mean give them: NaN when any value is NaN. */
function summarize(values: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN };
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
  }
  return { min, max, mean: sum / values.length };
}

function describeModel(model: tfType.LayersModel): DisplayValue {
  const lines: string[] = [];
  try {
    model.summary(undefined, undefined, (line: string) => lines.push(line));
  } catch (error) {
    // An unbuilt Sequential has no summary yet; say so instead of failing the cell.
    lines.push(`(no summary: ${(error as Error).message})`);
  }
  let params = 0;
  try {
    params = model.countParams();
  } catch {
    params = 0;
  }
  return { kind: 'model', name: model.name, text: truncate(lines.join('\n')), params };
}

async function plainHistory(history: Record<string, Array<number | tfType.Tensor>>): Promise<Record<string, Array<number | null>>> {
  const plain: Record<string, Array<number | null>> = {};
  for (const [name, values] of Object.entries(history)) {
    const numbers: Array<number | null> = [];
    for (const entry of values) {
      const number = typeof entry === 'number' ? entry : entry.isDisposed ? Number.NaN : ((await entry.data())[0] ?? Number.NaN);
      numbers.push(Number.isFinite(number) ? number : null);
    }
    plain[name] = numbers;
  }
  return plain;
}

/** Plain JSON-able data: primitives, arrays and plain objects, not too deep. */
function isPlainData(value: unknown, depth: number): boolean {
  if (depth > 20) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.length <= 10_000 && value.every((item) => isPlainData(item, depth + 1));
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return false;
    const entries = Object.values(value as Record<string, unknown>);
    return entries.length <= 10_000 && entries.every((item) => isPlainData(item, depth + 1));
  }
  return false;
}

function truncate(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT)}\n… (${text.length - MAX_TEXT} more characters not shown)`;
}
