// `lossbook doctor --fix` (issue 18): the flow with its steps replaced (no npm install runs in a
// test), the libtensorflow URL tfjs-node's install script would use, and the real download probe
// on this machine: where storage.googleapis.com is unreachable (this sandbox, many CI runners) the
// one-line reason names the URL and the network error; where it is reachable, the probe says so.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { doctorFix, libtensorflowUrl, probeDownload, type FixSteps } from './doctor-fix';
import { EXIT } from './exit-codes';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { io: { stdout: stream, stderr: stream }, text: () => text };
}

const URL_LINUX = 'https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz';

function steps(overrides: Partial<FixSteps> & { calls?: string[] }): FixSteps {
  const calls = overrides.calls ?? [];
  let installed = false;
  return {
    verify: async () => (calls.push('verify'), installed ? { loads: true, device: 'TensorFlow native CPU (tfjs-node)' } : { loads: false, reason: '@tensorflow/tfjs-node is not installed' }),
    probeDownload: async () => (calls.push('probe'), { ok: true }),
    install: async (spec) => (calls.push(`install ${spec}`), (installed = true), { ok: true, output: 'added 1 package' }),
    url: URL_LINUX,
    tfjsVersion: '4.22.0',
    ...overrides,
  };
}

describe('lossbook doctor --fix', () => {
  it('uses the URL tfjs-node 4.22 downloads libtensorflow from, with its environment overrides', () => {
    expect(libtensorflowUrl({}, 'linux', 'x64')).toBe(URL_LINUX);
    expect(libtensorflowUrl({ TFJS_NODE_CDN_STORAGE: 'https://mirror.example/' }, 'linux', 'x64')).toBe('https://mirror.example/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz');
    expect(libtensorflowUrl({}, 'win32', 'x64')).toMatch(/cpu-windows-x86_64-2\.9\.1\.zip$/);
    expect(libtensorflowUrl({}, 'linux', 'ppc64')).toBeUndefined();
  });

  it('where the download fails: one line naming the URL and the error, and npm is never run', async () => {
    const calls: string[] = [];
    const out = capture();
    const code = await doctorFix(out.io, steps({ calls, probeDownload: async () => (calls.push('probe'), { ok: false, reason: 'getaddrinfo ENOTFOUND storage.googleapis.com' }) }));
    expect(code).toBe(EXIT.cellFailed);
    expect(calls).toEqual(['verify', 'probe']);
    expect(out.text().trimEnd().split('\n')).toHaveLength(1);
    expect(out.text()).toContain(`downloads libtensorflow from ${URL_LINUX}, which failed (getaddrinfo ENOTFOUND storage.googleapis.com)`);
  });

  it('where it can download: installs with scripts on, then verifies on a fresh kernel', async () => {
    const calls: string[] = [];
    const out = capture();
    expect(await doctorFix(out.io, steps({ calls }))).toBe(EXIT.ok);
    expect(calls).toEqual(['verify', 'probe', 'install @tensorflow/tfjs-node@4.22.0', 'verify']);
    expect(out.text()).toMatch(/installed and verified: a kernel started on TensorFlow native CPU \(tfjs-node\)/);
  });

  it('says when the install worked but the backend still does not load, and when nothing needed fixing', async () => {
    const broken = capture();
    expect(await doctorFix(broken.io, steps({ verify: async () => ({ loads: false, reason: 'libtensorflow.so.2: cannot open shared object file' }) }))).toBe(EXIT.cellFailed);
    expect(broken.text()).toMatch(/installed, but the kernel still cannot load it: libtensorflow\.so\.2/);
    const fine = capture();
    expect(await doctorFix(fine.io, steps({ verify: async () => ({ loads: true, device: 'TensorFlow native CPU (tfjs-node)' }) }))).toBe(EXIT.ok);
    expect(fine.text()).toMatch(/nothing to fix/);
  });

  it('the real probe on this machine: reachable, or a one-line reason with the network error', async () => {
    const result = await probeDownload(libtensorflowUrl() ?? URL_LINUX, 10_000);
    if (result.ok) return;
    expect(result.reason).not.toContain('\n');
    expect(result.reason).toMatch(/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|HTTP \d{3}|no answer within|fetch failed/);
  });
});
