// The tfjs backends Lossbook knows, once: the order `auto` tries them in, which are GPUs, and
// how each is worded (the Kernel → Backend menu, the memory strip, the doctor). The protocol's
// schemas, the kernel's chains and every surface derive from this table.

export const BACKENDS = [
  { name: 'tensorflow-gpu', gpu: true, label: 'TensorFlow GPU (CUDA)', shortLabel: 'TensorFlow GPU (CUDA)' },
  { name: 'webgpu', gpu: true, label: 'WebGPU (Dawn)', shortLabel: 'WebGPU' },
  /** `node` also asks for it: the native build of tfjs-node. */
  { name: 'tensorflow', gpu: false, label: 'TensorFlow CPU (native)', shortLabel: 'TensorFlow CPU', alias: 'node' },
  { name: 'wasm', gpu: false, label: 'WebAssembly', shortLabel: 'WebAssembly' },
  { name: 'cpu', gpu: false, label: 'JavaScript CPU', shortLabel: 'JS CPU' },
] as const;

export type BackendName = (typeof BACKENDS)[number]['name'];

/** Every backend, in the order `auto` tries them (GPUs first, the pure-JS CPU last). */
export const BACKEND_NAMES = BACKENDS.map((backend) => backend.name) as [BackendName, ...BackendName[]];
export const GPU_BACKEND_NAMES: readonly BackendName[] = BACKENDS.filter((backend) => backend.gpu).map((backend) => backend.name);

type BackendAlias = Extract<(typeof BACKENDS)[number], { alias: string }>['alias'];
export type BackendRequestName = 'auto' | 'gpu' | BackendAlias | BackendName;

/** What a user may ask for: the best available, any GPU, or a backend by name or alias (each alias just before its backend). */
export const BACKEND_REQUESTS = ['auto', 'gpu', ...BACKENDS.flatMap((backend) => ('alias' in backend ? [backend.alias, backend.name] : [backend.name]))] as [BackendRequestName, ...BackendRequestName[]];

/** The backends a request names before any fallback: all of them for `auto`, the GPUs for `gpu`, else the one it names. */
export function requestedBackends(request: BackendRequestName): BackendName[] {
  if (request === 'auto') return [...BACKEND_NAMES];
  if (request === 'gpu') return [...GPU_BACKEND_NAMES];
  return BACKENDS.filter((backend) => backend.name === request || ('alias' in backend && backend.alias === request)).map((backend) => backend.name);
}

export function isGpuBackendName(name: string): boolean {
  return GPU_BACKEND_NAMES.includes(name as BackendName);
}

/** The short name the memory strip shows for a backend (its own name when unknown). */
export function backendShortLabel(name: string): string {
  return BACKENDS.find((backend) => backend.name === name)?.shortLabel ?? name;
}

/** The backends a user can choose, worded once for every surface (Kernel → Backend menu, the memory strip's chooser). */
export const BACKEND_CHOICES: ReadonlyArray<{ backend: BackendRequestName; label: string }> = [
  { backend: 'auto', label: 'Automatic (best available)' },
  { backend: 'gpu', label: 'Any GPU' },
  ...BACKENDS.map((backend) => ({ backend: backend.name, label: backend.label })),
];
