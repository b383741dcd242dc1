export { emaDebiased, IncrementalEma } from './ema';
export { decimateMinMax, type DecimatedSeries, type DecimateOptions } from './decimate';
