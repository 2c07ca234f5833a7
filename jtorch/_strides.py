"""Strides: torch's memory layout of a view, derived from its chain of view ops.

jtorch stores no strided memory (every value is a jax array), but torch code relies on the
layout: `stride()`, `is_contiguous()`, `view()` refusing a non-viewable shape, and `reshape()`
copying instead of viewing (so writes to the result do not reach the original). A tensor
that is not a view is contiguous; a view's layout is replayed from its base's through the
recorded view steps (op, static arguments, output index), only when asked.
"""
import math


class memory_format:  # noqa: N801 - torch's name
    """torch.contiguous_format, channels_last, ...: accepted wherever torch takes them. Values
    are never strided here, so every result is row-major (contiguous_format)."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    def __reduce__(self):
        return self._name


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")


def contiguous_strides(shape):
    strides, acc = [], 1
    for n in reversed(shape):
        strides.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(strides))


def is_contiguous(shape, strides):
    """torch's rule: size-1 dims are ignored; an empty tensor is contiguous."""
    if 0 in shape:
        return True
    expected = 1
    for n, s in zip(reversed(shape), reversed(strides)):
        if n != 1:
            if s != expected:
                return False
            expected *= n
    return True


def is_channels_last(shape, strides):
    """Contiguous in (N, H, W, C) order (torch.channels_last, 4-d) or (N, D, H, W, C) (5-d)."""
    order = (1, 3, 2, 0) if len(shape) == 4 else (1, 4, 3, 2, 0) if len(shape) == 5 else None
    if order is None:
        return False
    expected = 1
    for d in order:
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


OVERLAP_ERROR = ("unsupported operation: more than one element of the written-to tensor refers to a single "
                 "memory location. Please clone() the tensor before performing the operation.")


def overlaps(shape, strides):
    """Whether two elements share memory (a zero stride over a dim of size > 1, as expand() makes)."""
    return any(s == 0 and n > 1 for n, s in zip(shape, strides))


def has_internal_overlap(t):
    return overlaps(*layout(t)[:2])


def view_strides(oldshape, oldstride, newshape):
    """Strides viewing (oldshape, oldstride) as newshape, or None when it needs a copy
    (ATen's computeStride: each run of dims merged must be contiguous within itself)."""
    if not oldshape:
        return (1,) * len(newshape)
    numel = math.prod(oldshape)
    if numel == 0:
        return tuple(oldstride) if tuple(oldshape) == tuple(newshape) else contiguous_strides(newshape)
    newstride = [0] * len(newshape)
    view_d = len(newshape) - 1
    chunk_base = oldstride[-1]
    tensor_numel = view_numel = 1
    for d in range(len(oldshape) - 1, -1, -1):
        tensor_numel *= oldshape[d]
        if d == 0 or (oldshape[d - 1] != 1 and oldstride[d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or newshape[view_d] == 1):
                newstride[view_d] = view_numel * chunk_base
                view_numel *= newshape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                chunk_base = oldstride[d - 1]
                tensor_numel = view_numel = 1
    return tuple(newstride) if view_d == -1 else None


def layout(t):
    """(shape, strides, storage offset) of a Tensor."""
    base = t._base
    if base is None:
        return tuple(t.shape), contiguous_strides(t.shape), 0
    shape, strides, offset = tuple(base.shape), list(contiguous_strides(base.shape)), 0
    for op, static, index in t._view[0]:
        shape, strides, offset = _step(op.name, dict(static), index, shape, strides, offset)
    return tuple(shape), tuple(strides), offset


def _step(name, st, index, shape, strides, offset):
    shape, strides = list(shape), list(strides)
    if name in ("_view", "_unsqueeze_v", "_squeeze0_v", "_squeeze1_v", "_squeeze2_v"):
        new = list(st["shape"])
        s = view_strides(shape, strides, new)
        return new, list(s if s is not None else contiguous_strides(new)), offset if s is not None else 0
    if name == "_alias":
        return shape, strides, offset
    if name in ("_permute", "_transpose_v", "_t_v"):
        dims = st["dims"]
        return [shape[d] for d in dims], [strides[d] for d in dims], offset
    if name == "_expand":
        size = list(st["size"])
        lead = len(size) - len(shape)
        out = [0] * lead
        for i, (n, s) in enumerate(zip(shape, strides)):
            out.append(s if size[lead + i] == n else 0)
        return size, out, offset
    if name == "_slice":
        return _slice(shape, strides, offset, st["dim"], st["start"], st["stop"], st["step"])
    if name == "_select":
        d = st["dim"]
        return shape[:d] + shape[d + 1:], strides[:d] + strides[d + 1:], offset + st["index"] * strides[d]
    if name in ("_split", "_split_v", "_tensor_split_v"):
        a, b = st["bounds"][index]
        return _slice(shape, strides, offset, st["dim"], a, b, 1)
    if name == "_unbind":
        d = st["dim"]
        return shape[:d] + shape[d + 1:], strides[:d] + strides[d + 1:], offset + index * strides[d]
    if name == "_diagonal":
        return _diagonal(shape, strides, offset, st["offset"], st["dim1"], st["dim2"])
    if name == "_unfold_dim":
        d, size, step = st["dimension"], st["size"], st["step"]
        n = (shape[d] - size) // step + 1
        return (shape[:d] + [n] + shape[d + 1:] + [size], strides[:d] + [strides[d] * step] + strides[d + 1:]
                + [strides[d]], offset)
    if name == "_as_strided":  # always applied to the base itself: its own sizes, strides and offset
        return list(st["size"]), list(st["stride"]), st["storage_offset"]
    if name in ("_index_basic", "_index_unsqueeze", "_index_alias", "_index_select_view"):
        return basic_index(shape, strides, offset, st["spec"])
    raise AssertionError(f"no stride rule for view op {name}")


def _slice(shape, strides, offset, d, start, stop, step):
    start, stop, step = slice(start, stop, step).indices(shape[d])
    offset += start * strides[d] if shape[d] else 0
    shape[d] = len(range(start, stop, step))
    strides[d] *= step
    return shape, strides, offset


def _diagonal(shape, strides, offset, k, d1, d2):
    if k >= 0:
        n = max(min(shape[d1], shape[d2] - k), 0)
        offset += k * strides[d2] if n else 0
    else:
        n = max(min(shape[d1] + k, shape[d2]), 0)
        offset -= k * strides[d1] if n else 0
    keep = [i for i in range(len(shape)) if i not in (d1, d2)]
    return [shape[i] for i in keep] + [n], [strides[i] for i in keep] + [strides[d1] + strides[d2]], offset


def basic_index(shape, strides, offset, spec):
    out_shape, out_strides, d = [], [], 0
    for e in spec:
        kind = e[0]
        if kind == "i":
            offset += e[1] * strides[d]
            d += 1
        elif kind == "s":
            sh, stv, offset = _slice([shape[d]], [strides[d]], offset, 0, e[1], e[2], e[3])
            out_shape += sh
            out_strides += stv
            d += 1
        elif kind in "nz":
            # torch gives a new axis the stride of the dims after it (1 at the end)
            out_shape.append(1 if kind == "n" else 0)
            out_strides.append(None)
        elif kind == "e":
            out_shape += shape[d:d + e[1]]
            out_strides += strides[d:d + e[1]]
            d += e[1]
    out_shape += shape[d:]
    out_strides += strides[d:]
    for i in range(len(out_strides) - 1, -1, -1):
        if out_strides[i] is None:
            out_strides[i] = out_shape[i + 1] * out_strides[i + 1] if i + 1 < len(out_strides) else 1
    return out_shape, out_strides, offset
