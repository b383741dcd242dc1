// Fuzzing real saved notebooks (issue 17), shared by the CI test (notebook-fuzz.test.ts, a small
// corpus) and the long run (`npm run bench -- fuzz`). Each case mutates a fixture written by
// `lossbook run --save` — truncation, bit flips, wrong types, huge lengths, deep nesting,
// prototype keys — and puts it through `lossbook export`. The property: the file is refused with
// a reason (exit 2) or exported (exit 0); never another error, never over 5 s, never a modified
// input file, and Object.prototype is never touched.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { exportCommand } from './commands';
import { EXIT } from './exit-codes';
import { FIXTURE_NAMES, fixtureText } from '../host/hostile-notebooks.testing';
import { textSink } from './text-sink';

export const CASE_TIME_LIMIT_MS = 5_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A path into the document: keys and indexes from the root. */
type JsonPath = Array<string | number>;

function paths(value: Json, prefix: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((child, index) => paths(child, [...prefix, index], out));
  else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) paths(child, [...prefix, key], out);
  return out;
}

function setAt(root: Json, path: JsonPath, replacement: Json): Json {
  if (path.length === 0) return replacement;
  let parent = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  parent[path.at(-1)!] = replacement;
  return root;
}

function getAt(root: Json, path: JsonPath): Json {
  let value = root;
  for (const key of path) value = (value as Record<string | number, Json>)[key]!;
  return value;
}

const WRONG_VALUES: Json[] = [null, 0, -1, -0, 1e308, -1e308, 2 ** 53, 0.5, '', 'x', '1970-01-01', [], {}, true, false, [null], { length: 1 }];
const HUGE_LENGTHS = [2 ** 32 - 1, 2 ** 31, 2 ** 31 - 1, 1e15, Number.MAX_SAFE_INTEGER, 1e308, 1e9];
const DEPTHS = [200, 257, 1_000, 10_000, 100_000];
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

export type Mutation =
  | { kind: 'truncate'; fixture: number; at: number }
  | { kind: 'bit-flips'; fixture: number; flips: Array<[number, number]> }
  | { kind: 'wrong-type'; fixture: number; path: number; value: number }
  | { kind: 'huge-length'; fixture: number; path: number; length: number }
  | { kind: 'deep-nesting'; fixture: number; path: number; depth: number; objects: boolean }
  | { kind: 'prototype-key'; fixture: number; path: number; key: number };

const fixture = fc.nat(FIXTURE_NAMES.length - 1);
const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

/** fast-check arbitrary of mutations; positions are fractions so one mutation fits every fixture. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), fixture, at: fraction }),
  fc.record({ kind: fc.constant('bit-flips' as const), fixture, flips: fc.array(fc.tuple(fraction, fc.nat(7)), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('wrong-type' as const), fixture, path: fraction, value: fc.nat(WRONG_VALUES.length - 1) }),
  fc.record({ kind: fc.constant('huge-length' as const), fixture, path: fraction, length: fc.nat(HUGE_LENGTHS.length - 1) }),
  fc.record({ kind: fc.constant('deep-nesting' as const), fixture, path: fraction, depth: fc.nat(DEPTHS.length - 1), objects: fc.boolean() }),
  fc.record({ kind: fc.constant('prototype-key' as const), fixture, path: fraction, key: fc.nat(PROTOTYPE_KEYS.length - 1) }),
) as fc.Arbitrary<Mutation>;

const pick = <T>(items: readonly T[], at: number): T => items[Math.min(items.length - 1, Math.floor(at * items.length))]!;

/** The mutated file's bytes. */
export function applyMutation(mutation: Mutation): Buffer {
  const text = fixtureText(FIXTURE_NAMES[mutation.fixture]!);
  const bytes = Buffer.from(text, 'utf8');
  switch (mutation.kind) {
    case 'truncate':
      return bytes.subarray(0, Math.floor(mutation.at * bytes.length));
    case 'bit-flips': {
      const copy = Buffer.from(bytes);
      for (const [at, bit] of mutation.flips) {
        const index = Math.floor(at * copy.length);
        copy[index] = copy[index]! ^ (1 << bit);
      }
      return copy;
    }
    default:
      break;
  }
  const document = JSON.parse(text) as Json;
  const all = paths(document);
  if (mutation.kind === 'wrong-type') return Buffer.from(JSON.stringify(setAt(document, pick(all, mutation.path), structuredClone(WRONG_VALUES[mutation.value]!))));
  if (mutation.kind === 'huge-length') {
    const lengths = all.filter((path) => path.at(-1) === 'length');
    const target = lengths.length ? pick(lengths, mutation.path) : pick(all, mutation.path);
    return Buffer.from(JSON.stringify(setAt(document, target, HUGE_LENGTHS[mutation.length]!)));
  }
  if (mutation.kind === 'deep-nesting') {
    const depth = DEPTHS[mutation.depth]!;
    const [open, close] = mutation.objects ? ['{"a":', '}'] : ['[', ']'];
    const marked = JSON.stringify(setAt(document, pick(all, mutation.path), '@@DEEP@@'));
    return Buffer.from(marked.replace('"@@DEEP@@"', `${open.repeat(depth)}1${close.repeat(depth)}`));
  }
  // A prototype key as an own property (as JSON.parse makes it), holding what would pollute.
  const objects = all.filter((path) => {
    const value = getAt(document, path);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  });
  const holder = getAt(document, pick(objects, mutation.path)) as Record<string, Json>;
  Object.defineProperty(holder, PROTOTYPE_KEYS[mutation.key]!, { value: { polluted: true, toString: 'x', length: 2 ** 32 - 1 }, enumerable: true, configurable: true, writable: true });
  return Buffer.from(JSON.stringify(document));
}

export interface CaseOutcome {
  exit: number;
  ms: number;
  stderr: string;
}

/**
 * Export one mutated file from `folder`, asserting the property; throws with the mutation when
 * it does not hold (fast-check then shrinks it to the smallest failing case).
 */
export async function exportMutated(folder: string, mutation: Mutation, index: number): Promise<CaseOutcome> {
  const bytes = applyMutation(mutation);
  const input = join(folder, `case-${index}.lossbook`);
  await writeFile(input, bytes);
  const digest = createHash('sha256').update(bytes).digest('hex');
  const stderr = textSink();
  const started = performance.now();
  let exit: number;
  try {
    exit = await exportCommand(input, { html: join(folder, `case-${index}.html`) }, { stdout: textSink(), stderr, env: { CI: '1' } });
  } catch (error) {
    throw new Error(`export crashed (${(error as Error).name}: ${(error as Error).message}) on ${JSON.stringify(mutation)}`);
  }
  const ms = performance.now() - started;
  if (exit !== EXIT.ok && exit !== EXIT.usage) throw new Error(`export exited ${exit} on ${JSON.stringify(mutation)}`);
  if (exit === EXIT.usage && !/^lossbook: Cannot open ".+": .{10,}/.test(stderr.text)) throw new Error(`refused without a reason (${stderr.text}) on ${JSON.stringify(mutation)}`);
  if (ms > CASE_TIME_LIMIT_MS) throw new Error(`took ${Math.round(ms)} ms on ${JSON.stringify(mutation)}`);
  if (createHash('sha256').update(await readFile(input)).digest('hex') !== digest) throw new Error(`modified the input file on ${JSON.stringify(mutation)}`);
  if ((Object.prototype as Record<string, unknown>).polluted !== undefined) throw new Error(`polluted Object.prototype on ${JSON.stringify(mutation)}`);
  return { exit, ms, stderr: stderr.text };
}
