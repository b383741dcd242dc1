// Issue 17: a kernel that half-exits — process.reallyExit() or process.disconnect() in a cell —
// left the cell busy forever and `lossbook run` hung. Through a real kernel process (fork, the
// launcher of the CLI and browser mode): the run ends as killed with the right reason, and the
// kernel restarts and runs the next cell. Plus the kernel temp folders it leaves behind.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { crashReason, type KernelSupervisor } from './kernel-supervisor';
import { runCell, startSupervisor } from './kernel-supervisor.testing';
import { KERNEL_FOLDER_PREFIX, removeStaleKernelFolders } from './kernel-temp';

const ownFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`${KERNEL_FOLDER_PREFIX}${process.pid}-`));

async function expectKilledThenRecovers(supervisor: KernelSupervisor, code: string, reason: RegExp): Promise<void> {
  await supervisor.start();
  await runCell(supervisor, 'const before = 1;');
  const started = performance.now();
  const outcome = await runCell(supervisor, code);
  // It hung forever before; the reason arrives as soon as the process is gone.
  expect(performance.now() - started).toBeLessThan(20_000);
  expect(outcome.finished.status).toBe('killed');
  expect(outcome.error?.message).toMatch(reason);
  expect(outcome.error?.message).toMatch(/Lost: the namespace \(before\)/);
  expect(supervisor.state).toBe('dead');
  await supervisor.restart('test');
  const next = await runCell(supervisor, 'console.log("alive again")');
  expect(next.stdout).toContain('alive again');
}

describe('half-dead kernels (issue 17, real kernel process)', () => {
  let supervisor: KernelSupervisor | undefined;
  afterEach(async () => {
    await supervisor?.shutdown();
    supervisor = undefined;
  });

  it('process.reallyExit(3) in a cell ends the run as a crash with exit code 3, not a hang', async () => {
    supervisor = startSupervisor();
    await expectKilledThenRecovers(supervisor, 'process.reallyExit(3)', /The kernel died while this cell ran: the kernel exited with code 3\b/);
  });

  it('process.disconnect() in a cell, even with the kernel’s own handler removed, ends the run as a crash', async () => {
    supervisor = startSupervisor();
    await expectKilledThenRecovers(
      supervisor,
      "process.removeAllListeners('disconnect'); process.disconnect(); await new Promise((resolve) => setTimeout(resolve, 60_000));",
      /closed its connection to Lossbook/,
    );
  });

  it('removes its kernel temp folders when the kernel ends, and folders of hosts that are gone', async () => {
    supervisor = startSupervisor();
    await supervisor.start();
    expect(ownFolders()).toHaveLength(1);
    await supervisor.shutdown();
    expect(ownFolders()).toHaveLength(0);
    // A host killed with -9 left this one: pid 2^22 + 1 is above Linux's default pid_max.
    const orphan = join(tmpdir(), `${KERNEL_FOLDER_PREFIX}4194305-AbC123`);
    mkdirSync(orphan, { recursive: true });
    const unrelated = join(tmpdir(), `${KERNEL_FOLDER_PREFIX}notours`);
    mkdirSync(unrelated, { recursive: true });
    try {
      expect(removeStaleKernelFolders()).toContain(orphan);
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(unrelated)).toBe(true);
    } finally {
      rmSync(unrelated, { recursive: true, force: true });
    }
  });

  it('a host that exits without shutting its kernel down still removes the kernel folder', () => {
    // A child host makes an interrupt file (as spawning a kernel does) and exits at once.
    const script = `import { createInterruptFile } from ${JSON.stringify(new URL('./kernel-temp.ts', import.meta.url).href)};
const file = createInterruptFile();
console.log(file.path);
process.exit(0);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(child.status).toBe(0);
    const made = child.stdout.trim();
    expect(made).toContain(KERNEL_FOLDER_PREFIX);
    expect(existsSync(dirname(made))).toBe(false);
  });

  it('does not blame a tfjs notice for a crash', () => {
    const banner = '\n============================\nHi there 👋. Looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend.\n============================\n';
    expect(crashReason(3, null, banner)).toBe('the kernel exited with code 3');
    expect(crashReason(3, null, `Error: wasm abort${banner}`)).toBe('the kernel exited with code 3 (Error: wasm abort)');
    expect(crashReason(3, null, 'Platform node has already been set. Overwriting the platform with node.\n')).toBe('the kernel exited with code 3');
  });
});
