// A host answer that is already JSON text (the runs listing: 10,000 stored rows, bench/runs.bench.ts)
// crosses to the page without being parsed and re-serialized on the host. The WebSocket server
// splices the text into its message unescaped, so the page parses it once, with the message; over
// Electron's IPC the text is copied as a string and the one API client parses it. Node 20 has no
// JSON.rawJSON, hence this marker. Only a whole result may be raw (the client looks no deeper).
// The text comes in parts, joined once where it is sent: each copy of a 6 MB listing costs
// 25 ms here (bench/runs.bench.ts), and the store, the runs host and the server each add a piece.

const RAW_JSON = '$lossbookRawJson';

/** The marker a handler returns in place of its result: its parts, joined, are that result's JSON. */
export interface RawJsonResult {
  readonly [RAW_JSON]: readonly string[];
}

/**
 * A handler's result given as JSON text (in parts, joined without separators) that it trusts to be
 * valid JSON of type T: text the host wrote with JSON.stringify itself. Typed as T: the client
 * hands the page the parsed value.
 */
export function rawJson<T>(parts: readonly string[]): T {
  return { [RAW_JSON]: parts } satisfies RawJsonResult as unknown as T;
}

export function isRawJson(value: unknown): value is RawJsonResult {
  if (typeof value !== 'object' || value === null) return false;
  const parts = (value as Record<string, unknown>)[RAW_JSON];
  return Array.isArray(parts) && parts.every((part) => typeof part === 'string');
}

/**
 * What crosses Electron's IPC for a result: a raw one as its text (one string, one copy), anything
 * else as it is. The client parses the text (resolveRawJson).
 */
export function ipcResult(value: unknown): unknown {
  return isRawJson(value) ? { [RAW_JSON]: [value[RAW_JSON].join('')] } : value;
}

/** The client's side: a raw result parsed (IPC hands over the marker); anything else as it came. */
export function resolveRawJson(value: unknown): unknown {
  return isRawJson(value) ? (JSON.parse(value[RAW_JSON].join('')) as unknown) : value;
}

/**
 * The WebSocket reply `{"id":…,"result":…}`, with a raw result spliced in as it is. The id comes
 * first so that a page that cannot parse the reply can still tell whose call failed.
 */
export function stringifyReply(id: number, result: unknown): string {
  return isRawJson(result) ? [`{"id":${id},"result":`, ...result[RAW_JSON], '}'].join('') : JSON.stringify({ id, result });
}

/** The id of a reply the page could not parse (see stringifyReply), to fail that call and no other. */
export function replyIdOf(text: string): number | undefined {
  const match = /^\{"id":(\d+),/.exec(text);
  return match ? Number(match[1]) : undefined;
}
