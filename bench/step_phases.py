"""Where one lazy jtorch training step spends its time: forward recording, backward + step
(graph build, program dispatch, device wait) and loss.item().

    python bench/step_phases.py [--device cuda] mlp cnn transformer

Python-side costs scale with the host CPU, device waits with the accelerator.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("models", nargs="+")
    args = ap.parse_args()
    import jax

    import jtorch as m
    import jtorch._engine.program as program
    import models
    calls = {}
    executable = program.executable

    def timed_executable(prog, donate=()):
        fn, new = executable(prog, donate)

        def call(*a):
            t0 = time.perf_counter()
            r = fn(*a)
            t1 = time.perf_counter()
            jax.block_until_ready(r)
            calls.setdefault("dispatch", []).append(t1 - t0)
            calls.setdefault("wait", []).append(time.perf_counter() - t1)
            calls["shape"] = (len(a), len(donate))
            return r
        return call, new
    program.executable = timed_executable
    for name in args.models:
        calls.clear()
        m.manual_seed(0)
        dev = m.device(args.device)
        model, opt, crit = models.build(m, name)
        model.to(dev)
        data = [(m.from_numpy(x).to(dev), m.from_numpy(y).to(dev)) for x, y in models.batches(name)]
        phases = []
        for i in range(args.steps):
            x, y = data[i % len(data)]
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = crit(model(x), y)
            t1 = time.perf_counter()
            loss.backward()
            opt.step()
            t2 = time.perf_counter()
            loss.item()
            phases.append((t1 - t0, t2 - t1, time.perf_counter() - t2))
        skip = args.steps // 6  # warm-up and compiles
        fwd, step, item = (statistics.median(c) * 1e6 for c in zip(*phases[skip:]))
        disp, wait = (statistics.median(calls[k][skip:]) * 1e6 for k in ("dispatch", "wait"))
        print(f"{name}: forward {fwd:.0f} us, backward+step {step:.0f} us (program dispatch {disp:.0f}, device "
              f"wait {wait:.0f}; {calls['shape'][0]} inputs, {calls['shape'][1]} donated), item {item:.0f} us",
              flush=True)


if __name__ == "__main__":
    main()
