import numpy as np
import pytest

import jtorch
from jtorch.utils.data import (
    ChainDataset, ConcatDataset, DataLoader, Dataset, IterableDataset, Subset, TensorDataset, default_collate,
    get_worker_info,
)


class Squares(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        return {"x": np.full(2, i * i, np.float32), "i": i}


class Count(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        lo, step = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(lo, self.n, step))

    def __len__(self):
        return self.n


def _flat(batches):
    return [[v.numpy().tolist() for v in (b.values() if isinstance(b, dict) else b)] for b in batches]


def test_tensor_dataset_batches_and_len():
    x = jtorch.arange(20).float().reshape(10, 2)
    y = jtorch.arange(10)
    dl = DataLoader(TensorDataset(x, y), batch_size=4)
    batches = list(dl)
    assert len(dl) == 3 and len(batches) == 3
    assert isinstance(batches[0], list)
    np.testing.assert_array_equal(batches[0][0].numpy(), np.arange(8.0).reshape(4, 2))
    assert batches[2][1].numpy().tolist() == [8, 9]
    assert batches[0][0].dtype == jtorch.float32 and batches[0][1].dtype == jtorch.int64
    assert len(DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)) == 2


def test_shuffle_is_seeded_by_manual_seed():
    ds = TensorDataset(jtorch.arange(16))
    jtorch.manual_seed(0)
    a = [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True)]
    jtorch.manual_seed(0)
    b = [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True)]
    assert a == b and sorted(sum(a, [])) == list(range(16)) and sum(a, []) != list(range(16))
    jtorch.manual_seed(0)
    c = [b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True, num_workers=2)]
    assert c == a  # workers do not change the shuffled order


@pytest.mark.filterwarnings("ignore:'pin_memory' argument")  # torch warns the same on a CPU-only machine
def test_workers_give_the_same_batches_as_main_process():
    ds = Squares()
    main = _flat(DataLoader(ds, batch_size=3))
    dl = DataLoader(ds, batch_size=3, num_workers=2, prefetch_factor=2, pin_memory=True, timeout=60)
    assert _flat(dl) == main
    td = TensorDataset(jtorch.arange(12).reshape(6, 2), jtorch.arange(6))
    assert _flat(DataLoader(td, batch_size=4, num_workers=2)) == _flat(DataLoader(td, batch_size=4))


def test_persistent_workers_and_worker_init_fn():
    seen = []

    def init(worker_id):
        assert get_worker_info().id == worker_id

    dl = DataLoader(Squares(), batch_size=5, num_workers=2, persistent_workers=True, worker_init_fn=init)
    for _ in range(2):
        seen.append(_flat(dl))
    assert seen[0] == seen[1] == _flat(DataLoader(Squares(), batch_size=5))


def test_iterable_dataset_with_workers():
    out = sorted(v for b in DataLoader(Count(10), batch_size=2, num_workers=2) for v in b.tolist())
    assert out == list(range(10))
    assert [b.tolist() for b in DataLoader(Count(5), batch_size=2)] == [[0, 1], [2, 3], [4]]
    assert len(DataLoader(Count(5), batch_size=2, drop_last=True)) == 2
    assert list(ChainDataset([Count(2), Count(3)])) == [0, 1, 0, 1, 2]


