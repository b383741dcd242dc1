// stdout/stderr of cells: every write to process.stdout/stderr (console.* writes through them)
// while a run is active becomes `stream` events for that run, coalesced (one event per ~50 ms
// or 64 KB, not one per console.log) and bounded per run so printing 100 MB cannot flood the
// host; the rest is dropped with a note. Outside runs, writes go to the real streams.
import type { Disposable } from '../shared/protocol';

export const DEFAULT_OUTPUT_LIMIT_BYTES = 2 * 1024 * 1024;
const FLUSH_BYTES = 64 * 1024;
const FLUSH_INTERVAL_MS = 50;

type StreamName = 'stdout' | 'stderr';
type Write = typeof process.stdout.write;

export interface OutputSink {
  (runId: string, name: StreamName, text: string): void;
}

interface ActiveOutput {
  runId: string;
  used: number;
  dropped: number;
  pending: { name: StreamName; text: string }[];
  pendingBytes: number;
  timer: NodeJS.Timeout | undefined;
}

export class OutputCapture implements Disposable {
  private active: ActiveOutput | undefined;
  private readonly originals: Record<StreamName, Write>;

  constructor(
    private readonly sink: OutputSink,
    private readonly limitBytes = DEFAULT_OUTPUT_LIMIT_BYTES,
  ) {
    this.originals = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = this.interceptor('stdout');
    process.stderr.write = this.interceptor('stderr');
  }

  /** Writes to the kernel's real stderr (the supervisor's crash diagnostics), bypassing capture. */
  writeKernelStderr(text: string): void {
    this.originals.stderr.call(process.stderr, text);
  }

  begin(runId: string): void {
    this.end();
    this.active = { runId, used: 0, dropped: 0, pending: [], pendingBytes: 0, timer: undefined };
  }

  /** Write text to the current run as if the cell printed it (not counted against the limit). */
  note(name: StreamName, text: string): void {
    const active = this.active;
    if (!active) return;
    this.flush();
    this.sink(active.runId, name, text);
  }

  end(): void {
    const active = this.active;
    if (!active) return;
    this.flush();
    if (active.dropped > 0) {
      this.sink(
        active.runId,
        'stderr',
        `\n… output truncated: ${formatBytes(active.dropped)} more were not shown (Lossbook keeps at most ${formatBytes(this.limitBytes)} of output per run).\n`,
      );
    }
    this.active = undefined;
  }

  dispose(): void {
    this.end();
    process.stdout.write = this.originals.stdout;
    process.stderr.write = this.originals.stderr;
  }

  private interceptor(name: StreamName): Write {
    const original = this.originals[name];
    const stream = name === 'stdout' ? process.stdout : process.stderr;
    return ((chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
      const active = this.active;
      if (!active) return (original as (...args: unknown[]) => boolean).call(stream, chunk, encodingOrCallback, callback);
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk);
      this.accept(active, name, text);
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    }) as Write;
  }

  private accept(active: ActiveOutput, name: StreamName, text: string): void {
    const room = this.limitBytes - active.used;
    let kept = text;
    if (text.length > room) {
      kept = room > 0 ? text.slice(0, room) : '';
      active.dropped += text.length - kept.length;
    }
    if (!kept) return;
    active.used += kept.length;
    const last = active.pending.at(-1);
    if (last && last.name === name) last.text += kept;
    else active.pending.push({ name, text: kept });
    active.pendingBytes += kept.length;
    if (active.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!active.timer) {
      active.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
      active.timer.unref();
    }
  }

  /** Send what is buffered now (before a display value, so output keeps its order). */
  flush(): void {
    const active = this.active;
    if (!active) return;
    if (active.timer) clearTimeout(active.timer);
    active.timer = undefined;
    const pending = active.pending;
    active.pending = [];
    active.pendingBytes = 0;
    for (const part of pending) this.sink(active.runId, part.name, part.text);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}
