// Run scopes (design.md "Kernel rules"): a run owns every tensor and tf.Variable it allocated.
// When it ends — normally, by error or by interrupt — whatever the notebook namespace cannot
// reach is disposed, and tensors kept by earlier runs that the namespace no longer reaches
// (a `model` reassigned by a re-run) are disposed too. Lifetimes are a property of the kernel,
// not of the user's discipline with tf.tidy.
//
// How a run's allocations are found: a tfjs engine scope is opened for the run (one cell runs
// at a time, so the scope is correct across the cell's awaits); every non-variable tensor made
// while it is open is tracked in it or a nested scope. Variables are never scope-tracked, so
// the engine's registeredVariables are diffed. Tensors that user code `tf.keep`s inside a nested
// tidy escape every scope, so keep() is observed too.
import type * as tfType from '@tensorflow/tfjs';
import type { MemorySnapshot, RunMemory } from '../shared/protocol';
import type { Tf } from './monitor-api';

type Tensor = tfType.Tensor;

interface ScopeState {
  track: Tensor[];
  name: string;
  id: number;
}

interface EngineInternals {
  state: {
    scopeStack: ScopeState[];
    activeScope: ScopeState | null;
    registeredVariables: Record<string, tfType.Variable>;
  };
  startScope(name?: string): void;
  endScope(result?: unknown): void;
  keep<T extends Tensor>(tensor: T): T;
}

export interface Reachability {
  tensors: Set<Tensor>;
  /** True when the walk stopped at its size limit: then nothing unreachable-looking is disposed. */
  incomplete: boolean;
  visitedObjects: number;
}

export interface LifetimesOptions {
  /** The values the namespace holds: every top-level name of every cell. */
  roots: () => Iterable<unknown>;
  /** A snapshot of memory (tf.memory() plus process and GPU numbers). */
  snapshot: () => MemorySnapshot;
  /** Objects never to walk into (the tf module, the kernel's helpers). */
  opaque?: () => Iterable<object>;
  /** Upper bound on objects visited by one reachability walk. */
  maxVisitedObjects?: number;
}

export interface RunScope {
  readonly before: MemorySnapshot;
  /** Closes the scope: disposes what nothing reaches and returns the run's memory account. */
  end(): RunMemory & { reachabilityIncomplete: boolean };
}

const DEFAULT_MAX_VISITED = 5_000_000;
const COMPACT_AT = 10_000;
const LONG_ARRAY = 256;
const SAMPLES_AT_EACH_END = 64;
const SAMPLES_INSIDE = 128;

/** The ends and an even spread of a long array hold no objects. */
function looksPrimitive(array: unknown[]): boolean {
  const isObject = (value: unknown) => value !== null && (typeof value === 'object' || typeof value === 'function');
  for (let index = 0; index < SAMPLES_AT_EACH_END; index++) {
    if (isObject(array[index]) || isObject(array[array.length - 1 - index])) return false;
  }
  const stride = Math.max(1, Math.floor(array.length / SAMPLES_INSIDE));
  for (let index = SAMPLES_AT_EACH_END; index < array.length - SAMPLES_AT_EACH_END; index += stride) {
    if (isObject(array[index])) return false;
  }
  return true;
}

export class TensorLifetimes {
  /** Tensors and variables earlier runs left to the namespace; freed once nothing reaches them. */
  private readonly survivors = new Set<Tensor>();
  private readonly engine: EngineInternals;
  private readonly originalKeep: EngineInternals['keep'];
  private activeRun: { keptByUser: Set<Tensor>; scope: ScopeState | null; compactAt: number; keptCompactAt: number } | undefined;
  private betweenRunScope: ScopeState | null = null;
  private variablesAtLastSettle = new Set<tfType.Variable>();

  constructor(
    private readonly tf: Tf,
    private readonly options: LifetimesOptions,
  ) {
    this.engine = tf.engine() as unknown as EngineInternals;
    this.originalKeep = this.engine.keep;
    const engine = this.engine;
    const originalKeep = this.originalKeep;
    engine.keep = <T extends Tensor>(tensor: T): T => {
      if (this.activeRun) this.activeRun.keptByUser.add(tensor);
      else this.survivors.add(tensor);
      return originalKeep.call(engine, tensor) as T;
    };
    this.openBetweenRunScope();
  }

  /** Number of tensors/variables the kernel holds on behalf of the namespace. */
  get survivorCount(): number {
    return this.survivors.size;
  }

