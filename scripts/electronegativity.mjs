#!/usr/bin/env node
// `npm run security`: Doyensec's Electronegativity over the Electron code (src/main, src/preload).
// It fails on any finding not reviewed in place (an `eng-disable CHECK_ID (reason)` comment on
// the line), on files it could not parse, and if it cannot see a known-insecure sample — so a
// scanner that silently stopped reading our code never passes as "no issues".
// Electronegativity's own CLI breaks against the commander version npm hoists, so this calls its
// runner directly.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const run = require('@doyensec/electronegativity/dist/runner.js');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const scanned = ['src/main', 'src/preload'];

// The scanner prints progress and an upgrade check that needs the network; keep its chatter out.
const quiet = async (work) => {
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {};
  try {
    return await work();
  } finally {
    Object.assign(console, { log, warn, info });
  }
};

// AVAILABLE_SECURITY_FIXES asks GitHub whether our Electron has newer security releases: kept for
// our code (it reports where a network exists), left out of the offline probe.
async function scan(folder, excludeFromScan = []) {
  return quiet(() => run({ input: folder, isRelative: true, electronVersionOverride: electronVersion, severitySet: 'informational', confidenceSet: 'tentative', excludeFromScan }));
}

const workspace = mkdtempSync(join(tmpdir(), 'lossbook-electronegativity-'));
let failed = false;
try {
  // 1. The scanner must see a window with the sandbox and isolation turned off.
  const sample = join(workspace, 'insecure-sample');
  mkdirSync(sample);
  writeFileSync(join(sample, 'package.json'), JSON.stringify({ name: 'sample', devDependencies: { electron: electronVersion } }));
  writeFileSync(join(sample, 'main.js'), "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { sandbox: false, contextIsolation: false, nodeIntegration: true } });\n");
  const probe = await scan(sample, ['AvailableSecurityFixesGlobalCheck']);
  const probeIds = new Set(probe.issues.map((issue) => issue.id));
  for (const expected of ['SANDBOX_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK']) {
    if (!probeIds.has(expected)) {
      console.error(`security: the scanner did not report ${expected} on a known-insecure sample; its results cannot be trusted`);
      failed = true;
    }
  }

  // 2. Our code, both folders together (global checks such as navigation limits span them), tests left out.
  const target = join(workspace, 'app');
  for (const folder of scanned) cpSync(join(root, folder), join(target, folder), { recursive: true, filter: (path) => !/\.test\.ts$/.test(path) });
  writeFileSync(join(target, 'package.json'), readFileSync(join(root, 'package.json')));
  const result = await scan(target);
  console.log(`security: electronegativity ${require('@doyensec/electronegativity/package.json').version}, Electron ${electronVersion}: ${result.globalChecks} global + ${result.atomicChecks} atomic checks over ${scanned.join(', ')}`);
  for (const error of result.errors) {
    console.error(`security: ${error.tolerable ? 'warning' : 'could not parse'} ${relative(target, error.file)}: ${error.message}`);
    if (!error.tolerable) failed = true;
  }
  for (const issue of result.issues) {
    console.error(`security: ${issue.id} ${issue.severity.name}/${issue.confidence.name} ${issue.file}:${issue.location.line} — ${issue.description} (${issue.shortenedURL})`);
    failed = true;
  }
  if (result.issues.length === 0) console.log('security: no findings (reviewed ones are marked in place with eng-disable and a reason)');
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
