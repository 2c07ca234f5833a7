"""The recurrent layers' reverse-mode rule against jax's own derivative of the scan, in one process.

    python bench/rnn_rule.py [--device cuda] [--rounds 8] [--steps 60]

Trains the bench LSTM classifier (models.py) with the lazy engine and alternates, round by round,
the two lowerings of the same step: the rule in jtorch/_ops/rnn.py (used for training), and the
plain scan that jax differentiates itself (what forward-mode transforms lower). Each is compiled
once; the rounds interleave so that the machine's drift hits both alike. Prints steps per second.
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
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--steps", type=int, default=60)
    args = ap.parse_args()
    import jtorch as m
    import jtorch._engine.modes as modes
    import models
    m.manual_seed(0)
    dev = m.device(args.device)
    model, opt, crit = models.build(m, "lstm")
    model.to(dev)
    data = [(m.from_numpy(x).to(dev), m.from_numpy(y).to(dev)) for x, y in models.batches("lstm")]
    step = models.train_step(model, opt, crit)
    lowerings = {"reverse-mode rule": 0, "jax's scan derivative": 1}  # modes.get().forward_mode picks one
    rates = {k: [] for k in lowerings}
    try:
        for _ in range(args.rounds):
            for name, mode in lowerings.items():
                modes.get().forward_mode = mode
                for i in range(3):  # the first round compiles
                    step(*data[i % len(data)]).item()
                t0 = time.perf_counter()
                for i in range(args.steps):
                    step(*data[i % len(data)]).item()
                rates[name].append(args.steps / (time.perf_counter() - t0))
    finally:
        modes.get().forward_mode = 0
    print(f"LSTM classifier training step on {args.device}, {args.rounds} interleaved rounds of {args.steps} steps:")
    for name, r in rates.items():
        print(f"  {name:22s} steps/s min {min(r):8.1f}  median {statistics.median(r):8.1f}  max {max(r):8.1f}")
    a, b = (statistics.median(r) for r in rates.values())
    print(f"  rule / jax's derivative (medians): {a / b:.2f}x")


if __name__ == "__main__":
    main()
