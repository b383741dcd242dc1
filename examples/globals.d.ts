// What a notebook cell sees besides its imports: the `lossbook` object the kernel provides
// (src/kernel/kernel.ts), typed so the gallery typechecks.
import type { Checks } from '../src/kernel/checks';

declare global {
  const lossbook: {
    checks: Checks;
    log(values: Record<string, number>, step?: number): void;
    readonly signal: AbortSignal;
  };
}
