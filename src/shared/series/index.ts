export { emaDebiased, IncrementalEma } from './ema';
export { decimateMinMax, MinMaxBlockIndex, type DecimatedSeries, type DecimateOptions } from './decimate';
export * from './names';
