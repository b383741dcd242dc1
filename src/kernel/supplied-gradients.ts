// Gradients tfjs lacks for boolean-valued ops (issue 18). TensorFlow declares comparisons and
// logical ops NotDifferentiable — their gradient is zero almost everywhere — but tfjs registers
// none, so backprop through a mask stops with "gradient function not found for Greater": that is
// how tf.layers.thresholdedReLU (x · cast(x > θ)) fails on every backend. Zero gradients are
// registered only where tfjs has no gradient of its own, so a later tfjs that adds one wins.
import type { Tf } from './monitor-api';

/** Inputs of each boolean-valued kernel, by the names tfjs gives them. */
const BOOLEAN_KERNELS: Readonly<Record<string, readonly string[]>> = {
  Equal: ['a', 'b'],
  NotEqual: ['a', 'b'],
  Greater: ['a', 'b'],
  GreaterEqual: ['a', 'b'],
  Less: ['a', 'b'],
  LessEqual: ['a', 'b'],
  LogicalAnd: ['a', 'b'],
  LogicalOr: ['a', 'b'],
  LogicalXor: ['a', 'b'],
  LogicalNot: ['x'],
  All: ['x'],
  Any: ['x'],
};

let supplied: string[] | undefined;

/** Registers the zero gradients once per process; returns the kernels that got one. */
export function supplyMissingGradients(tf: Tf): string[] {
  if (supplied) return supplied;
  supplied = [];
  for (const [kernelName, inputNames] of Object.entries(BOOLEAN_KERNELS)) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: [...inputNames],
      gradFunc: (_dy, saved) => Object.fromEntries(inputNames.map((name, index) => [name, () => tf.zerosLike(saved[index]!)])),
    });
    supplied.push(kernelName);
  }
  return supplied;
}
