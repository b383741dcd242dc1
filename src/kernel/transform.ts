// Turns one cell's source into a script the kernel can run in its persistent namespace.
//
// 1. esbuild strips TypeScript (imports kept verbatim: an import used only by a later cell must
//    still bind its name now).
// 2. acorn parses the result; magic-string rewrites it, keeping a source map:
//    - top-level const/let/var/class/function and imports become properties of the namespace
//      (the kernel's global object), so the next cell sees them and re-running a cell that
//      declares `const model` again simply reassigns it;
//    - `import x from 'm'` / `import('m')` go through `__lossbook.import`, which resolves packages
//      from the notebook's folder and maps tfjs package names to the kernel's one tf instance;
//    - every loop body starts with `__lossbook.checkpoint()`, which throws when the run is
//      interrupted (design.md "Kernel rules": an abort signal for custom loops);
//    - the last expression statement becomes the value the cell displays.
// 3. The whole body is wrapped in an async arrow function, so top-level await works.
import { Parser, type Node as AcornNode } from 'acorn';
import { transformSync, type Message } from 'esbuild';
import MagicString from 'magic-string';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';

export type CellLanguage = 'typescript' | 'javascript';

/** Where a position of the compiled script came from in the cell. */
export interface CellPosition {
  line: number;
  column: number;
}

export interface CompiledCell {
  /** Script text; evaluating it returns a Promise of the cell's last expression value. */
  script: string;
  /** Names the cell declares at top level (they join the namespace). */
  declaredNames: string[];
  /** Maps a 1-based line and column of `script` back to the cell's own 1-based line and column. */
  mapPosition(line: number, column: number): CellPosition | undefined;
}

/** A cell that does not compile: the message is for the user, line/column are the cell's own. */
export class CellSyntaxError extends Error {
  override name = 'SyntaxError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly lineText?: string,
  ) {
    super(message);
  }
}

/** The helper object compiled cells call into; the kernel defines it on the global object. */
export const HELPER = '__lossbook';

interface Node extends AcornNode {
  [key: string]: unknown;
}

const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

export function compileCell(code: string, language: CellLanguage, options: { reservedNames?: ReadonlySet<string> } = {}): CompiledCell {
  const stripped = stripTypes(code, language);
  const esbuildMap = new TraceMap(stripped.map);
  const toCell = (line: number, column: number): CellPosition | undefined => {
    const original = originalPositionFor(esbuildMap, { line, column: Math.max(0, column - 1) });
    return original.line == null || original.column == null ? undefined : { line: original.line, column: original.column + 1 };
  };

  let program: Node;
  try {
    program = Parser.parse(stripped.code, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true, locations: true }) as unknown as Node;
  } catch (error) {
    const location = (error as { loc?: { line: number; column: number } }).loc;
    const mapped = location ? toCell(location.line, location.column + 1) : undefined;
    throw new CellSyntaxError(String((error as Error).message).replace(/\s*\(\d+:\d+\)$/, ''), mapped?.line, mapped?.column);
  }

  const source = new MagicString(stripped.code);
  const declared = new Set<string>();
  const hoisted: string[] = [];
  const body = program.body as Node[];

  instrumentNestedNodes(program, source);

  for (const statement of body) {
    rewriteTopLevel(statement, source, declared, hoisted);
  }

  const last = body.at(-1);
  if (last?.type === 'ExpressionStatement') {
    // At the statement's start, not the expression's: a parenthesized expression such as
    // `({ a: 1 })` starts inside its parentheses, and `return` must come before them.
    source.prependRight(last.start, 'return (');
    source.appendLeft((last.expression as Node).end, ')');
  }

  const reserved = [...declared].filter((name) => options.reservedNames?.has(name));
  if (reserved.length) {
    throw new CellSyntaxError(
      `${reserved.map((name) => `\`${name}\``).join(', ')} ${reserved.length === 1 ? 'is a name' : 'are names'} the kernel's runtime needs (a Node.js global); please choose another name.`,
    );
  }

  const names = [...declared];
  const prelude = `(async () => {${HELPER}.declare(${JSON.stringify(names)});${hoisted.join('')}\n`;
  source.prepend(prelude);
  source.append('\n})()');
  const script = source.toString();
  const rewriteMap = new TraceMap(source.generateMap({ hires: true, source: 'stripped.js', includeContent: false }).toString());

  return {
    script,
    declaredNames: names,
    mapPosition(line, column) {
      const stage = originalPositionFor(rewriteMap, { line, column: Math.max(0, column - 1) });
      if (stage.line == null || stage.column == null) return undefined;
      return toCell(stage.line, stage.column + 1);
    },
  };
}

function stripTypes(code: string, language: CellLanguage): { code: string; map: string } {
  try {
    const result = transformSync(code, {
      loader: language === 'typescript' ? 'ts' : 'js',
      sourcemap: 'external',
      sourcefile: 'cell',
      target: 'es2022',
      // Keep every import: a name imported in this cell may only be used by a later one.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      logLevel: 'silent',
    });
    return { code: result.code, map: result.map };
  } catch (error) {
    const first = (error as { errors?: Message[] }).errors?.[0];
    if (!first) throw error;
    throw new CellSyntaxError(first.text, first.location?.line, first.location ? first.location.column + 1 : undefined, first.location?.lineText);
  }
}

