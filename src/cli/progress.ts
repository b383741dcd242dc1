// What `lossbook run` prints while it runs. On a terminal: one live line with a bar (epoch,
// batch, loss) redrawn in place; otherwise (CI logs, pipes): one plain line per epoch. Cell
// output (console.log in cells) passes through; findings print once, when first seen.
import { isDismissed } from '../shared/diagnosis/findings-policy';
import type { RunRecord } from '../shared/notebook/model';
import type { Finding, HostEvent } from '../shared/protocol';
import { formatValue, latestSweepArtifacts, rankTrials } from '../shared/sweep/view-model';

export interface ProgressOptions {
  /** Where status lines go (stderr). */
  status: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Where cells' own output goes (stdout, or stderr when --json - takes stdout). */
  cellOutput: NodeJS.WritableStream;
  /** Force plain lines even on a terminal (--no-progress / CI=true). */
  plain?: boolean;
}

const SEVERITY_MARK: Record<Finding['severity'], string> = { error: '✖ error  ', warning: '⚠ warning', info: 'ℹ info   ' };

export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'NaN';
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5 ? value.toFixed(4) : value.toExponential(3);
}

export class ProgressReporter {
  private readonly tty: boolean;
  private liveLine = '';
  private label = '';
  private lastPlainEpoch = -1;
  private readonly seenFindings = new Set<string>();
  /** Sweep trials already reported, by `${sweep}:${trial}`: each snapshot repeats every earlier trial. */
  private readonly seenTrials = new Set<string>();
  private lastDraw = 0;

  constructor(private readonly options: ProgressOptions) {
    this.tty = Boolean(options.status.isTTY) && !options.plain;
  }

  /** A code cell starts: `position` of `total` code cells, notebook cell index `cellIndex`. */
  startCell(position: number, total: number, cellIndex: number): void {
    this.label = `cell ${cellIndex + 1} (${position}/${total})`;
    this.lastPlainEpoch = -1;
    this.line(`▶ ${this.label}`);
  }

  event(event: HostEvent, run: RunRecord, dismissed: Iterable<string>): void {
    switch (event.type) {
      case 'stream':
        this.clearLive();
        this.options.cellOutput.write(event.text);
        this.redrawLive();
        return;
      case 'error':
        this.line(`  ${event.error.name}: ${event.error.message}${event.error.line !== undefined ? ` (line ${event.error.line})` : ''}`);
        return;
      case 'progress':
        this.progress(event, run);
        return;
      case 'findings':
        for (const finding of event.findings) {
          if (this.seenFindings.has(`${run.runId}:${finding.key}`) || isDismissed(dismissed, finding)) continue;
          this.seenFindings.add(`${run.runId}:${finding.key}`);
          this.line(`  ${SEVERITY_MARK[finding.severity]} ${finding.id}: ${finding.title} — ${finding.evidence.summary}`);
        }
        return;
      case 'artifact':
        if (event.kind === 'sweep') this.sweepTrials(event.data);
        return;
      default:
        return;
    }
  }

