// Stale cells (issue 21, the way marimo shows them, without re-running anything): a cell's
// outputs describe the state it ran in; they go stale when that state may have changed — its
// own code or a cell above it was edited since, or the kernel restarted (its namespace is gone).
import { reactive } from 'vue';

interface RunMark {
  /** The edit sequence number when the run started. */
  sequence: number;
  /** The kernel generation it ran in. */
  generation: number;
  source: string;
}

export class StaleTracker {
  private sequence = 0;
  private readonly state = reactive({ generation: 0, runs: new Map<string, RunMark>(), edits: new Map<string, number>() });

  ran(cellId: string, source: string): void {
    this.state.runs.set(cellId, { sequence: ++this.sequence, generation: this.state.generation, source });
  }

  edited(cellId: string): void {
    this.state.edits.set(cellId, ++this.sequence);
  }

  kernelRestarted(): void {
    this.state.generation += 1;
  }

  /** How many cells ran in the kernel as it is now (since the last restart): what a restart loses. */
  ranSinceRestart(): number {
    let count = 0;
    for (const run of this.state.runs.values()) if (run.generation === this.state.generation) count += 1;
    return count;
  }

  forget(cellId: string): void {
    this.state.runs.delete(cellId);
  }

  reset(): void {
    this.state.runs.clear();
    this.state.edits.clear();
  }

  /**
   * Why the cell's outputs may no longer match the namespace, or undefined when they do (or it
   * has not run in this session). `cellsAbove` are the cells before it, in order.
   */
  reason(cell: { id: string; source: string }, cellsAbove: ReadonlyArray<{ id: string; kind: string }>): string | undefined {
    const run = this.state.runs.get(cell.id);
    if (!run) return undefined;
    if (run.generation !== this.state.generation) return 'The kernel restarted since this cell ran: the variables it made are gone.';
    if (cell.source !== run.source) return 'Edited since it ran: the output is from the previous code.';
    const edited = cellsAbove.find((above) => above.kind === 'code' && (this.state.edits.get(above.id) ?? 0) > run.sequence);
    if (edited) return `A cell above (${cellsAbove.indexOf(edited) + 1}) was edited after this one ran.`;
    return undefined;
  }
}
