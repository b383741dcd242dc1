"""Lossbook's Ray driver (issue 23): runs sweep trials as Ray tasks through Ray's core API.

Lossbook's kernel starts this script with the Python that has `ray` installed and talks to it in
JSON lines: requests on stdin ({"type": "submit" | "cancel" | "shutdown"}), messages on stdout
(src/shared/sweep/remote.ts validates them). Each trial is one Ray task that runs
`lossbook run <script> --events -` on a worker and yields its stdout line by line (a streaming
generator task), so metrics reach the notebook while the trial trains and a pruned trial's task
can be cancelled. It uses no dashboard and no Job REST API, so it works against any cluster.

`--doctor` only connects and describes the cluster (`lossbook doctor --ray ADDRESS`).
"""
import argparse
import json
import os
import platform
import socket
import sys
import threading
import time

_print_lock = threading.Lock()


def emit(message):
    line = json.dumps(message)
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def fatal(reason, message):
    emit({"type": "fatal", "reason": reason, "message": message})
    sys.exit(3)


def reachable(address):
    """A plain TCP connect first: ray.init against a dead address retries for minutes."""
    if address.startswith("ray://"):
        address = address[len("ray://"):]
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5):
            return None
    except OSError as error:
        return f"{host}:{port} does not answer ({error.strerror or error})"


def describe_cluster(ray):
    nodes = []
    for node in ray.nodes():
        resources = node.get("Resources", {})
        nodes.append({
            "id": node.get("NodeID", ""),
            "address": node.get("NodeManagerAddress", ""),
            "alive": bool(node.get("Alive")),
            "cpus": float(resources.get("CPU", 0)),
            "gpus": float(resources.get("GPU", 0)),
        })
    total = ray.cluster_resources()
    return {
        "type": "ready",
        "rayVersion": ray.__version__,
        "pythonVersion": platform.python_version(),
        "nodes": nodes,
        "cpus": float(total.get("CPU", 0)),
        "gpus": float(total.get("GPU", 0)),
    }


