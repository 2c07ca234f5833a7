"""Engine micro-benchmark: recording cost per op, cost of a cache hit, compiles of a loop.

    python bench/engine.py

Prints one table. The 1,000-step fixed-shape loop must compile exactly once.
"""
import time

import jtorch


def recording_cost(n_ops=2000):
    x = jtorch.ones(8, 8)
    x.numpy()
    x * 1.0001  # warm the shape cache: the first call of an op runs jax.eval_shape
    t0 = time.perf_counter()
    y = x
    for _ in range(n_ops):
        y = y * 1.0001
    t1 = time.perf_counter()
    del y
    return (t1 - t0) / n_ops


def cache_hit_cost(n=300):
    x = jtorch.ones(8, 8)
    x.numpy()
    (x + 1).sum().item()
    t0 = time.perf_counter()
    for _ in range(n):
        (x + 1).sum().item()
    t1 = time.perf_counter()
    return (t1 - t0) / n


def loop_compiles(steps=1000):
    w = jtorch.randn(16, 4).requires_grad_()
    x = jtorch.randn(32, 16)
    w.detach().numpy()
    before = jtorch.debug.metrics()["compiles"]
    for i in range(steps):
        loss = (x @ w).tanh().pow(2).mean() * (1 + 0.001 * i)
        loss.backward()
        with jtorch.no_grad():
            w.sub_(0.01 * w.grad)
        w.grad = None
        loss.item()
    return jtorch.debug.metrics()["compiles"] - before


def jax_dispatch_cost(n=300):
    """The floor: one cached jax.jit call on the same data."""
    import jax
    import jax.numpy as jnp
    f = jax.jit(lambda a: (a + 1).sum())
    a = jnp.ones((8, 8))
    float(f(a))
    t0 = time.perf_counter()
    for _ in range(n):
        float(f(a))
    return (time.perf_counter() - t0) / n


if __name__ == "__main__":
    rec = recording_cost()
    hit = cache_hit_cost()
    floor = jax_dispatch_cost()
    n = loop_compiles()
    print("| measure | value |")
    print("|---|---|")
    print(f"| recording cost per op | {rec * 1e6:.1f} us |")
    print(f"| sync with cache hit (2 ops + item) | {hit * 1e6:.1f} us |")
    print(f"| same work as one cached jax.jit call | {floor * 1e6:.1f} us |")
    print(f"| cache-hit sync / jax.jit call | {hit / floor:.2f}x |")
    print(f"| compiles in a 1,000-step fixed-shape training loop | {n} |")
    assert n == 1, f"the loop compiled {n} times"