  beginRun(runId: string): RunScope {
    if (this.activeRun) throw new Error('A run scope is already open: one cell runs at a time.');
    this.adoptBetweenRunAllocations();
    const before = this.options.snapshot();
    const variablesBefore = new Set(Object.values(this.engine.state.registeredVariables));
    const run = { keptByUser: new Set<Tensor>(), scope: null as ScopeState | null, compactAt: COMPACT_AT, keptCompactAt: COMPACT_AT };
    this.activeRun = run;
    this.engine.startScope(`lossbook-run-${runId}`);
    const scope = this.engine.state.activeScope;
    run.scope = scope;
    let ended = false;
    return {
      before,
      end: () => {
        if (ended) throw new Error('This run scope has already ended.');
        ended = true;
        // Whatever fails below, the run is over: the next cell must find no run open and the
        // engine's scope stack back at the between-run scope (issue 17: one failure here used to
        // leave every later cell waiting on a scope that never closed).
        const created = new Set<Tensor>();
        let settled = false;
        try {
          this.closeScopesDownTo(scope, created);
          for (const tensor of run.keptByUser) created.add(tensor);
          for (const variable of Object.values(this.engine.state.registeredVariables)) {
            if (!variablesBefore.has(variable)) created.add(variable);
          }
          this.activeRun = undefined;
          const memory = this.settle(before, created);
          settled = true;
          return memory;
        } finally {
          this.activeRun = undefined;
          if (!settled) {
            // Nothing was decided for the run's tensors: hand them to the survivors, which the
            // next settle frees unless the namespace reaches them.
            for (const tensor of created) if (!tensor.isDisposed) this.survivors.add(tensor);
            this.forceCloseScope(scope);
          }
          this.openBetweenRunScope();
        }
      },
    };
  }

  /**
   * Tensors made while no cell runs — by a timer or an unawaited promise a cell left behind —
   * are tracked in a scope of their own and join the survivors when the next run (or
   * free-memory) begins: kept if the namespace reaches them, disposed otherwise.
   */
  private adoptBetweenRunAllocations(): void {
    const made = new Set<Tensor>();
    this.closeScopesDownTo(this.betweenRunScope, made);
    for (const tensor of made) if (!tensor.isDisposed) this.survivors.add(tensor);
    this.betweenRunScope = null;
    for (const variable of Object.values(this.engine.state.registeredVariables)) {
      if (!this.variablesAtLastSettle.has(variable)) this.survivors.add(variable);
    }
  }

  private openBetweenRunScope(): void {
    this.variablesAtLastSettle = new Set(Object.values(this.engine.state.registeredVariables));
    this.engine.startScope('lossbook-between-runs');
    this.betweenRunScope = this.engine.state.activeScope;
  }

