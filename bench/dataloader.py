"""DataLoader throughput: jtorch beside PyTorch, in the same run, by worker count and start method.

    python bench/dataloader.py [--items 768] [--batch 32] [--workers 0,2,4] [--contexts fork,spawn,forkserver]
                               [--repeats 2] [--jtorch-path DIR]

The dataset's `__getitem__` does real work, the same in both libraries: it draws a 96x96 RGB
image with numpy, crops, flips and resizes it with PIL, then turns it into a tensor with the
library's own ops (from_numpy, permute, float, div, sub, mul, a 2x2 average pool, flip).
Each configuration runs in a fresh child process (the main process has already run one
library op, as a training script would have). Reported per configuration: items/s over
the first epoch (worker start-up included) and over the second (persistent_workers=True, so
this is the steady state). Runs alternate between the libraries; best of `repeats`.
"""
import argparse
import json
import os
import subprocess
import sys

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])  # this folder: the dataset class, importable by spawned workers
lib, workers, ctx, items, batch = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
import dataloader as bench
m = bench.library(lib)
m.ones(2).add(1).sum().item()  # the main process has run the library, as a training script has
ds = bench.Images(lib, items)
kw = {} if workers == 0 else dict(multiprocessing_context=None if ctx == "default" else ctx,
                                   persistent_workers=True)
loader = m.utils.data.DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers, **kw)
out = {}
for epoch in ("first", "second"):
    t = time.perf_counter()
    n = 0
    for x, y in loader:
        x.numpy()  # the values themselves (jtorch's batch may still be pending in the main process)
        n += len(y)
    assert n == items and tuple(x.shape[1:]) == (3, 32, 32), (n, x.shape)
    out[epoch] = n / (time.perf_counter() - t)
print("RESULT" + json.dumps(out))
"""


def library(name):
    if name == "torch":
        import torch
        return torch
    import jtorch
    return jtorch


class Images:
    """A map-style dataset whose items cost real work: numpy, PIL and tensor ops per item."""

    def __init__(self, lib, n):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        import numpy as np
        from PIL import Image
        m = library(self.lib)
        rng = np.random.default_rng(i)
        img = Image.fromarray(rng.integers(0, 256, (96, 96, 3), dtype=np.uint8))
        img = img.crop((4, 4, 92, 92)).transpose(Image.FLIP_LEFT_RIGHT).resize((64, 64), Image.BILINEAR)
        x = m.from_numpy(np.asarray(img).copy()).permute(2, 0, 1).float().div(255)
        x = (x - 0.5) * 2.0
        x = m.nn.functional.avg_pool2d(x[None], 2)[0].flip(-1)
        return x, i % 10


def run(lib, workers, ctx, items, batch, jtorch_path):
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    if jtorch_path and lib == "jtorch":
        env["PYTHONPATH"] = jtorch_path + os.pathsep + env.get("PYTHONPATH", "")
    here = os.path.dirname(os.path.abspath(__file__))
    r = subprocess.run([sys.executable, "-c", _CHILD, here, lib, str(workers), ctx, str(items), str(batch)],
                       capture_output=True, text=True, env=env, timeout=900)
    if r.returncode:
        raise SystemExit(f"{lib} workers={workers} {ctx} failed:\n{r.stderr[-3000:]}")
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=768)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--workers", default="0,2,4")
    ap.add_argument("--contexts", default="default,spawn,forkserver")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--libs", default="torch,jtorch")
    ap.add_argument("--jtorch-path", default=None, help="import jtorch from this folder instead")
    args = ap.parse_args()
    configs = []
    for w in (int(v) for v in args.workers.split(",")):
        for ctx in (["default"] if w == 0 else args.contexts.split(",")):
            configs.append((w, ctx))
    libs = args.libs.split(",")
    res = {}
    for _ in range(args.repeats):
        for w, ctx in configs:
            for lib in libs:
                r = run(lib, w, ctx, args.items, args.batch, args.jtorch_path)
                for k, v in r.items():
                    res.setdefault((w, ctx, lib, k), []).append(v)
    print(f"{args.items} items, batch {args.batch}, best of {args.repeats}; {os.cpu_count()} CPUs; items/s "
          "(first epoch includes worker start-up; second: persistent workers)")
    print("| workers | context | " + " | ".join(f"{lib} first | {lib} second" for lib in libs) + " |")
    print("|---|---|" + "---|---|" * len(libs))
    for w, ctx in configs:
        cells = []
        for lib in libs:
            cells += [f"{max(res[w, ctx, lib, k]):.0f}" for k in ("first", "second")]
        print(f"| {w} | {ctx if w else '-'} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
