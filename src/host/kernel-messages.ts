// What the supervisor tells the user about a kernel: why it could not start, why it died, what
// a restart lost. Plain functions of what was observed, so they are tested on their own.
import type { MemorySnapshot } from '../shared/protocol';

/** Thrown to callers when the kernel cannot start; the message is for the user. */
export class KernelStartError extends Error {
  override name = 'KernelStartError';
}

export const LOST_CONNECTION_REASON = 'the kernel closed its connection to Lossbook (a cell called process.disconnect()?) and was ended';

/** Notices tfjs and Node print on their own; never the reason a kernel exited. */
const UNRELATED_NOTICE = /^[-=*_~ ]+$|^(\(node:\d+\) )?(warning|warn|notice|info)\b|Hi there|Looks like you are running TensorFlow\.js|has already been set|already registered|Overwriting the platform|--trace-warnings/i;

/**
 * The last line of the kernel's own output that is not a routine notice. Simply the last line
 * was often a tfjs notice unrelated to why the kernel exited, and issue 17 found the crash
 * message blaming it.
 */
function failureLine(output: string): string | undefined {
  const lines = output.trim().split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!.trim();
    if (line && !UNRELATED_NOTICE.test(line)) return line;
  }
  return undefined;
}

export function crashReason(code: number | null, signal: string | null, output: string): string {
  const lastLine = failureLine(output);
  if (/JavaScript heap out of memory|Reached heap limit|Allocation failed - process out of memory/i.test(output)) {
    return 'out of memory: the JavaScript heap is full (free tensors or use smaller batches)';
  }
  if (/std::bad_alloc|OOM when allocating|out of memory/i.test(output)) return `out of memory${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`;
  if (signal === 'SIGKILL') return 'the kernel was killed by the system (SIGKILL), most likely the out-of-memory killer';
  if (signal === 'SIGABRT') return `the kernel aborted in native code (SIGABRT)${lastLine ? `: ${lastLine.slice(0, 200)}` : ''}`;
  if (signal === 'SIGSEGV' || signal === 'SIGBUS') return `the kernel crashed in native code (${signal})`;
  if (signal) return `the kernel was ended by signal ${signal}`;
  if (code === 70 && lastLine) return `the kernel failed to start: ${lastLine.slice(0, 300)}`;
  if (code !== null && code !== 0) return `the kernel exited with code ${code}${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`;
  return 'the kernel exited';
}

export function describeLostState(names: readonly string[]): string {
  if (names.length === 0) return 'nothing (the namespace was empty)';
  const shown = names.slice(0, 12).join(', ');
  return `the namespace (${shown}${names.length > 12 ? `, and ${names.length - 12} more` : ''}) — re-run the cells that define ${names.length === 1 ? 'it' : 'them'}`;
}

export function emptySnapshot(time: number): MemorySnapshot {
  return { numTensors: 0, numBytes: 0, rssBytes: 0, heapUsedBytes: 0, time };
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
