// Patches tfjs training entry points once, at kernel start, so every run gets the graded
// interrupt (design.md "Kernel rules": stop at the next batch boundary via stopTraining),
// progress events and the monitor's callbacks, without the user changing their code.
import type * as tfType from '@tensorflow/tfjs';
import type { Disposable, KernelEvent } from '../shared/protocol';
import type { RunMonitor, Tf } from './monitor-api';
import { InterruptError } from './executor';
import { validationDataset } from './dataset-sample';

export interface ActiveTraining {
  runId: string;
  signal: AbortSignal;
  /** Polls for an interrupt (also one that arrived while the event loop was blocked). */
  interrupted(): boolean;
  emit(event: KernelEvent): void;
  monitor: RunMonitor | undefined;
  /** Reports problems of the monitor without failing the user's training. */
  warn(message: string): void;
}

// fit keeps tfjs's own yielding (the user's `yieldEvery`, else 'auto', every 125 ms): an interrupt does
// not need the event loop, since `interrupted()` reads the interrupt channel's shared memory at every
// batch end. (Yielding every 25 ms, as before, cost about 1% of an MNIST step's CPU time; a kernel
// started without the channel still reads the interrupt message at the next yield.)
const PROGRESS_INTERVAL_MS = 100;

type FitFunction = (this: tfType.LayersModel, x: unknown, y: unknown, args?: Record<string, unknown>) => Promise<tfType.History>;
type FitDatasetFunction = (this: tfType.LayersModel, dataset: unknown, args: Record<string, unknown>) => Promise<tfType.History>;

/**
 * fitDataset's dataset and a validation dataset in its args, replaced by the views the monitor
 * watches (monitor.observeDataset); the same data in the same order.
 */
export function watchDatasets<A extends Record<string, unknown>>(monitor: RunMonitor, dataset: unknown, args: A): [unknown, A] {
  if (!monitor.observeDataset) return [dataset, args];
  const validation = validationDataset(args);
  return [monitor.observeDataset(dataset), { ...args, ...(validation ? { validationData: monitor.observeDataset(validation) } : {}) }];
}

export class TrainingHooks implements Disposable {
  /** Mutable state shared with the patched functions (which run with tfjs's `this`). */
  private readonly state: { active: ActiveTraining | undefined; fitDepth: number; applyDepth: number; step: number } = {
    active: undefined,
    fitDepth: 0,
    applyDepth: 0,
    step: 0,
  };
  private readonly restore: Array<() => void> = [];

  constructor(private readonly tf: Tf) {
    this.patchFit();
    this.patchOptimizers();
  }

  /** The run whose training calls are observed; undefined between runs. */
  activate(training: ActiveTraining | undefined): void {
    this.state.active = training;
    this.state.step = 0;
    this.state.fitDepth = 0;
    this.state.applyDepth = 0;
  }

  dispose(): void {
    for (const undo of this.restore.splice(0).reverse()) undo();
  }

  private patchFit(): void {
    const tf = this.tf;
    const hooks = this.state;
    const merge = this.mergeCallbacks.bind(this);
    const patch = (prototype: object, name: 'fit' | 'fitDataset') => {
      if (!Object.prototype.hasOwnProperty.call(prototype, name)) return;
      const original = (prototype as Record<string, unknown>)[name] as FitFunction | FitDatasetFunction;
      const patched = async function (this: tfType.LayersModel, ...args: unknown[]): Promise<tfType.History> {
        const training = hooks.active;
        // Sequential.fit calls its inner model's fit: only the outermost call is hooked.
        if (!training || hooks.fitDepth > 0) return (original as (...a: unknown[]) => Promise<tfType.History>).apply(this, args);
        if (training.interrupted()) throw new InterruptError('Interrupted before training started.');
        const argsIndex = name === 'fit' ? 2 : 1;
        const userArgs = { ...((args[argsIndex] as Record<string, unknown> | undefined) ?? {}) };
        const where = { epoch: 0, batch: 0 };
        const callbacks = merge(this, userArgs, training, name === 'fit' ? { x: args[0], y: args[1] } : { dataset: args[0] }, where);
        const nextArgs = [...args];
        nextArgs[argsIndex] = { ...userArgs, callbacks };
        if (name === 'fitDataset' && training.monitor) {
          try {
            [nextArgs[0], nextArgs[1]] = watchDatasets(training.monitor, args[0], nextArgs[1] as Record<string, unknown>);
          } catch (error) {
            training.warn(`The training monitor could not watch the dataset: ${(error as Error).message}`);
          }
        }
        if (name === 'fit' && nextArgs.length < 3) nextArgs.length = 3;
        hooks.fitDepth += 1;
        try {
          const history = await (original as (...a: unknown[]) => Promise<tfType.History>).apply(this, nextArgs);
          if (training.signal.aborted) {
            throw new InterruptError(`Interrupted: training stopped at epoch ${where.epoch + 1}, batch ${where.batch + 1} (the model keeps the weights it had learned).`);
          }
          return history;
        } finally {
          hooks.fitDepth -= 1;
        }
      };
      (prototype as Record<string, unknown>)[name] = patched;
      this.restore.push(() => {
        (prototype as Record<string, unknown>)[name] = original;
      });
    };
    for (const prototype of [tf.LayersModel.prototype, tf.Sequential.prototype]) {
      patch(prototype, 'fit');
      patch(prototype, 'fitDataset');
    }
  }

