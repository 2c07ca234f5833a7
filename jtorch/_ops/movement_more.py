"""More shape ops built on movement.py: ravel, rot90, h/v/dsplit, diagflat, block_diag, copy_, ...

Registered by importing jtorch._ops.movement (which imports this module at its end).
"""
import builtins

import jax.numpy as jnp
import numpy as np

from .movement import _reshape, _wrap, flatten, flip, tensor_split, transpose
from .registry import op, public
from .. import _dtype
from .._tensor import Tensor


@public()
def ravel(input):
    return _reshape(input, (input.numel(),))


@public()
def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.dim()}")
    a, b = _wrap(dims[0], input.dim()), _wrap(dims[1], input.dim())
    if a == b:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        return transpose(flip(input, (b,)), a, b)
    if k == 2:
        return flip(input, (a, b))
    if k == 3:
        return flip(transpose(input, a, b), (b,))
    return input.clone()  # torch copies for k % 4 == 0


def _nsplit(name, dim, min_dim):
    def fn(input, indices_or_sections):
        if input.dim() < min_dim:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a tensor "
                               f"with {input.dim()} dimensions!")
        d = 0 if name == "hsplit" and input.dim() == 1 else dim
        if isinstance(indices_or_sections, int) and input.shape[d] % indices_or_sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the dimension "
                               f"{input.shape[d]} is not divisible by the split_size {indices_or_sections}!")
        return tensor_split(input, indices_or_sections, d)
    fn.__name__ = fn.__qualname__ = name
    return public(name)(fn)


hsplit = _nsplit("hsplit", 1, 1)
vsplit = _nsplit("vsplit", 0, 2)
dsplit = _nsplit("dsplit", 2, 3)


@public()
def diagflat(input, offset=0):
    from .linalg import diag
    return diag(flatten(input), offset)


@op(list_input="tensors", promote="same", method=False, function=False, grad_name="BlockDiagBackward0")
def _block_diag(*tensors):
    mats = [t.reshape(1, -1) if t.ndim == 1 else t.reshape(1, 1) if t.ndim == 0 else t for t in tensors]
    rows = builtins.sum(m.shape[0] for m in mats)
    cols = builtins.sum(m.shape[1] for m in mats)
    out = jnp.zeros((rows, cols), mats[0].dtype if mats else jnp.float32)
    r = c = 0
    for m in mats:
        out = out.at[r:r + m.shape[0], c:c + m.shape[1]].set(m)
        r, c = r + m.shape[0], c + m.shape[1]
    return out


@public(method=False)
def block_diag(*tensors):
    for k, t in enumerate(tensors):
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {k} has "
                               f"{t.dim()} dimensions")
    return _block_diag(list(tensors))


@public(method=False)
def cartesian_prod(*tensors):
    from .movement import meshgrid, stack
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([flatten(g) for g in grids], 1)


def _tri_indices(row, col, offset, dtype, upper):
    from .creation import tensor
    r, c = np.triu_indices(row, offset, col) if upper else np.tril_indices(row, offset, col)
    return tensor(np.stack([r, c]).astype(np.int64), dtype=_dtype.int64 if dtype is None else dtype)


@public(method=False)
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(row, col, offset, dtype, upper=False)


@public(method=False)
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(row, col, offset, dtype, upper=True)


@public(method=False)
def chain_matmul(*matrices, out=None):
    from .elementwise import _write_out
    from .linalg import multi_dot
    result = multi_dot(list(matrices))
    return result if out is None else _write_out(out, result)


@public()
def narrow_copy(input, dim, start, length):
    from .creation import clone
    from .movement import narrow
    return clone(narrow(input, dim, start, length))


@op(tensors=("input", "src"), method=False, function=False, grad_name="CopyBackwards")
def _copy(input, src):
    # `where` (not src alone) keeps self in the graph with a zero gradient, as torch's CopyBackwards
    return jnp.where(True, jnp.broadcast_to(src.astype(input.dtype), input.shape), input)


@public(function=False)
def copy_(self, src, non_blocking=False):
    """Write src (broadcast, cast to self's dtype) into self; a view writes through to its base."""
    from .movement import _broadcast_pair
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}")
    shape = _broadcast_pair(tuple(self.shape), tuple(src.shape))
    if shape != tuple(self.shape):
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(shape)}")
    return self._assign(_copy(self, src), "copy_")
