// The notebook in Chromium, in browser mode, against the real kernel: type and run a cell,
// train the MNIST example live, interrupt it, run a buggy example and act on its finding.
// Every state is saved as a screenshot in e2e/artifacts/ (and looked at by a person).
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../src/shared/diagnosis';
import { searchCatalog } from '../src/shared/diagnosis/search';
import { startServer, type RunningServer } from '../src/host/server';
import { artifactsDir, launchChromium, screenshot } from './helpers';

const root = fileURLToPath(new URL('..', import.meta.url));
const TRAINING_TIMEOUT = 150_000;

let server: RunningServer;
let browser: Browser;
let page: Page;

async function numberAttribute(selector: string, attribute: string): Promise<number> {
  return Number(await page.locator(selector).first().getAttribute(attribute));
}

async function openExample(title: RegExp): Promise<void> {
  await page.click('[data-testid=examples]');
  const item = page.locator('[role=menuitem]', { hasText: title }).first();
  await item.waitFor();
  await item.click();
  // The notebook holds unsaved work here (typed cells, runs): the page asks first (issue 21).
  await page.click('[data-testid=unsaved-discard]');
  await page.locator('section.cell').first().waitFor();
  await expect.poll(() => page.locator('[data-testid=kernel-status]').getAttribute('data-busy')).toBe('false');
}

async function waitForRunEnd(cell: ReturnType<Page['locator']>): Promise<string> {
  const status = cell.locator('[data-testid=run-status]');
  await expect.poll(() => status.getAttribute('data-status'), { timeout: TRAINING_TIMEOUT, interval: 250 }).not.toBe('running');
  return (await status.getAttribute('data-status')) ?? '';
}

