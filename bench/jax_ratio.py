"""jtorch (lazy and `jtorch.compile`) against the hand-written jax.jit + optax step, in ONE process.

    python bench/jax_ratio.py [--device cuda] [--rounds 7] [--steps-scale 1] [mlp cnn ...]

`run_all.py` runs every implementation in its own process, which keeps PyTorch's threads away
from JAX's, but on a shared machine the processes meet different neighbours: a cell can move by
30% between processes. Here the three JAX-based steps take turns in one process, round after
round, on the same device-resident batches, and each prints the median per-step time of its
rounds and its ratio to the hand-written step (JAX time / jtorch time: 1.0 is parity, the
issue's bar is 0.87). Every step reads its loss back, as a PyTorch loop's `loss.item()` does.
jtorch turns on JAX's 64-bit mode for the process; the hand-written steps are built and run with
it off, as in their own process, so they compute in float32 as written.
"""
import argparse
import contextlib
import os
import statistics
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _jtorch_step(name, device, compiled):
    import jtorch as m
    import models
    m.manual_seed(0)
    dev = m.device(device)
    model, opt, crit = models.build(m, name)
    model.to(dev)
    data = [(m.tensor(x, device=dev), m.tensor(y, device=dev)) for x, y in models.batches(name)]
    step = models.train_step(model, opt, crit)
    if compiled:
        step = m.compile(step)
    return lambda i: step(*data[i % len(data)]).item()


def main():
    import jax_models
    import models
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps-scale", type=float, default=1.0)
    ap.add_argument("models", nargs="*", default=list(models.SPECS))
    args = ap.parse_args()
    import jax
    # the same work as jtorch: full float32 matmuls (jax's GPU default is TF32)
    jax.config.update("jax_default_matmul_precision", "highest")
    dev = jax.devices("gpu" if args.device == "cuda" else "cpu")[0]
    # every model trains from the one call site in models.train_step: its recompile warning is expected here
    warnings.filterwarnings("ignore", message="jtorch: .* has compiled")
    print(f"Device: {args.device}. Median time per step over {args.rounds} interleaved rounds, one process.\n")
    print("| model | hand-written JAX us | jtorch us | jtorch.compile us | JAX time / jtorch time | "
          "JAX time / compile time |")
    print("|---|---|---|---|---|---|")
    for name in args.models:
        steps = max(10, int(models.SPECS[name][1 if args.device == "cpu" else 2] * args.steps_scale))
        with jax.enable_x64(False):
            runs = {"jax": jax_models.train_step(name, dev)}
        runs["jtorch"] = _jtorch_step(name, args.device, False)
        runs["compile"] = _jtorch_step(name, args.device, True)

        def mode(k):  # the hand-written step runs with 64-bit mode off, as it was traced
            return jax.enable_x64(False) if k == "jax" else contextlib.nullcontext()
        for k, run in runs.items():  # compiles (jtorch.compile traces on its second call)
            with mode(k):
                for i in range(3):
                    run(i)
        times = {k: [] for k in runs}
        for _ in range(args.rounds):
            for k, run in runs.items():
                with mode(k):
                    t0 = time.perf_counter()
                    for i in range(steps):
                        run(i)
                    times[k].append((time.perf_counter() - t0) / steps * 1e6)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"| {name} | {med['jax']:.0f} | {med['jtorch']:.0f} | {med['compile']:.0f} | "
              f"{med['jax'] / med['jtorch']:.2f} | {med['jax'] / med['compile']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