def test_worker_errors_are_reraised():
    class Bad(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            raise ValueError("bad item")

    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process"):
        list(DataLoader(Bad(), batch_size=2, num_workers=1))


def test_no_batching_collate_fn_and_samplers():
    ds = Squares()
    items = list(DataLoader(ds, batch_size=None))
    assert len(items) == 10 and items[3]["i"] == 3 and isinstance(items[3]["x"], jtorch.Tensor)
    out = list(DataLoader(ds, batch_size=2, collate_fn=lambda b: [d["i"] for d in b]))
    assert out[:2] == [[0, 1], [2, 3]]
    out = list(DataLoader(ds, batch_sampler=[[9, 0], [5]], collate_fn=lambda b: [d["i"] for d in b]))
    assert out == [[9, 0], [5]]
    sub = Subset(ConcatDataset([ds, ds]), [0, 11, 19])
    assert [d["i"] for d in sub] == [0, 1, 9]


def test_argument_errors_match_torch():
    ds = Squares()
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(ds, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(ValueError, match="persistent_workers option needs num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
    with pytest.raises(ValueError, match="prefetch_factor option could only be specified"):
        DataLoader(ds, prefetch_factor=2)
    with pytest.raises(ValueError, match="expected unspecified shuffle option"):
        DataLoader(Count(3), shuffle=True)


def test_timeout_raises():
    import time

    class Slow(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(2)
            return i

    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.5 seconds"):
        list(DataLoader(Slow(), batch_size=1, num_workers=1, timeout=0.5))


def test_unpicklable_batches_and_local_exceptions_do_not_hang():
    class LocalError(Exception):
        pass

    class Bad(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            if i == 0:
                raise LocalError("local")
            return i

    with pytest.raises(RuntimeError, match="LocalError"):
        list(DataLoader(Bad(), batch_size=1, num_workers=1))
    with pytest.raises(AttributeError, match="while sending a batch"):  # pickle's own error type
        list(DataLoader(Squares(), batch_size=2, num_workers=1, collate_fn=lambda b: (lambda: b)))


class Coin(Dataset):
    """Each item flips a coin with jtorch's generator (as random transforms do)."""

    def __len__(self):
        return 32

    def __getitem__(self, i):
        from jtorch.vision import transforms as T
        return T.RandomApply([T.Lambda(lambda x: x + 1)], p=0.5)(0)


def test_random_draws_in_workers_follow_manual_seed():
    runs = []
    for seed in (0, 0, 1):
        jtorch.manual_seed(seed)
        runs.append([b.tolist() for b in DataLoader(Coin(), batch_size=8, num_workers=2)])
    assert runs[0] == runs[1] and runs[0] != runs[2]
    assert 0 < sum(sum(runs[0], [])) < 32


def _forbid_jax(worker_id):
    import jax
    import jax.numpy as jnp

    def boom(*args, **kwargs):
        raise AssertionError("a DataLoader worker called JAX")
    jnp.asarray = jnp.array = jax.device_put = jax.jit = boom


def test_workers_never_call_jax():
    td = TensorDataset(jtorch.arange(12).float().reshape(6, 2), jtorch.arange(6))
    fast = _flat(DataLoader(td, batch_size=4, num_workers=1, worker_init_fn=_forbid_jax))
    per_item = _flat(DataLoader(td, batch_size=4, num_workers=1, worker_init_fn=_forbid_jax,
                                collate_fn=lambda b: default_collate(b)))
    assert fast == per_item == _flat(DataLoader(td, batch_size=4))
    assert _flat(DataLoader(Squares(), batch_size=3, num_workers=1, worker_init_fn=_forbid_jax)) == \
        _flat(DataLoader(Squares(), batch_size=3))


def test_batches_are_cpu_tensors_on_the_host():
    # torch's loader gives CPU tensors; jtorch keeps the batch in host memory until a program
    # (or .to(device)) needs it, so a batch costs no separate device transfer
    dl = DataLoader(Squares(), batch_size=4)
    b = next(iter(dl))
    assert b["x"].device == jtorch.device("cpu") and b["i"].device == jtorch.device("cpu")
    assert isinstance(b["x"]._lazy.value, np.ndarray)
    w = jtorch.ones(2, requires_grad=True)
    loss = (b["x"] * w).sum()
    loss.backward()
    np.testing.assert_allclose(w.grad.numpy(), [14.0, 14.0])  # 0 + 1 + 4 + 9 in each column


def test_pin_memory_without_accelerator_warns_like_torch():
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        got = [b.tolist() for b in DataLoader(list(range(5)), batch_size=2, pin_memory=True)]
    assert got == [[0, 1], [2, 3], [4]]


_PIN_SCRIPT = """
import numpy as np
from jtorch.utils.data import DataLoader, Dataset

class Logged(Dataset):
    def __init__(self):
        self.calls = []
    def __len__(self):
        return 6
    def __getitem__(self, i):
        self.calls.append(i)
        return {"x": np.float32(i)}, i

ds = Logged()
it = iter(DataLoader(ds, batch_size=2, pin_memory=True, pin_memory_device="cpu:1"))
first = next(it)
print(str(first[0]["x"].device), str(first[1].device), ds.calls)
print([b[0]["x"].tolist() for b in [first] + list(it)])
"""


def test_pin_memory_moves_batches_to_the_device_one_ahead():
    import os
    import subprocess
    import sys
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu")
    r = subprocess.run([sys.executable, "-c", _PIN_SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.strip().splitlines()
    assert lines[0] == "cpu:1 cpu:1 [0, 1, 2, 3]"  # batch 2 was already fetched (and sent) when batch 1 came
    assert lines[1] == "[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]"


def test_worker_batches_are_host_tensors_like_main_process_ones():
    import pickle
    batches = list(DataLoader(Squares(), batch_size=5, num_workers=2))
    assert all(isinstance(b["x"]._lazy.value, np.ndarray) and b["x"].device == jtorch.device("cpu") for b in batches)
    dev = pickle.loads(pickle.dumps(jtorch.arange(3.0)))  # a device tensor still unpickles onto the device
    assert not isinstance(dev._lazy.value, np.ndarray) and dev.tolist() == [0.0, 1.0, 2.0]