  private mergeCallbacks(
    model: tfType.LayersModel,
    userArgs: Record<string, unknown>,
    training: ActiveTraining,
    data: { x?: unknown; y?: unknown; dataset?: unknown },
    where: { epoch: number; batch: number },
  ): unknown[] {
    const tf = this.tf;
    const yieldEvery = userArgs.yieldEvery as tfType.ModelFitArgs['yieldEvery'];
    const BaseCallback = Object.getPrototypeOf(tf.CustomCallback.prototype).constructor as new (...args: unknown[]) => object;
    const toCallback = (config: unknown): object =>
      config instanceof BaseCallback ? config : new tf.CustomCallback(config as tfType.CustomCallbackArgs, yieldEvery);
    const user = userArgs.callbacks == null ? [] : Array.isArray(userArgs.callbacks) ? userArgs.callbacks : [userArgs.callbacks];
    const epochs = typeof userArgs.epochs === 'number' ? userArgs.epochs : 1;
    let lastProgress = 0;
    let batchesPerEpoch: number | undefined;
    const hooks = this.state;
    const interruptAndProgress: tfType.CustomCallbackArgs = {
      onEpochBegin: async (epoch) => {
        where.epoch = epoch;
        where.batch = 0;
      },
      onBatchEnd: async (batch, logs) => {
        where.batch = batch;
        hooks.step += 1;
        if (training.interrupted()) model.stopTraining = true;
        const now = Date.now();
        if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now;
          const loss = typeof logs?.loss === 'number' && Number.isFinite(logs.loss) ? logs.loss : null;
          training.emit({
            type: 'progress',
            runId: training.runId,
            epoch: where.epoch,
            epochs,
            step: hooks.step,
            batch,
            ...(batchesPerEpoch ? { batchesPerEpoch } : {}),
            loss,
          });
        }
      },
      onEpochEnd: async (_epoch, _logs) => {
        batchesPerEpoch = where.batch + 1;
        if (training.interrupted()) model.stopTraining = true;
      },
    };
    const merged = [...user.map(toCallback), toCallback(interruptAndProgress)];
    if (training.monitor) {
      try {
        const monitorCallbacks = training.monitor.beforeFit({
          model,
          ...(data.x !== undefined ? { x: data.x as tfType.Tensor } : {}),
          ...(data.y !== undefined ? { y: data.y as tfType.Tensor } : {}),
          ...(data.dataset !== undefined ? { dataset: data.dataset } : {}),
          args: userArgs,
        });
        if (monitorCallbacks && Object.keys(monitorCallbacks).length > 0) merged.push(toCallback(monitorCallbacks));
      } catch (error) {
        training.warn(`The training monitor failed before fit: ${(error as Error).message}`);
      }
    }
    return merged;
  }

  private patchOptimizers(): void {
    const tf = this.tf;
    const hooks = this.state;
    const optimizerClasses = [
      tf.Optimizer,
      tf.SGDOptimizer,
      tf.MomentumOptimizer,
      tf.AdagradOptimizer,
      tf.AdadeltaOptimizer,
      tf.AdamOptimizer,
      tf.AdamaxOptimizer,
      tf.RMSPropOptimizer,
    ];
    for (const optimizerClass of optimizerClasses) {
      const prototype = optimizerClass.prototype as unknown as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(prototype, 'applyGradients')) {
        const original = prototype.applyGradients as (this: tfType.Optimizer, gradients: unknown) => void;
        prototype.applyGradients = function (this: tfType.Optimizer, gradients: unknown) {
          const training = hooks.active;
          if (training?.monitor && hooks.applyDepth === 0) {
            try {
              training.monitor.onGradients(this, gradients as tfType.NamedTensorMap);
            } catch (error) {
              training.warn(`The training monitor failed on gradients: ${(error as Error).message}`);
            }
          }
          hooks.applyDepth += 1;
          try {
            return original.call(this, gradients);
          } finally {
            hooks.applyDepth -= 1;
          }
        };
        this.restore.push(() => {
          prototype.applyGradients = original;
        });
      }
      if (Object.prototype.hasOwnProperty.call(prototype, 'minimize')) {
        const original = prototype.minimize as (this: tfType.Optimizer, ...args: unknown[]) => tfType.Scalar | null;
        prototype.minimize = function (this: tfType.Optimizer, ...args: unknown[]) {
          const training = hooks.active;
          // A custom loop that never awaits still stops here (the interrupt's abort signal).
          if (training?.interrupted() && hooks.fitDepth === 0) throw new InterruptError('Interrupted: the training loop stopped at optimizer.minimize.');
          const loss = original.apply(this, args);
          if (training?.monitor && hooks.fitDepth === 0) {
            hooks.step += 1;
            try {
              training.monitor.onMinimize(this, loss ?? null);
            } catch (error) {
              training.warn(`The training monitor failed after minimize: ${(error as Error).message}`);
            }
          }
          return loss;
        };
        this.restore.push(() => {
          prototype.minimize = original;
        });
      }
    }
  }
}
