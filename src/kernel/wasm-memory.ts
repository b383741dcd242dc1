// Out of memory on the wasm backend, made an error instead of silent heap corruption.
//
// tfjs-backend-wasm allocates every tensor with `wasm._malloc(numBytes) >>> 0` and uses the result
// unchecked (BackendWasm.move). When the WebAssembly heap cannot grow (it is capped at 4 GiB),
// emscripten's malloc returns 0, so the tensor is registered at address 0: copying its values in
// fails with "RangeError: offset is out of bounds" when they are larger than the heap, and a
// kernel's output tensor is silently written over whatever lives at the bottom of the heap.
// Requests of 4 GiB or more are worse: the byte count wraps when it is passed to the 32-bit malloc
// and a much smaller block is returned. Either way the kernel's tensors are no longer trustworthy.
//
// The guard checks each allocation the backend makes and throws an OutOfMemoryError that names
// the tensor, the size and what the heap holds, before anything is registered — the heap stays
// intact, the cell fails with a clear message, and the diagnosis rule mem.oom reads it.

import { formatBytes } from '../shared/format-bytes';

/** emscripten's getHeapMax() for the tfjs wasm builds: 4 GiB minus one 64 KiB page. */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760;

export class OutOfMemoryError extends Error {
  override readonly name = 'OutOfMemoryError';
  constructor(
    message: string,
    readonly requestedBytes: number,
    readonly limitBytes: number,
  ) {
    super(message);
  }
}

interface WasmModuleLike {
  _malloc(bytes: number): number;
  _free?(address: number): void;
  HEAPU8: { length: number };
}

export interface WasmBackendLike {
  wasm: WasmModuleLike;
  move(dataId: object, values: unknown, shape: number[], dtype: string, refCount: number): void;
}

const GUARDED = Symbol.for('lossbook.wasmAllocationGuard');

/**
 * Install the guard on a wasm backend instance (idempotent). `tensorBytes` reports what tensors
 * hold now (tf.memory().numBytes), for the message.
 */
export function guardWasmAllocations(backend: WasmBackendLike, tensorBytes: () => number): void {
  const target = backend as WasmBackendLike & { [GUARDED]?: true };
  if (target[GUARDED] || !target.wasm || typeof target.wasm._malloc !== 'function' || typeof target.move !== 'function') return;
  target[GUARDED] = true;
  let request: { shape: number[]; dtype: string } | undefined;
  const fail = (bytes: number) => {
    const what = request ? `a ${request.dtype} tensor of shape [${request.shape.join(', ')}]` : 'a tensor';
    return new OutOfMemoryError(
      `Out of memory: the wasm backend cannot allocate ${formatBytes(bytes)} for ${what}. ` +
        `WebAssembly memory is limited to ${formatBytes(WASM_HEAP_MAX_BYTES)}; the heap is ${formatBytes(target.wasm.HEAPU8.length)} and tensors hold ${formatBytes(tensorBytes())}. ` +
        'Use smaller batches (evaluate or preprocess in chunks), or a GPU or native backend.',
      bytes,
      WASM_HEAP_MAX_BYTES,
    );
  };
  // Emscripten exports `_malloc` as a stub that replaces itself with the raw wasm export on its first
  // call (which would also replace a wrapper around it): resolve it with one allocation first.
  const probe = target.wasm._malloc(8);
  target.wasm._free?.(probe);
  const malloc = target.wasm._malloc;
  target.wasm._malloc = (bytes: number) => {
    // The byte count would wrap in the 32-bit call: refuse before calling.
    if (bytes >= WASM_HEAP_MAX_BYTES) throw fail(bytes);
    const address = malloc(bytes);
    if (address === 0 && bytes > 0) throw fail(bytes);
    return address;
  };
  // move() is where tfjs calls malloc: it knows the tensor, for the message.
  const move = target.move;
  target.move = function (this: WasmBackendLike, dataId, values, shape, dtype, refCount) {
    request = { shape, dtype };
    try {
      return move.call(this, dataId, values, shape, dtype, refCount);
    } finally {
      request = undefined;
    }
  };
}
