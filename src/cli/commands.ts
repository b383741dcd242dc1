// The `lossbook` commands: run, export, serve, doctor. Each returns its exit code (exit-codes.ts)
// instead of exiting, so tests can call them and main.ts owns process.exit.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, cpus, platform, release } from 'node:os';
import { basename, dirname, extname, resolve } from 'node:path';
import { writeFileAtomically } from '../host/atomic-write';
import { isJupyterNotebook, NotebookFileError, readNotebookFile, saveNotebookFile, scriptLanguage } from '../host/files';
import type { KernelSupervisorApi, KernelSupervisorOptions } from '../host/kernel-api';
import { checkRayCluster } from '../host/ray-doctor';
import { renderReport } from '../host/report';
import type { Notebook } from '../shared/notebook/model';
import { serializeIpynb } from '../shared/notebook/ipynb';
import { toPercentScript } from '../shared/notebook/percent';
import { BACKEND_NAMES } from '../shared/backends';
import { BackendRequestSchema, type BackendAttempt, type BackendInfo, type BackendName, type BackendRequest } from '../shared/protocol';
import { formatRayCluster, parseSweepTarget } from '../shared/sweep/remote';
import { LOSSBOOK_VERSION } from '../shared/version';
import { doctorFix, libtensorflowUrl, npmInstall, probeDownload, type FixSteps } from './doctor-fix';
import { EXIT, type ExitCode } from './exit-codes';
import { HeadlessRun, type HeadlessRunResult } from './headless-run';
import { ProgressReporter } from './progress';
import { activeFindings, FAIL_ON_SEVERITIES, type FailOnSeverity } from '../shared/diagnosis/findings-policy';
import { SEVERITIES } from '../shared/diagnosis/severity';
import { diagnose } from '../shared/diagnosis/verdict';
import { buildRunJson, failingFindings } from './run-json';
import { recordCliRuns } from './run-recording';

/** How commands get a kernel: the real KernelSupervisor in main.ts, a stand-in in tests. */
export type SupervisorFactory = (options: KernelSupervisorOptions) => KernelSupervisorApi;

