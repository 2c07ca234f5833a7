"""torchtext.functional: to_tensor, truncate, add_token, str_to_int (lists in, lists or tensors out)."""
import numpy as np
from .. import _dtype
from .._ops.creation import tensor


def _is_batch(input):
    return isinstance(input, (list, tuple)) and len(input) > 0 and isinstance(input[0], (list, tuple))


def to_tensor(input, padding_value=None, dtype=None):
    """Token ids (a list, or a batch of lists) as one tensor; ragged batches need `padding_value`.

    The batch is padded on the host, so it costs one transfer."""
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.int64
    if not isinstance(input, (list, tuple)):
        raise TypeError("Input type not supported")
    if not _is_batch(input):
        return tensor(list(input), dtype=_dtype.int64)
    if padding_value is None:
        return tensor([list(x) for x in input], dtype=dt)
    n = max(len(x) for x in input)
    out = np.full((len(input), n), padding_value, dtype=dt.np)
    for i, x in enumerate(input):
        out[i, :len(x)] = x
    return tensor(out, dtype=dt)


def truncate(input, max_seq_len):
    if not isinstance(input, (list, tuple)):
        raise TypeError("Input type not supported")
    if _is_batch(input):
        return [list(x)[:max_seq_len] for x in input]
    return list(input)[:max_seq_len]


def add_token(input, token_id, begin=True):
    if not isinstance(input, (list, tuple)):
        raise TypeError("Input type not supported")
    if _is_batch(input):
        return [add_token(x, token_id, begin) for x in input]
    return [token_id] + list(input) if begin else list(input) + [token_id]


def str_to_int(input):
    if _is_batch(input):
        return [[int(t) for t in x] for x in input]
    return [int(t) for t in input]
