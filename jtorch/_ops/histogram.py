"""histogram and histogramdd: counts (or weights) of values falling in bins, with the bin edges.

One lowering serves both: the edges are given or spaced evenly over the range (the data's own min and max when no
range is given, computed inside the program: no sync). A value equal to the last edge falls in the last bin; values
outside the edges are not counted, as in torch.
"""
import math

import jax.numpy as jnp

from .. import _dtype
from .reduction import return_type
from .registry import op, public


@op(list_input="arrays", method=False, function=False, differentiable=False)
def _histogramdd(*arrays, bins, ranges, density, has_weight, given_edges):
    x = arrays[0]
    weight = arrays[1] if has_weight else None
    given = arrays[2 if has_weight else 1:]
    dims = x.shape[1]
    edges = []
    for d in range(dims):
        if given_edges:
            edges.append(given[d].astype(x.dtype))
            continue
        if ranges is None:
            col = x[:, d]
            lo = jnp.min(col, initial=0.0) if col.size == 0 else jnp.min(col)
            hi = jnp.max(col, initial=0.0) if col.size == 0 else jnp.max(col)
            lo, hi = jnp.where(lo == hi, lo - 0.5, lo), jnp.where(lo == hi, hi + 0.5, hi)
        else:
            lo, hi = ranges[2 * d], ranges[2 * d + 1]
        edges.append(jnp.linspace(lo, hi, bins[d] + 1).astype(x.dtype))
    counts = [e.shape[0] - 1 for e in edges]
    valid = jnp.ones(x.shape[0], bool)
    flat = jnp.zeros(x.shape[0], jnp.int32)
    for d, e in enumerate(edges):
        col = x[:, d]
        idx = jnp.searchsorted(e, col, side="right") - 1
        idx = jnp.where(col == e[-1], counts[d] - 1, idx)
        valid = valid & (idx >= 0) & (idx < counts[d]) & (col >= e[0]) & (col <= e[-1])
        flat = flat * counts[d] + jnp.clip(idx, 0, counts[d] - 1)
    amounts = jnp.ones(x.shape[0], x.dtype) if weight is None else weight.reshape(-1).astype(x.dtype)
    hist = jnp.zeros(math.prod(counts), x.dtype).at[flat].add(jnp.where(valid, amounts, 0)).reshape(counts)
    if density:
        volume = jnp.ones((), x.dtype)
        for d, e in enumerate(edges):
            shape = [1] * dims
            shape[d] = counts[d]
            volume = volume * jnp.diff(e).reshape(shape)
        hist = hist / (jnp.sum(hist) * volume)
    return (hist,) + tuple(edges)


def _check(name, input, weight):
    if not input.dtype.is_floating_point:
        # torch's message names the histogramdd kernel for both
        raise NotImplementedError(f"\"histogramdd\" not implemented for '{_dtype.scalar_name(input.dtype)}'")
    if weight is not None and tuple(weight.shape) != tuple(input.shape[:-1] if name == "histogramdd" else
                                                           input.shape):
        raise RuntimeError(f"{name}(): if weight tensor is provided it should have the same shape as the input "
                           f"tensor excluding its innermost dimension")


def _run(x, bins, bounds, weight, density):
    """x: (N, D). bins: an int, a list of ints, or a list of edge tensors; bounds: flat (min, max) pairs."""
    dims = x.shape[1]
    given = isinstance(bins, (list, tuple)) and bins and hasattr(bins[0], "_lazy")
    if given:
        edge_tensors, counts = list(bins), tuple(b.numel() - 1 for b in bins)
    else:
        edge_tensors = []
        counts = (int(bins),) * dims if isinstance(bins, int) else tuple(int(b) for b in bins)
    if bounds is not None:
        bounds = tuple(float(r) for r in bounds)
        for d in range(dims):
            if bounds[2 * d] > bounds[2 * d + 1]:
                raise RuntimeError(f"histogramdd(): for dim {d}, min should be less than or equal to max")
    arrays = [x] + ([weight.reshape(-1)] if weight is not None else []) + edge_tensors
    out = _histogramdd(arrays, bins=counts, ranges=bounds, density=bool(density), has_weight=weight is not None,
                       given_edges=bool(given))
    return out[0], tuple(out[1:])


@public()
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):  # noqa: A002 - torch's name
    """(hist, bin_edges) of the values of input: `bins` equal bins over `range` (the data's min and max by
    default), or the edges given as a 1-d tensor."""
    _check("histogram", input, weight)
    edges = [bins] if hasattr(bins, "_lazy") else bins
    hist, bin_edges = _run(input.reshape(-1, 1), edges, range, weight, density)
    result = return_type("histogram", ("hist", "bin_edges"))(hist, bin_edges[0])
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(tuple(out), result)


@public(method=False)
def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002 - torch's name
    """(hist, bin_edges) of the points in input's last dimension: one tuple of edges per coordinate."""
    _check("histogramdd", input, weight)
    x = input.reshape(-1, input.shape[-1])
    hist, bin_edges = _run(x, bins, range, weight, density)
    return return_type("histogramdd", ("hist", "bin_edges"))(hist, bin_edges)
