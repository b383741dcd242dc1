// The kernel runs in an Electron utilityProcess: a separate OS process (a crash or a hung
// synchronous loop there never blocks a window), which Electron tears down with the app.
// This adapts utilityProcess.fork to the supervisor's KernelLauncher (src/host/kernel-api.ts).
// The kernel (src/kernel/main.ts) speaks over `process.parentPort` when it has one, so
// out/node/kernel.mjs is forked as it is, the same program as under child_process.fork.
import type { KernelLauncher, KernelProcessHandle } from '../host/kernel-api';
import type { Disposable } from '../shared/protocol';
import type { UtilityFork } from './electron-surface';

export const KERNEL_ENTRY_VARIABLE = 'LOSSBOOK_KERNEL_ENTRY';

export function createUtilityProcessLauncher(fork: UtilityFork, options: { baseEnv?: Record<string, string | undefined> } = {}): KernelLauncher {
  return (launch) => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...(options.baseEnv ?? {}), ...launch.env })) if (value !== undefined) env[key] = value;
    // The kernel is plain Node; running Electron's binary "as node" there would only confuse it.
    delete env.ELECTRON_RUN_AS_NODE;
    const child = fork(launch.entry, [], {
      env,
      ...(launch.execArgv ? { execArgv: launch.execArgv } : {}),
      ...(launch.cwd ? { cwd: launch.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      serviceName: 'Lossbook Kernel',
    });
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    const handle: KernelProcessHandle = {
      get pid() {
        return child.pid;
      },
      send(message) {
        // Messages to a kernel that has already gone are dropped; the supervisor sees the exit.
        if (!exited) child.postMessage(message);
      },
      onMessage(listener): Disposable {
        child.on('message', listener);
        return { dispose: () => child.removeListener('message', listener) };
      },
      onExit(listener): Disposable {
        // utilityProcess reports an exit code only; a kill shows up as a non-zero code.
        const onExit = (code: number): void => listener(code, null);
        child.on('exit', onExit);
        return { dispose: () => child.removeListener('exit', onExit) };
      },
      onOutput(listener): Disposable {
        const onData = (chunk: Buffer | string): void => listener(chunk.toString());
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        return {
          dispose: () => {
            child.stdout?.removeListener('data', onData);
            child.stderr?.removeListener('data', onData);
          },
        };
      },
      kill() {
        if (!exited) child.kill();
      },
    };
    return handle;
  };
}
