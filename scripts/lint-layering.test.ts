// The import direction of design.md is enforced by eslint.config.js; this proves the rule bites
// (a wrong-direction import fails lint) and lets right-direction imports through.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('layering lint (design.md import direction)', () => {
  it.each([
    ['src/shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
    ['src/shared/x.ts', "import { KernelSupervisor } from '../host/kernel-supervisor';\nexport const a = KernelSupervisor;\n"],
    ['src/shared/diagnosis/x.ts', "export const width = window.innerWidth;\n"],
    ['src/renderer/src/x.ts', "import { KernelSupervisor } from '../../host/kernel-supervisor';\nexport const a = KernelSupervisor;\n"],
    ['src/renderer/src/x.ts', "import { run } from '../../kernel/executor';\nexport const a = run;\n"],
    ['src/renderer/src/x.ts', "import { readFileSync } from 'fs';\nexport const a = readFileSync;\n"],
    ['src/kernel/x.ts', "import { startServer } from '../host/server';\nexport const a = startServer;\n"],
    ['src/host/x.ts', "import { BrowserWindow } from 'electron';\nexport const a = BrowserWindow;\n"],
    ['src/cli/x.ts', "import { createExecutor } from '../kernel/executor';\nexport const a = createExecutor;\n"],
    ['src/main/x.ts', "import { createExecutor } from '../kernel/executor';\nexport const a = createExecutor;\n"],
  ])('rejects a wrong-direction import in %s', async (filePath, code) => {
    expect(await restrictedImportErrors(filePath, code)).not.toEqual([]);
  });

  it.each([
    ['src/kernel/x.ts', "import { parseKernelRequest } from '../shared/protocol';\nexport const a = parseKernelRequest;\n"],
    ['src/host/x.ts', "import { parseKernelEvent } from '../shared/protocol';\nexport const a = parseKernelEvent;\n"],
    ['src/renderer/src/x.ts', "import { applyRunEvent } from '../../shared/notebook/run-reducer';\nexport const a = applyRunEvent;\n"],
    ['src/main/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src/cli/x.ts', "import { KernelSupervisor } from '../host/kernel-supervisor';\nexport const a = KernelSupervisor;\n"],
  ])('allows a right-direction import in %s', async (filePath, code) => {
    expect(await restrictedImportErrors(filePath, code)).toEqual([]);
  });
});
