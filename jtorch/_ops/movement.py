"""Shape and movement: views (view, reshape, permute, ...) and joins (cat, stack)."""
import math

import jax.numpy as jnp

from .registry import op, public


def _shape_arg(shape):
    """f(2, 3), f((2, 3)) and f(torch.Size([2, 3])) all mean (2, 3)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def _infer_size(shape, numel, src):
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


@op(view=True, method=False, function=False, grad_name="ViewBackward0")
def _view(input, *, shape):
    return jnp.reshape(input, shape)


@op(view=True, method=False, function=False, grad_name="AliasBackward0", differentiable=False)
def _alias(input):
    return input


@public()
def detach(input):
    """A view sharing the value, cut from the graph (in-place writes reach the original)."""
    return _alias(input)


@public(function=False)
def view(self, *shape):
    from .. import _dtype
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("jtorch has no lowering for torch.Tensor.view(dtype) yet")
    return _view(self, shape=_infer_size(_shape_arg(shape), self.numel(), self))


@public()
def reshape(input, *shape):
    return _view(input, shape=_infer_size(_shape_arg(shape), input.numel(), input))


@public(function=False)
def view_as(self, other):
    return view(self, other.shape)


@public(function=False)
def reshape_as(self, other):
    return reshape(self, other.shape)


def _wrap(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


@op(view=True, grad_name="PermuteBackward0", method=False, function=False)
def _permute(input, *, dims):
    return jnp.transpose(input, dims)


@public()
def permute(input, *dims):
    dims = _shape_arg(dims)
    if len(dims) != input.dim():
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {input.dim()} is not "
                           f"equal to len(dims) = {len(dims)}")
    return _permute(input, dims=tuple(_wrap(d, input.dim()) for d in dims))


@public()
def transpose(input, dim0, dim1):
    n = input.dim()
    if n == 0:
        return input
    perm = list(range(n))
    a, b = _wrap(dim0, n), _wrap(dim1, n)
    perm[a], perm[b] = perm[b], perm[a]
    return _permute(input, dims=tuple(perm))


swapaxes = swapdims = transpose


@public()
def t(input):
    if input.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.dim()}D")
    return transpose(input, 0, 1) if input.dim() == 2 else input


@op(view=True, grad_name="ExpandBackward0", method=False, function=False)
def broadcast_to(input, *, size):
    return jnp.broadcast_to(input, size)


@public(function=False)
def expand(self, *sizes):
    sizes = _shape_arg(sizes)
    n = len(sizes) - self.dim()
    if n < 0:
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(self.shape)}}}, size={list(sizes)}): the number of "
                           f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions in "
                           f"the tensor ({self.dim()})")
    shape = tuple(self.shape[i - n] if s == -1 else s for i, s in enumerate(sizes))
    for i, s in enumerate(self.shape):
        if s != 1 and s != shape[i + n]:
            raise RuntimeError(f"The expanded size of the tensor ({shape[i + n]}) must match the existing size "
                               f"({s}) at non-singleton dimension {i + n}.  Target sizes: {list(sizes)}.  Tensor "
                               f"sizes: {list(self.shape)}")
    return broadcast_to(self, size=shape)


@public(function=False)
def expand_as(self, other):
    return expand(self, other.shape)


@public()
def unsqueeze(input, dim):
    d = _wrap(dim, input.dim() + 1)
    shape = list(input.shape)
    shape.insert(d, 1)
    return _view(input, shape=tuple(shape))


@public()
def squeeze(input, dim=None):
    shape = list(input.shape)
    if dim is None:
        dims = [i for i, s in enumerate(shape) if s == 1]
    else:
        dims = [_wrap(d, input.dim()) for d in (dim if isinstance(dim, (tuple, list)) else (dim,))]
    new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return _view(input, shape=new)


@public()
def flatten(input, start_dim=0, end_dim=-1):
    if input.dim() == 0:
        return _view(input, shape=(1,))
    s, e = _wrap(start_dim, input.dim()), _wrap(end_dim, input.dim())
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input.shape
    return _view(input, shape=tuple(shape[:s]) + (math.prod(shape[s:e + 1]),) + tuple(shape[e + 1:]))


@op(list_input="tensors", grad_name="CatBackward0")
def cat(*tensors, dim=0):
    tensors = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or list(tensors[:1])
    dt = jnp.result_type(*tensors)
    return jnp.concatenate([t.astype(dt) for t in tensors], axis=dim)


concat = concatenate = cat


@op(list_input="tensors", grad_name="StackBackward0")
def stack(*tensors, dim=0):
    dt = jnp.result_type(*tensors)
    return jnp.stack([t.astype(dt) for t in tensors], axis=dim)


@op(view=True, grad_name="UnbindBackward0")
def unbind(input, dim=0):
    return tuple(jnp.moveaxis(input, dim, 0))
