// An in-process stand-in for the kernel's training hooks, for the monitor's own tests: it builds
// a RunContext with a collecting emit, routes an optimizer's applyGradients/minimize to the
// monitor the way training-hooks.ts does, and merges beforeFit's callbacks into fit.
import type * as tfType from '@tensorflow/tfjs';
import type { Finding, KernelEvent } from '../shared/protocol';
import type { RunMonitor, Tf } from './monitor-api';
import { createRunMonitor } from './monitor';
import { watchDatasets } from './training-hooks';

export interface MonitoredRun {
  monitor: RunMonitor;
  events: KernelEvent[];
  findings(): Finding[];
  ids(): string[];
  finding(id: string): Finding | undefined;
  /** model.fit with the monitor's callbacks merged in (and the optimizer routed to the monitor). */
  fit(model: tfType.LayersModel, x: tfType.Tensor, y: tfType.Tensor, args?: tfType.ModelFitArgs): Promise<tfType.History>;
  /** model.fitDataset the way training-hooks.ts runs it: callbacks merged, the dataset watched. */
  fitDataset<T extends tfType.TensorContainer>(model: tfType.LayersModel, dataset: tfType.data.Dataset<T>, args: tfType.ModelFitDatasetArgs<T>): Promise<tfType.History>;
  /** Route an optimizer used in a custom loop to the monitor (restore with the returned function). */
  watch(optimizer: tfType.Optimizer): () => void;
  finish(status?: 'ok' | 'error' | 'interrupted'): void;
}

export function monitoredRun(tf: Tf, backend = tf.getBackend(), backendIsGpu?: boolean): MonitoredRun {
  const events: KernelEvent[] = [];
  const controller = new AbortController();
  const monitor = createRunMonitor(tf, { runId: 'test-run', emit: (event) => events.push(event), signal: controller.signal, backend, ...(backendIsGpu === undefined ? {} : { backendIsGpu }) });
  const findings = () => monitor.findings();
  const watch = (optimizer: tfType.Optimizer) => {
    const target = optimizer as unknown as {
      applyGradients: tfType.Optimizer['applyGradients'];
      minimize: tfType.Optimizer['minimize'];
    };
    const applyGradients = target.applyGradients;
    const minimize = target.minimize;
    target.applyGradients = function (this: tfType.Optimizer, gradients) {
      monitor.onGradients(this, gradients);
      return applyGradients.call(this, gradients);
    };
    target.minimize = function (this: tfType.Optimizer, f, returnCost, varList) {
      const cost = minimize.call(this, f, returnCost, varList);
      monitor.onMinimize(this, cost);
      return cost;
    };
    return () => {
      target.applyGradients = applyGradients;
      target.minimize = minimize;
    };
  };
  return {
    monitor,
    events,
    findings,
    ids: () => findings().map((f) => f.id),
    finding: (id) => findings().find((f) => f.id === id),
    async fit(model, x, y, args = {}) {
      const restore = model.optimizer ? watch(model.optimizer) : () => {};
      try {
        const callbacks = monitor.beforeFit({ model, x, y, args: args as Record<string, unknown> });
        const user = args.callbacks ? (Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks]) : [];
        return await model.fit(x, y, { ...args, callbacks: [callbacks, ...(user as tfType.CustomCallbackArgs[])] });
      } finally {
        restore();
      }
    },
    async fitDataset(model, dataset, args) {
      const restore = model.optimizer ? watch(model.optimizer) : () => {};
      try {
        const callbacks = monitor.beforeFit({ model, dataset, args: args as unknown as Record<string, unknown> });
        const [watched, watchedArgs] = watchDatasets(monitor, dataset, { ...args, callbacks: [callbacks] } as unknown as Record<string, unknown>);
        return await model.fitDataset(watched as typeof dataset, watchedArgs as unknown as typeof args);
      } finally {
        restore();
      }
    },
    watch,
    finish(status = 'ok') {
      monitor.finish(status);
    },
  };
}
