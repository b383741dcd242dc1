import { describe, expect, it } from 'vitest';
import { fakeElectron } from './fake-electron';
import { createUtilityProcessLauncher } from './utility-launcher';

function launch() {
  const electron = fakeElectron();
  const launcher = createUtilityProcessLauncher(electron.forkUtilityProcess, { baseEnv: { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1', UNSET: undefined } });
  const handle = launcher({ entry: '/app/out/node/kernel.mjs', env: { LOSSBOOK_BACKEND: 'wasm' }, cwd: '/notebooks', execArgv: ['--max-old-space-size=4096'] });
  return { electron, handle, child: electron.forked[0]! };
}

describe('utilityProcess kernel launcher', () => {
  it('forks the kernel entry with merged env, cwd, piped output, named service', () => {
    const { child } = launch();
    expect(child.modulePath).toBe('/app/out/node/kernel.mjs');
    expect(child.forkOptions).toEqual({
      env: { PATH: '/usr/bin', LOSSBOOK_BACKEND: 'wasm' },
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
