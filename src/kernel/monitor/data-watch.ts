// The data checks of a fit (catalog data.*): statistics of fit's x/y, read once per tensor and
// remembered across re-runs of the same cell; for fitDataset, the first batches seen through a
// view of the dataset (dataset-sample.ts), which also give the probe its batch.
import type * as tfType from '@tensorflow/tfjs';
import type { DataStats } from '../../shared/diagnosis';
import type { Disposable } from '../../shared/protocol';
import type { FitObservation, RunContext, Tf } from '../monitor-api';
import { DatasetSample, validationDataset } from '../dataset-sample';
import type { Readbacks } from '../readback';
import type { ActivationProbe } from './activation-probe';
import { computeDataStats, hostCacheOf, READ_WHOLE_ELEMENTS, validationTensor, type HostCache } from './data-stats';
import type { EventBatcher } from './event-batcher';
import { firstTensor } from './model-summary';
import { now } from './limits';
import type { RunRecorder } from './recorder';

/**
 * Data statistics by the tensors they describe. A tensor's values never change (variables aside),
 * so re-running a training cell on the same x/y — the usual notebook loop — reuses the checks of the
 * first run instead of reading the data again. Keyed weakly by x; a few entries per x (y, the
 * validation data and the fit arguments the checks depend on).
 */
const dataStatsMemo = new WeakMap<object, Array<{ y: unknown; validation: unknown; key: string; stats: DataStats | undefined }>>();

function memoizedDataStats(tf: Tf, observation: FitObservation, classification: boolean, cache: HostCache): DataStats | undefined {
  const x = observation.x;
  const y = observation.y;
  const args = observation.args;
  const validation = Array.isArray(args.validationData) ? args.validationData[0] : args.validationData;
  const immutable = (value: unknown) => value == null || (value instanceof tf.Tensor && !(value instanceof tf.Variable));
  if (!x || !(x instanceof tf.Tensor) || !immutable(x) || !immutable(y) || !immutable(validation)) return computeDataStats(tf, observation, classification, cache);
  const key = JSON.stringify([classification, args.batchSize ?? null, args.validationSplit ?? null]);
  const entries = dataStatsMemo.get(x) ?? [];
  const known = entries.find((entry) => entry.y === y && entry.validation === validation && entry.key === key);
  if (known) return known.stats;
  const stats = computeDataStats(tf, observation, classification, cache);
  entries.push({ y, validation, key, stats });
  if (entries.length > 4) entries.shift();
  dataStatsMemo.set(x, entries);
  return stats;
}

/** fitDataset: the batches being watched for the data checks and the probe batch. */
interface WatchedDatasets {
  sample: DatasetSample;
  dataset: unknown;
  args: Record<string, unknown>;
  classification: boolean;
  validation?: { sample: DatasetSample; dataset: unknown };
}

