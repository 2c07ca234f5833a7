"""torch.nn.utils.rnn: PackedSequence and padding / packing of variable-length sequences.

Lengths and batch_sizes live on the host (as in torch, where they are CPU tensors), so
every gather index is computed in numpy and a pack or unpack is ONE gather op.
"""
from collections import namedtuple

import numpy as np

from ... import _dtype
from ..._ops.creation import tensor as _tensor
from ..._ops.rnn import _pad_sequence
from ..._ops.sparse import _gather_rows

_PackedSequenceBase = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


def _host(x):
    if x is None:
        return None
    if hasattr(x, "_value"):
        return np.asarray(x._value("PackedSequence indices")).astype(np.int64)
    return np.asarray(x, dtype=np.int64)


def _long(a):
    return _tensor(np.asarray(a, np.int64), dtype=_dtype.int64)


class PackedSequence(_PackedSequenceBase):
    """Packed variable-length batch: `data` holds time step 0 of every sequence, then step 1, ..."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            raise NotImplementedError("PackedSequence: build it with pack_padded_sequence or pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _apply(self, fn):
        return type(self)(fn(self.data), self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs):
        return self._apply(lambda t: t.to(*args, **kwargs))

    def cuda(self, *args, **kwargs):
        return self._apply(lambda t: t.cuda(*args, **kwargs))

    def cpu(self, *args, **kwargs):
        return self._apply(lambda t: t.cpu())

    def double(self):
        return self._apply(lambda t: t.double())

    def float(self):
        return self._apply(lambda t: t.float())

    def detach(self):
        return self._apply(lambda t: t.detach())

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    if permutation is None:
        return None
    p = _host(permutation)
    out = np.empty_like(p)
    out[p] = np.arange(p.size)
    return _long(out)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Pad a list of (L_i, *) tensors to (T, B, *), or (B, T, *) with batch_first."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if hasattr(sequences, "unbind") and not isinstance(sequences, (list, tuple)):
        sequences = sequences.unbind(0)
    return _pad_sequence(list(sequences), batch_first=bool(batch_first), padding_value=float(padding_value),
                         padding_side=padding_side)


def _check_sorted_lengths(lengths):
    if (np.diff(lengths) > 0).any():
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                           "sidestep this requirement if you do not need ONNX exportability.")


def _batch_sizes(sorted_lengths):
    T = int(sorted_lengths[0])
    return np.array([(sorted_lengths > t).sum() for t in range(T)], np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) / (B, T, *) given each sequence's length."""
    lengths = _host(lengths).reshape(-1)
    B = input.shape[0 if batch_first else 1]
    T = input.shape[1 if batch_first else 0]
    if enforce_sorted:
        _check_sorted_lengths(lengths)
        sorted_indices = None
        order = np.arange(lengths.size)
    else:
        order = np.argsort(-lengths, kind="stable")
        sorted_indices = _long(order)
    if lengths.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size} "
                           f"(batch_size={B})")
    if (lengths <= 0).any():
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    sl = lengths[order]
    if sl[0] > T:
        raise RuntimeError(f"Expected sequence length to be larger than or equal to the maximum length, but got "
                           f"{T} and {sl[0]}")
    bs = _batch_sizes(sl)
    rows = []
    for t in range(bs.size):
        b = order[:bs[t]]
        rows.append(b * T + t if batch_first else t * B + b)
    idx = np.concatenate(rows)
    flat = input.reshape((-1,) + tuple(input.shape[2:]))
    data = _gather_rows(flat, _long(idx), fill=0.0)
    return PackedSequence(data, _long(bs), sorted_indices, None)


def _unpack_index(batch_sizes, unsorted, total_length, batch_first):
    """Packed-row index for each padded (t, b) (b in the original order), -1 where padding."""
    B = int(batch_sizes[0])
    T = total_length
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    pos = np.arange(B) if unsorted is None else unsorted  # sorted position of each original b
    idx = np.full((T, B), -1, np.int64)
    for t in range(batch_sizes.size):
        valid = pos < batch_sizes[t]
        idx[t, valid] = offsets[t] + pos[valid]
    return idx.T if batch_first else idx


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """(padded, lengths): the inverse of pack_padded_sequence; lengths in the original order."""
    bs = _host(sequence.batch_sizes)
    max_len = bs.size
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {max_len}")
    else:
        total_length = max_len
    unsorted = _host(sequence.unsorted_indices)
    idx = _unpack_index(bs, unsorted, total_length, batch_first)
    padded = _gather_rows(sequence.data, _long(idx), fill=float(padding_value))
    B = int(bs[0])
    lengths_sorted = np.array([(bs > j).sum() for j in range(B)], np.int64)
    lengths = lengths_sorted if unsorted is None else lengths_sorted[unsorted]
    return padded, _long(lengths)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of (L_i, *) tensors."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(_host(lengths))]


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)


def _packed_to_padded(ps):
    """(time-major padded data in SORTED batch order, sorted lengths as numpy) for the recurrent ops."""
    bs = _host(ps.batch_sizes)
    idx = _unpack_index(bs, None, bs.size, False)
    B = int(bs[0])
    lengths = np.array([(bs > j).sum() for j in range(B)], np.int64)
    return _gather_rows(ps.data, _long(idx), fill=0.0), lengths


def _padded_to_packed_data(out, batch_sizes):
    """The packed `data` of a time-major padded output (sorted batch order)."""
    bs = _host(batch_sizes)
    B = out.shape[1]
    idx = np.concatenate([t * B + np.arange(bs[t]) for t in range(bs.size)])
    return _gather_rows(out.reshape((-1,) + tuple(out.shape[2:])), _long(idx), fill=0.0)
