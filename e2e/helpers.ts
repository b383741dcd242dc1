// Shared by the browser tests and the chart benchmark: Debian's Chromium driven by
// playwright-core (Playwright's own browser download is not possible here).
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostEvent } from '../src/shared/protocol';
import type { KernelSupervisorApi, ExecuteOptions } from '../src/host/kernel-api';
import type { BackendInfo, BackendRequest, Disposable, KernelState, MemorySnapshot } from '../src/shared/protocol';

export const artifactsDir = fileURLToPath(new URL('./artifacts/', import.meta.url));

export function chromiumPath(): string {
  const candidates = [process.env.LOSSBOOK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error('No Chromium found: install it (apt-get install chromium) or set LOSSBOOK_CHROMIUM.');
  return found;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = `${artifactsDir}${name}.png`;
  await page.screenshot({ path });
  return path;
}

/**
 * Open an HTML report file in a fresh context where every request but the file itself is
 * refused, and wait for its charts: what it tried to fetch and the errors it logged (a CSP
 * violation is one) come back for the test to check they are none.
 */
export async function openReportOffline(browser: Browser, file: string, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    requests.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForSelector('html[data-charts-rendered]', { timeout: 60_000 });
  return { context, page, requests, errors };
}

/**
 * A kernel stand-in for tests of the page and the server that must not spawn a kernel: it
 * answers like the supervisor and records the calls. Runs produce only what the test emits.
 */
export class RecordingSupervisor implements KernelSupervisorApi {
  state: KernelState = 'idle';
  backend: BackendInfo | undefined = {
    name: 'cpu',
    requested: 'auto',
    requestedBy: 'default',
    attempts: [{ backend: 'wasm', ok: false, reason: 'test: wasm not loaded' }, { backend: 'cpu', ok: true }],
    tfjsVersion: '4.22.0',
    isGpu: false,
    device: 'JS CPU',
  };
  lastMemory: MemorySnapshot | undefined = { numTensors: 0, numBytes: 0, rssBytes: 100e6, heapUsedBytes: 20e6, time: 0 };
  readonly calls: Array<{ method: string; args: unknown[] }> = [];
  private readonly listeners = new Set<(event: HostEvent) => void>();
  private runCounter = 0;

  async start(): Promise<void> {
    this.calls.push({ method: 'start', args: [] });
  }
  async execute(options: ExecuteOptions): Promise<{ runId: string; done: Promise<Extract<HostEvent, { type: 'run-finished' }>> }> {
    this.calls.push({ method: 'execute', args: [options] });
    const runId = `run-${++this.runCounter}`;
    return { runId, done: new Promise(() => undefined) };
  }
  async interrupt(): Promise<void> {
    this.calls.push({ method: 'interrupt', args: [] });
  }
  async restart(reason?: string): Promise<void> {
    this.calls.push({ method: 'restart', args: [reason] });
  }
  async freeMemory(): Promise<void> {
    this.calls.push({ method: 'freeMemory', args: [] });
  }
  async setBackend(request: BackendRequest): Promise<void> {
    this.calls.push({ method: 'setBackend', args: [request] });
  }
  onEvent(listener: (event: HostEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
  emit(event: HostEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  async shutdown(): Promise<void> {
    this.calls.push({ method: 'shutdown', args: [] });
  }
  dispose(): void {
    this.listeners.clear();
  }
}
