// The machinery of the API table (api.ts): one entry per method says what it takes (a zod
// schema, validated by the host: never trust the renderer), how the client passes it (the
// positional arguments the renderer writes) and what it answers. The client (api-client.ts),
// the call schema main and the host validate with, and the host's handler table are derived
// from it, so a method is written in two places: its entry and its host implementation.
import { z } from 'zod';

/** The result type of a method, carried by the type system only: the host is trusted, its answers are not validated. */
export interface Returns<Result> {
  readonly returns?: (result: Result) => void;
}
export function returns<Result>(): Returns<Result> {
  return {};
}

/**
 * How the client's positional arguments become the call's params: `'params'` — the one
 * argument is the params; a list of keys — argument i is params[keys[i]] (left out when undefined).
 */
export type ArgumentNames = 'params' | readonly string[];

export interface MethodDefinition {
  readonly params?: z.ZodType;
  readonly args?: ArgumentNames;
  readonly result: Returns<any>;
  /** Offered by browser mode only (the desktop app does it natively); the Electron client leaves it undefined. */
  readonly browserOnly?: true;
}
export type MethodTable = Record<string, MethodDefinition>;

/** An entry of the table, its literal argument names kept. */
export function method<const Definition extends MethodDefinition>(definition: Definition): Definition {
  return definition;
}

type ResultOf<D> = D extends { result: Returns<infer Result> } ? Result : never;
type ParamsInput<D> = D extends { params: infer P extends z.ZodType } ? z.input<P> : never;
type ParamsOutput<D> = D extends { params: infer P extends z.ZodType } ? z.output<P> : never;

/** `(notebook, path?)` from `{ notebook; path?: string }` and `['notebook', 'path']`. */
type Positional<Params, Keys> = Keys extends readonly [infer Head extends keyof Params, ...infer Rest]
  ? object extends Pick<Params, Head>
    ? [Params[Head]?, ...Positional<Params, Rest>]
    : [Params[Head], ...Positional<Params, Rest>]
  : [];

export type ClientMethod<D> = D extends { params: z.ZodType }
  ? D extends { args: infer Keys extends readonly string[] }
    ? (...args: Positional<ParamsInput<D>, Keys>) => Promise<ResultOf<D>>
    : (params: ParamsInput<D>) => Promise<ResultOf<D>>
  : () => Promise<ResultOf<D>>;

/** The methods a client offers: browser-only ones are optional. */
export type ClientMethods<T extends MethodTable> = {
  [M in keyof T as T[M] extends { browserOnly: true } ? never : M]: ClientMethod<T[M]>;
} & {
  [M in keyof T as T[M] extends { browserOnly: true } ? M : never]?: ClientMethod<T[M]>;
};

/** One validated call as it crosses IPC / the WebSocket: `{ method, params }`. */
export type CallOf<T extends MethodTable> = {
  [M in keyof T & string]: T[M] extends { params: z.ZodType } ? { method: M; params: ParamsOutput<T[M]> } : { method: M };
}[keyof T & string];

/** What the host implements: one function per method, given validated params. */
export type HandlersOf<T extends MethodTable> = {
  [M in keyof T]: (params: ParamsOutput<T[M]>) => Promise<ResultOf<T[M]>> | ResultOf<T[M]>;
};

/** The schema every call is validated with (unknown keys are dropped, as z.object does). */
export function callSchemaOf<T extends MethodTable>(table: T): z.ZodType<CallOf<T>> {
  const options = Object.entries(table).map(([name, definition]) =>
    definition.params ? z.object({ method: z.literal(name), params: definition.params }) : z.object({ method: z.literal(name) }),
  );
  return z.discriminatedUnion('method', options as [(typeof options)[number], ...(typeof options)[number][]]) as unknown as z.ZodType<CallOf<T>>;
}

/** The wire form of a client call: the positional arguments put where the entry says. */
export function callFromArguments(name: string, definition: MethodDefinition, args: readonly unknown[]): { method: string; params?: unknown } {
  if (!definition.params) return { method: name };
  if (definition.args === undefined || definition.args === 'params') return { method: name, params: args[0] };
  const params: Record<string, unknown> = {};
  definition.args.forEach((key, index) => {
    if (args[index] !== undefined) params[key] = args[index];
  });
  return { method: name, params };
}
