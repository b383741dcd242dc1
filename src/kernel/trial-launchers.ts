// How a sweep's trial gets a process (issue 23). Both launchers run the same thing: `lossbook
// run <the notebook up to the sweep cell> --events -` with the trial assigned in its environment,
// reading its JSON events line by line. ProcessTrialLauncher starts it here; RayTrialLauncher
// asks the shipped Python driver (resources/ray/lossbook_ray_driver.py) to run it as a Ray task.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { HostEvent } from '../shared/protocol';
import { parseRayDriverLine, TRIAL_ARTIFACT, TrialArtifactSchema, type RayDriverMessage, type SweepTarget, type TrialLaunchEvent, type TrialLaunchRequest } from '../shared/sweep/remote';
import type { TrialLauncher } from './sweep-remote';

/** A sweep that cannot start its trials at all (no Python, no `ray`, the cluster unreachable). */
export class SweepClusterError extends Error {
  override name = 'SweepClusterError';
}

const here = fileURLToPath(import.meta.url);

/**
 * How to run `lossbook` from this kernel: the CLI built beside the built kernel (out/node), or the
 * source through tsx when the kernel itself runs from source; LOSSBOOK_CLI overrides both, and
 * LOSSBOOK_NODE the Node that runs it.
 */
export function lossbookCommand(env: Record<string, string | undefined> = process.env): string[] {
  const tsx = () => {
    try {
      return ['--import', pathToFileURL(createRequire(here).resolve('tsx')).href];
    } catch {
      return ['--import', 'tsx'];
    }
  };
  // The packaged app's Electron has its run-as-Node fuse off: there a Node on PATH runs trials.
  const node = env.LOSSBOOK_NODE ?? (process.versions.electron ? 'node' : process.execPath);
  const explicit = env.LOSSBOOK_CLI;
  if (explicit) return [node, ...(explicit.endsWith('.ts') ? tsx() : []), explicit];
  if (here.endsWith('.mjs')) return [node, join(dirname(here), 'cli.mjs')];
  return [node, ...tsx(), join(dirname(here), '..', 'cli', 'main.ts')];
}

/** The shipped driver: two folders up from both src/kernel/ and out/node/. */
export function rayDriverPath(env: Record<string, string | undefined> = process.env): string {
  return env.LOSSBOOK_RAY_DRIVER ?? join(dirname(here), '..', '..', 'resources', 'ray', 'lossbook_ray_driver.py');
}

/** The kernel's environment minus what belongs to this kernel alone (its interrupt pipe, its backend source). */
function trialEnvironment(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^LOSSBOOK_(INTERRUPT_|BACKEND)/.test(key)) env[key] = value;
  // In Electron the kernel's execPath is the Electron binary: run it as plain Node.
  return { ...env, ELECTRON_RUN_AS_NODE: '1', ...extra };
}

function lastLines(text: string, count = 3): string {
  return text.trim().split('\n').filter(Boolean).slice(-count).join(' | ').slice(-600);
}

/**
 * One line of `lossbook run --events -` (one HostEvent as JSON), as the sweep sees it: the
 * trial's reports and end, and the first error a cell raised. Anything else is not its business.
 */
export function eventFromRunLine(line: string): TrialLaunchEvent | undefined {
  let event: Partial<HostEvent> & { kind?: unknown; data?: unknown; error?: { name?: unknown; message?: unknown } };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return undefined;
  }
  if (event?.type === 'artifact' && event.kind === TRIAL_ARTIFACT) {
    const parsed = TrialArtifactSchema.safeParse(event.data);
    return parsed.success ? { type: 'artifact', artifact: parsed.data } : undefined;
  }
  // A kernel killed or restarted under the trial is a lost worker (retried), not a bug in the code.
  const phase = (event?.error as { phase?: unknown } | undefined)?.phase;
  if (event?.type === 'error' && event.error && typeof event.error.message === 'string' && (phase === 'syntax' || phase === 'runtime')) {
    return { type: 'cell-error', message: `${typeof event.error.name === 'string' ? `${event.error.name}: ` : ''}${event.error.message}` };
  }
  return undefined;
}

// ───────────────────────────── local processes ─────────────────────────────

