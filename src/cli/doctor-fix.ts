// `lossbook doctor --fix` (issue 18): install @tensorflow/tfjs-node — the native CPU backend that
// has every kernel — with its install script enabled (the project's .npmrc turns scripts off so
// `npm ci` never downloads), then start a kernel on it to verify. Its install script downloads
// libtensorflow; where that download cannot work the command says so in one line, naming the URL
// and the network error, before npm spends minutes failing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, type ExitCode } from './exit-codes';

/** The libtensorflow version and archive names of @tensorflow/tfjs-node 4.22's scripts/deps-constants.js. */
const LIBTENSORFLOW_VERSION = '2.9.1';
const SUPPORTED = ['cpu-darwin-x86_64', 'cpu-linux-x86_64', 'cpu-windows-x86_64'];

/**
 * Where tfjs-node's install script (scripts/install.js) will download libtensorflow from, with the
 * same environment overrides it reads; undefined where it has no prebuilt library.
 */
export function libtensorflowUrl(env: NodeJS.ProcessEnv = process.env, os = platform(), cpu = arch()): string | undefined {
  const host = env.TFJS_NODE_CDN_STORAGE || env.npm_config_TFJS_NODE_CDN_STORAGE || env.CDN_STORAGE || 'https://storage.googleapis.com/';
  if (os === 'darwin' && cpu === 'arm64') return `${host}tf-builds/libtensorflow_r2_7_darwin_arm64_cpu.tar.gz`;
  if (os === 'linux' && cpu === 'arm64') return `${host}tf-builds/libtensorflow_r2_7_linux_arm64.tar.gz`;
  const base = env.TFJS_NODE_BASE_URI || env.npm_config_TFJS_NODE_BASE_URI || `${host}tensorflow/libtensorflow/libtensorflow-`;
  const system = `cpu-${{ darwin: 'darwin', linux: 'linux', win32: 'windows' }[os as 'linux'] ?? os}-${{ x64: 'x86_64', arm64: 'arm64' }[cpu as 'x64'] ?? cpu}`;
  if (!SUPPORTED.includes(system)) return undefined;
  return `${base}${system}-${LIBTENSORFLOW_VERSION}.${os === 'win32' ? 'zip' : 'tar.gz'}`;
}

/** A HEAD request: can this machine download from `url`? The reason names the error as Node reports it. */
export async function probeDownload(url: string, timeoutMs = 15_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return { ok: true };
    return { ok: false, reason: `HTTP ${response.status} ${response.statusText}`.trim() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    // fetch says only "fetch failed"; the network error is its cause ("getaddrinfo ENOTFOUND host").
    const detail = cause?.message || cause?.code || ((error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : String((error as Error).message ?? error));
    return { ok: false, reason: detail.split('\n')[0]! };
  }
}

export interface FixSteps {
  /** Whether the tensorflow backend loads now (a kernel forced to it), and what it says. */
  verify(): Promise<{ loads: boolean; device?: string; reason?: string }>;
  probeDownload(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** npm install of `spec` with install scripts on, in Lossbook's folder; the last lines of npm's output. */
  install(spec: string): Promise<{ ok: boolean; output: string }>;
  url: string | undefined;
  tfjsVersion: string;
}

export async function doctorFix(io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, steps: FixSteps): Promise<ExitCode> {
  const say = (line: string) => io.stdout.write(`lossbook doctor --fix: ${line}\n`);
  const before = await steps.verify();
  if (before.loads) {
    say(`nothing to fix: @tensorflow/tfjs-node already loads (${before.device ?? 'TensorFlow native CPU'})`);
    return EXIT.ok;
  }
  if (!steps.url) {
    say(`cannot install @tensorflow/tfjs-node: it has no prebuilt libtensorflow for ${platform()} ${arch()}; Lossbook keeps using wasm`);
    return EXIT.cellFailed;
  }
  const reachable = await steps.probeDownload(steps.url);
  if (!reachable.ok) {
    say(`cannot install @tensorflow/tfjs-node here: its install script downloads libtensorflow from ${steps.url}, which failed (${reachable.reason}); install where that host is reachable, or set TFJS_NODE_CDN_STORAGE to a mirror`);
    return EXIT.cellFailed;
  }
  const spec = `@tensorflow/tfjs-node@${steps.tfjsVersion}`;
  say(`installing ${spec} with its install script (downloads libtensorflow ${LIBTENSORFLOW_VERSION})…`);
  const installed = await steps.install(spec);
  if (!installed.ok) {
    say(`npm install ${spec} failed: ${installed.output.trim().split('\n').filter(Boolean).pop() ?? 'no output'}`);
    return EXIT.cellFailed;
  }
  const after = await steps.verify();
  if (!after.loads) {
    say(`${spec} installed, but the kernel still cannot load it: ${after.reason ?? 'no reason given'}`);
    return EXIT.cellFailed;
  }
  say(`${spec} installed and verified: a kernel started on ${after.device ?? 'TensorFlow native CPU'}; the automatic choice now prefers it over wasm`);
  return EXIT.ok;
}

/** Lossbook's own folder (where its package.json and node_modules are), from src/cli or out/node. */
export function lossbookFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4 && !existsSync(join(folder, 'package.json')); i++) folder = resolve(folder, '..');
  return folder;
}

/** npm install with scripts enabled; --no-save: package.json already lists it as optional. */
export function npmInstall(spec: string, cwd = lossbookFolder()): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolveInstall) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--no-save', '--ignore-scripts=false', spec], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolveInstall({ ok: false, output: error.message }));
    child.on('close', (code) => resolveInstall({ ok: code === 0, output }));
  });
}
