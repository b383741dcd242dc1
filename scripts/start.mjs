// `npm start`: build what is stale, then open the Electron app where an Electron binary and a
// display exist; otherwise say why in one line and start browser mode (`lossbook serve`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfStale() {
  const outputs = ['out/renderer/index.html', 'out/node/cli.mjs', 'out/node/kernel.mjs', 'out/main/index.js'].map((p) => join(root, p));
  const built = outputs.every((p) => existsSync(p)) ? Math.min(...outputs.map((p) => statSync(p).mtimeMs)) : 0;
  if (built > newestMtime(join(root, 'src'))) return;
  console.log('lossbook: building…');
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Returns why Electron cannot be used here, or undefined when it can. */
function electronUnavailable() {
  if (process.env.LOSSBOOK_BROWSER === '1') return 'LOSSBOOK_BROWSER=1 is set';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (DISPLAY/WAYLAND_DISPLAY unset)';
  const binary = () => {
    try {
      const path = require('electron');
      return typeof path === 'string' && existsSync(path) ? path : undefined;
    } catch {
      return undefined;
    }
  };
  if (binary()) return undefined;
  // npm ≥ 11 may skip install scripts; fetch the binary once, the way electron's own install would.
  const installer = join(root, 'node_modules/electron/install.js');
  if (existsSync(installer) && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    spawnSync(process.execPath, [installer], { cwd: join(root, 'node_modules/electron'), stdio: 'ignore', timeout: 180_000 });
    if (binary()) return undefined;
  }
  return 'the Electron binary is not installed (its download was not possible here)';
}

buildIfStale();
const reason = electronUnavailable();
if (!reason) {
  const child = spawn(npm, ['exec', '--', 'electron-vite', 'preview', '--skipBuild'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`lossbook: Electron app unavailable — ${reason}; starting browser mode instead.`);
  const child = spawn(process.execPath, [join(root, 'bin/lossbook.mjs'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
