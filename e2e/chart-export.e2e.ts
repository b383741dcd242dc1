// Chart downloads end to end (issue 21): the PNG / SVG / CSV buttons in a chart's head save a
// file named after the chart and its run that reads on its own — title, axis titles, legend —
// in Chromium against browser mode, with a recording kernel stand-in feeding a run's metrics.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../src/host/server';
import type { ExecuteOptions } from '../src/host/kernel-api';
import type { Finding } from '../src/shared/protocol';
import { artifactsDir, launchChromium, RecordingSupervisor, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const memory = { numTensors: 0, numBytes: 0, rssBytes: 1, heapUsedBytes: 1, time: 0 };
const BATCHES_PER_EPOCH = 20;
const EPOCHS = 5;

let server: RunningServer;
let browser: Browser;
let supervisor: RecordingSupervisor;
let page: Page;

/** A finished training run: loss falling per batch, validation loss per epoch, one finding marked at step 60. */
async function feedTrainingRun(): Promise<void> {
  // vi.waitFor, not expect.poll: this runs in beforeAll.
  await vi.waitFor(() => expect(supervisor.calls.some((call) => call.method === 'execute')).toBe(true), { timeout: 30_000 });
  const executes = supervisor.calls.filter((call) => call.method === 'execute');
  const { cellId } = executes.at(-1)!.args[0] as ExecuteOptions;
  // The id the stand-in answered execute with: the page files the run's events under it.
  const runId = `run-${executes.length}`;
  supervisor.emit({ type: 'run-started', runId, cellId, executionCount: 1, time: Date.now() });
  const points = [];
  for (let step = 0; step < BATCHES_PER_EPOCH * EPOCHS; step++) {
    const epoch = Math.floor(step / BATCHES_PER_EPOCH);
    // Deterministic wiggle so the raw and smoothed curves differ.
    points.push({ name: 'loss', step, epoch, value: 2.3 * Math.exp(-step / 40) + 0.15 + 0.05 * Math.sin(step) });
    if ((step + 1) % BATCHES_PER_EPOCH === 0) points.push({ name: 'val_loss', step, epoch, value: 2.4 * Math.exp(-step / 60) + 0.3 });
  }
  supervisor.emit({ type: 'metrics', runId, points });
  supervisor.emit({ type: 'progress', runId, epoch: EPOCHS - 1, epochs: EPOCHS, step: BATCHES_PER_EPOCH * EPOCHS - 1, batch: BATCHES_PER_EPOCH - 1, batchesPerEpoch: BATCHES_PER_EPOCH, loss: 0.2 });
  const finding: Finding = {
    id: 'trend.overfitting',
    key: 'trend.overfitting',
    family: 'trend',
    severity: 'warning',
    title: 'Validation loss rises while training loss falls',
    evidence: { summary: 'val_loss up from step 60', values: {} },
    step: 60,
    explanation: 'A stand-in finding, to put a marker on the chart.',
    fix: { text: 'Regularize.' },
    source: 'test',
    count: 1,
  };
  supervisor.emit({ type: 'findings', runId, findings: [finding] });
  const run = { before: memory, after: memory, kept: { tensors: 0, bytes: 0 }, disposed: { tensors: 0, bytes: 0 }, leaked: { tensors: 0, bytes: 0 } };
  supervisor.emit({ type: 'run-finished', runId, status: 'ok', durationMs: 1200, memory: run });
}

/** Click a chart's export button and return the downloaded file's name and bytes (kept under e2e/artifacts/). */
async function download(format: 'png' | 'svg' | 'csv', keepAs = `chart-export.${format}`): Promise<{ name: string; bytes: Buffer }> {
  const chart = page.locator('.metric-chart', { has: page.locator('.chart[data-chart=loss]') });
  const [file] = await Promise.all([page.waitForEvent('download'), chart.locator(`[data-export=${format}]`).click()]);
  const path = await file.path();
  const bytes = readFileSync(path);
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(`${artifactsDir}${keepAs}`, bytes);
  return { name: file.suggestedFilename(), bytes };
}

describe('chart downloads (browser mode, Chromium)', () => {
  beforeAll(async () => {
    supervisor = new RecordingSupervisor();
    server = await startServer({ supervisor, rendererDir: `${root}out/renderer`, examplesDir: `${root}examples` });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
    await page.click('section.cell .monaco-editor');
    await page.keyboard.type('await model.fit(xs, ys, { epochs: 5, validationSplit: 0.2 });');
    await page.keyboard.press('Control+Enter');
    await feedTrainingRun();
    await vi.waitFor(async () => expect(await page.locator('.chart[data-chart=loss]').getAttribute('data-points')).toBe(String(BATCHES_PER_EPOCH * EPOCHS)), { timeout: 30_000 });
    await vi.waitFor(async () => expect(await page.locator('.chart[data-chart=loss] .shape-label-text').allTextContents()).toContain('trend.overfitting'), { timeout: 30_000 });
    await page.locator('.chart[data-chart=loss]').scrollIntoViewIfNeeded();
    await screenshot(page, 'chart-export-page');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('PNG: named after the chart and run, a real image at twice the export size', async () => {
    const { name, bytes } = await download('png');
    expect(name).toBe('Loss-run-1.png');
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, at bytes 16..24 (EXPORT_SIZE 1000×480 at scale 2).
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([2000, 960]);
    // A blank or near-blank image compresses to a few kB; a drawn chart with text does not.
    expect(bytes.length).toBeGreaterThan(30_000);
  });

  it('SVG: the title, both axis titles, the legend and the finding marker are in the file', async () => {
    const { name, bytes } = await download('svg');
    expect(name).toBe('Loss-run-1.svg');
    const svg = bytes.toString('utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toMatch(/<text[^>]*class="gtitle"[^>]*>Loss<\/text>/);
    expect(svg).toMatch(/<text[^>]*class="xtitle"[^>]*>step<\/text>/);
    expect(svg).toMatch(/<text[^>]*class="ytitle"[^>]*>Loss<\/text>/);
    const legend = [...svg.matchAll(/<text[^>]*class="legendtext"[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    expect(legend).toEqual(['train', 'validation']);
    expect(svg).toContain('trend.overfitting');
    expect(bytes.length).toBeGreaterThan(5_000);
    // The file as another program shows it, to look at (e2e/artifacts/chart-export-svg.png).
    const viewer = await browser.newPage({ viewport: { width: 1000, height: 480 } });
    await viewer.setContent(`<body style="margin:0">${svg}</body>`);
    await viewer.screenshot({ path: `${artifactsDir}chart-export-svg.png` });
    await viewer.close();
  });

  it('CSV: the plotted data, a row per step and a column per series', async () => {
    const { name, bytes } = await download('csv');
    expect(name).toBe('Loss-run-1.csv');
    const lines = bytes.toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('step,epoch,train,validation');
    expect(lines).toHaveLength(1 + BATCHES_PER_EPOCH * EPOCHS);
  });

  it('follows what is plotted: epochs on x, log y, and the dark theme’s background', async () => {
    await page.selectOption('[data-testid=theme]', 'dark');
    await page.locator('[role=radio]', { hasText: 'Epoch' }).click();
    await page.locator('label.toggle', { hasText: 'Log y' }).locator('input').check();
    const svg = (await download('svg', 'chart-export-dark-epoch-log.svg')).bytes.toString('utf8');
    expect(svg).toMatch(/<text[^>]*class="xtitle"[^>]*>epoch<\/text>/);
    expect(svg).toMatch(/<text[^>]*class="ytitle"[^>]*>Loss \(log\)<\/text>/);
    // Tick values as values: under one decade Plotly's default wrote 0.5 as "5".
    const ticks = [...svg.matchAll(/<g class="ytick"><text[^>]*>([^<]*)<\/text>/g)].map((match) => Number(match[1]));
    expect(ticks).toContain(0.5);
    expect(Math.max(...ticks)).toBeLessThan(3);
    // The page's dark surface, not a transparent or white one.
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg-elevated').trim());
    expect(background).not.toBe('');
    const fill = /<rect[^>]*class="bg"[^>]*style="[^"]*fill: ?([^;"]+)/.exec(svg)?.[1];
    expect(fill).toBeDefined();
    expect(fill).not.toMatch(/rgb\(255, ?255, ?255\)|#fff/i);
    const { bytes } = await download('png', 'chart-export-dark-epoch-log.png');
    expect(bytes.length).toBeGreaterThan(30_000);
    await screenshot(page, 'chart-export-page-dark');
  });
});
