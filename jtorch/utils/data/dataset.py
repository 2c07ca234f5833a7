"""Datasets: map-style and iterable, with torch's composition helpers and random_split.

A map-style dataset may offer `_batch_fetch(indices)`: the already-collated batch (numpy
arrays in lists/tuples) for a list of indices, or None when it cannot (then the DataLoader
falls back to per-item __getitem__ + default_collate). It lets in-memory datasets batch by
indexing whole arrays at once.
"""
import bisect
import itertools
import math
import warnings
from typing import Generic, TypeVar

import numpy as np

from ._utils import host_tensor, numpy_rng, tensor_numpy


_T_co = TypeVar("_T_co", covariant=True)


class Dataset(Generic[_T_co]):  # Dataset[T] in annotations and subclasses, as in torch
    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    def __iter__(self):
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are tuples of the tensors' rows. Reads go through a host (numpy) copy of the
    tensors, so per-item access and batching never run a JAX program."""

    def __init__(self, *tensors):
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors
        self._cache = None

    def _arrays(self):
        key = tuple(id(t._lazy) for t in self.tensors)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, tuple(None if t.requires_grad else tensor_numpy(t) for t in self.tensors))
        return self._cache[1]

    def __getitem__(self, index):
        arrays = self._arrays()
        return tuple(t[index] if a is None else host_tensor(a[index]) for t, a in zip(self.tensors, arrays))

    def _batch_fetch(self, indices):
        arrays = self._arrays()
        if any(a is None for a in arrays):
            return None
        idx = np.asarray(indices, dtype=np.int64)
        return [a[idx] for a in arrays]

    def __len__(self):
        return self.tensors[0].size(0)

    def _prepare_for_workers(self):
        # forked workers must find the numpy copies ready: reading a jax array there is unsafe
        self._arrays()


class StackDataset(Dataset):
    """Samples are tuples (or dicts) of the given datasets' samples at the same index."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via ``kwargs``) like "
                             "input/output, but both types are given.")
        members = list(args or kwargs.values())
        if not members:
            raise ValueError("At least one dataset should be passed")
        self._length = len(members[0])
        if any(len(d) != self._length for d in members):
            raise ValueError("Size mismatch between datasets")
        self.datasets = args or kwargs  # the tuple or dict form decides the sample's form

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(part) for part in sequence))

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(part, IterableDataset) for part in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)  # end offset of each part

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        total = len(self)
        if idx < 0:
            if idx < -total:
                raise ValueError("absolute value of index should not exceed dataset length")
            idx += total
        part = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[part - 1] if part else 0
        return self.datasets[part][idx - start]


class ChainDataset(IterableDataset):
    def __init__(self, datasets):
        self.datasets = datasets

    def _members(self):
        # checked lazily, member by member, as torch does
        for part in self.datasets:
            if not isinstance(part, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield part

    def __iter__(self):
        for part in self._members():
            yield from part

    def __len__(self):
        return sum(len(part) for part in self._members())


class Subset(Dataset):
    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        # a list of positions is passed on as one list (datasets may fetch batches)
        picked = [self.indices[i] for i in idx] if isinstance(idx, list) else self.indices[idx]
        return self.dataset[picked]

    def _batch_fetch(self, indices):
        fetch = getattr(self.dataset, "_batch_fetch", None)
        return None if fetch is None else fetch([self.indices[i] for i in indices])

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split `dataset` into non-overlapping Subsets of the given lengths (or fractions summing to 1)."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        subset_lengths = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            subset_lengths.append(math.floor(len(dataset) * frac))
        remainder = len(dataset) - sum(subset_lengths)
        for i in range(remainder):
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(f"Length of split at index {i} is 0. This might result in an empty dataset.",
                              stacklevel=2)
    if sum(lengths) != len(dataset):
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    indices = numpy_rng(generator).permutation(sum(lengths)).tolist()
    return [Subset(dataset, indices[offset - length: offset])
            for offset, length in zip(itertools.accumulate(lengths), lengths)]
