// KernelSupervisor with a real kernel process: output streaming, bad input, crashes (native
// abort, out of memory), restart, backend forcing, protocol validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../shared/protocol';
import type { KernelLauncher } from './kernel-api';
import { crashReason, describeLostState, forkLauncher, type KernelSupervisor } from './kernel-supervisor';
import { runCell, startSupervisor } from './kernel-supervisor.testing';

describe('a running kernel', () => {
  let supervisor: KernelSupervisor;
  const states: string[] = [];

  beforeAll(async () => {
    supervisor = startSupervisor();
    supervisor.onEvent((event) => event.type === 'kernel-state' && states.push(event.state));
    await supervisor.start();
  });

  afterAll(async () => {
    await supervisor?.shutdown();
  });

  it('reports ready with its backend, the chain it tried and its memory', () => {
    expect(states.slice(0, 2)).toEqual(['starting', 'idle']);
    expect(supervisor.backend).toMatchObject({ name: 'wasm', requested: 'wasm', requestedBy: 'setting', isGpu: false });
    expect(supervisor.backend?.device).toMatch(/WebAssembly/);
    expect(supervisor.lastMemory).toMatchObject({ numTensors: 0, numBytes: 0 });
    expect(supervisor.lastMemory?.rssBytes).toBeGreaterThan(0);
  });

  it('streams console output per run, in order with the displayed value', async () => {
    const outcome = await runCell(supervisor, "console.log('first');\nconsole.error('warned');\nprocess.stdout.write('second\\n');\n'value'");
    expect(outcome.stdout).toBe('first\nsecond\n');
    expect(outcome.stderr).toBe('warned\n');
    const kinds = outcome.events.map((event) => event.type).filter((type) => type === 'stream' || type === 'display');
    expect(kinds.at(-1)).toBe('display');
    expect(outcome.display).toEqual({ kind: 'text', text: 'value' });
  });

  it('goes busy for a run and back to idle', async () => {
    states.length = 0;
    await runCell(supervisor, '1');
    expect(states).toEqual(['busy', 'idle']);
  });

  it('bounds 100 MB of output with a note, and stays usable', async () => {
    const outcome = await runCell(supervisor, "const big = 'x'.repeat(10_000_000);\nfor (let i = 0; i < 10; i++) console.log(big);");
    expect(outcome.finished.status).toBe('ok');
    expect(outcome.stdout.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(outcome.stderr).toMatch(/output truncated: 9\d\.\d MB more were not shown/);
    expect((await runCell(supervisor, '"usable"')).display).toEqual({ kind: 'text', text: 'usable' });
  });

  it('reports an unhandled rejection and an uncaught timer exception to the run; the kernel survives', async () => {
    const outcome = await runCell(
      supervisor,
      "Promise.reject(new Error('nobody awaited me'));\nsetTimeout(() => { throw new TypeError('thrown in a timer'); }, 0);\nawait new Promise((resolve) => setTimeout(resolve, 50));\n'finished'",
    );
    const errors = outcome.events.filter((event): event is Extract<HostEvent, { type: 'error' }> => event.type === 'error').map((event) => event.error.message);
    expect(errors).toEqual([expect.stringContaining('Unhandled promise rejection'), expect.stringContaining('Uncaught exception')]);
    expect(errors[0]).toContain('nobody awaited me');
    expect(errors[1]).toContain('thrown in a timer');
    expect(outcome.display).toEqual({ kind: 'text', text: 'finished' });
    expect((await runCell(supervisor, '2 + 2')).display).toEqual({ kind: 'text', text: '4' });
  });

  it('runs queued cells one at a time, in order', async () => {
    const first = await supervisor.execute({ cellId: 'a', code: "await new Promise((resolve) => setTimeout(resolve, 30));\nconst order = ['a'];" });
    const second = await supervisor.execute({ cellId: 'b', code: "order.push('b');\norder" });
    await first.done;
    const finished = await second.done;
    expect(finished.status).toBe('ok');
    const outcome = await runCell(supervisor, 'order.join("")');
    expect(outcome.display).toEqual({ kind: 'text', text: 'ab' });
  });

  it('a cell stuck outside any loop is killed after the grace period and the kernel restarted', async () => {
    const exits: HostEvent[] = [];
    const subscription = supervisor.onEvent((event) => event.type === 'kernel-exit' && exits.push(event));
    await runCell(supervisor, 'const survivor = tf.ones([4]);');
    const outcome = await runCell(supervisor, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);', (event) => event.type === 'run-started');
    subscription.dispose();
    expect(outcome.finished.status).toBe('killed');
    expect(outcome.error?.message).toMatch(/did not stop within 1\.5 s/);
    expect(exits).toEqual([expect.objectContaining({ expected: true, lostState: expect.stringContaining('survivor') })]);
    expect(supervisor.state).toBe('idle');
    expect(supervisor.lastMemory).toMatchObject({ numTensors: 0, numBytes: 0 });
    expect((await runCell(supervisor, 'typeof survivor')).display).toEqual({ kind: 'text', text: 'undefined' });
  });
});

describe('restart', () => {
  it('says what a restart loses, goes restarting → starting → idle, and starts from a fresh kernel’s memory', async () => {
    const supervisor = startSupervisor({ backend: 'cpu' });
    const events: HostEvent[] = [];
    supervisor.onEvent((event) => events.push(event));
    try {
      await supervisor.start();
      await runCell(supervisor, 'const weights = tf.ones([16]);\nconst label = "kept";');
      events.length = 0;
      await supervisor.restart('the user asked');
      const exit = events.find((event) => event.type === 'kernel-exit');
      expect(exit).toMatchObject({ expected: true, reason: 'the user asked', lostState: 'the namespace (weights, label) — re-run the cells that define them' });
      const states = events.filter((event) => event.type === 'kernel-state').map((event) => (event as Extract<HostEvent, { type: 'kernel-state' }>).state);
      expect(states).toEqual(['restarting', 'starting', 'idle']);
      expect(supervisor.lastMemory).toMatchObject({ numTensors: 0, numBytes: 0 });
      expect((await runCell(supervisor, 'typeof weights')).display).toEqual({ kind: 'text', text: 'undefined' });
    } finally {
      await supervisor.shutdown();
    }
  });
});

describe('hard interrupt with a standby kernel', () => {
  it('starts the replacement during the grace period and promotes it when the stuck kernel is killed', async () => {
    // The grace must outlast a kernel start, which takes seconds on a loaded machine (8 s was not enough under CI load).
    const supervisor = startSupervisor({ backend: 'cpu', interruptGraceMs: 20_000 });
    const events: Array<{ event: HostEvent; at: number }> = [];
    supervisor.onEvent((event) => events.push({ event, at: Date.now() }));
    try {
      await supervisor.start();
      const firstPid = (events.find(({ event }) => event.type === 'ready')?.event as Extract<HostEvent, { type: 'ready' }>).pid;
      const outcome = await runCell(supervisor, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);', (event) => event.type === 'run-started');
      expect(outcome.finished.status).toBe('killed');
      const killedAt = events.find(({ event }) => event.type === 'kernel-exit')?.at ?? 0;
      const readies = events.filter(({ event }) => event.type === 'ready').map(({ event }) => event as Extract<HostEvent, { type: 'ready' }>);
      expect(readies).toHaveLength(2);
      expect(readies[1]?.pid).not.toBe(firstPid);
      // The replacement reported ready (its memory snapshot) before the stuck kernel was killed.
      expect(readies[1]?.memory.time).toBeLessThan(killedAt);
      expect(supervisor.state).toBe('idle');
      expect((await runCell(supervisor, '"replacement works"')).display).toEqual({ kind: 'text', text: 'replacement works' });
    } finally {
      await supervisor.shutdown();
    }
  });
});

describe('crashes', () => {
  it('a native abort is detected, the run finished as killed, and the next execute starts a fresh kernel', async () => {
    const supervisor = startSupervisor({ backend: 'cpu' });
    try {
      await supervisor.start();
      const exits: HostEvent[] = [];
      supervisor.onEvent((event) => event.type === 'kernel-exit' && exits.push(event));
      const outcome = await runCell(supervisor, 'process.abort()');
      expect(outcome.finished.status).toBe('killed');
      expect(outcome.error?.phase).toBe('killed');
      expect(exits).toEqual([expect.objectContaining({ expected: false, signal: 'SIGABRT', reason: expect.stringContaining('aborted in native code') })]);
      expect(supervisor.state).toBe('dead');
      const next = await runCell(supervisor, '"alive again"');
      expect(next.display).toEqual({ kind: 'text', text: 'alive again' });
    } finally {
      await supervisor.shutdown();
    }
  });

  it('running out of memory is reported as such', async () => {
    const supervisor = startSupervisor({ backend: 'cpu', env: { NODE_OPTIONS: '--max-old-space-size=96' } });
    try {
      await supervisor.start();
      const exits: HostEvent[] = [];
      supervisor.onEvent((event) => event.type === 'kernel-exit' && exits.push(event));
      const outcome = await runCell(supervisor, 'const hog = [];\nfor (;;) hog.push(new Array(100_000).fill({ n: 1 }));');
      expect(outcome.finished.status).toBe('killed');
      expect(exits).toEqual([expect.objectContaining({ expected: false, reason: expect.stringContaining('out of memory') })]);
    } finally {
      await supervisor.shutdown();
    }
  });

  it('a kernel that cannot start is reported dead with the reason, and the caller does not hang', async () => {
    const supervisor = startSupervisor({ entry: '/nonexistent/kernel/main.mjs' });
    await expect(supervisor.start()).rejects.toThrow(/exited while starting/);
    expect(supervisor.state).toBe('dead');
    await supervisor.shutdown();
  });

  it('messages that do not match the protocol are reported, not trusted', async () => {
    const noisyLauncher: KernelLauncher = (options) => {
      const handle = forkLauncher(options);
      return {
        get pid() {
          return handle.pid;
        },
        send: (message) => handle.send(message),
        onMessage: (listener) =>
          handle.onMessage((message) => {
            if ((message as { type?: string }).type === 'ready') listener({ type: 'ready', pid: 'not a number' });
            listener(message);
          }),
        onExit: (listener) => handle.onExit(listener),
        kill: (signal) => handle.kill(signal),
      };
    };
    const supervisor = startSupervisor({ backend: 'cpu', launcher: noisyLauncher });
    const logs: HostEvent[] = [];
    supervisor.onEvent((event) => event.type === 'log' && logs.push(event));
    try {
      await supervisor.start();
      expect(logs.some((event) => event.type === 'log' && event.message.includes('does not match the protocol'))).toBe(true);
      expect(supervisor.state).toBe('idle');
    } finally {
      await supervisor.shutdown();
    }
  });
});

describe('backend forcing', () => {
  it('LOSSBOOK_BACKEND chooses the backend and is named as the source', async () => {
    const supervisor = startSupervisor({ backend: undefined, env: { LOSSBOOK_BACKEND: 'cpu' } });
    try {
      await supervisor.start();
      expect(supervisor.backend).toMatchObject({ name: 'cpu', requested: 'cpu', requestedBy: 'env' });
      await supervisor.setBackend('wasm');
      expect(supervisor.backend).toMatchObject({ name: 'wasm', requested: 'wasm', requestedBy: 'setting' });
    } finally {
      await supervisor.shutdown();
    }
  });
});

describe('messages for the user', () => {
  it('names crash causes', () => {
    expect(crashReason(null, 'SIGKILL', '')).toMatch(/out-of-memory killer/);
    expect(crashReason(134, null, 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory')).toMatch(/^out of memory/);
    expect(crashReason(1, null, 'boom\n')).toBe('the kernel exited with code 1 (boom)');
  });

  it('names the state a restart loses', () => {
    expect(describeLostState([])).toBe('nothing (the namespace was empty)');
    expect(describeLostState(['model', 'xs'])).toBe('the namespace (model, xs) — re-run the cells that define them');
  });
});
