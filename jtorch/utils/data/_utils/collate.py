"""default_collate / default_convert with torch's semantics.

Stacking happens in numpy (one device transfer per collated array); inside a worker the
results are host tensors, so workers never call JAX.
"""
import collections.abc
import copy
import re

import numpy as np

from . import tensor_numpy, to_tensor
from .. import _utils
from ...._tensor import Tensor
from ...._ops.movement import stack

np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}")


def _Tensor():
    return Tensor


def _stack_tensors(batch):
    shapes = [tuple(t.shape) for t in batch]
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shapes[0])} at entry 0 "
                               f"and {list(s)} at entry {i}")
    if any(t.requires_grad for t in batch):
        return stack(batch, 0)
    dts = {t.dtype for t in batch}
    if len(dts) > 1 or (_utils.defer_pending and any(t._fresh_lazy().value is None for t in batch)):
        return stack(batch, 0)
    return to_tensor(np.stack([tensor_numpy(t) for t in batch]))


def _stack_arrays(batch):
    shapes = [a.shape for a in batch]
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(shapes[0])} at entry 0 "
                               f"and {list(s)} at entry {i}")
    return to_tensor(np.stack(batch))


def _registered_fn(collate_fn_map, elem):
    """The collate function for elem's exact type, else for the first registered type it is an instance of."""
    if collate_fn_map is None:
        return None
    exact = collate_fn_map.get(type(elem))
    if exact is not None:
        return exact
    return next((fn for kind, fn in collate_fn_map.items() if isinstance(elem, kind)), None)


def _like_mapping(template, values):
    """`values` (a dict) as the mapping type of `template` where that type allows it, else a plain dict."""
    try:
        if isinstance(template, collections.abc.MutableMapping):
            out = copy.copy(template)  # keeps extra attributes (e.g. a defaultdict's factory)
            out.update(values)
            return out
        return type(template)(values)
    except TypeError:
        return values


def _like_sequence(template, values):
    """`values` (a list) as the sequence type of `template` where that type allows it, else the list."""
    try:
        if isinstance(template, collections.abc.MutableSequence):
            out = copy.copy(template)
            for i, v in enumerate(values):
                out[i] = v
            return out
        return type(template)(values)
    except TypeError:
        return values


def collate(batch, *, collate_fn_map=None):
    """torch.utils.data._utils.collate.collate: recurse into containers, dispatch leaves by type."""
    elem = batch[0]
    elem_type = type(elem)
    fn = _registered_fn(collate_fn_map, elem)
    if fn is not None:
        return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _like_mapping(elem, {key: collate([sample[key] for sample in batch], collate_fn_map=collate_fn_map)
                                    for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        return columns if isinstance(elem, tuple) else _like_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(elem_type))


def collate_tensor_fn(batch, *, collate_fn_map=None):
    return _stack_tensors(batch)


def collate_numpy_array_fn(batch, *, collate_fn_map=None):
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return _stack_arrays([np.asarray(b) for b in batch])


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None):
    return to_tensor(np.asarray(batch))


def collate_float_fn(batch, *, collate_fn_map=None):
    return to_tensor(np.asarray(batch, dtype=np.float64))


def collate_int_fn(batch, *, collate_fn_map=None):
    return to_tensor(np.asarray(batch, dtype=np.int64))


def collate_bool_fn(batch, *, collate_fn_map=None):
    return to_tensor(np.asarray(batch, dtype=np.bool_))


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map = {
    _Tensor(): collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    bool: collate_bool_fn,  # before int: bool is an int subclass
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}



def default_collate(batch):
    """Stack a list of samples into a batch: tensors, arrays and numbers become tensors with a
    new batch dimension (float -> float64, int -> int64, bool -> bool); strings stay lists;
    tuples become lists, named tuples, dicts and lists keep their type."""
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """Convert numpy arrays (and numpy scalars) inside `data` to tensors; leave everything else."""
    elem_type = type(data)
    if isinstance(data, _Tensor()):
        return data
    if elem_type.__module__ == "numpy" and elem_type.__name__ not in ("str_", "string_", "bytes_"):
        if elem_type.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return to_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _like_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _like_sequence(data, [default_convert(d) for d in data])
    return data


def convert_arrays(data):
    """Turn every numpy array in a (list/tuple/dict) structure into a tensor: the fast path's output."""
    if isinstance(data, np.ndarray):
        return to_tensor(data)
    if isinstance(data, list):
        return [convert_arrays(d) for d in data]
    if isinstance(data, tuple):
        return type(data)(*(convert_arrays(d) for d in data)) if hasattr(data, "_fields") else \
            tuple(convert_arrays(d) for d in data)
    if isinstance(data, dict):
        return {k: convert_arrays(v) for k, v in data.items()}
    return data


__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map"]