  private progress(event: Extract<HostEvent, { type: 'progress' }>, run: RunRecord): void {
    const loss = event.loss !== undefined ? event.loss : lastValue(run, 'loss');
    const epochs = event.epochs ? `/${event.epochs}` : '';
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 80) return; // redraw at most ~12 times a second
      this.lastDraw = now;
      const fraction = event.batch !== undefined && event.batchesPerEpoch ? Math.min(1, (event.batch + 1) / event.batchesPerEpoch) : undefined;
      const batch = event.batch !== undefined && event.batchesPerEpoch ? ` batch ${event.batch + 1}/${event.batchesPerEpoch}` : '';
      const head = `  ${this.label} epoch ${event.epoch + 1}${epochs}`;
      const tail = `${batch} · loss ${formatLoss(loss)}`;
      // The bar takes what the terminal has left (the line must never wrap, or \r cannot redraw it).
      const width = Math.min(24, this.columns() - head.length - tail.length - 4);
      const bar = fraction === undefined || width < 6 ? '' : ` [${'█'.repeat(Math.round(fraction * width)).padEnd(width, '·')}]`;
      this.setLive(`${head}${bar}${tail}`);
      return;
    }
    // Plain output: one line per epoch, written when the epoch is first seen.
    if (event.epoch !== this.lastPlainEpoch) {
      this.lastPlainEpoch = event.epoch;
      this.line(`  ${this.label} · epoch ${event.epoch + 1}${epochs} · step ${event.step} · loss ${formatLoss(loss)}`);
    }
  }

  /** One line per finished sweep trial: its outcome and the best trial so far. */
  private sweepTrials(data: unknown): void {
    for (const sweep of latestSweepArtifacts({ artifacts: [{ kind: 'sweep', data }] })) {
      const { state } = sweep;
      const metric = state.settings.metric;
      const best = rankTrials(state).find((trial) => trial.best !== undefined && Number.isFinite(trial.best));
      for (const trial of state.trials) {
        const key = `${sweep.name}:${trial.id}`;
        if (trial.status === 'running' || this.seenTrials.has(key)) continue;
        this.seenTrials.add(key);
        const value = trial.best !== undefined && Number.isFinite(trial.best) ? `${metric} ${formatLoss(trial.best)}` : `no finite ${metric}`;
        const outcome =
          trial.status === 'pruned' ? `stopped early at epoch ${trial.prunedAt ?? '?'}` : trial.status === 'failed' ? `failed (${trial.reason ?? 'error'})` : 'completed';
        const params = Object.entries(trial.params)
          .map(([name, param]) => `${name}=${formatValue(param)}`)
          .join(' ');
        const lead = best ? ` · best so far: trial ${best.id} (${formatLoss(best.best)})` : '';
        // Trial ids as in the table, the report and --json (from 0); the count is of finished trials.
        const finished = [...this.seenTrials].filter((seen) => seen.startsWith(`${sweep.name}:`)).length;
        this.line(`  sweep trial ${trial.id} (${finished}/${state.settings.trials}) ${outcome} · ${params} · ${value}${lead}`);
      }
    }
  }

  finishCell(run: RunRecord): void {
    this.clearLive();
    this.liveLine = '';
    const loss = lastValue(run, 'loss');
    const leaked = run.memory ? (run.memory.processEnded ? ' · kernel restarted, memory released with the process' : ` · ${run.memory.leaked.tensors} tensors leaked`) : '';
    const seconds = run.durationMs !== undefined ? ` in ${(run.durationMs / 1000).toFixed(1)} s` : '';
    this.line(`  ${this.label}: ${run.status}${seconds}${loss !== undefined ? ` · last loss ${formatLoss(loss)}` : ''}${leaked}`);
  }

  /** A line of status text, kept clear of the live line. */
  line(text: string): void {
    this.clearLive();
    this.options.status.write(`${text}\n`);
    this.redrawLive();
  }

  private setLive(text: string): void {
    const columns = this.columns();
    this.liveLine = text.length > columns - 1 ? `${text.slice(0, columns - 2)}…` : text;
    this.options.status.write(`\r\x1b[2K${this.liveLine}`);
  }

  /** Terminal width; a pseudo-terminal without a size reports 0. */
  private columns(): number {
    const columns = this.options.status.columns;
    return columns && columns > 20 ? columns : 100;
  }

  private clearLive(): void {
    if (this.tty && this.liveLine) this.options.status.write('\r\x1b[2K');
  }

  private redrawLive(): void {
    if (this.tty && this.liveLine) this.options.status.write(this.liveLine);
  }

  dispose(): void {
    this.clearLive();
    this.liveLine = '';
  }
}

function lastValue(run: RunRecord, name: string): number | null | undefined {
  const series = run.series.find((candidate) => candidate.name === name);
  return series && series.values.length ? series.values[series.values.length - 1] : undefined;
}
