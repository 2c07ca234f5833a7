"""The benchmark table: each model trained by PyTorch, hand-written JAX, jtorch (lazy) and
jtorch.compile on the same data, each in its own process (so peak memory is its own).

    python bench/run_all.py [--device cpu|cuda] [--models mlp,cnn] [--steps-scale 1.0] [--repeats 3]

A step is the ordinary PyTorch step: zero_grad, forward, loss, backward, optimizer.step,
loss.item(). Ratios compare steps per second measured in this one run.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

IMPLS = ("torch", "jax", "jtorch", "jtorch.compile")


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_torchlike(lib, name, device, steps, compiled):
    import models
    if lib == "torch":
        import torch as m
        m.manual_seed(0)
    else:
        import jtorch as m
        m.manual_seed(0)
    dev = m.device(device)
    model, opt, crit = models.build(m, name)
    model.to(dev)
    data = [(m.from_numpy(x).to(dev), m.from_numpy(y).to(dev)) for x, y in models.batches(name)]

    step = models.train_step(model, opt, crit)
    fn = m.compile(step) if compiled else step
    t0 = time.perf_counter()
    for i in range(3):  # warm-up: compiles (jtorch.compile traces on its second call)
        fn(*data[i % len(data)]).item()
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(steps):
        fn(*data[i % len(data)]).item()
    dt = time.perf_counter() - t0
    out = {"steps_per_s": steps / dt, "warmup_s": warm}
    if lib == "jtorch":
        out["compile_s"] = m.debug.metrics()["compile_seconds"]
        out["compiles"] = m.debug.metrics()["compiles"]
    return out


def run_jax(name, device, steps):
    import jax
    # the same work as torch and jtorch: full float32 matmuls (jax's GPU default is TF32)
    jax.config.update("jax_default_matmul_precision", os.environ.get("BENCH_JAX_PRECISION", "highest"))
    import jax_models
    run = jax_models.train_step(name, jax.devices("gpu" if device == "cuda" else "cpu")[0])
    t0 = time.perf_counter()
    for i in range(3):
        run(i)
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(steps):
        run(i)
    dt = time.perf_counter() - t0
    return {"steps_per_s": steps / dt, "warmup_s": warm}


def one(name, impl, device, scale):
    import models
    steps = max(5, int(models.SPECS[name][2 if device == "cuda" else 1] * scale))
    if impl == "jax":
        res = run_jax(name, device, steps)
    else:
        lib = "torch" if impl == "torch" else "jtorch"
        res = run_torchlike(lib, name, device, steps, impl == "jtorch.compile")
    res["peak_rss_mb"] = _peak_mb()
    if device == "cuda":
        res["peak_device_mb"] = _device_peak(impl)
    return res


def _device_peak(impl):
    try:
        if impl == "torch":
            import torch
            return torch.cuda.max_memory_allocated() / 2 ** 20
        import jax
        return (jax.devices("gpu")[0].memory_stats() or {}).get("peak_bytes_in_use", 0) / 2 ** 20
    except Exception:  # noqa: BLE001 - a missing figure is reported as 0
        return 0.0


def _median_round(rounds):
    """The round with the median steps/s (the lower middle one for an even count); an error if all failed."""
    ok = sorted((r for r in rounds if "steps_per_s" in r), key=lambda r: r["steps_per_s"])
    return ok[(len(ok) - 1) // 2] if ok else rounds[-1]


def table(results, device):
    lines = [f"Device: {device}. Steps per second (higher is better); ratios from this run.", "",
             "| model | torch | jax | jtorch | jtorch.compile | jtorch / torch | compile / torch | "
             "jax-time / jtorch-time | jax-time / compile-time | jtorch compile s | peak RSS MB (torch / jax / "
             "jtorch) |", "|" + "---|" * 11]
    for name, r in results.items():
        g = {k: (r.get(k) or {}).get("steps_per_s") for k in IMPLS}

        def ratio(a, b):
            return f"{g[a] / g[b]:.2f}x" if g.get(a) and g.get(b) else "n/a"

        def fmt(k):
            return f"{g[k]:.1f}" if g.get(k) else (r.get(k) or {}).get("error", "n/a")[:40]
        peak = " / ".join(f"{(r.get(k) or {}).get('peak_rss_mb', 0):.0f}" for k in ("torch", "jax", "jtorch"))
        lines.append(f"| {name} | {fmt('torch')} | {fmt('jax')} | {fmt('jtorch')} | {fmt('jtorch.compile')} | "
                     f"{ratio('jtorch', 'torch')} | {ratio('jtorch.compile', 'torch')} | {ratio('jtorch', 'jax')} | "
                     f"{ratio('jtorch.compile', 'jax')} | {(r.get('jtorch') or {}).get('compile_s', 0):.2f} | "
                     f"{peak} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--models", default="mlp,cnn,textcls,lstm,transformer")
    ap.add_argument("--impls", default=",".join(IMPLS))
    ap.add_argument("--steps-scale", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=1,
                    help="rounds per model, implementations interleaved; each cell is the median round")
    ap.add_argument("--one", nargs=2, metavar=("MODEL", "IMPL"))
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], args.one[1], args.device, args.steps_scale)))
        return
    results = {}
    for name in args.models.split(","):
        rounds = {impl: [] for impl in args.impls.split(",")}
        for _ in range(args.repeats):  # interleaved, so a slow spell of a shared machine hits every column
            for impl in rounds:
                cmd = [sys.executable, __file__, "--one", name, impl, "--device", args.device,
                       "--steps-scale", str(args.steps_scale)]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode == 0:
                    res = json.loads(p.stdout.strip().splitlines()[-1])
                else:
                    res = {"error": (p.stderr.strip().splitlines() or ["failed"])[-1]}
                rounds[impl].append(res)
                print(f"{name:12s} {impl:15s} {res}", file=sys.stderr, flush=True)
        results[name] = {impl: _median_round(r) for impl, r in rounds.items()}
    print(table(results, args.device))
    if args.repeats > 1:
        print(f"\nEach cell: the median of {args.repeats} interleaved rounds (peak memory and compile seconds "
              "from that round).")
    text = [n for n in results if n in ("textcls", "lstm", "transformer")]
    if text:
        import models
        print("\nText models, training tokens per second (batch x sequence length x steps/s):\n")
        print("| model | " + " | ".join(IMPLS) + " | jtorch / torch |")
        print("|---|" + "---|" * (len(IMPLS) + 1))
        for n in text:
            tok = models.SPECS[n][0] * models.SEQ
            r = {k: (results[n].get(k) or {}).get("steps_per_s") for k in IMPLS}
            cells = " | ".join(f"{r[k] * tok:,.0f}" if r[k] else "n/a" for k in IMPLS)
            ratio = f"{r['jtorch'] / r['torch']:.2f}x" if r["jtorch"] and r["torch"] else "n/a"
            print(f"| {n} | {cells} | {ratio} |")


if __name__ == "__main__":
    main()
