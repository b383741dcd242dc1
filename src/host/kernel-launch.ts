// Launching a kernel process: which entry (the built kernel when it is current, otherwise the
// source through tsx) and the default launcher, child_process.fork with an interrupt pipe.
// Electron main passes its own launcher (utilityProcess) through KernelSupervisorOptions.
import { fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Emitter } from '../shared/event';
import type { KernelLauncher } from './kernel-api';
import { KernelStartError } from './kernel-messages';

export const forkLauncher: KernelLauncher = ({ entry, env, cwd, execArgv }) => {
  // fd 4 is the interrupt pipe (src/kernel/interrupt-channel.ts): it reaches a kernel whose
  // event loop is blocked by a synchronous loop, so such a cell stops without a restart.
  const child = fork(entry, [], {
    env: { ...env, LOSSBOOK_INTERRUPT_FD: '4' },
    ...(cwd ? { cwd } : {}),
    execArgv: execArgv ?? [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe'],
    serialization: 'json',
  });
  const interruptPipe = child.stdio[4] as Writable | null | undefined;
  interruptPipe?.on('error', () => {
    // The kernel exited; its exit is reported through onExit.
  });
  const output = new Emitter<string>();
  const forward = (chunk: Buffer) => output.fire(chunk.toString('utf8'));
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (child.connected) child.send(message as object, (error) => void error);
    },
    onMessage(listener) {
      child.on('message', listener);
      return { dispose: () => child.off('message', listener) };
    },
    onExit(listener) {
      let fired = false;
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        if (fired) return;
        fired = true;
        listener(code, signal);
      };
      const onError = () => onExit(null, null);
      child.on('exit', onExit);
      child.on('error', onError);
      return {
        dispose: () => {
          child.off('exit', onExit);
          child.off('error', onError);
        },
      };
    },
    onDisconnect(listener) {
      child.on('disconnect', listener);
      return { dispose: () => child.off('disconnect', listener) };
    },
    onOutput: output.event,
    signalInterrupt(sequence) {
      if (!interruptPipe || interruptPipe.destroyed) return;
      const message = Buffer.alloc(4);
      message.writeUInt32LE(sequence, 0);
      interruptPipe.write(message);
    },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
};

/** The project root (the folder whose package.json is Lossbook's), from this module's location. */
function findProjectRoot(): string | undefined {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lossbook') return folder;
      } catch {
        // not ours; keep looking
      }
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

function newestModification(folder: string): number {
  let newest = 0;
  if (!existsSync(folder)) return newest;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestModification(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The built kernel when it is current, otherwise the source through tsx. */
export function resolveKernelEntry(explicit?: string): { entry: string; execArgv: string[] } {
  const root = findProjectRoot();
  const tsxLoader = (): string[] => {
    try {
      const resolved = createRequire(join(root ?? process.cwd(), 'package.json')).resolve('tsx');
      return ['--import', pathToFileURL(resolved).href];
    } catch {
      return ['--import', 'tsx'];
    }
  };
  if (explicit) return { entry: explicit, execArgv: explicit.endsWith('.ts') ? tsxLoader() : [] };
  if (!root) throw new KernelStartError('Cannot find the Lossbook installation (its package.json) to start the kernel from.');
  const built = join(root, 'out', 'node', 'kernel.mjs');
  const source = join(root, 'src', 'kernel', 'main.ts');
  if (existsSync(built)) {
    const sourceTime = existsSync(source) ? Math.max(newestModification(join(root, 'src', 'kernel')), newestModification(join(root, 'src', 'shared'))) : 0;
    if (statSync(built).mtimeMs >= sourceTime) return { entry: built, execArgv: [] };
  }
  if (!existsSync(source)) throw new KernelStartError(`The kernel is not built (${built} is missing); run npm run build.`);
  return { entry: source, execArgv: tsxLoader() };
}
