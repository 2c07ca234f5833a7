"""Container handling of collate/default_convert and the index streams of BatchSampler and
DistributedSampler (shuffle=False), against torch.utils.data."""
import collections
import types

import numpy as np
import pytest

import jtorch.utils.data as J
from jtorch.utils.data._utils import collate as JC

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import torch.utils.data as T  # noqa: E402
from torch.utils.data._utils import collate as TC  # noqa: E402

Point = collections.namedtuple("Point", "x y")


class Frozen(collections.abc.Sequence):  # a Sequence its own type cannot rebuild from a list
    def __init__(self, *items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def _shape(v):
    """Containers with their types; leaves as (values, dtype name)."""
    if hasattr(v, "numpy"):
        return ("tensor", v.numpy().tolist(), str(v.dtype).split(".")[-1])
    if isinstance(v, collections.abc.Mapping):
        return (type(v).__name__, {k: _shape(x) for k, x in v.items()})
    if isinstance(v, collections.abc.Sequence) and not isinstance(v, str):
        return (type(v).__name__, [_shape(x) for x in v])
    return (type(v).__name__, v)


BATCHES = [
    [collections.OrderedDict(a=1, b=2.5), collections.OrderedDict(a=3, b=4.5)],
    [collections.defaultdict(int, a=np.float32(1)), collections.defaultdict(int, a=np.float32(2))],
    [types.MappingProxyType({"k": True}), types.MappingProxyType({"k": False})],
    [Point(1, [2.0, 3.0]), Point(4, [5.0, 6.0])],
    [(1, "a"), (2, "b")],
    [[1, 2], [3, 4]],
    [collections.deque([1.5, 2]), collections.deque([3.5, 4])],
    [Frozen(1, 2), Frozen(3, 4)],
]


@pytest.mark.parametrize("batch", BATCHES, ids=[type(b[0]).__name__ for b in BATCHES])
def test_default_collate_containers_match_torch(batch):
    assert _shape(J.default_collate(batch)) == _shape(T.default_collate(batch))


def test_default_collate_unequal_sequences_fail_like_torch():
    for mod in (J, T):
        with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
            mod.default_collate([[1, 2], [3]])


@pytest.mark.parametrize("data", [collections.OrderedDict(a=np.arange(2)), {"m": types.MappingProxyType({"z": 1})},
                                  Point(np.float64(1.5), "s"), (np.int32(3), [np.ones(2)]),
                                  collections.deque([np.zeros(1)]), Frozen(np.ones(1), 2), "text"])
def test_default_convert_matches_torch(data):
    assert _shape(JC.default_convert(data)) == _shape(TC.default_convert(data))


@pytest.mark.parametrize("n,bs", [(10, 3), (9, 3), (2, 5), (0, 2)])
def test_batch_sampler_matches_torch(n, bs):
    for drop_last in (False, True):
        j = J.BatchSampler(J.SequentialSampler(range(n)), bs, drop_last)
        t = T.BatchSampler(T.SequentialSampler(range(n)), bs, drop_last)
        assert list(j) == list(t) and len(j) == len(t)


@pytest.mark.parametrize("n,replicas", [(10, 3), (9, 3), (2, 5), (7, 7), (1, 4)])
def test_distributed_sampler_indices_match_torch(n, replicas):
    for drop_last in (False, True):
        for rank in range(replicas):
            kw = dict(num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
            j, t = J.DistributedSampler(range(n), **kw), T.DistributedSampler(range(n), **kw)
            assert (list(j), len(j), j.total_size) == (list(t), len(t), t.total_size), (drop_last, rank)