describe('notebook (browser mode, Chromium)', () => {
  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    server = await startServer({ backend: 'wasm', rendererDir: `${root}out/renderer`, examplesDir: `${root}examples` });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
    page.on('pageerror', (error) => console.error('page error:', error.message));
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the empty notebook and the kernel becomes idle with its backend', async () => {
    await page.locator('section.cell .monaco-editor').first().waitFor();
    await page.locator('[data-testid=kernel-status][data-state=idle]').waitFor({ timeout: 90_000 });
    await expect.poll(() => page.locator('[data-testid=backend] summary').textContent()).toMatch(/WebAssembly/);
    expect(await page.locator('section.cell').count()).toBe(1);
    await screenshot(page, '01-empty-notebook');
  });

  it('types a cell and runs it with Shift+Enter: output, execution counter, a new cell below', async () => {
    await page.click('section.cell .monaco-editor');
    await page.keyboard.type('const squares = tf.tensor([1, 2, 3]).square();\n');
    await page.keyboard.type("console.log('squares:', squares.dataSync().join(','));");
    await page.keyboard.press('Shift+Enter');
    const first = page.locator('section.cell').first();
    await expect.poll(() => first.locator('[data-testid=outputs]').textContent(), { timeout: 60_000 }).toContain('squares: 1,4,9');
    expect(await first.locator('[data-testid=execution-count]').textContent()).toBe('[1]');
    expect(await page.locator('section.cell').count()).toBe(2);
    expect(await page.locator('[data-testid=mode]').textContent()).toBe('Edit');
    // Esc → command mode; D D deletes the empty new cell.
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=mode]').textContent()).toBe('Command');
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    expect(await page.locator('section.cell').count()).toBe(1);
    await screenshot(page, '02-typed-cell');
  });

  it('shows a runtime error under the cell and highlights its line in the editor', async () => {
    await page.keyboard.press('b');
    await page.keyboard.type('const fine = 1;\n');
    await page.keyboard.type('const broken = notDefinedAnywhere + 1;');
    await page.keyboard.press('Control+Enter');
    const cell = page.locator('section.cell').nth(1);
    const error = cell.locator('[data-testid=cell-error]');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toMatch(/ReferenceError.*notDefinedAnywhere.*line 2/s);
    await cell.locator('.cell-error-line').waitFor();
    await screenshot(page, '02b-error-line');
    await page.keyboard.press('Escape');
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    expect(await page.locator('section.cell').count()).toBe(1);
  });

  it('runs the MNIST example: the chart grows and the epoch counter advances', async () => {
    await openExample(/MNIST MLP/i);
    await page.click('[data-testid=run-all]');
    const training = page.locator('section.cell', { has: page.locator('[data-testid=epoch-counter]') }).first();
    const lossChart = training.locator('.chart[data-chart=loss]');
    await lossChart.waitFor({ timeout: TRAINING_TIMEOUT });
    await expect.poll(() => lossChart.getAttribute('data-points').then(Number), { timeout: TRAINING_TIMEOUT }).toBeGreaterThan(0);
    const firstPoints = Number(await lossChart.getAttribute('data-points'));
    const firstEpoch = await numberAttribute('[data-testid=epoch-counter]', 'data-epoch');
    await expect.poll(() => lossChart.getAttribute('data-points').then(Number), { timeout: TRAINING_TIMEOUT }).toBeGreaterThan(firstPoints);
    await expect.poll(() => numberAttribute('[data-testid=epoch-counter]', 'data-epoch'), { timeout: TRAINING_TIMEOUT }).toBeGreaterThan(firstEpoch);
    // The plotted loss line exists in the SVG, not only in the data.
    // Polled: Plotly draws on the next animation frame after the points arrive.
    // Plotly is loaded lazily on the first chart, so on a fast machine the run can outpace it: wait for it.
    await expect.poll(() => lossChart.locator('.scatterlayer .trace').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await screenshot(page, '03-mnist-training');
    // The next tests start from an idle kernel.
    expect(await waitForRunEnd(training)).not.toBe('error');
  });

  it('interrupts mid-training; memory returns to the baseline plus what the namespace keeps', async () => {
    // A training long enough that Interrupt certainly lands mid-run on any machine: the MNIST
    // example's 6 epochs can end before a click on a fast one. It trains the example's model again.
    const cellIds = () => page.locator('section.cell').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-cell-id')));
    const idsBefore = await cellIds();
    const mnistCell = page.locator('section.cell', { has: page.locator('[data-testid=epoch-counter]') }).first();
    await mnistCell.locator('.monaco-editor').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await page.keyboard.type('await model.fit(xTrain, yTrain, { epochs: 500, batchSize: 32 });');
    await page.keyboard.press('Control+Enter');
    const cellId = (await cellIds()).find((id) => !idsBefore.includes(id));
    const training = page.locator(`section.cell[data-cell-id="${cellId}"]`);
    const epoch = training.locator('[data-testid=epoch-counter]');
    await expect.poll(() => epoch.getAttribute('data-epoch').then(Number), { timeout: TRAINING_TIMEOUT, interval: 100 }).toBeGreaterThan(1);
    expect(await training.locator('[data-testid=run-status]').getAttribute('data-status')).toBe('running');
    await page.click('[data-testid=interrupt]');
    expect(await waitForRunEnd(training)).toBe('interrupted');
    const runMemory = training.locator('[data-testid=run-memory]');
    await runMemory.waitFor();
    const before = Number(await runMemory.getAttribute('data-before-tensors'));
    const after = Number(await runMemory.getAttribute('data-after-tensors'));
    const kept = Number(await runMemory.getAttribute('data-kept-tensors'));
    expect(Number(await runMemory.getAttribute('data-leaked-tensors'))).toBe(0);
    expect(after).toBe(before + kept);
    await expect.poll(() => page.locator('[data-testid=num-tensors]').textContent().then(Number)).toBe(after);
    expect(await page.locator('[data-testid=leak-meter]').getAttribute('data-leaked')).toBe('0');
    expect(await training.locator('[data-testid=cell-error]').textContent()).toMatch(/Interrupted/);
    await training.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await screenshot(page, '04-interrupted');
    // "Free memory" releases what the backend pools and reports it.
    await page.click('[data-testid=free-memory]');
    await page.locator('.notice', { hasText: 'Freed memory' }).waitFor({ timeout: 30_000 });
    await page.click('[data-testid=backend] summary');
    await page.locator('[data-testid=backend] .attempts').waitFor();
    expect(await page.locator('[data-testid=backend] .attempts').textContent()).toMatch(/wasm/);
    await screenshot(page, '04b-free-memory-and-backend');
    await page.click('[data-testid=backend] summary');
  });

  it('runs a buggy example, shows its finding, inserts the fix as a new cell and dismisses the finding', async () => {
    await openExample(/memorizes 40 noisy samples/i);
    await page.click('[data-testid=run-all]');
    const finding = page.locator('[data-testid=finding][data-finding-id="trend.overfitting"]');
    await finding.waitFor({ timeout: TRAINING_TIMEOUT });
    const cellId = await page.locator('section.cell', { has: finding }).getAttribute('data-cell-id');
    const cell = page.locator(`section.cell[data-cell-id="${cellId}"]`);
    expect(await waitForRunEnd(cell)).toBe('ok');
    expect(await finding.locator('.title').textContent()).toMatch(/overfit/i);
    // The finding's step is marked on the loss chart (train and validation on one chart).
    const lossChart = cell.locator('.chart[data-chart=loss]');
    await expect.poll(() => lossChart.locator('.shape-label-text').allTextContents()).toContain('trend.overfitting');
    // `has` is matched inside each .metric-chart, so it must not be scoped to the cell.
    const lossLegend = cell.locator('.metric-chart', { has: page.locator('.chart[data-chart=loss]') }).locator('[data-testid=legend-item]');
    expect((await lossLegend.allTextContents()).map((text) => text.trim())).toEqual(['train', 'validation']);
    // The README's picture: the end of the code, the live charts with the finding's marker,
    // the diagnosis with its fix, and the memory strip.
    await cell.locator('[data-testid=training-view]').evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await page.mouse.move(0, 0);
    for (const close of await page.locator('.notice button').all()) await close.click();
    await screenshot(page, '05-finding');
    copyFileSync(`${artifactsDir}05-finding.png`, `${artifactsDir}readme.png`);
    copyFileSync(`${artifactsDir}readme.png`, `${root}resources/screenshot.png`);

    // The finding's rule id opens the catalog at that rule, which links back to the examples.
    await finding.locator('.summary .id').click();
    const catalog = page.locator('[data-testid=catalog]');
    const rule = catalog.locator('[data-rule-id="trend.overfitting"]');
    await rule.waitFor();
    expect(await rule.getAttribute('class')).toContain('target');
    expect(await rule.locator('.threshold').count()).toBeGreaterThan(0);
    expect(await rule.locator('.examples [data-example]').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/memorizes 40 noisy samples/i)]));
    await screenshot(page, '05b-catalog-rule');
    // Keys pressed while the catalog is open are not notebook commands (D D would delete a cell).
    const cellsWhileOpen = await page.locator('section.cell').count();
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    expect(await page.locator('section.cell').count()).toBe(cellsWhileOpen);
    await page.keyboard.press('Escape');
    await expect.poll(() => catalog.count()).toBe(0);
    // From the toolbar: all rules, searchable.
    await page.click('[data-testid=open-catalog]');
    expect(await catalog.locator('[data-rule-id]').count()).toBe(allRules.length);
    // Search by symptom, ranked (issue 22): what the user sees, in their words.
    await page.fill('[data-testid=catalog-search]', 'loss not decreasing');
    const matching = searchCatalog('loss not decreasing', allRules).map((hit) => hit.rule.id);
    expect(matching.slice(0, 3)).toContain('loss.plateau');
    await expect.poll(async () => await catalog.locator('[data-rule-id]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-rule-id')))).toEqual(matching);
    await screenshot(page, '05c-catalog-search');
    await page.keyboard.press('Escape');
    await expect.poll(() => catalog.count()).toBe(0);

    const cellsBefore = await page.locator('section.cell').count();
    const cellIndex = Number(await cell.getAttribute('data-cell-index'));
    await finding.locator('[data-testid=insert-fix]').click();
    expect(await page.locator('section.cell').count()).toBe(cellsBefore + 1);
    const inserted = page.locator(`section.cell[data-cell-index="${cellIndex + 1}"]`);
    await expect.poll(() => inserted.locator('.view-lines').textContent()).toMatch(/Fix:.*earlyStopping/s);
    await screenshot(page, '06-fix-inserted');

    await finding.locator('[data-testid=dismiss-finding]').click();
    await expect.poll(() => page.locator('[data-testid=finding][data-finding-id="trend.overfitting"]').count()).toBe(0);
    expect(await cell.locator('.restore').textContent()).toMatch(/1 dismissed/);
    await screenshot(page, '07-dismissed');

    // A re-run overlays the previous run on the same chart.
    await cell.locator('[data-testid=run-cell]').click();
    await expect.poll(() => cell.locator('[data-testid=run-status]').getAttribute('data-status'), { timeout: TRAINING_TIMEOUT }).toBe('ok');
    const legend = cell.locator('.metric-chart', { has: page.locator('.chart[data-chart=loss]') }).locator('[data-testid=legend-item]');
    await expect.poll(() => legend.allTextContents().then((texts) => texts.map((text) => text.trim())), { timeout: 30_000 }).toContain('train · previous run');
    // The dismissed finding stays dismissed on the new run (saved in cell.dismissed).
    expect(await cell.locator('[data-testid=finding][data-finding-id="trend.overfitting"]').count()).toBe(0);
    await screenshot(page, '08-rerun-overlay');
  });
});
