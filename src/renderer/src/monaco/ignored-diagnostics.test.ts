// The editor must not flag names a cell takes from another cell: checked with the real
// TypeScript compiler on the names TypeScript has special "did you mean a test runner / Node /
// jQuery" messages for (a variable named `test` was reported as a missing jest install).
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { NOTEBOOK_IGNORED_DIAGNOSTICS } from './ignored-diagnostics';

function diagnosticCodes(source: string): number[] {
  const fileName = '/cell.ts';
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2020, lib: ['lib.es2022.d.ts'], strict: false, noEmit: true, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.fileExists = ((exists) => (name: string) => name === fileName || exists(name))(host.fileExists.bind(host));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (name === fileName ? ts.createSourceFile(name, source, version) : getSourceFile(name, version));
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(fileName)).map((diagnostic) => diagnostic.code);
}

describe('editor diagnostics in a notebook', () => {
  it('does not flag names defined by other cells, whatever TypeScript guesses they are', () => {
    const codes = diagnosticCodes('test.add(1);\ndescribe.length;\nit;\nexpect;\nprocess.env;\nrequire;\n$;\nlossOfAnotherCell;\n');
    expect(codes.length).toBeGreaterThanOrEqual(8);
    expect(codes.filter((code) => !NOTEBOOK_IGNORED_DIAGNOSTICS.includes(code))).toEqual([]);
  });

  it('still reports real type errors', () => {
    const codes = diagnosticCodes('const n: number = "text";\n');
    expect(codes.some((code) => !NOTEBOOK_IGNORED_DIAGNOSTICS.includes(code))).toBe(true);
  });
});
