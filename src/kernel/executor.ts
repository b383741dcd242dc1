// Runs cells in one persistent namespace: the kernel's global object. Each cell is compiled
// (transform.ts) into an async function whose top-level declarations become namespace
// properties, evaluated with node:vm in this context (one realm, so a cell's Float32Array or
// Promise is the same class tfjs checks against), and its errors are mapped back to the cell's
// own lines.
import { builtinModules, createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import type { CellError } from '../shared/protocol';
import { CellSyntaxError, HELPER, compileCell, type CellLanguage, type CompiledCell } from './transform';

/** Thrown into a cell when the user interrupts it (loop checkpoints, training hooks). */
export class InterruptError extends Error {
  override name = 'InterruptError';
  constructor(message = 'Interrupted by the user.') {
    super(message);
  }
}

/** Thrown instead of exiting when a cell calls process.exit(): the kernel keeps running. */
export class CellExitError extends Error {
  override name = 'ProcessExitError';
  constructor(readonly code: number | string | null | undefined) {
    super(
      `process.exit(${code ?? ''}) was called in a cell. Lossbook kept the kernel running; to start a fresh kernel use “Restart kernel”.`,
    );
  }
}

/** Package names that must resolve to the kernel's one tf instance (issue 4). */
export const TF_PACKAGES = new Set([
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
]);

const CELL_FILE_PREFIX = 'lossbook-cell-';
/** Why a tensor may be gone: the run scope rule of lifetimes.ts, said for the user. */
const DISPOSED_HINT =
  'Lossbook frees, when a cell ends, every tensor the notebook namespace cannot reach. Keep tensors you need later in a top-level variable (or an object, array or Map it holds); tensors held only by a closure or a #private class field are not seen.';
const KEPT_COMPILED_CELLS = 500;
/** Frames kept in a thrown error's stack: deep enough for any tfjs call chain down from a cell. */
const STACK_TRACE_LIMIT = 200;

export interface ExecutorOptions {
  tf: object;
  /** What `lossbook` means inside cells. */
  lossbookApi: object;
  /** Called at every loop iteration of cell code; throws InterruptError when the run is interrupted. */
  checkpoint: () => void;
  /** The kernel's own folder, for packages the notebook's folder does not have (mnist, tfjs backends). */
  kernelRequireFrom?: string;
}

export interface CellResult {
  value: unknown;
}

export class Executor {
  /** Top-level names cells declared, in first-declared order. */
  readonly namespaceNames = new Set<string>();
  private readonly compiled = new Map<number, CompiledCell>();
  private readonly reservedNames: Set<string>;
  private readonly kernelRequire: NodeJS.Require;
  private cwd = process.cwd();
  private executionCount = 0;

  constructor(private readonly options: ExecutorOptions) {
    // V8 keeps 10 frames by default: an error raised deep inside tfjs (a broadcast in a layer's
    // call under tidy scopes) lost the cell's own frame, and with it the `line N` marker. The
    // kernel is one process running one cell at a time, so a deeper limit costs only on throws.
    Error.stackTraceLimit = Math.max(Error.stackTraceLimit, STACK_TRACE_LIMIT);
    this.kernelRequire = createRequire(options.kernelRequireFrom ?? join(process.cwd(), 'noop.js'));
    const helper = {
      declare: (names: string[]) => this.declare(names),
      import: (specifier: unknown) => this.importModule(specifier),
      defaultOf: (module: Record<string, unknown>) => (module && typeof module === 'object' && 'default' in module ? module.default : module),
      named: (module: Record<string, unknown>, name: string, specifier: string) => namedExport(module, name, specifier),
      checkpoint: options.checkpoint,
    };
    const require = Object.assign((specifier: string) => this.requireModule(specifier), { resolve: (specifier: string) => this.resolveFromNotebook(specifier) });
    for (const [name, value] of Object.entries({ [HELPER]: helper, tf: options.tf, lossbook: options.lossbookApi, require })) {
      Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
    }
    // Names that exist before any cell ran belong to Node or the kernel; a cell redeclaring
    // `process` or `console` would break the kernel, so those are refused with a message.
    this.reservedNames = new Set(Object.getOwnPropertyNames(globalThis).filter((name) => name !== 'tf' && name !== 'lossbook'));
  }

  get count(): number {
    return this.executionCount;
  }

  /** Values the namespace holds (roots for tensor lifetimes), plus globals cells created. */
  *namespaceValues(): Iterable<unknown> {
    const global = globalThis as Record<string, unknown>;
    for (const name of this.namespaceNames) yield global[name];
    for (const name of Object.getOwnPropertyNames(globalThis)) {
      if (!this.reservedNames.has(name) && !this.namespaceNames.has(name) && name !== HELPER && name !== 'tf' && name !== 'lossbook' && name !== 'require') {
        yield global[name];
      }
    }
  }

  /** Forget every name cells declared (free-memory with resetNamespace). */
  resetNamespace(): string[] {
    const names = [...this.namespaceNames];
    for (const name of names) delete (globalThis as Record<string, unknown>)[name];
    this.namespaceNames.clear();
    return names;
  }

  nextExecutionCount(): number {
    this.executionCount += 1;
    return this.executionCount;
  }

  /** Compile a cell; throws CellSyntaxError with the cell's line/column. */
  compile(executionCount: number, code: string, language: CellLanguage): { run: () => Promise<unknown> } {
    const compiled = compileCell(code, language, { reservedNames: this.reservedNames });
    let script: Script;
    try {
      script = new Script(compiled.script, { filename: `${CELL_FILE_PREFIX}${executionCount}` });
    } catch (error) {
      const position = /lossbook-cell-\d+:(\d+)/.exec(String((error as Error).stack));
      const mapped = position ? compiled.mapPosition(Number(position[1]), 1) : undefined;
      throw new CellSyntaxError((error as Error).message, mapped?.line, undefined);
    }
    this.compiled.set(executionCount, compiled);
    if (this.compiled.size > KEPT_COMPILED_CELLS) {
      const oldest = this.compiled.keys().next().value;
      if (oldest !== undefined) this.compiled.delete(oldest);
    }
    return { run: () => script.runInThisContext() as Promise<unknown> };
  }

  setCwd(cwd: string | undefined): void {
    const next = cwd ? resolvePath(cwd) : this.cwd;
    if (next !== this.cwd || process.cwd() !== next) {
      try {
        process.chdir(next);
        this.cwd = next;
      } catch {
        // A notebook folder that vanished: keep the previous one; imports say where they looked.
      }
    }
  }

  /** An error thrown by a cell, with its stack mapped to the cell's own lines. */
  describeError(error: unknown, executionCount: number, phase: CellError['phase']): CellError {
    if (error instanceof CellSyntaxError) {
      const where = error.line != null ? ` (cell line ${error.line}${error.column != null ? `, column ${error.column}` : ''})` : '';
      return {
        name: 'SyntaxError',
        message: error.message,
        stack: `SyntaxError: ${error.message}${where}${error.lineText ? `\n  ${error.lineText}` : ''}`,
        ...(error.line != null ? { line: error.line } : {}),
        ...(error.column != null ? { column: error.column } : {}),
        phase: 'syntax',
      };
    }
    if (!(error instanceof Error)) {
      return { name: 'Error', message: `A cell threw a non-Error value: ${safeString(error)}`, phase };
    }
    const { stack, line, column } = this.mapStack(error, executionCount);
    return {
      name: error.name || 'Error',
      message: /Tensor is disposed|is already disposed/.test(error.message) ? `${error.message}\n${DISPOSED_HINT}` : error.message,
      ...(stack ? { stack } : {}),
      ...(line != null ? { line } : {}),
      ...(column != null ? { column } : {}),
      phase,
    };
  }

  private mapStack(error: Error, executionCount: number): { stack?: string; line?: number; column?: number } {
    const raw = typeof error.stack === 'string' ? error.stack : undefined;
    if (!raw) return {};
    let line: number | undefined;
    let column: number | undefined;
    const frames: string[] = [];
    const lines = raw.split('\n');
    const header: string[] = [];
    let inFrames = false;
    for (const text of lines) {
      const isFrame = /^\s+at\s/.test(text);
      if (!isFrame && !inFrames) {
        header.push(text);
        continue;
      }
      inFrames = true;
      if (!isFrame) continue;
      if (text.includes(`${CELL_FILE_PREFIX}`)) {
        // Frames in the compiled wrapper (the async function that runs the cell) map nowhere.
        let wrapperOnly = false;
        const mapped = text.replace(new RegExp(`${CELL_FILE_PREFIX}(\\d+):(\\d+):(\\d+)`, 'g'), (whole, count: string, lineText: string, columnText: string) => {
          const compiled = this.compiled.get(Number(count));
          const position = compiled?.mapPosition(Number(lineText), Number(columnText));
          if (!position) {
            wrapperOnly = true;
            return whole;
          }
          if (Number(count) === executionCount && line === undefined) {
            line = position.line;
            column = position.column;
          }
          return Number(count) === executionCount ? `cell:${position.line}:${position.column}` : `cell[${count}]:${position.line}:${position.column}`;
        });
        if (!wrapperOnly) frames.push(mapped);
      } else if (!isKernelFrame(text)) {
        frames.push(text);
      }
    }
    return { stack: [...header, ...frames].join('\n'), ...(line != null ? { line } : {}), ...(column != null ? { column } : {}) };
  }

  private declare(names: string[]): void {
    const global = globalThis as Record<string, unknown>;
    for (const name of names) {
      if (!(name in global)) {
        Object.defineProperty(global, name, { value: undefined, writable: true, configurable: true, enumerable: true });
      }
      if (name !== 'tf' && name !== 'lossbook') this.namespaceNames.add(name);
    }
  }

  private async importModule(specifier: unknown): Promise<unknown> {
    const name = nodeSpecifier(String(specifier));
    if (TF_PACKAGES.has(name)) return this.options.tf;
    if (name === 'lossbook') return this.options.lossbookApi;
    if (name.startsWith('node:') || isBuiltin(name)) return import(name);
    const resolved = this.resolveFromNotebook(name);
    return import(pathToFileURL(resolved).href);
  }

  private requireModule(requested: string): unknown {
    const specifier = nodeSpecifier(requested);
    if (TF_PACKAGES.has(specifier)) return this.options.tf;
    if (specifier === 'lossbook') return this.options.lossbookApi;
    if (specifier.startsWith('node:') || isBuiltin(specifier)) return this.kernelRequire(specifier);
    return this.kernelRequire(this.resolveFromNotebook(specifier));
  }

  /** The notebook's folder first (its node_modules), then the kernel's own packages. */
  private resolveFromNotebook(specifier: string): string {
    const notebookRequire = createRequire(join(this.cwd, 'noop.js'));
    if (specifier.startsWith('.') || isAbsolute(specifier)) return notebookRequire.resolve(resolvePath(this.cwd, specifier));
    try {
      return notebookRequire.resolve(specifier);
    } catch {
      try {
        return this.kernelRequire.resolve(specifier);
      } catch {
        const error = new Error(
          `Cannot find package '${specifier}'. Install it in the notebook's folder (${this.cwd}): npm install ${packageName(specifier)}`,
        );
        error.name = 'ModuleNotFoundError';
        throw error;
      }
    }
  }
}

function namedExport(module: Record<string, unknown>, name: string, specifier: string): unknown {
  if (module && name in module) return module[name];
  const fallback = module?.default as Record<string, unknown> | undefined;
  if (fallback && typeof fallback === 'object' && name in fallback) return fallback[name];
  const error = new SyntaxError(`The module '${specifier}' does not provide an export named '${name}'.`);
  throw error;
}

const builtins = new Set(builtinModules);
function isBuiltin(name: string): boolean {
  return builtins.has(name);
}

/**
 * Deno notebooks (issue 21) import packages as `npm:name@version/sub/path`; the kernel resolves
 * them like Node does, from the notebook folder's node_modules (the version range is not checked:
 * what is installed is used, as in a Node notebook). `jsr:` and URL imports need Deno's own
 * loader, so they are refused with the reason instead of a misleading "cannot find package".
 */
export function nodeSpecifier(specifier: string): string {
  if (specifier.startsWith('npm:')) {
    const bare = specifier.slice('npm:'.length).replace(/^\/+/, '');
    const match = /^((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(bare);
    if (match) return `${match[1]}${match[2] ?? ''}`;
  }
  if (/^(jsr:|https?:)/.test(specifier)) {
    const error = new Error(`Cannot import '${specifier}': jsr: and URL imports need Deno's loader. Install the package from npm in the notebook's folder and import it by name.`);
    error.name = 'ModuleNotFoundError';
    throw error;
  }
  return specifier;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const kernelDirectory = dirname(new URL(import.meta.url).pathname);
function isKernelFrame(text: string): boolean {
  return text.includes('node:internal') || text.includes(kernelDirectory) || text.includes('/out/node/kernel.mjs') || text.includes('node:vm');
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
