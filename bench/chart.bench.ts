// `npm run bench -- chart`: the live training chart under load, in Chromium. A 1M-point loss
// series (EMA smoothing on, raw curve behind, as the notebook draws it by default) receives 1k
// new points every 100 ms; each update runs the chart's own path (shared/chart/live-chart.ts: incremental
// EMA, min/max decimation to one bucket per pixel, Plotly.react). Reports median and p95 update
// time (target: median < 16 ms, one frame) and the time to first render of the 1M points.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../e2e/helpers';
import { median, percentile, type Benchmark } from './harness';

const root = fileURLToPath(new URL('..', import.meta.url));
const TOTAL_POINTS = 1_000_000;
const BATCH_POINTS = 1_000;
const INTERVAL_MS = 100;
const UPDATES = Number(process.env.CHART_BENCH_UPDATES ?? 100);
const SMOOTHING = 0.6;
const WIDTH = Number(process.env.CHART_BENCH_WIDTH ?? 900);

// Runs in the page: the chart path exactly as MetricChart calls it.
const pageSource = `
import Plotly from 'plotly.js-dist-min';
import { buildLayout, buildTraces, CHART_CONFIG } from './src/shared/chart/live-chart';

function lossAt(step) {
  return 2.3 * Math.exp(-step / 200000) + 0.05 + 0.08 * Math.sin(step / 37) * Math.random();
}

window.runChartBench = async ({ total, batch, intervalMs, updates, smoothing, width }) => {
  const root = document.getElementById('chart');
  root.style.width = width + 'px';
  const series = { name: 'loss', steps: [], values: [], epochs: [] };
  for (let step = 0; step < total; step++) { series.steps.push(step); series.values.push(lossAt(step)); }
  const input = [{ name: 'loss', label: 'train', color: '#2563eb', series, previous: undefined }];
  // The notebook's own layout and config (MetricChart), with its default colors.
  const layout = buildLayout({ height: 200, logY: false, uirevision: 'step-false', colors: { text: '#5d6570', grid: 'rgba(15,23,42,0.07)', font: 'system-ui', hoverBackground: '#fff', hoverBorder: '#cdd2da' } });
  const config = { ...CHART_CONFIG, modeBarButtonsToRemove: [...CHART_CONFIG.modeBarButtonsToRemove] };
  const buildMs = [];
  const draw = () => {
    const start = performance.now();
    const traces = buildTraces(input, { xMode: 'step', smoothing, width });
    buildMs.push(performance.now() - start);
    return Plotly.react(root, traces, layout, config);
  };

  const firstStart = performance.now();
  await draw();
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  const firstRenderMs = performance.now() - firstStart;
  const drawnPoints = root.data.reduce((sum, trace) => sum + trace.x.length, 0);

  const updateMs = [];
  let next = total;
  for (let update = 0; update < updates; update++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    for (let index = 0; index < batch; index++, next++) { series.steps.push(next); series.values.push(lossAt(next)); }
    await new Promise((resolve) => requestAnimationFrame(async () => {
      const start = performance.now();
      await draw();
      updateMs.push(performance.now() - start);
      resolve();
    }));
  }
  return { firstRenderMs, updateMs, buildMs: buildMs.slice(1), drawnPoints, finalPoints: series.steps.length };
};
`;

const benchmark: Benchmark = {
  name: 'chart',
  description: 'Live chart: 1M-point series, 1k new points every 100 ms, in Chromium (decimation + EMA + Plotly.react)',
  async run() {
    const bundle = await build({
      stdin: { contents: pageSource, resolveDir: root, loader: 'js', sourcefile: 'chart-bench-page.js' },
      bundle: true,
      format: 'iife',
      write: false,
      minify: true,
      logLevel: 'error',
    });
    const script = bundle.outputFiles[0]!.text;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      await page.route('http://bench.lossbook/**', (route) => {
        const url = route.request().url();
        if (url.endsWith('/bench.js')) return route.fulfill({ contentType: 'text/javascript', body: script });
        return route.fulfill({ contentType: 'text/html', body: '<!doctype html><body><div id="chart"></div><script src="/bench.js"></script></body>' });
      });
      await page.goto('http://bench.lossbook/');
      await page.waitForFunction(() => typeof (window as unknown as { runChartBench?: unknown }).runChartBench === 'function');
      const result = await page.evaluate(
        (options) => (window as unknown as { runChartBench(o: typeof options): Promise<{ firstRenderMs: number; updateMs: number[]; buildMs: number[]; drawnPoints: number; finalPoints: number }> }).runChartBench(options),
        { total: TOTAL_POINTS, batch: BATCH_POINTS, intervalMs: INTERVAL_MS, updates: UPDATES, smoothing: SMOOTHING, width: WIDTH },
      );
      const updateMedian = median(result.updateMs);
      const updateP95 = percentile(result.updateMs, 95);
      return {
        table: [
          { measure: 'time to first render (1M points)', ms: Number(result.firstRenderMs.toFixed(1)) },
          { measure: 'update, median', ms: Number(updateMedian.toFixed(2)) },
          { measure: 'update, p95', ms: Number(updateP95.toFixed(2)) },
          { measure: 'update, max', ms: Number(Math.max(...result.updateMs).toFixed(2)) },
          { measure: 'of which traces (EMA + decimation), median', ms: Number(median(result.buildMs).toFixed(2)) },
          { measure: 'points drawn (both traces)', ms: result.drawnPoints },
        ],
        data: {
          browser: browser.version(),
          series: { initialPoints: TOTAL_POINTS, finalPoints: result.finalPoints, batchPoints: BATCH_POINTS, intervalMs: INTERVAL_MS, updates: UPDATES, smoothing: SMOOTHING, chartWidthPx: WIDTH },
          firstRenderMs: result.firstRenderMs,
          updateMedianMs: updateMedian,
          updateP95Ms: updateP95,
          updateMaxMs: Math.max(...result.updateMs),
          buildTracesMedianMs: median(result.buildMs),
          drawnPoints: result.drawnPoints,
          note: 'Update = incremental EMA + min/max decimation of the full series + Plotly.react (SVG) until its promise resolves, measured inside a requestAnimationFrame callback.',
        },
        targets: { 'median update < 16 ms': updateMedian < 16 },
      };
    } finally {
      await browser.close();
    }
  },
};

export default benchmark;
