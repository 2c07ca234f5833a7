"""Shape and movement: views (view, permute, narrow, ...), copies (flip, repeat) and joins (cat, stack).

Ops that are views in torch are registered with view=True: writing into their output in
place writes through to the base (see Tensor._assign and indexing._view_scatter).
"""
import builtins
import math
import warnings

import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _dtype, _strides
from .._shape import wrap_dim as _wrap
from .._engine import modes
from .registry import op, public, METHODS
from .._tensor import _type_name as tn
from .._tensor import Size
from .._tensor import Tensor


def _shape_arg(shape):
    """f(2, 3), f((2, 3)) and f(torch.Size([2, 3])) all mean (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    if all(type(s) is int for s in shape):  # the common case, cheaply
        return tuple(shape)
    # jax symbolic dimensions (jtorch.jit export with a symbolic batch) pass through as they are
    return tuple(s if type(s).__name__ == "_DimExpr" else int(s) for s in shape)


def _infer_size(shape, numel):
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _dims_arg(dims):
    return tuple(int(d) for d in (dims if isinstance(dims, (tuple, list)) else (dims,)))


# -- view lowerings (one tensor input each, so a view chain can be replayed) -------------------

@op(view=True, method=False, function=False, grad_name="ViewBackward0")
def _view(input, *, shape):
    return jnp.reshape(input, shape)


@op(view=True, method=False, function=False, grad_name="AliasBackward0", differentiable=False)
def _alias(input):
    return input


@op(view=True, method=False, function=False, grad_name="PermuteBackward0")
def _permute(input, *, dims):
    return jnp.transpose(input, dims)


@op(view=True, method=False, function=False, grad_name="ExpandBackward0")
def _expand(input, *, size):
    return jnp.broadcast_to(input, size)


@op(view=True, method=False, function=False, grad_name="SliceBackward0")
def _slice(input, *, dim, start, stop, step):
    return lax.slice_in_dim(input, start, stop, step, axis=dim)


@op(view=True, method=False, function=False, grad_name="SelectBackward0")
def _select(input, *, dim, index):
    return lax.index_in_dim(input, index, axis=dim, keepdims=False)


@op(view=True, method=False, function=False, grad_name="SplitWithSizesBackward0")
def _split(input, *, dim, bounds):
    return tuple(lax.slice_in_dim(input, a, b, axis=dim) for a, b in bounds)


@op(view=True, method=False, function=False, grad_name="UnbindBackward0")
def _unbind(input, *, dim):
    return tuple(lax.index_in_dim(input, i, axis=dim, keepdims=False) for i in range(input.shape[dim]))


@op(view=True, method=False, function=False, grad_name="DiagonalBackward0")
def _diagonal(input, *, offset, dim1, dim2):
    return jnp.diagonal(input, offset, dim1, dim2)


@op(view=True, method=False, function=False, grad_name="UnfoldBackward0")
def _unfold_dim(input, *, dimension, size, step):
    n = (input.shape[dimension] - size) // step + 1
    idx = np.arange(n)[:, None] * step + np.arange(size)[None, :]
    out = jnp.take(input, idx.reshape(-1), axis=dimension)
    out = out.reshape(input.shape[:dimension] + (n, size) + input.shape[dimension + 1:])
    return jnp.moveaxis(out, dimension + 1, -1)


def _named(base, name, grad_name):
    """The same view lowering under another grad_fn name (torch names the backward by the call)."""
    return op(name, view=True, method=False, function=False, grad_name=grad_name)(base.op.fn)


_unsqueeze_v = _named(_view, "_unsqueeze_v", "UnsqueezeBackward0")
_squeeze_v = [_named(_view, f"_squeeze{k}_v", f"SqueezeBackward{k}") for k in range(3)]
_transpose_v = _named(_permute, "_transpose_v", "TransposeBackward0")
_t_v = _named(_permute, "_t_v", "TBackward0")
_split_v = _named(_split, "_split_v", "SplitBackward0")
_tensor_split_v = _named(_split, "_tensor_split_v", "SliceBackward0")


@public()
def detach(input):
    """A view sharing the value, cut from the graph (in-place writes reach the original)."""
    return _alias(input)


# -- reshaping -------------------------------------------------------------------------------

@op(method=False, function=False, grad_name="UnsafeViewBackward0")
def _reshape_copy(input, *, shape):
    return jnp.reshape(input, shape)


def _viewable(t, shape):
    """Whether torch could view t as `shape` (a view of a transposed or sliced tensor may not)."""
    if t._base is None:
        return True
    old_shape, strides, _ = _strides.layout(t)
    return _strides.view_strides(old_shape, strides, shape) is not None


def _reshape(input, shape):
    """torch.reshape: a view when the layout allows one, else a copy (writes to it stay there)."""
    return (_view if _viewable(input, shape) else _reshape_copy)(input, shape=shape)


@op(method=False, function=False, grad_name="ViewBackward0", differentiable=False)
def _view_dtype(input, *, dtype):
    """The same bytes read as `dtype`; the last dimension scales by the ratio of element sizes."""
    src = input.astype(jnp.uint8) if input.dtype == jnp.bool_ else input
    to = jnp.uint8 if dtype == np.bool_ else dtype
    a, b = np.dtype(src.dtype).itemsize, np.dtype(to).itemsize
    if a < b:  # (..., n) -> (..., n * a / b): group the narrow elements, then bitcast each group
        src = jnp.reshape(src, src.shape[:-1] + (src.shape[-1] * a // b, b // a))
    out = lax.bitcast_convert_type(src, to)
    if a > b:  # bitcast adds a trailing axis of the narrow elements
        out = jnp.reshape(out, out.shape[:-2] + (out.shape[-2] * out.shape[-1],))
    return out.astype(jnp.bool_) if dtype == np.bool_ else out


def _view_as_dtype(self, d):
    """Tensor.view(dtype). jtorch gives the reinterpreted values; unlike torch the result does not share
    memory with self (an in-place write to one is not seen in the other)."""
    a, b = self.dtype.itemsize, d.itemsize
    if a != b:
        if self.dim() == 0:
            raise RuntimeError("self.dim() cannot be 0 to view " + f"{self.dtype} as {d} (different element sizes)")
        if self.shape[-1] * a % b:
            raise RuntimeError(f"self.size(-1) must be divisible by {b // a} to view {self.dtype} as {d} "
                               "(different element sizes), " + f"but got {self.shape[-1]}")
    return _view_dtype(self, dtype=d.np)


@public(function=False)
def view(self, *shape, dtype=None, size=None):
    if dtype is not None:  # view(dtype=torch.float16)
        return _view_as_dtype(self, _dtype.to_dtype(dtype))
    if size is not None:
        shape = (size,)
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        return _view_as_dtype(self, shape[0])
    shape = _infer_size(_shape_arg(shape), self.numel())
    if not _viewable(self, shape):
        raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one dimension "
                           "spans across two contiguous subspaces). Use .reshape(...) instead.")
    return _view(self, shape=shape)


@public()
def reshape(input, *shape):
    return _reshape(input, _infer_size(_shape_arg(shape), input.numel()))


@public(function=False)
def view_as(self, other):
    return view(self, other.shape)


@public(function=False)
def reshape_as(self, other):
    return reshape(self, other.shape)


@public()
def flatten(input, start_dim=0, end_dim=-1):
    if input.dim() == 0:
        return _view(input, shape=(1,))
    s, e = _wrap(start_dim, input.dim()), _wrap(end_dim, input.dim())
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    return _reshape(input, tuple(shape[:s]) + (math.prod(shape[s:e + 1]),) + tuple(shape[e + 1:]))


@public()
def unflatten(input, dim, sizes):
    d = _wrap(dim, input.dim())
    sizes = _shape_arg((sizes,))
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        sizes = _infer_size(sizes, input.shape[d])
    except RuntimeError:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({input.shape[d]}) in the input tensor") from None
    return _view(input, shape=tuple(input.shape[:d]) + sizes + tuple(input.shape[d + 1:]))  # always viewable


@public()
def unsqueeze(input, dim):
    d = _wrap(dim, input.dim() + 1)
    shape = list(input.shape)
    shape.insert(d, 1)
    return _unsqueeze_v(input, shape=tuple(shape))


@public()
def squeeze(input, dim=None):
    shape = list(input.shape)
    if dim is None:
        dims = [i for i, s in enumerate(shape) if s == 1]
    else:
        dims = [_wrap(d, input.dim()) for d in _dims_arg(dim)]
    new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return _squeeze_v[0 if dim is None else 1 if isinstance(dim, int) else 2](input, shape=new)


# -- permutations ------------------------------------------------------------------------------

@public()
def permute(input, *dims):
    dims = _shape_arg(dims)
    if len(dims) != input.dim():
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input.dim()} is not "
                           f"equal to len(dims) = {len(dims)}")
    dims = tuple(_wrap(d, input.dim()) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _permute(input, dims=dims)


@public()
def transpose(input, dim0, dim1):
    n = input.dim()
    a, b = _wrap(dim0, n), _wrap(dim1, n)
    if n == 0:
        return _view(input, shape=())
    perm = list(range(n))
    perm[a], perm[b] = perm[b], perm[a]
    return _transpose_v(input, dims=tuple(perm))


public("swapaxes")(transpose)
public("swapdims")(transpose)
swapaxes = swapdims = transpose


@public()
def t(input):
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    return _t_v(input, dims=(1, 0)) if input.dim() == 2 else _view(input, shape=tuple(input.shape))


@public()
def adjoint(input):
    return mT.fget(input).conj() if input.is_complex() else mT.fget(input)


@public()
def movedim(input, source, destination):
    src, dst = _dims_arg(source), _dims_arg(destination)
    n = input.dim()
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                           f"contain the same number of dims as destination ({list(dst)} dims)")
    src = tuple(_wrap(d, n) for d in src)
    dst = tuple(_wrap(d, n) for d in dst)
    perm = [-1] * n
    for s, d in zip(src, dst):
        perm[d] = s
    rest = iter(d for d in range(n) if d not in src)
    perm = [p if p != -1 else next(rest) for p in perm]
    return _permute(input, dims=tuple(perm))


public("moveaxis")(movedim)
moveaxis = movedim


def _T(self):
    return _permute(self, dims=tuple(reversed(range(self.dim()))))


def _mT(self):
    if self.dim() < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.dim()}-D "
                           f"tensor.")
    return transpose(self, -2, -1)


def _H(self):
    if self.dim() > 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.dim()}-D tensor."
                           + (" For batches of matrices, consider using tensor.mH" if self.dim() > 2 else ""))
    out = _T(self)
    return out.conj() if self.is_complex() else out


def _mH(self):
    out = _mT(self)
    return out.conj() if self.is_complex() else out


# Tensor properties: installed on Tensor by jtorch._ops (the METHODS table holds property objects).
T, mT, H, mH = property(_T), property(_mT), property(_H), property(_mH)
METHODS.update({"T": T, "mT": mT, "H": H, "mH": mH})


# -- broadcasting ------------------------------------------------------------------------------

def _type_name(t):
    return f"torch.{tn(t.dtype)}Tensor"


@public(function=False)
def expand(self, *sizes):
    sizes = _shape_arg(sizes)
    n = len(sizes) - self.dim()
    if n < 0:
        raise RuntimeError(f"expand({_type_name(self)}{{{list(self.shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({self.dim()})")
    shape = []
    for i, s in enumerate(sizes):
        if s == -1:
            if i < n:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            s = self.shape[i - n]
        shape.append(s)
    for i, s in enumerate(self.shape):
        if s != 1 and s != shape[i + n]:
            raise RuntimeError(f"The expanded size of the tensor ({shape[i + n]}) must match the existing size "
                               f"({s}) at non-singleton dimension {i + n}.  Target sizes: {list(sizes)}.  Tensor "
                               f"sizes: {list(self.shape)}")
    return _expand(self, size=tuple(shape))


@public(function=False)
def expand_as(self, other):
    return expand(self, other.shape)


@public()
def broadcast_to(input, size):
    return expand(input, tuple(size))


@public(method=False)
def broadcast_shapes(*shapes):
    out = []
    for shape in shapes:
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for i in range(1, len(shape) + 1):
            s = shape[-i]
            if i > len(out):
                out.insert(0, s)
            elif out[-i] == 1:
                out[-i] = s
            elif s != 1 and s != out[-i]:
                raise RuntimeError(f"Shape mismatch: objects cannot be broadcast to a single shape.  Mismatch is "
                                   f"between arg 0 and arg 1.")
    return Size(out)


def _broadcast_pair(a, b):
    n = builtins.max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and 1 not in (x, y):
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {i}")
    return tuple(y if x == 1 else x for x, y in zip(a, b))


@public(method=False)
def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = ()
    for t in tensors:
        shape = _broadcast_pair(shape, tuple(t.shape))
    return tuple(expand(t, shape) for t in tensors)


# -- slicing views -----------------------------------------------------------------------------

@public()
def narrow(input, dim, start, length):
    d = _wrap(dim, input.dim())
    size = input.shape[d]
    start, length = int(start), int(length)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0 or start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return _slice(input, dim=d, start=start, stop=start + length, step=1)


@public()
def select(input, dim, index):
    if input.dim() == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap(dim, input.dim())
    size = input.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    return _select(input, dim=d, index=index % size)


def _split_sizes(input, sizes, d, lowering=None):
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    return _split_bounds(input, bounds, d, lowering)


def _split_bounds(input, bounds, d, lowering=None):
    if len(bounds) == 1 and bounds[0] == (0, input.shape[d]):
        return (_view(input, shape=tuple(input.shape)),)
    return (lowering or _split)(input, dim=d, bounds=tuple(bounds))


@public()
def split(tensor, split_size_or_sections, dim=0):
    if tensor.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap(dim, tensor.dim())
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                               f"dimension {d}), but got split_sizes={sizes}")
    else:
        size = int(split_size_or_sections)
        if size < 0 or (size == 0 and n != 0):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size else [0]
        sizes = sizes or [0]
    return _split_sizes(tensor, sizes, d, None if isinstance(split_size_or_sections, (list, tuple)) else _split_v)


@public()
def split_with_sizes(input, split_sizes, dim=0):
    return split(input, list(split_sizes), dim)


@public()
def chunk(input, chunks, dim=0):
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    if input.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    n = input.shape[_wrap(dim, input.dim())]
    return split(input, builtins.max(-(-n // chunks), 1) if n else 1, dim)


@public()
def tensor_split(input, indices_or_sections, dim=0):
    if input.dim() == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    d = _wrap(dim, input.dim())
    n = input.shape[d]
    ios = indices_or_sections
    if hasattr(ios, "tolist"):
        ios = ios.tolist()
    if isinstance(ios, (list, tuple)):
        cuts = [builtins.min(builtins.max(int(i) if i >= 0 else n + int(i), 0), n) for i in ios] + [n]
        bounds, prev = [], 0
        for c in cuts:
            bounds.append((prev, builtins.max(c, prev)))
            prev = c
        return _split_bounds(input, bounds, d, _tensor_split_v)
    else:
        k = int(ios)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
    return _split_sizes(input, sizes, d, _tensor_split_v)


@public()
def unbind(input, dim=0):
    if input.dim() == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return _unbind(input, dim=_wrap(dim, input.dim()))


@public()
def diagonal(input, offset=0, dim1=0, dim2=1):
    n = input.dim()
    a, b = _wrap(dim1, n), _wrap(dim2, n)
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _diagonal(input, offset=int(offset), dim1=a, dim2=b)


@public(function=False)
def unfold(self, dimension, size, step):
    d = _wrap(dimension, self.dim()) if self.dim() else 0
    n = self.shape[d] if self.dim() else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if self.dim() == 0:
        return _view(self, shape=(size,))
    return _unfold_dim(self, dimension=d, size=int(size), step=int(step))


# -- copies ------------------------------------------------------------------------------------

@op(method=False, function=False, grad_name="RepeatBackward0")
def _repeat(input, *, repeats):
    x = input.reshape((1,) * (len(repeats) - input.ndim) + input.shape)
    return jnp.tile(x, repeats)


@public(function=False)
def repeat(self, *sizes):
    sizes = _shape_arg(sizes)
    if len(sizes) < self.dim():
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    if builtins.any(s < 0 for s in sizes):
        shape = [s * n for s, n in zip(sizes, (1,) * (len(sizes) - self.dim()) + tuple(self.shape))]
        raise RuntimeError(f"Trying to create tensor with negative dimension {next(s for s in shape if s < 0)}: "
                           f"{shape}")
    return _repeat(self, repeats=sizes)


@public()
def tile(input, dims):
    dims = _dims_arg(dims)
    dims = (1,) * (input.dim() - len(dims)) + dims
    return _repeat(input, repeats=dims)


@op(method=False, function=False, grad_name="RepeatInterleaveBackward0")
def _repeat_interleave(input, *, repeats, dim, total):
    return jnp.repeat(input, np.asarray(repeats) if isinstance(repeats, tuple) else repeats, axis=dim,
                      total_repeat_length=total)


@public()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    from .creation import arange
    if repeats is None:  # torch.repeat_interleave(repeats): indices repeated by their counts
        counts = input
        return repeat_interleave(arange(counts.numel()), counts)
    if dim is None:
        input, dim = flatten(input), 0
    d = _wrap(dim, input.dim())
    n = input.shape[d] if input.dim() else 1
    if isinstance(repeats, Tensor) and (repeats.dtype.is_floating_point or repeats.dtype.is_complex or
                                        repeats.dtype == _dtype.bool):  # torch's kernel counts in integers only
        raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{_dtype.scalar_name(repeats.dtype)}\'')
    if isinstance(repeats, Tensor) and repeats.numel() != 1:
        if repeats.dim() != 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        reps = tuple(int(r) for r in np.asarray(repeats._value("repeat_interleave")))
        if len(reps) != n:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {len(reps)} and input.size({d}) = {n}")
        if builtins.any(r < 0 for r in reps):
            raise RuntimeError("repeats can not be negative")
        total = builtins.sum(reps)
    else:
        reps = int(repeats)
        if reps < 0:
            raise RuntimeError("repeats can not be negative")
        total = reps * n
    if input.dim() == 0:
        input = _view(input, shape=(1,))
    return _repeat_interleave(input, repeats=reps, dim=d, total=total)


@op(grad_name="FlipBackward0", method=False, function=False)
def _flip(input, *, dims):
    return jnp.flip(input, dims) if dims else input


@public()
def flip(input, *dims):
    dims = _shape_arg(dims) if dims and isinstance(dims[0], (tuple, list)) else tuple(int(d) for d in dims)
    dims = tuple(_wrap(d, input.dim()) for d in dims)
    if len(set(dims)) != len(dims):
        dup = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
    return _flip(input, dims=dims)


@public()
def fliplr(input):
    if input.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _flip(input, dims=(1,))


@public()
def flipud(input):
    if input.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _flip(input, dims=(0,))


@op(grad_name="RollBackward0", method=False, function=False)
def _roll(input, *, shifts, dims):
    if dims is None:
        return jnp.roll(input.reshape(-1), shifts).reshape(input.shape)
    return jnp.roll(input, shifts, dims)


@public()
def roll(input, shifts, dims=None):
    shifts = _dims_arg(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return _roll(input, shifts=shifts[0], dims=None)
    dims = tuple(_wrap(d, input.dim()) for d in _dims_arg(dims))
    if len(dims) != len(shifts):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return _roll(input, shifts=shifts, dims=dims)


# -- joins -------------------------------------------------------------------------------------

def _check_list(tensors, name, out=None):
    if out is not None:
        raise NotImplementedError(f"jtorch has no lowering for torch.{name}(out=...) yet")
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")


@op(list_input="tensors", promote="same", method=False, function=False, grad_name="CatBackward0")
def _cat(*tensors, dim):
    # torch skips legacy empty 1-d tensors (shape (0,)) when checking and joining
    keep = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)]
    if not keep:
        return tensors[0]
    ref = keep[0]
    for k, t in enumerate(tensors):
        if t.ndim == 1 and t.shape[0] == 0:
            continue
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for i in range(ref.ndim):
            if i != dim and t.shape[i] != ref.shape[i]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {dim}. Expected size "
                                   f"{ref.shape[i]} but got size {t.shape[i]} for tensor number {k} in the list.")
    return jnp.concatenate(keep, axis=dim)


@public()
def cat(tensors, dim=0, *, out=None):
    _check_list(tensors, "cat", out)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    ref = next((t for t in tensors if not (t.dim() == 1 and t.shape[0] == 0)), tensors[0])
    if ref.dim() == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    return _cat(list(tensors), dim=_wrap(dim, ref.dim()))


public("concat")(cat)
public("concatenate")(cat)
concat = concatenate = cat


@op(list_input="tensors", promote="same", method=False, function=False, grad_name="StackBackward0")
def _stack(*tensors, dim):
    return jnp.stack(tensors, axis=dim)


@public()
def stack(tensors, dim=0, *, out=None):
    _check_list(tensors, "stack", out)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for k, t in enumerate(tensors[1:], 1):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {k}")
    return _stack(list(tensors), dim=_wrap(dim, tensors[0].dim() + 1))


def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(fn(t) for t in tensors[0])
    if len(tensors) == 1:
        return fn(tensors[0])
    return tuple(fn(t) for t in tensors)


def _a1(t):
    return _view(t, shape=(1,)) if t.dim() == 0 else t


def _a2(t):
    return _view(t, shape=(1,) * (2 - t.dim()) + tuple(t.shape)) if t.dim() < 2 else t


def _a3(t):
    if t.dim() == 0:
        return _view(t, shape=(1, 1, 1))
    if t.dim() == 1:
        return _view(t, shape=(1, t.shape[0], 1))
    if t.dim() == 2:
        return _view(t, shape=tuple(t.shape) + (1,))
    return t


@public(method=False)
def atleast_1d(*tensors):
    return _atleast(tensors, _a1)


@public(method=False)
def atleast_2d(*tensors):
    return _atleast(tensors, _a2)


@public(method=False)
def atleast_3d(*tensors):
    return _atleast(tensors, _a3)


@public(method=False)
def hstack(tensors, *, out=None):
    _check_list(tensors, "hstack", out)
    ts = [_a1(t) for t in tensors]
    return cat(ts, 0 if ts and ts[0].dim() == 1 else 1)


@public(method=False)
def vstack(tensors, *, out=None):
    _check_list(tensors, "vstack", out)
    return cat([_a2(t) for t in tensors], 0)


public("row_stack", method=False)(vstack)
row_stack = vstack


@public(method=False)
def dstack(tensors, *, out=None):
    _check_list(tensors, "dstack", out)
    return cat([_a3(t) for t in tensors], 2)


@public(method=False)
def column_stack(tensors, *, out=None):
    _check_list(tensors, "column_stack", out)
    return cat([_view(t, shape=(t.numel(), 1)) if t.dim() <= 1 else t for t in tensors], 1)


@public(method=False)
def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.numel() for t in ts)
    n = len(ts)
    out = [expand(_view(t, shape=tuple(t.numel() if j == i else 1 for j in range(n))), shape)
           for i, t in enumerate(ts)]
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


# -- in-place reshapes (the tensor itself takes the new shape) -------------------------------

def _reshape_inplace(name, fn):
    def method(self, *args, **kwargs):
        lz = self._fresh_lazy()
        if self._base is not None:
            raise NotImplementedError(f"jtorch has no lowering for torch.Tensor.{name} on a view yet")
        if modes.get().grad_enabled and lz.requires_grad and lz.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        out = fn(self, *args, **kwargs)
        self._rebind(out._fresh_lazy(), lz)
        return self
    method.__name__ = method.__qualname__ = name
    public(name, function=False)(method)
    return method


squeeze_ = _reshape_inplace("squeeze_", squeeze)
unsqueeze_ = _reshape_inplace("unsqueeze_", unsqueeze)
t_ = _reshape_inplace("t_", t)
transpose_ = _reshape_inplace("transpose_", transpose)
swapaxes_ = _reshape_inplace("swapaxes_", transpose)
swapdims_ = _reshape_inplace("swapdims_", transpose)

