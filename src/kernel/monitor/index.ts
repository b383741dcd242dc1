export { TrainingMonitor, createRunMonitor } from './training-monitor';
export { MONITOR_LIMITS } from './limits';
export type { MonitorCost } from './recorder';
