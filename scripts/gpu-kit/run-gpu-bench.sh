#!/usr/bin/env bash
# Runs Lossbook's GPU benchmark (bench/gpu.bench.ts, issue 11) on a bare machine from the kit that
# scripts/gpu-kit/pack.mjs built; pack.mjs copies this file to .gpu-kit/lossbook/. From the repo
# root of the device tool's copy, after `source .gpu-kit/setup.sh` (node, Vulkan, node_modules/webgpu):
#   bash .gpu-kit/lossbook/run-gpu-bench.sh
# Unpacks node_modules (pruned) and .lossbook-gpu/ (kernel + bundles) into the current folder,
# runs the benchmark, writes gpu-<device>.json, the log and the environment under $OUT (or
# ./gpu-bench-out), and prints a summary. Extra environment (LOSSBOOK_BENCH_REPS, …) passes through.
set -uo pipefail
kit=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$PWD
out=${OUT:-$root/gpu-bench-out}
mkdir -p "$out"

# The GPU machine may have no xz binary (make-kit's setup.sh uses Python for the same reason).
if command -v python3 >/dev/null; then
  python3 - "$kit/lossbook.tar.xz" "$root" <<'PY' || exit 1
import sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    archive.extractall(sys.argv[2])
PY
else
  tar -C "$root" -xJf "$kit/lossbook.tar.xz" || exit 1
fi
command -v node >/dev/null || { echo "run-gpu-bench: no node on PATH: source .gpu-kit/setup.sh first" >&2; exit 1; }

{
  echo "node $(node --version) on $(uname -m)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  ldconfig -p 2>/dev/null | grep -m1 libvulkan.so.1 || echo "no libvulkan.so.1 in ldconfig"
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
  ls node_modules/webgpu/dist 2>/dev/null | tr '\n' ' ' || echo "node_modules/webgpu missing (make-kit.sh's webgpu.tar.xz not unpacked)"
  echo
} > "$out/environment.txt" 2>&1
cat "$out/environment.txt"

export LOSSBOOK_KERNEL_ENTRY="$root/.lossbook-gpu/kernel.mjs"
export LOSSBOOK_GPU_PLAIN="$root/.lossbook-gpu/gpu-plain.mjs"
export LOSSBOOK_RESULTS_DIR="$out"
started=$(date +%s)
node "$root/.lossbook-gpu/gpu-bench.mjs" > "$out/gpu-bench.log" 2>&1
status=$?
echo "run-gpu-bench: benchmark exited $status after $(( $(date +%s) - started )) s; files in $out: $(ls "$out" | tr '\n' ' ')"
# The log's table and targets, without the kernels' own chatter (Dawn warnings), then a digest of
# the JSON (all of it comes back as a file under $OUT).
grep -v -e '^Warning: ' -e 'BackendVk.cpp' -e '^ *at operator' -e '^$' "$out/gpu-bench.log" | tail -60
node -e '
const fs = require("fs");
for (const f of fs.readdirSync(process.argv[1]).filter((n) => /^gpu-.*\.json$/.test(n))) {
  const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
  const cycles = r.interruptCycles || {};
  console.log(JSON.stringify({
    file: f, device: r.device, webgpu: r.webgpu && (r.webgpu.available ? (r.webgpu.backend || {}).device : r.webgpu.reason),
    rows: [...((r.webgpu || {}).rows || []), ...((r.wasm || {}).rows || [])].map((w) => [w.backend, w.hidden, w.batch, Math.round(w.plainSamplesPerSecond || 0), Math.round(w.lossbookSamplesPerSecond || 0), Number((w.ratio || 0).toFixed(3))]),
    flags: r.flagsOnVsOff && { on: r.flagsOnVsOff.msPerStepOn, off: r.flagsOnVsOff.msPerStepOff, speedup: r.flagsOnVsOff.speedup, profile: r.flagsOnVsOff.profile },
    memory: { fresh: cycles.fresh && cycles.fresh.gpu, beforeFree: cycles.beforeFree && cycles.beforeFree.gpu, afterFree: cycles.afterFree && cycles.afterFree.gpu, lastCycle: (cycles.cycles || []).slice(-1)[0] },
    targets: r.targets,
  }, null, 1));
}' "$out"
exit $status
