"""DataParallel / DistributedDataParallel over 8 jax CPU devices, torch.distributed, DistributedSampler."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import jtorch
import jtorch.distributed as dist
from jtorch.utils.data.distributed import DistributedSampler

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

_SCRIPT = textwrap.dedent("""
    import json
    import jax
    import numpy as np
    import jtorch as torch
    import jtorch.distributed as dist
    import jtorch.nn as nn
    import jtorch.optim as optim
    from jtorch._engine import program
    from jtorch.nn.parallel import DataParallel, DistributedDataParallel

    calls = []
    _executable = program.executable

    def spy(prog, donate=()):
        fn, new = _executable(prog, donate)
        def call(*args):
            calls.append((fn, args))
            return fn(*args)
        return call, new
    program.executable = spy

    def train(wrap, batch=16, place_target=False, steps=3, pending_input=False):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3))
        if wrap:
            model = wrap(model)
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        rs = np.random.RandomState(0)
        for _ in range(steps):
            x = torch.tensor(rs.randn(batch, 4).astype(np.float32))
            y = torch.tensor(rs.randint(0, 3, batch))
            if pending_input:  # a pending batch is split by a sharding constraint inside the step
                x = x * 1.0
            if place_target:  # committed to device 0, as `y.to('cuda:0')` is under torch's DataParallel
                y = y.to(torch.device("cpu", 0))
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        return model, loss.item()

    def diff(a, b):
        sa, sb = a.state_dict(), b.state_dict()
        return max(float(np.abs(v.numpy() - sb["module." + k].numpy()).max()) for k, v in sa.items())

    def step_has_all_reduce():
        fn, args = calls[-1]
        return "all-reduce" in fn.lower(*args).compile().as_text()

    out = {"devices": len(jax.devices())}
    ref, ref_loss = train(None)
    calls.clear()
    dp, dp_loss = train(DataParallel)
    out["dp_all_reduce"] = step_has_all_reduce()
    out["dp_diff"] = diff(ref, dp)
    out["dp_loss_diff"] = abs(dp_loss - ref_loss)
    out["dp_keys"] = list(dp.state_dict())[:2]
    out["dp_sharding"] = list(dp.module[0].weight._lazy.value.sharding.spec)
    out["dp_device_ids"] = dp.device_ids
    import copy
    dp_copy = copy.deepcopy(dp)  # the copy drops the mesh and runs on one device
    xc = torch.ones(16, 4)
    out["dp_copy_diff"] = float((dp_copy(xc) - dp(xc)).abs().max().item())
    out["dp_copy_mesh"] = dp_copy._mesh is None
    dp_t, _ = train(DataParallel, place_target=True)
    out["dp_target_diff"] = diff(ref, dp_t)
    ref12, _ = train(None, batch=12, steps=1)
    dp12, _ = train(DataParallel, batch=12, steps=1)  # 12 rows do not split over 8 devices: runs replicated
    out["dp_uneven_diff"] = diff(ref12, dp12)
    try:
        DistributedDataParallel(nn.Linear(2, 2))
    except ValueError as e:
        out["ddp_uninit"] = str(e)
    dist.init_process_group("gloo")
    out["world"] = [dist.get_rank(), dist.get_world_size(), dist.is_initialized()]
    calls.clear()
    ddp, _ = train(DistributedDataParallel, pending_input=True)
    out["ddp_all_reduce"] = step_has_all_reduce()
    out["ddp_diff"] = diff(ref, ddp)
    dist.destroy_process_group()
    print("RESULT" + json.dumps(out))
""")


@pytest.fixture(scope="module")
def multi_device_result():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    r = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-4000:]
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT"):])


def test_data_parallel_matches_single_device_and_all_reduces(multi_device_result):
    res = multi_device_result
    assert res["devices"] == 8 and res["dp_device_ids"] == list(range(8))
    assert res["dp_all_reduce"], "the compiled step has no all-reduce"
    assert res["dp_diff"] < 1e-5 and res["dp_loss_diff"] < 1e-5
    assert res["dp_sharding"] == []  # parameters replicated
    assert res["dp_keys"] == ["module.0.weight", "module.0.bias"]
    assert res["dp_target_diff"] < 1e-5
    assert res["dp_uneven_diff"] < 1e-5
    assert res["dp_copy_mesh"] and res["dp_copy_diff"] < 1e-6


def test_distributed_data_parallel_matches_single_device(multi_device_result):
    res = multi_device_result
    assert res["ddp_uninit"] == ("Default process group has not been initialized, please make sure to call "
                                 "init_process_group.")
    assert res["world"] == [0, 1, True]
    assert res["ddp_all_reduce"]
    assert res["ddp_diff"] < 1e-5


def test_process_group_single_process_semantics():
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        dist.get_rank()
    dist.init_process_group("gloo", init_method="tcp://127.0.0.1:29533", rank=0, world_size=1)
    try:
        with pytest.raises(ValueError, match="trying to initialize the default process group twice!"):
            dist.init_process_group("gloo")
        assert (dist.get_rank(), dist.get_world_size(), dist.get_backend()) == (0, 1, "gloo")
        assert repr(dist.ReduceOp.SUM) == repr(torch.distributed.ReduceOp.SUM)
        t = jtorch.tensor([1.0, 2.0, 3.0])
        for op in (dist.ReduceOp.SUM, dist.ReduceOp.AVG, dist.ReduceOp.MAX, dist.ReduceOp.MIN):
            assert dist.all_reduce(t, op=op) is None
        dist.broadcast(t, src=0)
        dist.barrier()
        assert t.tolist() == [1.0, 2.0, 3.0]
        out = [jtorch.zeros(3)]
        assert dist.all_gather(out, t, async_op=True).wait()
        assert out[0].tolist() == [1.0, 2.0, 3.0]
    finally:
        dist.destroy_process_group()
    assert not dist.is_initialized()


@pytest.mark.parametrize("n,replicas,drop_last", [(10, 3, False), (10, 3, True), (2, 4, False), (12, 4, False)])
def test_distributed_sampler_split_equals_torch_without_shuffle(n, replicas, drop_last):
    from torch.utils.data.distributed import DistributedSampler as TorchSampler
    for rank in range(replicas):
        ours = DistributedSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        ref = TorchSampler(range(n), num_replicas=replicas, rank=rank, shuffle=False, drop_last=drop_last)
        assert list(ours) == list(ref) and len(ours) == len(ref)


def test_distributed_sampler_shuffle_partitions_per_epoch():
    def split(epoch, seed=0):
        parts = []
        for rank in range(4):
            s = DistributedSampler(range(20), num_replicas=4, rank=rank, seed=seed)
            s.set_epoch(epoch)
            parts.append(list(s))
        return parts
    e0 = split(0)
    assert sorted(i for p in e0 for i in p) == list(range(20))  # a partition of the dataset
    assert split(0) == e0  # deterministic per (seed, epoch)
    assert split(1) != e0 and split(0, seed=1) != e0
    assert e0 != [list(range(r, 20, 4)) for r in range(4)]  # actually shuffled
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(4), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(4))
