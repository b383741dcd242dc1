import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fakeElectron } from './fake-electron';
import { installParentPortBridge } from './kernel-bridge';
import { createUtilityProcessLauncher, KERNEL_ENTRY_VARIABLE } from './utility-launcher';

function launch() {
  const electron = fakeElectron();
  const launcher = createUtilityProcessLauncher(electron.forkUtilityProcess, { bridgeEntry: '/app/out/main/kernel-bridge.js', baseEnv: { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1', UNSET: undefined } });
  const handle = launcher({ entry: '/app/out/node/kernel.mjs', env: { LOSSBOOK_BACKEND: 'wasm' }, cwd: '/notebooks', execArgv: ['--max-old-space-size=4096'] });
  return { electron, handle, child: electron.forked[0]! };
}

describe('utilityProcess kernel launcher', () => {
  it('forks the bridge with the kernel entry, merged env, cwd, piped output, named service', () => {
    const { child } = launch();
    expect(child.modulePath).toBe('/app/out/main/kernel-bridge.js');
    expect(child.forkOptions).toEqual({
      env: { PATH: '/usr/bin', LOSSBOOK_BACKEND: 'wasm', [KERNEL_ENTRY_VARIABLE]: '/app/out/node/kernel.mjs' },
      execArgv: ['--max-old-space-size=4096'],
      cwd: '/notebooks',
      stdio: ['ignore', 'pipe', 'pipe'],
      serviceName: 'Lossbook Kernel',
    });
  });

  it('carries messages both ways and reports output and exit', () => {
    const { child, handle } = launch();
    expect(handle.pid).toBe(4242);
    const received: unknown[] = [];
    const output: string[] = [];
    const exits: Array<[number | null, string | null]> = [];
    const messages = handle.onMessage((message) => received.push(message));
    handle.onOutput!((text) => output.push(text));
    handle.onExit((code, signal) => exits.push([code, signal]));
    handle.send({ type: 'execute', runId: 'r1' });
    child.emit('message', { type: 'ready' });
    child.stderr.write('Segmentation fault\n');
    messages.dispose();
    child.emit('message', { type: 'ignored after dispose' });
    expect(child.posted).toEqual([{ type: 'execute', runId: 'r1' }]);
    expect(received).toEqual([{ type: 'ready' }]);
    expect(output).toEqual(['Segmentation fault\n']);
    child.emit('exit', 139);
    expect(exits).toEqual([[139, null]]);
  });

  it('after the kernel exits, sends are dropped and kill does nothing (no throw into the supervisor)', () => {
    const { child, handle } = launch();
    handle.kill();
    expect(child.killed).toBe(1);
    child.emit('exit', 15);
    handle.send({ type: 'memory' });
    handle.kill();
    expect(child.posted).toEqual([]);
    expect(child.killed).toBe(1);
  });
});

describe('kernel bridge inside the utility process', () => {
  it('makes parentPort look like Node IPC to an unchanged kernel', () => {
    const port = Object.assign(new EventEmitter(), { posted: [] as unknown[], postMessage(message: unknown) { port.posted.push(message); } });
    const fakeProcess = new EventEmitter() as EventEmitter & { send?: (message: unknown) => boolean; connected?: boolean };
    installParentPortBridge(fakeProcess, port);
    // What src/kernel does under child_process.fork:
    fakeProcess.on('message', (message) => fakeProcess.send!({ echo: message }));
    port.emit('message', { data: { type: 'memory' } });
    expect(port.posted).toEqual([{ echo: { type: 'memory' } }]);
    expect(fakeProcess.connected).toBe(true);
    let callbackError: unknown = 'not called';
    (fakeProcess.send as (message: unknown, callback: (error: Error | null) => void) => boolean)({ type: 'x' }, (error) => (callbackError = error));
    expect(callbackError).toBeNull();
  });
});
