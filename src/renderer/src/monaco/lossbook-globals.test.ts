// What the editor knows without an import, checked with the real TypeScript compiler against the
// real tfjs type definitions (as Monaco's TS worker gets them): `tf.Tensor` and friends are types
// in a cell, a Deno notebook's `npm:@tensorflow/tfjs@…` import has tfjs's types, and real type
// errors are still reported.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LOSSBOOK_EXTRA_LIBS } from './lossbook-globals';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function diagnostics(cell: string): string[] {
  const files = new Map<string, string>(LOSSBOOK_EXTRA_LIBS.map(({ filePath, content }) => [`${root}${filePath.replace('file:///', '')}`, content]));
  const cellPath = `${root}lossbook/cell.ts`;
  files.set(cellPath, cell);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'], strict: false, noEmit: true, types: [], skipLibCheck: true, esModuleInterop: true,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!, version) : getSourceFile(name, version));
  const program = ts.createProgram([...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => `${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
}

describe('the editor’s view of a cell', () => {
  it('resolves tf.* types without an import, and still reports real type errors', () => {
    const found = diagnostics(
      [
        'const t: tf.Tensor = tf.zeros([2]);',
        'function head(model: tf.LayersModel, batch: tf.Tensor2D): tf.Tensor { return model.predict(batch) as tf.Tensor; }',
        "const rank: tf.Rank = tf.Rank.R1;",
        'const wrong: number = t;',
      ].join('\n'),
    );
    expect(found).toEqual([expect.stringMatching(/^2322 Type 'Tensor<Rank>' is not assignable to type 'number'/)]);
  });

  it('gives a Deno notebook’s npm: import of tfjs the tfjs types', () => {
    const found = diagnostics(
      "import * as denoTf from 'npm:@tensorflow/tfjs@4.22.0';\nimport { sequential } from 'npm:@tensorflow/tfjs';\nconst z: denoTf.Tensor = denoTf.zeros([1]);\nconst m = sequential();\nm.notAMethod();\nexport {};\n",
    );
    expect(found).toEqual([expect.stringMatching(/^2339 Property 'notAMethod' does not exist/)]);
  });
});
