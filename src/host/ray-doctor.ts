// `lossbook doctor --ray ADDRESS` (issue 23): the shipped Ray driver connects to the cluster
// the way a sweep does (same Python, same core API) and describes it — Ray and Python
// versions, nodes, CPUs and GPUs — or says why it cannot (no Python, no `ray`, unreachable).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseRayDriverLine, type RayDriverMessage } from '../shared/sweep/remote';

export type RayClusterCheck = { ok: true; cluster: Extract<RayDriverMessage, { type: 'ready' }> } | { ok: false; reason: string };

/** Two folders up from both src/host/ and out/node/ (where the CLI is bundled). */
export function shippedRayDriver(env: Record<string, string | undefined>): string {
  return env.LOSSBOOK_RAY_DRIVER ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources', 'ray', 'lossbook_ray_driver.py');
}

export async function checkRayCluster(address: string, env: Record<string, string | undefined>, timeoutMs = 90_000): Promise<RayClusterCheck> {
  const python = env.LOSSBOOK_PYTHON ?? 'python3';
  const driver = spawn(python, [shippedRayDriver(env), '--address', address, '--doctor'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, PYTHONUNBUFFERED: '1' } as NodeJS.ProcessEnv });
  let stderr = '';
  driver.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
  let answer: RayClusterCheck | undefined;
  createInterface({ input: driver.stdout }).on('line', (line) => {
    const message = parseRayDriverLine(line);
    if (message?.type === 'ready') answer ??= { ok: true, cluster: message };
    else if (message?.type === 'fatal') answer ??= { ok: false, reason: message.message };
  });
  const timer = setTimeout(() => {
    answer ??= { ok: false, reason: `no answer from the Ray cluster at ${address} within ${timeoutMs / 1000} s` };
    driver.kill('SIGKILL');
  }, timeoutMs);
  const spawnError = await new Promise<Error | undefined>((resolveExit) => {
    driver.once('error', resolveExit);
    driver.once('close', () => resolveExit(undefined));
  });
  clearTimeout(timer);
  if (spawnError) return { ok: false, reason: `cannot run "${python}": ${spawnError.message} (set LOSSBOOK_PYTHON to a Python that has \`ray\`)` };
  const lastLine = stderr.trim().split('\n').at(-1);
  return answer ?? { ok: false, reason: `the Ray driver ended without an answer${lastLine ? `: ${lastLine}` : ''}` };
}
