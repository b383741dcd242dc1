// PROTOCOL_VERSION: the supervisor may start the built kernel or the source (whichever is newer),
// so kernel and host can be built from different sources. A kernel that speaks another protocol
// version is refused with a reason the user can act on, never half-trusted.
import { describe, expect, it } from 'vitest';
import { Emitter } from '../shared/event';
import { PROTOCOL_VERSION, type HostEvent } from '../shared/protocol';
import type { KernelLauncher } from './kernel-api';
import { protocolMismatch } from './kernel-process';
import { KernelStartError, KernelSupervisor } from './kernel-supervisor';

const ready = {
  type: 'ready',
  pid: 4242,
  backend: { name: 'cpu', requested: 'cpu', requestedBy: 'setting', attempts: [], tfjsVersion: '4.22.0', isGpu: false },
  memory: { numTensors: 0, numBytes: 0, rssBytes: 0, heapUsedBytes: 0, time: 0 },
  lossbookVersion: '0.0.9',
};

/** A kernel process that only says `ready` (as given) and exits when killed. */
function launcherSaying(message: unknown) {
  const kills: string[] = [];
  const launcher: KernelLauncher = () => {
    const messages = new Emitter<unknown>();
    const exits = new Emitter<string>();
    let alive = true;
    queueMicrotask(() => messages.fire(message));
    const kill = (signal: string): void => {
      if (!alive) return;
      alive = false;
      kills.push(signal);
      queueMicrotask(() => exits.fire(signal));
    };
    return {
      pid: 4242,
      send: (request) => (request as { type?: string }).type === 'shutdown' && kill('exit'),
      onMessage: messages.event,
      onExit: (listener) => exits.event((signal) => listener(null, signal)),
      kill: (signal = 'SIGTERM') => kill(signal),
    };
  };
  return { launcher, kills };
}

async function startWith(message: unknown) {
  const { launcher, kills } = launcherSaying(message);
  const supervisor = new KernelSupervisor({ entry: '/opt/lossbook/out/node/kernel.mjs', launcher, startTimeoutMs: 5_000 });
  const states: Array<Extract<HostEvent, { type: 'kernel-state' }>> = [];
  supervisor.onEvent((event) => event.type === 'kernel-state' && states.push(event));
  const started = await supervisor.start().then(
    () => undefined,
    (error: unknown) => error,
  );
  return { supervisor, states, kills, started };
}

describe('the kernel protocol version', () => {
  it('a kernel that speaks this protocol version is ready', async () => {
    const { supervisor, started } = await startWith({ ...ready, protocolVersion: PROTOCOL_VERSION });
    expect(started).toBeUndefined();
    expect(supervisor.state).toBe('idle');
    expect(supervisor.backend?.name).toBe('cpu');
    await supervisor.shutdown();
  });

  it('a kernel built from other sources is refused with a reason the user can act on, and ended', async () => {
    const { supervisor, states, kills, started } = await startWith({ ...ready, protocolVersion: PROTOCOL_VERSION + 1 });
    expect(started).toBeInstanceOf(KernelStartError);
    const message = (started as Error).message;
    expect(message).toMatch(new RegExp(`speaks protocol version ${PROTOCOL_VERSION + 1}, but this Lossbook .* speaks protocol version ${PROTOCOL_VERSION}`));
    expect(message).toContain('/opt/lossbook/out/node/kernel.mjs');
    expect(message).toContain('npm run build');
    expect(supervisor.state).toBe('dead');
    expect(states.at(-1)).toMatchObject({ state: 'dead', reason: message });
    expect(kills).toEqual(['SIGKILL']);
    // A cell sent to it fails with the same reason instead of waiting on a kernel that is not there.
    const { launcher } = launcherSaying({ ...ready, protocolVersion: PROTOCOL_VERSION + 1 });
    const again = new KernelSupervisor({ entry: '/opt/lossbook/out/node/kernel.mjs', launcher, startTimeoutMs: 5_000 });
    await expect(again.execute({ cellId: 'c', code: '1' })).rejects.toThrow(/protocol version/);
    await supervisor.shutdown();
    await again.shutdown();
  });

  it('a kernel from before protocol versions is refused too', async () => {
    const { supervisor, started } = await startWith(ready);
    expect((started as Error).message).toMatch(/speaks no protocol version \(it predates them\)/);
    expect(supervisor.state).toBe('dead');
    await supervisor.shutdown();
  });

  it('only a ready is checked; a malformed ready is left to the protocol check of every message', () => {
    expect(protocolMismatch({ type: 'memory', memory: ready.memory }, 'k')).toBeUndefined();
    expect(protocolMismatch({ type: 'ready', pid: 'not a number' }, 'k')).toBeUndefined();
    expect(protocolMismatch({ ...ready, protocolVersion: PROTOCOL_VERSION }, 'k')).toBeUndefined();
    expect(protocolMismatch({ ...ready, protocolVersion: 'two' }, 'k')).toMatch(/speaks protocol version two/);
  });
});
