// The backends a user can choose, worded once for every surface (Kernel → Backend menu, the
// memory strip's chooser) so the app never names the same choice two ways.
import type { BackendRequest } from './protocol';

export const BACKEND_CHOICES: ReadonlyArray<{ backend: BackendRequest; label: string }> = [
  { backend: 'auto', label: 'Automatic (best available)' },
  { backend: 'gpu', label: 'Any GPU' },
  { backend: 'tensorflow-gpu', label: 'TensorFlow GPU (CUDA)' },
  { backend: 'webgpu', label: 'WebGPU (Dawn)' },
  { backend: 'tensorflow', label: 'TensorFlow CPU (native)' },
  { backend: 'wasm', label: 'WebAssembly' },
  { backend: 'cpu', label: 'JavaScript CPU' },
];