  /**
   * A scope inside the running cell — one trial of `lossbook.sweep`. When `fn` settles, what it
   * allocated that neither the namespace nor its result reaches is disposed at once, so trials
   * never pile up memory over a sweep; what is still reachable is handed to the run's scope and
   * settled with the run. Outside a run (no scope open) `fn` simply runs.
   */
  async runNested<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const run = this.activeRun;
    if (!run) return fn();
    const variablesBefore = new Set(Object.values(this.engine.state.registeredVariables));
    const keptBefore = new Set(run.keptByUser);
    this.engine.startScope(`lossbook-nested-${name}`);
    const scope = this.engine.state.activeScope;
    let result: T | undefined;
    try {
      result = await fn();
      return result;
    } finally {
      const created = new Set<Tensor>();
      this.closeScopesDownTo(scope, created);
      for (const tensor of run.keptByUser) if (!keptBefore.has(tensor)) created.add(tensor);
      for (const variable of Object.values(this.engine.state.registeredVariables)) {
        if (!variablesBefore.has(variable)) created.add(variable);
      }
      const reachability = this.reachable([result]);
      const parent = this.engine.state.activeScope;
      for (const tensor of created) {
        if (tensor.isDisposed) continue;
        if (reachability.incomplete || reachability.tensors.has(tensor)) {
          // Variables are found by the run's own diff; other tensors rejoin the run's scope.
          if (!(tensor instanceof this.tf.Variable)) parent?.track.push(tensor);
        } else {
          tensor.dispose();
          run.keptByUser.delete(tensor);
        }
      }
    }
  }

  /**
   * A long custom loop that disposes its tensors still leaves every Tensor object in the run
   * scope's track list until the run ends; drop the disposed ones now and then so a run of a
   * million steps does not hold a million dead objects. Cheap to call often (loop checkpoints).
   */
  compact(): void {
    const run = this.activeRun;
    const scope = run?.scope;
    if (!run || !scope) return;
    if (scope.track.length >= run.compactAt) {
      scope.track = scope.track.filter((tensor) => !tensor.isDisposed);
      run.compactAt = Math.max(COMPACT_AT, scope.track.length * 2);
    }
    // tf.keep'd tensors too: model.fit keeps every batch's loss and metrics and disposes them a step
    // later, so a long fit would otherwise collect two dead tensors per batch here.
    if (run.keptByUser.size >= run.keptCompactAt) {
      for (const tensor of run.keptByUser) if (tensor.isDisposed) run.keptByUser.delete(tensor);
      run.keptCompactAt = Math.max(COMPACT_AT, run.keptByUser.size * 2);
    }
  }

  /**
   * Dispose every tensor/variable the kernel holds for the namespace that it no longer reaches
   * (used by free-memory after the namespace is reset, and at every run end).
   */
  disposeUnreachable(): { tensors: number; bytes: number; incomplete: boolean } {
    if (!this.activeRun) {
      this.adoptBetweenRunAllocations();
      this.openBetweenRunScope();
    }
    const reachability = this.reachable();
    if (reachability.incomplete) return { tensors: 0, bytes: 0, incomplete: true };
    const before = this.tf.memory();
    for (const tensor of [...this.survivors]) {
      if (tensor.isDisposed) this.survivors.delete(tensor);
      else if (!reachability.tensors.has(tensor)) {
        tensor.dispose();
        this.survivors.delete(tensor);
      }
    }
    const after = this.tf.memory();
    return { tensors: before.numTensors - after.numTensors, bytes: before.numBytes - after.numBytes, incomplete: false };
  }

  /** Which tensors the namespace (plus `extraRoots`, e.g. a sweep trial's result) reaches: tensors, models (their weights), optimizers (their slots), containers. */
  reachable(extraRoots: readonly unknown[] = []): Reachability {
    return collectReachableTensors(this.tf, [...this.options.roots(), ...extraRoots], {
      opaque: new Set(this.options.opaque?.() ?? []),
      maxVisitedObjects: this.options.maxVisitedObjects ?? DEFAULT_MAX_VISITED,
    });
  }

  dispose(): void {
    this.engine.keep = this.originalKeep;
    if (!this.activeRun) this.closeScopesDownTo(this.betweenRunScope, new Set());
  }

  /**
   * Pop the run's scope and any scope user code opened inside it and never closed; add their
   * tensors to `collected`. One at a time, never `push(...track)`: a cell of 130,000 tf.scalar
   * calls overflowed the call stack with the spread (issue 17).
   */
  private closeScopesDownTo(scope: ScopeState | null, collected: Set<Tensor>): void {
    const stack = this.engine.state.scopeStack;
    // User code ended our scope itself (an unbalanced endScope); what it tracked is gone with it.
    if (!scope || !stack.includes(scope)) return;
    while (stack.length > 0) {
      const top = this.engine.state.activeScope;
      if (!top) break;
      const track = top.track;
      // Empty the track first: the decision to dispose is ours (reachability), not the scope's.
      top.track = [];
      for (let index = 0; index < track.length; index++) collected.add(track[index]!);
      this.engine.endScope();
      if (top === scope) break;
    }
  }

  /**
   * The last resort after a failure in the bookkeeping: pop `scope` (and what user code left
   * open above it) without deciding anything. Its tensors go to the survivors, so the next
   * settle frees what the namespace does not reach instead of the engine freeing it blindly.
   */
  private forceCloseScope(scope: ScopeState | null): void {
    const stack = this.engine.state.scopeStack;
    if (!scope || !stack.includes(scope)) return;
    while (stack.length > 0) {
      const top = this.engine.state.activeScope;
      if (!top) break;
      for (const tensor of top.track) if (!tensor.isDisposed) this.survivors.add(tensor);
      top.track = [];
      try {
        this.engine.endScope();
      } catch {
        // endScope itself failed: drop the scope from the stack by hand, the run must close.
        stack.pop();
        this.engine.state.activeScope = stack[stack.length - 1] ?? null;
      }
      if (top === scope) break;
    }
  }

  private settle(before: MemorySnapshot, created: Set<Tensor>): RunMemory & { reachabilityIncomplete: boolean } {
    const reachability = this.reachable();
    const atEnd = this.options.snapshot();
    const zero = { tensors: 0, bytes: 0 };
    if (reachability.incomplete) {
      // Without a complete picture of the namespace, disposing could break the user's objects:
      // keep everything this time and report it as kept.
      for (const tensor of created) if (!tensor.isDisposed) this.survivors.add(tensor);
      const kept = { tensors: atEnd.numTensors - before.numTensors, bytes: atEnd.numBytes - before.numBytes };
      return { before, after: atEnd, kept, disposed: zero, leaked: zero, reachabilityIncomplete: true };
    }

    let keptTensors = 0;
    let keptBytes = 0;
    const memoryBeforeDisposal = this.tf.memory();
    for (const tensor of created) {
      if (tensor.isDisposed) continue;
      if (reachability.tensors.has(tensor)) {
        if (!this.survivors.has(tensor)) {
          this.survivors.add(tensor);
          keptTensors += 1;
          keptBytes += tensorBytes(tensor);
        }
      } else {
        tensor.dispose();
      }
    }
    // Tensors earlier runs kept that this run made unreachable (a reassigned `model`), or that
    // the user disposed during the run: they were part of `before`, so their release is
    // credited against the leak meter below.
    const freedOld = { tensors: 0, bytes: 0 };
    for (const tensor of [...this.survivors]) {
      if (created.has(tensor)) continue;
      if (!tensor.isDisposed && !reachability.tensors.has(tensor)) tensor.dispose();
      if (tensor.isDisposed) {
        this.survivors.delete(tensor);
        freedOld.tensors += 1;
        freedOld.bytes += tensorBytes(tensor);
      }
    }
    const memoryAfter = this.tf.memory();
    const after = this.options.snapshot();
    const disposed = {
      tensors: memoryBeforeDisposal.numTensors - memoryAfter.numTensors,
      bytes: memoryBeforeDisposal.numBytes - memoryAfter.numBytes,
    };
    // Measured independently of the bookkeeping above: anything alive now that was not alive
    // before and is not held by the namespace leaked (a tensor created outside the scope, e.g.
    // by a timer that fired after the run). Earlier namespace tensors the user disposed during
    // the run count as freed.
    const leaked = {
      tensors: after.numTensors - before.numTensors - keptTensors + freedOld.tensors,
      bytes: after.numBytes - before.numBytes - keptBytes + freedOld.bytes,
    };
    return {
      before,
      after,
      kept: { tensors: keptTensors, bytes: keptBytes },
      disposed,
      leaked: { tensors: Math.max(0, leaked.tensors), bytes: Math.max(0, leaked.bytes) },
      reachabilityIncomplete: false,
    };
  }
}

