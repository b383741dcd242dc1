// The monitor's outgoing stream: metric points coalesced into one `metrics` event per ~100 ms
// (design.md: ~10 per second), followed by whatever else changed since (progress, findings).
import type { Disposable, KernelEvent, MetricPoint } from '../../shared/protocol';
import type { RunContext } from '../monitor-api';
import { MONITOR_LIMITS, now } from './limits';

export class EventBatcher implements Disposable {
  private pending: MetricPoint[] = [];
  private lastFlush = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The run finished: no timer is armed any more (the final flush is explicit). */
  private closed = false;

  /** `drain`: the other events due with the next batch, in the order they are sent after the metrics. */
  constructor(
    private readonly run: RunContext,
    private readonly drain: () => KernelEvent[],
  ) {}

  point(name: string, step: number, epoch: number, value: number): void {
    this.pending.push({ name, step, epoch, value: Number.isFinite(value) ? value : null });
  }

  maybeFlush(): void {
    const time = now();
    if (time - this.lastFlush >= MONITOR_LIMITS.flushMs || this.pending.length > 5000) this.flush(false);
    else if (!this.timer && !this.closed) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush(false);
      }, MONITOR_LIMITS.flushMs);
      this.timer.unref?.();
    }
  }

  flush(force: boolean): void {
    if (this.timer && force) this.clearTimer();
    this.lastFlush = now();
    const events: KernelEvent[] = [];
    if (this.pending.length) {
      events.push({ type: 'metrics', runId: this.run.runId, points: this.pending });
      this.pending = [];
    }
    events.push(...this.drain());
    for (const event of events) {
      try {
        this.run.emit(event);
      } catch {
        // The stream is the kernel's; a failing emit must not break the user's training.
      }
    }
  }

  close(): void {
    this.closed = true;
  }

  /** Drops points not sent yet (the run is disposed without finishing). */
  discard(): void {
    this.pending = [];
  }

  dispose(): void {
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
