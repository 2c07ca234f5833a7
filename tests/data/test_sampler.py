import numpy as np
import pytest

import jtorch
from jtorch.utils.data import (
    BatchSampler, RandomSampler, SequentialSampler, SubsetRandomSampler, TensorDataset, WeightedRandomSampler,
    random_split,
)

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


@pytest.mark.parametrize("drop_last", [False, True])
def test_sequential_and_batch_sampler_match_torch(drop_last):
    mine = list(BatchSampler(SequentialSampler(range(10)), 3, drop_last))
    ref = list(torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), 3, drop_last))
    assert mine == ref
    assert len(BatchSampler(SequentialSampler(range(10)), 3, drop_last)) == len(ref)


def test_batch_sampler_validates():
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(range(3), 2, 1)


def test_random_sampler_is_a_reproducible_permutation():
    jtorch.manual_seed(3)
    a = list(RandomSampler(range(20)))
    jtorch.manual_seed(3)
    b = list(RandomSampler(range(20)))
    c = list(RandomSampler(range(20)))
    assert a == b and sorted(a) == list(range(20)) and a != c
    g = jtorch.Generator().manual_seed(7)
    assert list(RandomSampler(range(20), generator=g)) == list(
        RandomSampler(range(20), generator=jtorch.Generator().manual_seed(7)))


def test_random_sampler_replacement_and_num_samples():
    s = RandomSampler(range(5), replacement=True, num_samples=50)
    out = list(s)
    assert len(s) == 50 and len(out) == 50 and set(out) <= set(range(5))
    out = list(RandomSampler(range(5), num_samples=12))
    assert len(out) == 12 and sorted(out[:10]) == sorted(list(range(5)) * 2)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(5), num_samples=0)


def test_subset_and_weighted_samplers():
    idx = [4, 8, 15, 16, 23]
    assert sorted(SubsetRandomSampler(idx)) == idx
    w = list(WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 200))
    assert set(w) == {1, 3} and w.count(3) > w.count(1)
    assert sorted(WeightedRandomSampler([1, 1, 1], 3, replacement=False)) == [0, 1, 2]


def test_random_split_lengths_and_fractions():
    ds = TensorDataset(jtorch.arange(10))
    a, b = random_split(ds, [7, 3], generator=jtorch.Generator().manual_seed(0))
    assert (len(a), len(b)) == (7, 3)
    assert sorted(list(a.indices) + list(b.indices)) == list(range(10))
    parts = random_split(ds, [0.5, 0.3, 0.2])
    assert [len(p) for p in parts] == [5, 3, 2]
    assert [len(p) for p in random_split(range(11), [0.5, 0.5])] == [6, 5]  # torch's round-robin remainder
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(ds, [4, 4])
    assert int(a[0][0]) == a.indices[0]
    np.testing.assert_array_equal(np.array([int(a[i][0]) for i in range(7)]), np.array(a.indices))

