"""nn.functional's pooling entry points with torch's names and signatures: the `*_with_indices` forms, the
boolean-dispatched `max_pool*` / `adaptive_max_pool*` / `fractional_max_pool*`, `lp_pool*` and `max_unpool*`.

The lowerings are ops in jtorch/_ops/nn.py; this file only parses arguments the way torch does.
"""
import math

from .._ops import nn as _nn
from .._ops.random import rand
from .._tensor import _type_name

__all__ = ["boolean_dispatch", "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d",
           "lp_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d"]


def boolean_dispatch(arg_name, arg_index, default, if_true, if_false, module_name, func_name):
    """One function that calls `if_true` or `if_false` by the value of one boolean argument, given by keyword
    or at position `arg_index` (torch uses it for `return_indices`)."""
    if if_true.__doc__ is not None and if_false.__doc__ is not None:
        raise RuntimeError("only one function can have a docstring")

    def fn(*args, **kwargs):
        if arg_name in kwargs:
            flag = kwargs[arg_name]
        elif arg_index < len(args):
            flag = args[arg_index]
        else:
            flag = default
        return (if_true if flag else if_false)(*args, **kwargs)

    fn.__doc__ = if_true.__doc__ or if_false.__doc__
    # the dispatcher is what users see: give it the public module and name when asked
    fn.__module__ = module_name or fn.__module__
    fn.__name__ = func_name or fn.__name__
    return fn


_MOD = "jtorch.nn.functional"


def _max_pool_pair(nd):
    table_fn = getattr(_nn, f"max_pool{nd}d")

    def with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        return table_fn(input, kernel_size, stride, padding, dilation, ceil_mode, True)

    def values(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        return table_fn(input, kernel_size, stride, padding, dilation, ceil_mode, False)

    with_indices.__name__ = with_indices.__qualname__ = f"max_pool{nd}d_with_indices"
    values.__name__ = values.__qualname__ = f"_max_pool{nd}d"
    return with_indices, values, boolean_dispatch("return_indices", 6, False, with_indices, values, _MOD,
                                                  f"max_pool{nd}d")


max_pool1d_with_indices, _max_pool1d, max_pool1d = _max_pool_pair(1)
max_pool2d_with_indices, _max_pool2d, max_pool2d = _max_pool_pair(2)
max_pool3d_with_indices, _max_pool3d, max_pool3d = _max_pool_pair(3)


def _adaptive_max_pair(nd):
    table_fn = getattr(_nn, f"adaptive_max_pool{nd}d")

    def with_indices(input, output_size, return_indices=False):
        return table_fn(input, output_size, True)

    def values(input, output_size, return_indices=False):
        return table_fn(input, output_size, False)

    with_indices.__name__ = with_indices.__qualname__ = f"adaptive_max_pool{nd}d_with_indices"
    values.__name__ = values.__qualname__ = f"_adaptive_max_pool{nd}d"
    return with_indices, values, boolean_dispatch("return_indices", 2, False, with_indices, values, _MOD,
                                                  f"adaptive_max_pool{nd}d")


adaptive_max_pool1d_with_indices, _adaptive_max_pool1d, adaptive_max_pool1d = _adaptive_max_pair(1)
adaptive_max_pool2d_with_indices, _adaptive_max_pool2d, adaptive_max_pool2d = _adaptive_max_pair(2)
adaptive_max_pool3d_with_indices, _adaptive_max_pool3d, adaptive_max_pool3d = _adaptive_max_pair(3)


def _ntuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _fractional(nd, input, kernel_size, output_size, output_ratio, random_samples):
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    if output_size is None:
        ratio = _ntuple(output_ratio, nd)
        if len(ratio) > nd:
            raise ValueError(f"{name} requires output_ratio to either be a single Int or tuple of Ints.")
        output_size = [int(input.size(-nd + i) * ratio[i]) for i in range(nd)]
    k, outs = _ntuple(kernel_size, nd), _ntuple(output_size, nd)
    unbatched = input.dim() == nd + 1
    if input.dim() < nd + 1:  # torch reads input.size(-nd - 1) first
        raise IndexError(f"Dimension out of range (expected to be in range of [-{input.dim()}, {input.dim() - 1}], "
                         f"but got {-nd - 1})")
    if input.dim() > nd + 2:
        raise RuntimeError(f"{name}{'_out' if nd == 3 else ''}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: "
                           f"{list(input.shape)}")
    x = input.unsqueeze(0) if unbatched else input
    spatial = x.shape[2:]
    for d, axis in zip(range(nd), ("height", "width") if nd == 2 else ("time", "height", "width")):
        if outs[d] + k[d] - 1 > spatial[d]:
            raise RuntimeError(f"{name}_out(): pool {axis} {k[d]} too large relative to input {axis} "
                               f"{spatial[d]}" if nd == 3 else
                               f"{name}(): pool {axis} {k[d]} too large relative to input {axis} {spatial[d]}")
    if random_samples is None:
        random_samples = rand(x.shape[0], x.shape[1], nd, dtype=input.dtype, device=input.device)
    values, indices = _nn._fractional_max_pool(x, random_samples, k=tuple(int(v) for v in k),
                                               outs=tuple(int(v) for v in outs))
    if unbatched:
        return values.squeeze(0), indices.squeeze(0)
    return values, indices


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)