export class DataWatch implements Disposable {
  /** The x/y the data checks last looked at: a fit loop over the same arrays is checked once. */
  private checked: { x: unknown; y: unknown } | undefined;
  private watched: WatchedDatasets | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly run: RunContext,
    private readonly recorder: RunRecorder,
    private readonly reads: Readbacks,
    private readonly batcher: EventBatcher,
    private readonly probe: ActivationProbe,
  ) {}

  /** Fit start: check x/y now (or when read back, on webgpu), or watch the datasets' first batches. */
  start(observation: FitObservation, classification: boolean, cache: HostCache): void {
    const sameData = this.checked && this.checked.x === (observation.dataset ?? observation.x) && this.checked.y === observation.y;
    if (observation.dataset !== undefined) this.watched = sameData ? undefined : this.watchDatasets(observation, classification);
    else if (!sameData)
      this.recorder.guard('data-checks', () => {
        if (!this.reads.synchronous) return this.checkLater(observation, classification);
        const data = memoizedDataStats(this.tf, observation, classification, cache);
        if (data) this.recorder.context.data = data;
        this.checked = { x: observation.x, y: observation.y };
      });
  }

  /** fitDataset iterates what this returns: a view of a watched dataset, or the dataset itself. */
  observeDataset(dataset: unknown): unknown {
    const watched = this.watched;
    if (!watched) return dataset;
    if (watched.dataset === dataset) return watched.sample.view(dataset);
    if (watched.validation && watched.validation.dataset === dataset) return watched.validation.sample.view(dataset);
    return dataset;
  }

  /** The first epoch (or the fit) ended: what the dataset views saw is their sample. */
  closeSamples(): void {
    this.watched?.sample.close();
    this.watched?.validation?.sample.close();
  }

  /** The fit ended: its datasets are no longer watched. */
  endFit(): void {
    this.closeSamples();
    this.watched = undefined;
  }

  dispose(): void {
    this.watched = undefined;
  }

  /**
   * webgpu (no synchronous reads, readback.ts): the fit's x, y and validation x are read with
   * data(); the data checks run on those host copies when they land, before the first batch's rules.
   */
  private checkLater(observation: FitObservation, classification: boolean): void {
    const tf = this.tf;
    const tensors = [firstTensor(observation.x), firstTensor(observation.y), validationTensor(observation.args)].filter(
      (tensor): tensor is tfType.Tensor => tensor instanceof tf.Tensor && !tensor.isDisposed,
    );
    if (!tensors.length) return;
    const largest = Math.max(...tensors.map((tensor) => tensor.size));
    if (largest > READ_WHOLE_ELEMENTS) {
      this.run.emit({ type: 'log', level: 'info', message: `Lossbook data checks skipped on webgpu: the fit's data (${largest.toLocaleString('en-US')} values in one tensor) is larger than the ${READ_WHOLE_ELEMENTS.toLocaleString('en-US')} values read back for them.` });
      return;
    }
    this.reads.read('data-checks', tensors.map((tensor) => tf.clone(tensor)), (values) => {
      const start = now();
      const cache = hostCacheOf(tensors.map((tensor, i) => [tensor, values[i]!]));
      const data = memoizedDataStats(tf, observation, classification, cache);
      if (data) this.recorder.context.data = data;
      this.checked = { x: observation.x, y: observation.y };
      this.recorder.cost.fitStartMs += now() - start;
      this.recorder.runRules('fit-start', true, ['data']);
      this.batcher.flush(true);
    });
  }

  private watchDatasets(observation: FitObservation, classification: boolean): WatchedDatasets {
    const validation = validationDataset(observation.args);
    return {
      sample: new DatasetSample(this.tf, () => this.datasetSampled()),
      dataset: observation.dataset,
      args: observation.args,
      classification,
      ...(validation ? { validation: { sample: new DatasetSample(this.tf, () => this.validationSampled()), dataset: validation } } : {}),
    };
  }

  /**
   * The validation dataset's first batches are in. Usually the training sample was checked
   * before (fitDataset validates at the end of an epoch): only the overlap check runs now.
   */
  private validationSampled(): void {
    const watched = this.watched;
    if (!watched?.validation || !watched.sample.complete) return;
    const data = this.recorder.context.data;
    if (!data || data.overlap) return;
    const start = now();
    this.recorder.guard('data-checks', () => {
      const overlap = watched.sample.overlapWith(watched.validation!.sample);
      if (overlap) data.overlap = overlap;
    });
    this.recorder.cost.fitStartMs += now() - start;
    if (data.overlap) {
      this.recorder.runRules('fit-start', true, ['data.train-val-overlap']);
      this.batcher.flush(true);
    }
  }

  /** The dataset's first batches are in: data checks on them, a probe batch from them, rules at once. */
  private datasetSampled(): void {
    const watched = this.watched;
    const model = this.recorder.model;
    const recorder = this.recorder;
    if (!watched || !model) return;
    const start = now();
    recorder.guard('data-checks', () => {
      const data = watched.sample.stats(model, watched.args, watched.classification, watched.validation?.sample);
      if (data) recorder.context.data = data;
      this.checked = { x: watched.dataset, y: undefined };
      if (watched.sample.skipped) this.run.emit({ type: 'log', level: 'info', message: `Lossbook data checks skipped for this dataset: ${watched.sample.skipped}.` });
    });
    recorder.guard('probe-setup', () => this.probe.setupFromDataset(model, watched.sample));
    recorder.cost.fitStartMs += now() - start;
    // The data family runs at fit start; a dataset's data is known only now.
    recorder.runRules('fit-start', true, ['data']);
    this.batcher.flush(true);
  }
}
