"""torch.save / torch.load of a large state dict: jtorch beside PyTorch, in the same run.

    python bench/checkpoint_io.py [--tensors 8] [--mb 64] [--repeats 3] [--dir DIR] [--jtorch-path DIR]

Each measurement runs in a fresh child process that first builds the state dict
(`tensors` float32 tensors of `mb` MiB each), so one library's caches and memory never
affect the other's. Reported per library: seconds (best of `repeats`, runs alternate
between the libraries) and peak RSS beyond what the process held before the call
(Linux: RSS sampled every millisecond during the call, and the kernel's peak reset through
/proc/self/clear_refs just before it). For load,
the loaded tensors themselves are part of the peak; "extra" subtracts their size. CPU is the
user + system time of the child's threads during the call: on a busy machine it varies less
than the wall time.
jtorch's save writes a temp file, fsyncs it and renames it over the target; torch writes
in place without fsync ("jtorch-nofsync" times jtorch's save with the fsync left out). The file is read once before the load runs, so both libraries
load from the page cache.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

_CHILD = r"""
import json, os, sys, threading, time
lib, op, path, n, mb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
PAGE = os.sysconf("SC_PAGE_SIZE")

def cpu():  # user + system seconds of all threads; the sampling thread's share is included (small)
    t = os.times()
    return t.user + t.system

def current():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE

class Peak:
    # the kernel's VmHWM misses memory freed through brk, so RSS is also sampled every millisecond
    def __init__(self):
        self.top, self.stop = current(), False
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self):
        while not self.stop:
            self.top = max(self.top, current())
            time.sleep(0.001)

    def __enter__(self):
        try:  # hand free heap memory back first: a copy made in it would not raise RSS
            import ctypes
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):
            pass
        self.top = current()
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        self.before = current()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        self.thread.join()
        with open("/proc/self/status") as f:
            hwm = int(dict(line.split(":", 1) for line in f)["VmHWM"].split()[0]) * 1024
        self.extra = max(self.top, hwm, current()) - self.before

numel = mb * 2**20 // 4
if lib == "torch":
    import torch
    mod, done = torch, (lambda out: None)
    make = lambda i: torch.full((numel,), float(i))
else:
    import jax, jtorch
    if lib == "jtorch-nofsync":
        jtorch.serialization._FSYNC = False
    mod = jtorch
    make = lambda i: jtorch.full((numel,), float(i))
    done = lambda out: jax.block_until_ready([t._value("bench") for t in out.values()])
if op == "save":
    sd = {f"layer{i}.weight": make(i) for i in range(n)}
    done(sd)  # jtorch tensors are computed before the clock starts
    mod.save({"tiny": make(0)[:4].clone()}, path + ".warm")  # first-call imports out of the timing
    with Peak() as peak:
        t, c = time.perf_counter(), cpu()
        mod.save(sd, path)
        dt, dc = time.perf_counter() - t, cpu() - c
else:
    mod.load(path + ".warm")
    chunk = bytearray(1 << 20)  # small and reused: the peak should not count a read buffer
    with open(path, "rb") as f:
        while f.readinto(chunk):
            pass
    with Peak() as peak:
        t, c = time.perf_counter(), cpu()
        out = mod.load(path)
        done(out)
        dt, dc = time.perf_counter() - t, cpu() - c
print("RESULT" + json.dumps({"s": dt, "cpu": dc, "peak_extra": peak.extra}))
"""


def run(lib, op, path, n, mb, jtorch_path=None):
    env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false", JAX_PLATFORMS="cpu")
    if jtorch_path and lib.startswith("jtorch"):  # another jtorch checkout (e.g. an older commit) to compare with
        env["PYTHONPATH"] = jtorch_path + os.pathsep + env.get("PYTHONPATH", "")
    # cwd: the checkpoint's folder, so that `python -c` (cwd first on sys.path) imports the jtorch asked for
    r = subprocess.run([sys.executable, "-c", _CHILD, lib, op, path, str(n), str(mb)], capture_output=True,
                       text=True, env=env, timeout=600, cwd=os.path.dirname(os.path.abspath(path)))
    if r.returncode:
        raise SystemExit(f"{lib} {op} failed:\n{r.stderr[-3000:]}")
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tensors", type=int, default=8)
    ap.add_argument("--mb", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dir", default=None, help="where the checkpoints go (default: a temp folder)")
    ap.add_argument("--jtorch-path", default=None, help="import jtorch from this folder instead")
    args = ap.parse_args()
    total = args.tensors * args.mb * 2**20
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        paths = {lib: os.path.join(d, f"{lib}.pt") for lib in ("torch", "jtorch")}
        libs = {"save": ("torch", "jtorch", "jtorch-nofsync"), "load": ("torch", "jtorch")}
        res = {(lib, op): [] for op in libs for lib in libs[op]}
        for _ in range(args.repeats):
            for op in ("save", "load"):
                for lib in libs[op]:
                    path = paths[lib.split("-")[0]]
                    res[lib, op].append(run(lib, op, path, args.tensors, args.mb, args.jtorch_path))
        # each library's file loads in the other (format compatibility on the large file)
        cross = {}
        for reader, writer in (("torch", "jtorch"), ("jtorch", "torch")):
            cross[f"{reader} loads {writer}'s file"] = run(reader, "load", paths[writer], args.tensors, args.mb,
                                                             args.jtorch_path)["s"]
    print(f"state dict: {args.tensors} x {args.mb} MiB float32 = {total / 2**20:.0f} MiB; best of {args.repeats}; "
          f"{os.cpu_count()} CPUs")
    for op in ("save", "load"):
        best = {lib: min(r["s"] for r in res[lib, op]) for lib in libs[op]}
        median = {lib: sorted(r["s"] for r in res[lib, op])[len(res[lib, op]) // 2] for lib in libs[op]}
        peak = {lib: max(r["peak_extra"] for r in res[lib, op]) for lib in libs[op]}
        held = total if op == "load" else 0  # the loaded tensors themselves
        cpu = {lib: sorted(r["cpu"] for r in res[lib, op])[len(res[lib, op]) // 2] for lib in libs[op]}
        for lib in libs[op]:
            times = ", ".join(f"{r['s']:.2f}" for r in res[lib, op])
            print(f"  {op:4s} {lib:14s}: best {best[lib]:5.2f} s, median {median[lib]:5.2f} s (runs: {times}); "
                  f"median CPU {cpu[lib]:5.2f} s; peak RSS extra {(peak[lib] - held) / 2**20:5.0f} MiB (max of runs)")
        for lib in libs[op][1:]:
            print(f"  {op:4s} {lib} / torch: best {best[lib] / best['torch']:.2f}, "
                  f"median {median[lib] / median['torch']:.2f}")
    for k, v in cross.items():
        print(f"  {k}: {v:.2f} s")


if __name__ == "__main__":
    main()
