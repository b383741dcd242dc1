// How long an interrupted cell gets to stop before the kernel is killed and restarted (the
// graded interrupt of design.md "Kernel rules"), and how the supervisor says so to the user.
import { seconds } from './kernel-messages';

export const DEFAULT_INTERRUPT_GRACE_MS = 1_500;
export const DEFAULT_INTERRUPT_MAX_GRACE_MS = 60_000;
/**
 * How long to wait for a cell to stop after an interrupt. Training stops at the next batch
 * boundary, which can be a whole batch away: a CPU CNN batch of ~4 s was killed after the fixed
 * 1.5 s, losing every variable. So while batches are being timed, the grace covers the slowest
 * recent batch with a margin, on top of the base grace (never above `maxMs`).
 */
export function interruptGraceFor(baseMs: number, recentBatchMs: readonly number[], maxMs = DEFAULT_INTERRUPT_MAX_GRACE_MS): number {
  const slowest = Math.max(0, ...recentBatchMs.filter(Number.isFinite));
  if (slowest === 0) return baseMs;
  return Math.min(Math.max(baseMs, maxMs), Math.round(baseMs + 1.25 * slowest));
}

/** Why the kernel state is `interrupting`, when the grace was stretched for slow batches. */
export function stretchedGraceReason(baseMs: number, graceMs: number, slowestBatchMs: number): string | undefined {
  return graceMs > baseMs ? `stopping at the next batch boundary: batches take up to ${seconds(slowestBatchMs)} here, so the kernel gets ${seconds(graceMs)} before it is restarted` : undefined;
}

/** Why the kernel was restarted after an interrupt: the time it really waited (timers run late on a busy machine), and why it gave up. */
export function hardRestartReason(waitedMs: number, slowestBatchMs: number): string {
  const waited = seconds(waitedMs);
  return slowestBatchMs > 0
    ? `the cell did not stop within ${waited} of the interrupt, though its batches took at most ${seconds(slowestBatchMs)} (a batch far slower than the ones before, or a long operation), so the kernel was restarted`
    : `the cell did not stop within ${waited} of the interrupt (a synchronous loop or a long operation), so the kernel was restarted`;
}