export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  /** Subscribe to Ctrl+C / SIGTERM; returns an unsubscribe function. */
  onSignal?: (listener: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** --backend values: the short names of the issue (gpu, node, wasm, cpu) and every full request name. */
export function parseBackend(value: string | undefined, env: Record<string, string | undefined>): { backend: BackendRequest; requestedBy: 'flag' | 'env' | 'default' } {
  if (value !== undefined) {
    const parsed = BackendRequestSchema.safeParse(value.toLowerCase());
    if (!parsed.success) throw new UsageError(`Unknown backend "${value}". Use one of: ${BackendRequestSchema.options.join(', ')}.`);
    return { backend: parsed.data, requestedBy: 'flag' };
  }
  const fromEnv = env.LOSSBOOK_BACKEND;
  if (fromEnv) {
    const parsed = BackendRequestSchema.safeParse(fromEnv.toLowerCase());
    if (!parsed.success) throw new UsageError(`LOSSBOOK_BACKEND="${fromEnv}" is not a backend. Use one of: ${BackendRequestSchema.options.join(', ')}.`);
    return { backend: parsed.data, requestedBy: 'env' };
  }
  return { backend: 'auto', requestedBy: 'default' };
}

export function parseSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout takes a number of seconds greater than 0 (got "${value}").`);
  return seconds;
}

async function openInput(path: string): Promise<Notebook> {
  if (!scriptLanguage(path) && !isJupyterNotebook(path) && extname(path).toLowerCase() !== '.lossbook' && extname(path).toLowerCase() !== '.json') {
    throw new UsageError(`"${basename(path)}" is not a notebook or script: lossbook runs .lossbook, .ipynb, .ts, .js and .mjs files.`);
  }
  return readNotebookFile(path);
}

/** Write a command's output file (folders made, atomically), or stdout for "-". */
export async function writeOutput(path: string, text: string, io: CommandIo): Promise<void> {
  if (path === '-') {
    io.stdout.write(text);
    return;
  }
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFileAtomically(resolve(path), text);
}

export interface RunCommandOptions {
  json?: string;
  /** Every kernel event as one JSON line, as it happens ("-" for stdout): how a sweep follows its trial processes. */
  events?: string;
  report?: string;
  save?: string;
  backend?: string;
  timeout?: string;
  failOn?: string;
  keepGoing?: boolean;
  progress?: boolean;
  /** The run store (issue 20): where to record, or false (--no-record) to not. */
  runsDb?: string;
  record?: boolean;
}

function parseFailOn(value: string | undefined): FailOnSeverity | undefined {
  if (value === undefined) return undefined;
  const known = FAIL_ON_SEVERITIES.find((severity) => severity === value);
  if (!known) throw new UsageError(`--fail-on takes ${FAIL_ON_SEVERITIES.map((severity) => `"${severity}"`).join(' or ')} (got "${value}").`);
  return known;
}

export async function runCommand(input: string, options: RunCommandOptions, io: CommandIo, createSupervisor: SupervisorFactory): Promise<ExitCode> {
  const { backend, requestedBy } = parseBackend(options.backend, io.env);
  const timeoutSeconds = parseSeconds(options.timeout);
  const failOn = parseFailOn(options.failOn);
  if ([options.json, options.report, options.events].filter((path) => path === '-').length > 1) throw new UsageError('Only one of --json, --report and --events can write to stdout (-).');

  let notebook: Notebook;
  try {
    notebook = await openInput(input);
  } catch (error) {
    if (error instanceof NotebookFileError) {
      io.stderr.write(`lossbook: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }

  // With --json - (or --report -) stdout carries the document, so cell output goes to stderr.
  const stdoutTaken = options.json === '-' || options.report === '-' || options.events === '-';
  const reporter = new ProgressReporter({ status: io.stderr, cellOutput: stdoutTaken ? io.stderr : io.stdout, plain: options.progress === false || Boolean(io.env.CI) });
  const recording = recordCliRuns(createSupervisor({ backend, backendRequestedBy: requestedBy, cwd: dirname(resolve(input)) }), notebook, input, options, io);
  const supervisor = recording.supervisor;
  // --timeout counts the cells' running time, not the kernel's start (which depends on the machine).
  let timer: NodeJS.Timeout | undefined;
  const startTimeout = () => {
    if (timeoutSeconds === undefined) return;
    timer = setTimeout(() => {
      reporter.line(`lossbook: --timeout ${timeoutSeconds} s reached — interrupting.`);
      void headless.interrupt('timeout');
    }, timeoutSeconds * 1000);
  };
  const onKernelReady = () => {
    const active = supervisor.backend;
    if (active && !backendSatisfies(active, backend)) {
      const reasons = active.attempts.filter((attempt) => !attempt.ok && attempt.reason).map((attempt) => `${attempt.backend}: ${attempt.reason}`);
      reporter.line(`lossbook: warning — ${backend} was requested but the kernel runs on ${active.name}${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
    }
    startTimeout();
  };
  const headless = new HeadlessRun(notebook, supervisor, { keepGoing: options.keepGoing, reporter, onKernelReady });
  const events = options.events ? openEventStream(options.events, io) : undefined;
  const eventSubscription = events ? supervisor.onEvent((event) => events.write(`${JSON.stringify(event)}\n`)) : undefined;

  let signals = 0;
  const unsubscribe = io.onSignal?.((signal) => {
    signals++;
    if (signals === 1) {
      reporter.line(`lossbook: ${signal === 'SIGINT' ? 'Ctrl+C' : signal} — interrupting at the next batch (press Ctrl+C again to stop at once)…`);
      void headless.interrupt('interrupt');
      if (signal === 'SIGTERM') setTimeout(() => headless.force(), 3000).unref();
    } else {
      reporter.line('lossbook: stopping now.');
      headless.force();
    }
  });

  let result: HeadlessRunResult;
  try {
    result = await headless.run();
  } finally {
    if (timer) clearTimeout(timer);
    headless.dispose();
    eventSubscription?.dispose();
    await events?.close();
    reporter.dispose();
    await Promise.race([supervisor.shutdown().catch(() => undefined), new Promise((resolveLater) => setTimeout(resolveLater, 10_000).unref())]);
    await recording.finish();
    supervisor.dispose();
    unsubscribe?.();
  }

  if (result.kernelError) io.stderr.write(`lossbook: the kernel failed: ${result.kernelError}\n`);
  if (result.backend) io.stderr.write(`lossbook: backend ${describeBackend(result.backend)}\n`);

  // Whatever happened, write what was gathered.
  let writeFailed = false;
  const write = async (what: string, path: string | undefined, produce: () => string | Promise<void>) => {
    if (!path) return;
    try {
      const text = await produce();
      if (typeof text === 'string') await writeOutput(path, text, io);
      if (path !== '-') io.stderr.write(`lossbook: wrote ${what} to ${path}\n`);
    } catch (error) {
      writeFailed = true;
      io.stderr.write(`lossbook: could not write the ${what} to ${path}: ${(error as Error).message}\n`);
    }
  };
  await write('notebook', options.save, () => saveNotebookFile(options.save!, notebook));
  await write('report', options.report, () => renderReport(notebook));
  await write('JSON results', options.json, () => `${JSON.stringify(buildRunJson(notebook, result.runs, result.backend), null, 2)}\n`);
  if (!options.save && !options.report && !options.json && extname(input) === '.lossbook') {
    io.stderr.write('lossbook: results were not saved (add --save out.lossbook, --report out.html or --json out.json)\n');
  }

  // Dismissed findings count nowhere (the findings policy): not here, not in --json, not in --fail-on.
  const diagnoses = result.runs.map((run) => {
    const active = activeFindings(run.findings, notebook.cells.find((cell) => cell.id === run.cellId)?.dismissed ?? []);
    return { run, active, diagnosis: diagnose(active) };
  });
  const severities = diagnoses.flatMap(({ active, diagnosis }) => active.map((finding) => diagnosis.severity.get(finding.key) ?? finding.severity));
  const counts = SEVERITIES.map((severity) => `${severities.filter((s) => s === severity).length} ${severity}`).join(', ');
  io.stderr.write(`lossbook: ${result.runs.length} cell run(s), findings: ${counts}${result.stoppedBy ? ` — stopped: ${stopText(result.stoppedBy)}` : ''}\n`);
  // The verdict of each run that has one: the root cause first, with what it explains (issue 22).
  for (const { run, diagnosis } of diagnoses) {
    const verdict = diagnosis.verdict;
    if (!verdict) continue;
    const cell = notebook.cells.findIndex((candidate) => candidate.id === run.cellId);
    const also = verdict.explains.length ? ` (explains ${verdict.explains.join(', ')})` : '';
    io.stderr.write(`lossbook: cell ${cell} verdict: ${verdict.title} [${verdict.id}] — ${verdict.evidence}${also}\n`);
    if (verdict.nextCheck) io.stderr.write(`lossbook:   next check: ${verdict.nextCheck.code ?? verdict.nextCheck.text}\n`);
  }

  if (result.stoppedBy === 'interrupt') return EXIT.interrupted;
  if (result.stoppedBy === 'timeout') return EXIT.timeout;
  if (result.stoppedBy === 'kernel-failed' || result.runs.some((run) => run.status === 'error' || run.status === 'killed')) return EXIT.cellFailed;
  if (writeFailed) return EXIT.usage;
  if (failOn) {
    const failing = failingFindings(notebook, result.runs, failOn);
    if (failing.length) {
      io.stderr.write(`lossbook: --fail-on ${failOn}: ${failing.length} finding(s) — ${[...new Set(failing.map((finding) => finding.id))].join(', ')}\n`);
      return EXIT.findings;
    }
  }
  return EXIT.ok;
}

/** Where --events writes: stdout, or a file (created with its folder). */
function openEventStream(path: string, io: CommandIo): { write(line: string): void; close(): Promise<void> } {
  if (path === '-') return { write: (line) => io.stdout.write(line), close: () => Promise.resolve() };
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const stream = createWriteStream(resolve(path));
  return { write: (line) => stream.write(line), close: () => new Promise((resolveClose) => stream.end(resolveClose)) };
}

function stopText(reason: NonNullable<HeadlessRunResult['stoppedBy']>): string {
  return { timeout: 'timeout reached', interrupt: 'interrupted', 'cell-failed': 'a cell failed', 'kernel-failed': 'the kernel failed' }[reason];
}

/** Whether the backend the kernel loaded is what was asked for (a forced backend may fall back). */
export function backendSatisfies(active: BackendInfo, request: BackendRequest): boolean {
  if (request === 'auto') return true;
  if (request === 'gpu') return active.isGpu;
  if (request === 'node') return active.name === 'tensorflow';
  return active.name === request;
}

export function describeBackend(backend: BackendInfo): string {
  return `${backend.name}${backend.device ? ` (${backend.device})` : ''}, tfjs ${backend.tfjsVersion}, requested ${backend.requested} by ${backend.requestedBy}`;
}

export async function exportCommand(input: string, options: { html?: string; script?: string; ipynb?: string; title?: string }, io: CommandIo): Promise<ExitCode> {
  let notebook: Notebook;
  try {
    notebook = await readNotebookFile(input);
  } catch (error) {
    if (error instanceof NotebookFileError) {
      io.stderr.write(`lossbook: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  if (options.ipynb && options.ipynb !== '-' && !isJupyterNotebook(options.ipynb)) {
    io.stderr.write(`lossbook: --ipynb writes a Jupyter notebook; give it a name ending in .ipynb (got "${options.ipynb}").\n`);
    return EXIT.usage;
  }
  const html = options.html ?? (options.script || options.ipynb ? undefined : resolve(dirname(input), `${basename(input, extname(input))}.html`));
  if (html) {
    await writeOutput(html, renderReport(notebook, options.title ? { title: options.title } : {}), io);
    if (html !== '-') io.stderr.write(`lossbook: wrote the report to ${html}\n`);
  }
  if (options.script) {
    await writeOutput(options.script, toPercentScript(notebook.cells, notebook.metadata.title), io);
    if (options.script !== '-') io.stderr.write(`lossbook: wrote the script to ${options.script}\n`);
  }
  if (options.ipynb) {
    // nbformat 4.5 for a tslab (TypeScript) or jslab kernel: cells, counts and text outputs.
    await writeOutput(options.ipynb, serializeIpynb(options.title ? { ...notebook, metadata: { ...notebook.metadata, title: options.title } } : notebook), io);
    if (options.ipynb !== '-') io.stderr.write(`lossbook: wrote the Jupyter notebook to ${options.ipynb}\n`);
  }
  return EXIT.ok;
}

// ───────────────────────────── doctor ─────────────────────────────

export interface DoctorReport {
  lossbookVersion: string;
  node: string;
  platform: string;
  cpus: number;
  /** The automatic choice, with every backend tried before it and why it was skipped. */
  auto?: BackendInfo;
  autoError?: string;
  /** Each backend by name: whether it loads here and, if not, why. */
  backends: Array<{ backend: BackendName; loads: boolean; reason?: string; device?: string; suppliedKernels?: BackendInfo['suppliedKernels'] }>;
  nvidiaSmi?: string;
}

const CHAIN: readonly BackendName[] = BACKEND_NAMES;

/** Ask the driver directly where nvidia-smi exists: names the GPU even when no tfjs GPU backend loads. */
function nvidiaSmi(): string | undefined {
  const result = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total,memory.used', '--format=csv,noheader'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

/** Start a kernel with `request` and return what its `ready` event said. */
async function probe(createSupervisor: SupervisorFactory, request: BackendRequest): Promise<{ backend?: BackendInfo; error?: string }> {
  const supervisor = createSupervisor({ backend: request, backendRequestedBy: request === 'auto' ? 'default' : 'flag' });
  try {
    await supervisor.start();
    return { backend: supervisor.backend };
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    await Promise.race([supervisor.shutdown().catch(() => undefined), new Promise((resolveLater) => setTimeout(resolveLater, 10_000).unref())]);
    supervisor.dispose();
  }
}

export async function collectDoctorReport(createSupervisor: SupervisorFactory): Promise<DoctorReport> {
  const report: DoctorReport = { lossbookVersion: LOSSBOOK_VERSION, node: process.version, platform: `${platform()} ${release()} ${arch()}`, cpus: cpus().length, backends: [] };
  const auto = await probe(createSupervisor, 'auto');
  if (auto.backend) report.auto = auto.backend;
  if (auto.error) report.autoError = auto.error;
  const attempts = new Map<BackendName, BackendAttempt>((auto.backend?.attempts ?? []).map((attempt) => [attempt.backend, attempt]));
  for (const backend of CHAIN) {
    const attempt = attempts.get(backend);
    if (attempt) {
      report.backends.push({
        backend,
        loads: attempt.ok,
        ...(attempt.reason ? { reason: attempt.reason } : {}),
        ...(attempt.ok && auto.backend?.device ? { device: auto.backend.device } : {}),
        ...(attempt.ok && auto.backend?.suppliedKernels ? { suppliedKernels: auto.backend.suppliedKernels } : {}),
      });
      continue;
    }
    // Not tried by the automatic chain (an earlier one loaded): start a kernel forced to it.
    const forced = await probe(createSupervisor, backend);
    if (forced.backend?.name === backend)
      report.backends.push({ backend, loads: true, ...(forced.backend.device ? { device: forced.backend.device } : {}), ...(forced.backend.suppliedKernels ? { suppliedKernels: forced.backend.suppliedKernels } : {}) });
    else {
      const failed = forced.backend?.attempts.find((candidate) => candidate.backend === backend);
      report.backends.push({ backend, loads: false, reason: failed?.reason ?? forced.error ?? `the kernel fell back to ${forced.backend?.name ?? 'nothing'}` });
    }
  }
  const smi = nvidiaSmi();
  if (smi) report.nvidiaSmi = smi;
  return report;
}

export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`Lossbook ${report.lossbookVersion} · Node ${report.node} · ${report.platform} · ${report.cpus} CPU cores`, ''];
  if (report.auto) {
    lines.push(`Automatic choice: ${describeBackend(report.auto)}`);
    const gpu = report.auto.gpu;
    if (gpu) lines.push(`GPU adapter: ${[gpu.vendor, gpu.architecture, gpu.device, gpu.description].filter(Boolean).join(' · ') || 'unnamed'}${gpu.driver ? ` · driver ${gpu.driver}` : ''}`);
  } else lines.push(`Automatic choice: the kernel did not start — ${report.autoError ?? 'no reason given'}`);
  lines.push('', 'Backends (in the order Lossbook tries them):');
  for (const entry of report.backends) {
    const mark = entry.loads ? '✔ loads  ' : '✘ skipped';
    lines.push(`  ${mark} ${entry.backend.padEnd(15)} ${entry.loads ? (entry.device ?? '') : (entry.reason ?? '')}`.trimEnd());
    const supplied = entry.suppliedKernels;
    if (entry.loads && supplied) lines.push(...describeSuppliedKernels(supplied).map((line) => `${' '.repeat(27)}${line}`));
  }
  lines.push('', report.nvidiaSmi ? `nvidia-smi: ${report.nvidiaSmi}` : 'nvidia-smi: not available (no NVIDIA driver found on PATH)');
  return `${lines.join('\n')}\n`;
}

/** The @tensorflow/tfjs version installed next to Lossbook: tfjs-node must match it. */
function installedTfjsVersion(): string {
  try {
    return (createRequire(import.meta.url)('@tensorflow/tfjs/package.json') as { version: string }).version;
  } catch {
    return '4.22.0';
  }
}

/** The kernels a backend lacks and how Lossbook supplies each (issue 18), a line per kind. */
function describeSuppliedKernels(supplied: NonNullable<BackendInfo['suppliedKernels']>): string[] {
  const kinds: Array<[string[], string]> = [
    [supplied.composed, 'lacks, composed by Lossbook from its own kernels'],
    [supplied.corrected, 'computes wrongly, corrected by Lossbook'],
    [supplied.cpuFallback, 'lacks, run on the tfjs CPU kernel'],
    [supplied.unsupported, 'lacks (complex64, which it cannot store): a clear error'],
  ];
  return kinds.filter(([names]) => names.length).map(([names, how]) => `${how}: ${names.join(', ')}`);
}

export async function doctorCommand(
  options: { json?: boolean; fix?: boolean; ray?: string },
  io: CommandIo,
  createSupervisor: SupervisorFactory,
  fixSteps: Partial<FixSteps> = {},
): Promise<ExitCode> {
  if (options.ray !== undefined) return rayDoctor(options.ray, options.json === true, io);
  if (options.fix) {
    return doctorFix(io, {
      verify: async () => {
        const forced = await probe(createSupervisor, 'tensorflow');
        if (forced.backend?.name === 'tensorflow') return { loads: true, ...(forced.backend.device ? { device: forced.backend.device } : {}) };
        const reason = forced.backend?.attempts.find((attempt) => attempt.backend === 'tensorflow')?.reason ?? forced.error;
        return { loads: false, ...(reason ? { reason } : {}) };
      },
      probeDownload: (url) => probeDownload(url),
      install: (spec) => npmInstall(spec),
      url: libtensorflowUrl(),
      tfjsVersion: installedTfjsVersion(),
      ...fixSteps,
    });
  }
  const report = await collectDoctorReport(createSupervisor);
  io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
  return report.backends.some((entry) => entry.loads) ? EXIT.ok : EXIT.cellFailed;
}

/** `lossbook doctor --ray ADDRESS`: the cluster as a sweep's driver sees it; exit 1 when it cannot be reached. */
async function rayDoctor(address: string, json: boolean, io: CommandIo): Promise<ExitCode> {
  let target;
  try {
    target = parseSweepTarget({ ray: address }, io.env);
  } catch (error) {
    throw new UsageError((error as Error).message.replace('lossbook.sweep: on.ray', '--ray'));
  }
  if (target.kind !== 'ray') throw new UsageError('--ray takes a Ray cluster address.');
  const check = await checkRayCluster(target.address, io.env);
  if (json) io.stdout.write(`${JSON.stringify(check.ok ? { address: target.address, ok: true, ...check.cluster } : { address: target.address, ok: false, reason: check.reason }, null, 2)}\n`);
  else if (check.ok) io.stdout.write(formatRayCluster(target.address, check.cluster));
  else io.stderr.write(`lossbook: Ray cluster at ${target.address}: ${check.reason}\n`);
  return check.ok ? EXIT.ok : EXIT.cellFailed;
}