def trial_task(ray):
    # max_retries=0: Lossbook retries a lost trial itself (once), so the notebook can say so.
    @ray.remote(num_cpus=1, max_retries=0)
    def lossbook_trial(script_name, script_text, env, cwd, command):
        import ctypes
        import signal
        import subprocess
        import tempfile

        import ray as worker_ray

        context = worker_ray.get_runtime_context()
        yield json.dumps({"node": context.get_node_id(), "address": worker_ray.util.get_node_ip_address(), "task": context.get_task_id() or ""})

        def die_with_worker():
            # If this worker process dies (node lost, task force-cancelled), lossbook dies too.
            try:
                ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            except OSError:
                pass

        with tempfile.TemporaryDirectory(prefix="lossbook-trial-") as folder:
            path = os.path.join(folder, script_name)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(script_text)
            stderr_path = os.path.join(folder, "stderr.txt")
            with open(stderr_path, "w+", encoding="utf-8", errors="replace") as stderr:
                process = subprocess.Popen(
                    [*command, "run", path, "--events", "-", "--no-progress"],
                    cwd=cwd if os.path.isdir(cwd) else folder,
                    env={**os.environ, **env},
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    text=True,
                    start_new_session=True,
                    preexec_fn=die_with_worker,
                )
                try:
                    for line in process.stdout:
                        yield line.rstrip("\n")
                    code = process.wait()
                finally:
                    # Cancelled (KeyboardInterrupt / generator closed): end lossbook and its kernel.
                    if process.poll() is None:
                        try:
                            os.killpg(process.pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                        process.wait()
                stderr.seek(0)
                tail = stderr.read()[-2000:]
        yield json.dumps({"exit": code, "stderr": tail})

    return lossbook_trial


class Driver:
    def __init__(self, ray, command):
        self.ray = ray
        self.command = command
        self.task = trial_task(ray)
        self.running = {}  # (trial, attempt) -> generator ref
        self.cancelled = set()
        self.lock = threading.Lock()

    def submit(self, request):
        key = (request["trial"], request["attempt"])
        generator = self.task.remote(request["script"]["name"], request["script"]["text"], request.get("env", {}), request.get("cwd", ""), request.get("command") or self.command)
        with self.lock:
            self.running[key] = generator
        threading.Thread(target=self.follow, args=(key, generator), daemon=True).start()

    def follow(self, key, generator):
        ray = self.ray
        trial, attempt = key
        ended = {"type": "ended", "trial": trial, "attempt": attempt}
        try:
            first = True
            for ref in generator:
                item = ray.get(ref)
                if first:
                    started = json.loads(item)
                    emit({"type": "started", "trial": trial, "attempt": attempt, **started})
                    first = False
                    continue
                if item.startswith('{"exit":'):
                    result = json.loads(item)
                    ended.update(outcome="exited", code=result["exit"], message=result["stderr"])
                    continue
                emit({"type": "line", "trial": trial, "attempt": attempt, "line": item})
            if "outcome" not in ended:
                ended.update(outcome="task-failed", message="the task ended without a result")
        except ray.exceptions.TaskCancelledError:
            ended.update(outcome="cancelled", message="the task was cancelled")
        except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError, ray.exceptions.OwnerDiedError, ray.exceptions.ObjectLostError) as error:
            ended.update(outcome="worker-lost", message=f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}")
        except ray.exceptions.RayTaskError as error:
            cause = error.cause if getattr(error, "cause", None) is not None else error
            if isinstance(cause, (KeyboardInterrupt, ray.exceptions.TaskCancelledError)) or key in self.cancelled:
                ended.update(outcome="cancelled", message="the task was cancelled")
            else:
                ended.update(outcome="task-failed", message=f"{type(cause).__name__}: {cause}"[:2000])
        except Exception as error:  # the cluster went away under the driver, among others
            outcome = "cancelled" if key in self.cancelled else "worker-lost"
            ended.update(outcome=outcome, message=f"{type(error).__name__}: {error}"[:2000])
        with self.lock:
            self.running.pop(key, None)
        emit(ended)

    def cancel(self, trial, attempt, force=False):
        key = (trial, attempt)
        with self.lock:
            generator = self.running.get(key)
            self.cancelled.add(key)
        if generator is None:
            return
        try:
            self.ray.cancel(generator, force=force)
        except Exception:
            pass
        if not force:
            # A task stuck where Python cannot raise (native code) is killed after a grace period.
            timer = threading.Timer(5.0, self.cancel, args=(trial, attempt, True))
            timer.daemon = True
            timer.start()

    def cancel_all(self):
        with self.lock:
            keys = list(self.running)
        for trial, attempt in keys:
            self.cancel(trial, attempt)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--doctor", action="store_true")
    parser.add_argument("--command", default="[\"lossbook\"]", help="JSON list: how a worker runs lossbook")
    args = parser.parse_args()
    try:
        import ray
    except ImportError as error:
        fatal("ray-missing", f"the Python at {sys.executable} (Python {platform.python_version()}) has no `ray` module ({error}); install it with `{sys.executable} -m pip install ray` (the cluster's Ray version), or point LOSSBOOK_PYTHON at a Python that has it")
    unreachable = reachable(args.address)
    if unreachable:
        fatal("unreachable", f"cannot reach the Ray cluster at {args.address}: {unreachable}. Is the head running (`ray start --head`), and is the address right?")
    try:
        ray.init(address=args.address, logging_level="ERROR", log_to_driver=False, configure_logging=False)
    except Exception as error:
        fatal("init-failed", f"could not connect to the Ray cluster at {args.address}: {type(error).__name__}: {str(error).strip()[:1500]}")
    emit(describe_cluster(ray))
    if args.doctor:
        ray.shutdown()
        return
    driver = Driver(ray, json.loads(args.command))
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            kind = request["type"]
        except (ValueError, KeyError, TypeError):
            emit({"type": "fatal", "reason": "bad-request", "message": f"not a request: {line[:200]}"})
            continue
        if kind == "submit":
            driver.submit(request)
        elif kind == "cancel":
            driver.cancel(request["trial"], request["attempt"])
        elif kind == "shutdown":
            break
    # stdin closed (the kernel went away) or shutdown: nothing of the sweep may keep running.
    driver.cancel_all()
    # Give cancelled tasks a moment to end lossbook and remove their folders: ray.shutdown()
    # kills the job's workers outright.
    deadline = time.monotonic() + 8.0
    while driver.running and time.monotonic() < deadline:
        time.sleep(0.1)
    ray.shutdown()


if __name__ == "__main__":
    main()
