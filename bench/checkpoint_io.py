"""torch.save / torch.load of a large state dict: jtorch beside PyTorch, in the same run.

    python bench/checkpoint_io.py [--tensors 8] [--mb 64] [--repeats 3] [--dir DIR] [--jtorch-path DIR]

Each measurement runs in a fresh child process that first builds the state dict
(`tensors` float32 tensors of `mb` MiB each), so one library's caches and memory never
affect the other's. Reported per library: seconds (best of `repeats`, runs alternate
between the libraries) and peak RSS beyond what the process held before the call
(Linux: the peak is reset through /proc/self/clear_refs just before the call). For load,
the loaded tensors themselves are part of the peak; "extra" subtracts their size.
jtorch's save writes a temp file, fsyncs it and renames it over the target; torch writes
in place without fsync. The file is read once before the load runs, so both libraries
load from the page cache.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

_CHILD = r"""
import json, os, sys, time
lib, op, path, n, mb = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

def rss():
    with open("/proc/self/status") as f:
        d = dict(line.split(":", 1) for line in f)
    return int(d["VmRSS"].split()[0]) * 1024, int(d["VmHWM"].split()[0]) * 1024

def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")

numel = mb * 2**20 // 4
if lib == "torch":
    import torch
    mod, done = torch, (lambda out: None)
    make = lambda i: torch.full((numel,), float(i))
else:
    import jax, jtorch
    mod = jtorch
    make = lambda i: jtorch.full((numel,), float(i))
    done = lambda out: jax.block_until_ready([t._value("bench") for t in out.values()])
if op == "save":
    sd = {f"layer{i}.weight": make(i) for i in range(n)}
    if lib == "jtorch":
        done(sd)
    mod.save({"tiny": make(0)[:4].clone()}, path + ".warm")  # first-call imports out of the timing
    reset_peak()
    before = rss()[0]
    t = time.perf_counter()
    mod.save(sd, path)
    dt = time.perf_counter() - t
else:
    mod.load(path + ".warm")
    chunk = bytearray(1 << 20)  # small and reused: the peak should not count a read buffer
    with open(path, "rb") as f:
        while f.readinto(chunk):
            pass
    reset_peak()
    before = rss()[0]
    t = time.perf_counter()
    out = mod.load(path)
    done(out)
    dt = time.perf_counter() - t
print("RESULT" + json.dumps({"s": dt, "peak_extra": rss()[1] - before}))
"""


def run(lib, op, path, n, mb, jtorch_path=None):
    env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false", JAX_PLATFORMS="cpu")
    if jtorch_path and lib == "jtorch":  # another jtorch checkout (e.g. an older commit) to compare with
        env["PYTHONPATH"] = jtorch_path + os.pathsep + env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-c", _CHILD, lib, op, path, str(n), str(mb)], capture_output=True,
                       text=True, env=env, timeout=600)
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
        res = {(lib, op): [] for lib in paths for op in ("save", "load")}
        for _ in range(args.repeats):
            for op in ("save", "load"):
                for lib in ("torch", "jtorch"):
                    res[lib, op].append(run(lib, op, paths[lib], args.tensors, args.mb, args.jtorch_path))
        # each library's file loads in the other (format compatibility on the large file)
        cross = {}
        for reader, writer in (("torch", "jtorch"), ("jtorch", "torch")):
            cross[f"{reader} loads {writer}'s file"] = run(reader, "load", paths[writer], args.tensors, args.mb,
                                                             args.jtorch_path)["s"]
    print(f"state dict: {args.tensors} x {args.mb} MiB float32 = {total / 2**20:.0f} MiB; best of {args.repeats}; "
          f"{os.cpu_count()} CPUs")
    for op in ("save", "load"):
        best = {lib: min(res[lib, op], key=lambda r: r["s"]) for lib in paths}
        peak = {lib: max(r["peak_extra"] for r in res[lib, op]) for lib in paths}
        held = total if op == "load" else 0  # the loaded tensors themselves
        for lib in paths:
            times = ", ".join(f"{r['s']:.2f}" for r in res[lib, op])
            print(f"  {op:4s} {lib:6s}: {best[lib]['s']:6.2f} s (runs: {times}); peak RSS extra "
                  f"{(peak[lib] - held) / 2**20:7.0f} MiB (max of runs)")
        print(f"  {op:4s} jtorch / torch time: {best['jtorch']['s'] / best['torch']['s']:.2f}")
    for k, v in cross.items():
        print(f"  {k}: {v:.2f} s")


if __name__ == "__main__":
    main()