/** Bytes tfjs's engine counts for one tensor (numBytes is per tensor, views included). */
export function tensorBytes(tensor: Tensor): number {
  if (tensor.dtype === 'string' || tensor.dtype === 'complex64') return 0;
  const perElement = tensor.dtype === 'bool' ? 1 : 4;
  return tensor.size * perElement;
}

/**
 * Walks plain data reachable from `roots`: own data properties (getters are never run), array
 * elements, Map keys/values, Set values — not closures, not #private fields. Long arrays whose
 * sampled elements are all primitives (numbers, strings) are not scanned element by element: a
 * tensor hidden in the middle of a long array of numbers would not be seen. Functions, typed arrays,
 * module namespaces and the `opaque` objects are not walked into. A LayersModel reaches its
 * weights through layers → LayerVariable.val; an optimizer its slot variables through its
 * own fields, so "models and optimizers count as reachable through the globals that hold them".
 */
export function collectReachableTensors(
  tf: Tf,
  roots: Iterable<unknown>,
  options: { opaque: Set<object>; maxVisitedObjects: number },
): Reachability {
  const tensors = new Set<Tensor>();
  const visited = new Set<object>();
  const stack: unknown[] = [...roots];
  const engine = tf.engine() as unknown as object;
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
    if (typeof value === 'function') continue;
    const object = value as object;
    if (visited.has(object)) continue;
    visited.add(object);
    if (visited.size > options.maxVisitedObjects) return { tensors, incomplete: true, visitedObjects: visited.size };
    if (object instanceof tf.Tensor) {
      tensors.add(object);
      continue;
    }
    if (object === globalThis || object === engine || options.opaque.has(object)) continue;
    if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer || object instanceof Promise) continue;
    if (object instanceof WeakMap || object instanceof WeakSet || object instanceof WeakRef) continue;
    if (Object.prototype.toString.call(object) === '[object Module]') continue;
    if (Array.isArray(object)) {
      // Data as nested JS arrays (an MNIST set is 784-number rows) is walked at every run end:
      // a long array whose sampled elements are all primitives is taken as a plain data array.
      if (object.length > LONG_ARRAY && looksPrimitive(object)) continue;
      for (let index = 0; index < object.length; index++) {
        const element: unknown = object[index];
        if (element !== null && typeof element === 'object') stack.push(element);
      }
      continue;
    }
    try {
      if (object instanceof Map) {
        for (const [key, entry] of object) {
          stack.push(key, entry);
        }
      } else if (object instanceof Set) {
        for (const entry of object) stack.push(entry);
      }
      const descriptors = Object.getOwnPropertyDescriptors(object) as Record<string | symbol, PropertyDescriptor>;
      for (const key of Reflect.ownKeys(descriptors)) {
        const descriptor = descriptors[key];
        if (descriptor && 'value' in descriptor) {
          const property: unknown = descriptor.value;
          if (property !== null && typeof property === 'object') stack.push(property);
        }
      }
    } catch {
      // A revoked Proxy or an exotic object that refuses inspection: what it holds stays unseen.
    }
  }
  return { tensors, incomplete: false, visitedObjects: visited.size };
}