function rewriteTopLevel(statement: Node, source: MagicString, declared: Set<string>, hoisted: string[]): void {
  switch (statement.type) {
    case 'ImportDeclaration':
      hoisted.push(importToAssignments(statement, declared));
      source.remove(statement.start, statement.end);
      return;
    case 'ExportNamedDeclaration': {
      const declaration = statement.declaration as Node | null;
      if (declaration) {
        source.remove(statement.start, declaration.start);
        rewriteTopLevel(declaration, source, declared, hoisted);
      } else {
        source.remove(statement.start, statement.end);
      }
      return;
    }
    case 'ExportAllDeclaration':
      source.remove(statement.start, statement.end);
      return;
    case 'ExportDefaultDeclaration': {
      const declaration = statement.declaration as Node;
      source.remove(statement.start, declaration.start);
      if ((declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id) {
        rewriteTopLevel(declaration, source, declared, hoisted);
      } else if (declaration.type !== 'FunctionDeclaration' && declaration.type !== 'ClassDeclaration') {
        source.appendLeft(declaration.end, ';');
      }
      return;
    }
    case 'VariableDeclaration': {
      const declarators = statement.declarations as Node[];
      const first = declarators[0];
      const lastDeclarator = declarators.at(-1);
      if (!first || !lastDeclarator) return;
      source.overwrite(statement.start, first.start, ';(');
      for (const declarator of declarators) {
        const id = declarator.id as Node;
        for (const name of patternNames(id)) declared.add(name);
        if (declarator.init == null && statement.kind !== 'var') source.appendLeft(id.end, ' = undefined');
      }
      // `var x;` keeps x's value, as JavaScript does; `let x;` resets it.
      source.appendLeft(lastDeclarator.end, ')');
      return;
    }
    case 'FunctionDeclaration': {
      const name = (statement.id as Node | null)?.name as string | undefined;
      if (!name) return;
      declared.add(name);
      // Function declarations are hoisted inside the wrapper; publish them before any code runs.
      hoisted.push(`globalThis[${JSON.stringify(name)}] = ${name};`);
      return;
    }
    case 'ClassDeclaration': {
      const name = (statement.id as Node | null)?.name as string | undefined;
      if (!name) return;
      declared.add(name);
      source.prependRight(statement.start, `${name} = `);
      source.appendLeft(statement.end, ';');
      return;
    }
    default:
      return;
  }
}

function importToAssignments(statement: Node, declared: Set<string>): string {
  const specifier = JSON.stringify((statement.source as Node).value);
  const parts: string[] = [];
  for (const item of statement.specifiers as Node[]) {
    const local = (item.local as Node).name as string;
    declared.add(local);
    if (item.type === 'ImportNamespaceSpecifier') parts.push(`${local} = __module;`);
    else if (item.type === 'ImportDefaultSpecifier') parts.push(`${local} = ${HELPER}.defaultOf(__module);`);
    else {
      const imported = item.imported as Node;
      const importedName = (imported.type === 'Literal' ? imported.value : imported.name) as string;
      parts.push(`${local} = ${HELPER}.named(__module, ${JSON.stringify(importedName)}, ${specifier});`);
    }
  }
  return `{ const __module = await ${HELPER}.import(${specifier}); ${parts.join(' ')} }`;
}

function patternNames(pattern: Node): string[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern.name as string];
    case 'ObjectPattern':
      return (pattern.properties as Node[]).flatMap((property) => patternNames((property.type === 'RestElement' ? property.argument : property.value) as Node));
    case 'ArrayPattern':
      return (pattern.elements as Array<Node | null>).flatMap((element) => (element ? patternNames(element) : []));
    case 'RestElement':
      return patternNames(pattern.argument as Node);
    case 'AssignmentPattern':
      return patternNames(pattern.left as Node);
    default:
      return [];
  }
}

/** Loop checkpoints and dynamic imports, at any depth. */
function instrumentNestedNodes(root: Node, source: MagicString): void {
  const visit = (node: Node): void => {
    if (LOOP_TYPES.has(node.type)) {
      const loopBody = node.body as Node;
      if (loopBody.type === 'BlockStatement') {
        source.appendLeft(loopBody.start + 1, `${HELPER}.checkpoint();`);
      } else {
        source.prependRight(loopBody.start, `{${HELPER}.checkpoint();`);
        source.appendLeft(loopBody.end, '}');
      }
    } else if (node.type === 'ImportExpression') {
      source.overwrite(node.start, node.start + 'import'.length, `${HELPER}.import`);
      // acorn gives `import(a, options)` an `options` node; our helper ignores the options.
    }
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) visit(item);
      } else if (isNode(child)) {
        visit(child);
      }
    }
  };
  visit(root);
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && typeof (value as { start?: unknown }).start === 'number';
}
