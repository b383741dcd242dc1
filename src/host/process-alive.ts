/** Whether a process with this pid exists (signal 0 sends nothing). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — not ours to judge, so it counts as alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