export class ProcessTrialLauncher implements TrialLauncher {
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly processes: number,
    private readonly backend: string,
    private readonly command: string[] = lossbookCommand(),
  ) {}

  open(): Promise<number> {
    return Promise.resolve(this.processes);
  }

  launch(request: TrialLaunchRequest, listener: (event: TrialLaunchEvent) => void): { cancel(): void } {
    const folder = mkdtempSync(join(tmpdir(), 'lossbook-trial-'));
    const script = join(folder, request.script.name);
    writeFileSync(script, request.script.text);
    const [program, ...args] = this.command;
    // Its own process group, so a cancel ends the CLI and the kernel it started together.
    const child = spawn(program!, [...args, 'run', script, '--events', '-', '--no-progress', '--backend', this.backend], {
      cwd: existsSync(request.cwd) ? request.cwd : folder,
      env: trialEnvironment(request.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.children.add(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const event = eventFromRunLine(line);
      if (event) listener(event);
    });
    let exited = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (exited) return;
      exited = true;
      this.children.delete(child);
      rmSync(folder, { recursive: true, force: true });
      const lost = error
        ? `the trial process could not start: ${error.message}`
        : signal
          ? `the trial process was killed (${signal})`
          : code !== 0
            ? `the trial process exited with code ${code}${stderr.trim() ? `: ${lastLines(stderr)}` : ''}`
            : undefined;
      listener({ type: 'exit', ...(lost ? { lost } : {}) });
    };
    child.once('error', (error) => onExit(null, null, error));
    // 'close' waits for stdout to drain, so the last report is read before the exit.
    child.once('close', (code, signal) => onExit(code, signal));
    if (child.pid !== undefined) listener({ type: 'started', where: `process:${child.pid}`, task: String(child.pid) });
    return { cancel: () => killGroup(child) };
  }

  async close(): Promise<void> {
    for (const child of this.children) killGroup(child);
    const waits = [...this.children].map((child) => new Promise((resolve) => child.once('close', resolve)));
    await Promise.race([Promise.all(waits), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

// ───────────────────────────── Ray ─────────────────────────────

type RayTarget = Extract<SweepTarget, { kind: 'ray' }>;

/** How long the driver may take to import ray and connect before the sweep gives up. */
const RAY_CONNECT_TIMEOUT_MS = 90_000;

export class RayTrialLauncher implements TrialLauncher {
  private driver: ChildProcess | undefined;
  private readonly listeners = new Map<string, (event: TrialLaunchEvent) => void>();
  private driverGone: string | undefined;
  private stderr = '';
  private readonly driverClosed: Promise<void>;
  private markClosed: () => void = () => undefined;

  constructor(
    private readonly target: RayTarget,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {
    this.driverClosed = new Promise((resolveClosed) => (this.markClosed = resolveClosed));
  }

  async open(signal: AbortSignal): Promise<number> {
    const python = this.target.python ?? this.env.LOSSBOOK_PYTHON ?? 'python3';
    const command = this.target.command ?? lossbookCommand(this.env);
    const driver = spawn(python, [rayDriverPath(this.env), '--address', this.target.address, '--command', JSON.stringify(command)], {
      env: trialEnvironment({ PYTHONUNBUFFERED: '1' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.driver = driver;
    driver.stdin?.on('error', () => undefined);
    driver.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000)));
    const ready = new Promise<Extract<RayDriverMessage, { type: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new SweepClusterError(`The Ray driver did not connect to ${this.target.address} within ${RAY_CONNECT_TIMEOUT_MS / 1000} s.`)), RAY_CONNECT_TIMEOUT_MS);
      signal.addEventListener('abort', () => reject(new SweepClusterError('Interrupted while connecting to the Ray cluster.')), { once: true });
      driver.once('error', (error) =>
        reject(new SweepClusterError(`Cannot start the Ray driver with "${python}": ${error.message}. Set LOSSBOOK_PYTHON (or on: { ray, python }) to a Python that has \`ray\` installed.`)),
      );
      createInterface({ input: driver.stdout! }).on('line', (line) => {
        const message = parseRayDriverLine(line);
        if (!message) return;
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(message);
        } else if (message.type === 'fatal') {
          clearTimeout(timer);
          reject(new SweepClusterError(`Ray: ${message.message}`));
        } else this.route(message);
      });
      driver.once('close', (code, killedBy) => {
        clearTimeout(timer);
        this.markClosed();
        this.driverGone = `the Ray driver exited (${killedBy ?? `code ${code}`})${this.stderr.trim() ? `: ${lastLines(this.stderr)}` : ''}`;
        reject(new SweepClusterError(`Ray: ${this.driverGone}`));
        // Trials in flight lost their driver: each is reported lost (and retried, then failed).
        for (const [key, listener] of [...this.listeners]) {
          this.listeners.delete(key);
          listener({ type: 'exit', lost: this.driverGone });
        }
      });
    });
    const cluster = await ready;
    return this.target.maxConcurrent ?? Math.max(1, Math.floor(cluster.cpus));
  }

  private route(message: Exclude<RayDriverMessage, { type: 'ready' | 'fatal' }>): void {
    const key = `${message.trial}/${message.attempt}`;
    const listener = this.listeners.get(key);
    if (!listener) return;
    if (message.type === 'started') listener({ type: 'started', where: `ray:${message.address}/${message.node.slice(0, 8)}`, task: message.task });
    else if (message.type === 'line') {
      const event = eventFromRunLine(message.line);
      if (event) listener(event);
    } else {
      this.listeners.delete(key);
      const detail = message.message?.trim() ? `: ${lastLines(message.message)}` : '';
      const lost =
        message.outcome === 'exited'
          ? message.code === 0
            ? undefined
            : `lossbook run exited with code ${message.code ?? '?'} on the Ray worker${detail}`
          : message.outcome === 'cancelled'
            ? 'the Ray task was cancelled (killed)'
            : message.outcome === 'worker-lost'
              ? `the Ray worker was lost${detail}`
              : `the Ray task failed${detail}`;
      listener({ type: 'exit', ...(lost ? { lost } : {}) });
    }
  }

  launch(request: TrialLaunchRequest, listener: (event: TrialLaunchEvent) => void): { cancel(): void } {
    if (this.driverGone || !this.driver) {
      listener({ type: 'exit', lost: this.driverGone ?? 'the Ray driver is not running' });
      return { cancel: () => undefined };
    }
    this.listeners.set(`${request.trial}/${request.attempt}`, listener);
    this.send({ type: 'submit', trial: request.trial, attempt: request.attempt, script: request.script, env: request.env, cwd: request.cwd });
    return { cancel: () => this.send({ type: 'cancel', trial: request.trial, attempt: request.attempt }) };
  }

  private send(request: object): void {
    if (this.driver?.stdin?.writable) this.driver.stdin.write(`${JSON.stringify(request)}\n`);
  }

  async close(): Promise<void> {
    const driver = this.driver;
    if (!driver || this.driverGone) return;
    // The driver cancels what still runs and disconnects (Ray then ends the sweep's workers too).
    this.send({ type: 'shutdown' });
    driver.stdin?.end();
    const timer = setTimeout(() => driver.kill('SIGKILL'), 15_000);
    await this.driverClosed;
    clearTimeout(timer);
  }
}