def _fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                           _random_samples=None):
    return _fractional(2, input, kernel_size, output_size, output_ratio, _random_samples)[0]


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)


def _fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                           _random_samples=None):
    return _fractional(3, input, kernel_size, output_size, output_ratio, _random_samples)[0]


fractional_max_pool2d = boolean_dispatch("return_indices", 4, False, fractional_max_pool2d_with_indices,
                                         _fractional_max_pool2d, _MOD, "fractional_max_pool2d")
fractional_max_pool3d = boolean_dispatch("return_indices", 4, False, fractional_max_pool3d_with_indices,
                                         _fractional_max_pool3d, _MOD, "fractional_max_pool3d")


def _lp_pool(nd, input, norm_type, kernel_size, stride, ceil_mode):
    k = _ntuple(kernel_size, nd)
    max_pool = getattr(_nn, f"max_pool{nd}d")
    if norm_type == math.inf:  # the p-norm's limits are the max of |x| (and minus the max of -|x|)
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    mean = getattr(_nn, f"avg_pool{nd}d")(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    # mean * window = the window's sum of |x|^p; sign * relu(abs) keeps a negative rounding error at 0
    total = mean.sign() * mean.abs().relu() * math.prod(k)
    return total.pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def _unpool_size(input, k, s, p, output_size):
    nd = len(k)
    default = [(input.size(-nd + d) - 1) * s[d] + k[d] - 2 * p[d] for d in range(nd)]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == nd + 2:
        output_size = output_size[2:]
    if len(output_size) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} elements, but it has a "
                         f"length of '{len(output_size)}'")
    for d in range(nd):
        low, high = default[d] - s[d], default[d] + s[d]
        if not low < output_size[d] < high:
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {low} and {high})')
    return output_size


def _max_unpool(nd, input, indices, kernel_size, stride, padding, output_size):
    k = _ntuple(kernel_size, nd)
    s = k if stride is None else _ntuple(stride, nd)
    p = _ntuple(padding, nd)
    outs = tuple(int(v) for v in _unpool_size(input, k, s, p, output_size))
    if indices.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) "
                           f"but got indices tensor with shape: {list(indices.shape)}")
    if indices.dtype.is_floating_point or indices.dtype.is_complex:
        raise RuntimeError(f"elements in indices should be type int64 but got: {_type_name(indices.dtype)}")
    from .functional import _host_values
    values = _host_values(indices)
    if values is not None and values.size:
        bad = (values < 0) | (values >= math.prod(outs))
        if bad.any():
            raise RuntimeError(f"Found an invalid max index: {int(values[bad].ravel()[0])} (output volumes are of "
                               f"size {'x'.join(str(v) for v in outs)}")
    return _nn._max_unpool(input, indices, outs=outs)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)
