// .lossbook size and open time for a notebook holding 1M metric points (issue 7 targets:
// under 10 MB, opens in under 1 s). Opening = readNotebookFile: stat, read, JSON, schema, decode.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNotebookFile, saveNotebookFile } from '../src/host/files';
import { renderReport } from '../src/host/report';
import { createNotebook, type Series } from '../src/shared/notebook/model';
import { median, type Benchmark } from './harness';

function trainingSeries(name: string, points: number, stepsPerEpoch: number, start: number): Series {
  const steps = Array.from({ length: points }, (_, index) => index);
  // A noisy decaying loss: float32 data that does not compress to nothing.
  const values = steps.map((step) => start * Math.exp(-step / (points / 3)) + 0.05 * Math.sin(step * 12.9898) ** 2);
  return { name, steps, values, epochs: steps.map((step) => Math.floor(step / stepsPerEpoch)) };
}

const benchmark: Benchmark = {
  name: 'file-format',
  description: '.lossbook with 1M metric points: file size, save and open time; HTML report time and size',
  async run() {
    const folder = await mkdtemp(join(tmpdir(), 'lossbook-bench-'));
    const path = join(folder, 'million.lossbook');
    const notebook = createNotebook('One million points', '0.1.0');
    const cell = notebook.cells[0]!;
    cell.runs.push({
      runId: 'run-1',
      cellId: cell.id,
      executionCount: 1,
      startedAt: Date.now(),
      status: 'ok',
      series: [trainingSeries('loss', 400_000, 1000, 2.3), trainingSeries('acc', 400_000, 1000, 0.1), trainingSeries('lr', 199_600, 1000, 1e-3), trainingSeries('val_loss', 400, 1, 2.4)],
      findings: [],
      artifacts: [],
    });
    const points = cell.runs[0]!.series.reduce((sum, series) => sum + series.steps.length, 0);
    const saveMs: number[] = [];
    const openMs: number[] = [];
    for (let repeat = 0; repeat < 5; repeat++) {
      let started = performance.now();
      await saveNotebookFile(path, notebook);
      saveMs.push(performance.now() - started);
      started = performance.now();
      const opened = await readNotebookFile(path);
      openMs.push(performance.now() - started);
      if (opened.cells[0]!.runs[0]!.series[0]!.values.length !== 400_000) throw new Error('opened notebook lost points');
    }
    const bytes = (await stat(path)).size;
    // The HTML report of the same notebook: charts decimated, Plotly inlined.
    const started = performance.now();
    const report = renderReport(notebook);
    const reportMs = Math.round(performance.now() - started);
    const reportBytes = Buffer.byteLength(report);
    await rm(folder, { recursive: true, force: true });
    const result = { points, bytes, megabytes: Number((bytes / 1024 ** 2).toFixed(2)), saveMsMedian: Math.round(median(saveMs)), openMsMedian: Math.round(median(openMs)), openMs: openMs.map(Math.round), reportMs, reportMegabytes: Number((reportBytes / 1024 ** 2).toFixed(2)) };
    return {
      table: [{ points, 'file MB': result.megabytes, 'save ms (median)': result.saveMsMedian, 'open ms (median)': result.openMsMedian, 'report ms': reportMs, 'report MB': result.reportMegabytes }],
      data: result,
      targets: { 'file < 10 MB': bytes < 10 * 1024 ** 2, 'opens in < 1 s': result.openMsMedian < 1000 },
    };
  },
};
export default benchmark;
