"""Time handing a 256 MB float32 tensor between jtorch and JAX, both ways.

    python bench/interop_transfer.py [--mb 256] [--repeat 5]

Prints the best wall time of each conversion (the value made concrete, and the source kept
alive so no buffer can be reused) and whether the result shares the source's buffer. The first
two rows time the host round trip that torch.as_tensor(jax_array) and jnp.asarray(tensor) took
before they shared buffers: the baseline, measured in the same run.
A path jtorch does not support prints its error instead of a time.
"""
import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np

import jtorch as torch


def _pointer(x):
    try:
        return x.unsafe_buffer_pointer()
    except Exception:  # noqa: BLE001 - a numpy array or a deleted buffer: no pointer to compare
        return None


def _time(fn, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        jax.block_until_ready(out._value("bench") if isinstance(out, torch.Tensor) else out)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    n = args.mb * (1 << 20) // 4
    src_jax = jax.block_until_ready(jnp.arange(n, dtype=jnp.float32))
    src_t = torch.arange(n, dtype=torch.float32)
    src_t._value("bench")
    print(f"device: {jax.devices()[0]}, {args.mb} MB float32")
    from jtorch._ops.creation import _concrete
    cases = [
        # the paths every conversion took before the zero-copy exchange: through a host numpy array
        ("jax -> jtorch  via host (old as_tensor path)", lambda: _concrete(np.asarray(src_jax)), src_jax),
        ("jtorch -> jax  via host (old jnp.asarray path)", lambda: jnp.asarray(np.asarray(src_t)), src_t),
        ("jax -> jtorch  torch.as_tensor(a)", lambda: torch.as_tensor(src_jax), src_jax),
        ("jax -> jtorch  torch.from_dlpack(a)", lambda: torch.from_dlpack(src_jax), src_jax),
        ("jtorch -> jax  jnp.asarray(t)", lambda: jnp.asarray(src_t), src_t),
        ("jtorch -> jax  jax.dlpack.from_dlpack(t)", lambda: jax.dlpack.from_dlpack(src_t), src_t),
    ]
    for name, fn, src in cases:
        try:
            best, out = _time(fn, args.repeat)
        except Exception as e:  # noqa: BLE001 - report the unsupported path and go on
            print(f"{name:45s} unsupported: {type(e).__name__}: {str(e)[:80]}")
            continue
        a = out._value("bench") if isinstance(out, torch.Tensor) else out
        s = src._value("bench") if isinstance(src, torch.Tensor) else src
        shared = _pointer(a) is not None and _pointer(a) == _pointer(s)
        print(f"{name:45s} {best * 1e3:9.3f} ms   shares buffer: {shared}")


if __name__ == "__main__":
    main()
