"""Memory over a long training loop: the recorded graph is released at each sync, so host
RSS, device memory and the number of live graph objects stay flat over 10,000 steps.

    python bench/memory.py [--steps 10000] [--device cpu|cuda]
"""
import argparse
import gc
import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jtorch  # noqa: E402
from jtorch._engine.graph import Lazy, Node  # noqa: E402
import models  # noqa: E402


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def graph_objects():
    return sum(1 for o in gc.get_objects() if isinstance(o, (Lazy, Node)))


def device_mb():
    import jax
    stats = jax.devices()[0].memory_stats() or {}
    return stats.get("bytes_in_use", 0) / 2 ** 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    dev = jtorch.device(args.device)
    model, opt, crit = models.build(jtorch, "mlp")
    model.to(dev)
    data = [(jtorch.from_numpy(x).to(dev), jtorch.from_numpy(y).to(dev)) for x, y in models.batches("mlp")]
    print("| step | host RSS MB | device MB | live Lazy+Node objects |")
    print("|---|---|---|---|")
    marks = {args.steps // 10, args.steps // 2, args.steps}
    for i in range(1, args.steps + 1):
        x, y = data[i % len(data)]
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        loss.item()
        if i in marks:
            gc.collect()
            print(f"| {i} | {rss_mb():.1f} | {device_mb():.1f} | {graph_objects()} |", flush=True)
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MB; "
          f"compiles {jtorch.debug.metrics()['compiles']}")


if __name__ == "__main__":
    main()
