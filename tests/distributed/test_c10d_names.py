"""torch.distributed's stores, record classes and one-process collectives, compared with real torch."""
import datetime
import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

import jtorch
import jtorch.distributed as jdist
from tests.distributed._ranks import results_in

torch = pytest.importorskip("torch")
tdist = pytest.importorskip("torch.distributed")
if not tdist.is_available():
    pytest.skip("this torch build has no torch.distributed", allow_module_level=True)


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:  # the error type and message are part of the parity
        return type(e).__name__, str(e)


def _store_script(store):
    store.set_timeout(datetime.timedelta(seconds=0.05))
    store.set("a", "x")
    store.set("b", b"y")
    out = [store.get("a"), store.add("n", 3), store.add("n", 2), store.get("n"), store.num_keys()]
    out += [store.compare_set("a", "x", "z"), store.compare_set("a", "q", "w"), store.compare_set("new", "", "v"),
            store.compare_set("absent", "x", "v"), store.get("a")]
    out += [store.delete_key("a"), store.delete_key("a"), store.check(["b"]), store.check(["a"]), store.num_keys()]
    store.append("b", "zz")
    store.multi_set(["m1", "m2"], ["1", b"2"])
    out += [store.get("b"), store.multi_get(["m1", "m2", "n"])]
    out += [_outcome(lambda: store.get("missing")), _outcome(lambda: store.add("b", 1))]
    out.append(_outcome(lambda: store.wait(["missing"], datetime.timedelta(seconds=0.05))))
    return out


def test_hash_store_matches_torch():
    assert _store_script(jdist.HashStore()) == _store_script(tdist.HashStore())
    assert issubclass(jdist.DistStoreError, jdist.DistError)


def test_file_store_matches_torch_and_is_shared(tmp_path):
    theirs = _store_script(tdist.FileStore(str(tmp_path / "t"), 1))
    ours = _store_script(jdist.FileStore(str(tmp_path / "j"), 1))
    keep = [i for i in range(17) if i not in (4, 14)]  # num_keys left out: torch's FileStore counts its own keys
    assert [ours[i] for i in keep] == [theirs[i] for i in keep]
    # the errors: torch raises plain RuntimeErrors, jtorch its subclass DistStoreError, with torch's text
    assert [m for _, m in ours[17:]] == [m for _, m in theirs[17:]]
    assert [k for k, _ in ours[17:]] == ["DistStoreError", "ValueError", "DistStoreError"]
    assert [k for k, _ in theirs[17:]] == ["RuntimeError", "ValueError", "RuntimeError"]
    other = jdist.FileStore(str(tmp_path / "j"), 1)  # a second process opening the same file sees the values
    assert other.get("m1") == b"1" and other.add("n", 1) == 6


def test_prefix_store_matches_torch():
    results = []
    for dist in (jdist, tdist):
        base = dist.HashStore()
        p = dist.PrefixStore("pre", base)
        p.set("k", "v")
        results.append((base.get("pre/k"), p.get("k"), p.add("c", 2), base.get("pre/c"), p.num_keys(),
                        p.underlying_store is base, p.check(["k"]), p.delete_key("k"), base.check(["pre/k"])))
    assert results[0] == results[1]


def test_tcp_store_needs_jax_distributed():
    with pytest.raises(RuntimeError, match="jax.distributed"):
        jdist.TCPStore("127.0.0.1", 29999, 1, True)


@pytest.mark.parametrize("name", ["AllreduceOptions", "AllreduceCoalescedOptions", "ReduceOptions",
                                  "ReduceScatterOptions", "BroadcastOptions", "GatherOptions", "ScatterOptions",
                                  "AllToAllOptions", "BarrierOptions"])
def test_option_records_match_torch(name):
    ours, theirs = getattr(jdist, name)(), getattr(tdist, name)()
    fields = [f for f in dir(theirs) if not f.startswith("_")]
    for f in fields:
        if f == "reduceOp":
            assert getattr(ours, f) is jdist.ReduceOp.SUM and theirs.reduceOp == tdist.ReduceOp.SUM
        else:
            assert getattr(ours, f) == getattr(theirs, f), f


def test_debug_level_and_probes_match_torch():
    assert list(jdist.DebugLevel.__members__) == list(tdist.DebugLevel.__members__)
    assert jdist.get_debug_level().name == tdist.get_debug_level().name
    for op in ("SUM", "MAX", "MIN", "PRODUCT", "AVG", "BAND"):
        assert jdist.supports_complex(getattr(jdist.ReduceOp, op)) == tdist.supports_complex(getattr(tdist.ReduceOp, op))
    for dev in ("cpu", "cuda", "meta"):
        assert _outcome(lambda: jdist.get_default_backend_for_device(dev)) == \
            _outcome(lambda: tdist.get_default_backend_for_device(dev))
    assert jdist.is_backend_available("gloo") and not jdist.is_backend_available("nccl")
    env = os.environ.pop("LOCAL_RANK", None)
    try:
        assert _outcome(jdist.get_node_local_rank) == _outcome(tdist.get_node_local_rank)
        assert jdist.get_node_local_rank(fallback_rank=2) == tdist.get_node_local_rank(fallback_rank=2) == 2
    finally:
        if env is not None:
            os.environ["LOCAL_RANK"] = env


@pytest.fixture(scope="module")
def one_process():
    tdist.init_process_group("gloo", store=tdist.HashStore(), rank=0, world_size=1)
    jdist.init_process_group("gloo", world_size=1, rank=0)
    yield
    jdist.destroy_process_group()
    tdist.destroy_process_group()


def _both(fn):
    """fn(dist, torch module) in jtorch and in torch; tensors come back as lists."""
    def plain(v):
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        return v.tolist() if hasattr(v, "tolist") else v
    return plain(_outcome(lambda: fn(jdist, jtorch))), plain(_outcome(lambda: fn(tdist, torch)))


def test_one_process_collectives_match_torch(one_process):
    def coalesced(dist, t):
        xs = [t.tensor([1.0, 2.0]), t.tensor([3])]
        dist.all_reduce_coalesced(xs[:1], op=dist.ReduceOp.SUM)
        outs = [[t.zeros(2), t.zeros(1)]]
        dist.all_gather_coalesced(outs, [xs[0], t.tensor([3.0])])
        a2a = [t.zeros(3)]
        dist.all_to_all(a2a, [t.tensor([4.0, 5.0, 6.0])])
        single = t.zeros(2)
        dist.all_to_all_single(single, t.tensor([7.0, 8.0]))
        return xs, outs, a2a, single

    ours, theirs = _both(coalesced)
    assert ours == theirs
    with pytest.warns(FutureWarning, match="all_reduce_coalesced` will be deprecated"):
        jdist.all_reduce_coalesced([jtorch.ones(1)])
    with pytest.warns(FutureWarning, match="reduce_op` is deprecated"):
        assert jdist.reduce_op.SUM is jdist.ReduceOp.SUM


def test_one_process_objects_and_ranks_match_torch(one_process):
    def objects(dist, t):
        gathered = [None]
        dist.gather_object({"a": 1}, gathered, dst=0)
        scattered = [None]
        dist.scatter_object_list(scattered, [{"b": 2}], src=0)
        world = dist.group.WORLD
        return (gathered, scattered, dist.get_global_rank(world, 0), dist.get_group_rank(world, 0),
                dist.get_pg_count(), isinstance(world, dist.ProcessGroup))

    ours, theirs = _both(objects)
    assert ours == theirs


def test_one_process_errors_match_torch(one_process):
    for fn in (lambda d, t: d.send(t.ones(1), 0), lambda d, t: d.all_reduce_coalesced([t.ones(1), t.ones(1).long()]),
               lambda d, t: d.broadcast(t.ones(1)), lambda d, t: d.P2POp(print, t.ones(1), 0),
               lambda d, t: d.new_subgroups()):
        ours, theirs = _both(fn)
        assert ours == theirs


def test_point_to_point_with_another_rank_is_refused(one_process):
    with pytest.raises(NotImplementedError, match="send"):
        jdist.send(jtorch.ones(1), 1)
    with pytest.raises(NotImplementedError, match="irecv"):
        jdist.batch_isend_irecv([jdist.P2POp(jdist.irecv, jtorch.ones(1), 1)])


def test_submodules_import():
    for name in ("rpc", "algorithms", "autograd", "nn", "rendezvous", "constants", "logging_handlers", "utils",
                 "c10d_logger", "remote_device", "config"):
        assert getattr(jdist, name).__name__ == f"jtorch.distributed.{name}"
    assert jdist.constants.default_pg_timeout == tdist.constants.default_pg_timeout
    for text in ("worker0/cuda:0", "rank:1/cpu"):
        ours, theirs = jdist.remote_device._remote_device(text), tdist.remote_device._remote_device(text)
        assert (ours.worker_name(), ours.rank(), str(ours.device()), str(ours)) == \
            (theirs.worker_name(), theirs.rank(), str(theirs.device()), str(theirs))


TWO_RANKS = textwrap.dedent("""
    import datetime, json
    import torch
    import torch.distributed as dist

    device = torch.device("cpu")
    dist.init_process_group()
    r = dist.get_rank()
    out = {"rank": r}
    outs = [torch.zeros(2), torch.zeros(2)]
    dist.all_to_all(outs, [torch.tensor([10.0 * r, 1.0]), torch.tensor([10.0 * r, 2.0])])
    out["all_to_all"] = [o.tolist() for o in outs]
    xs = [torch.tensor([1.0 + r]), torch.tensor([2.0 * r])]
    dist.all_reduce_coalesced(xs)
    out["coalesced"] = [x.tolist() for x in xs]
    gathered = [None, None] if r == 1 else None
    dist.gather_object({"from": r}, gathered, dst=1)
    out["gather_object"] = gathered
    got = [None]
    dist.scatter_object_list(got, [{"to": 0}, {"to": 1}] if r == 0 else None, src=0)
    out["scatter_object"] = got[0]
    store = dist.TCPStore("127.0.0.1", 0, 2, r == 0, timeout=datetime.timedelta(seconds=30))
    store.set(f"k{r}", f"v{r}")
    out["tcp_get"] = store.get(f"k{1 - r}").decode()
    out["tcp_check"] = store.check(["k0", "k1"])
    dist.barrier()
    print("RESULT " + json.dumps(out), flush=True)
    dist.destroy_process_group()
""")


def test_two_processes_new_collectives_and_tcp_store(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script = tmp_path / "two.py"
    script.write_text(TWO_RANKS)
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=1", JAX_PLATFORMS="cpu")
    res = subprocess.run([sys.executable, "-m", "jtorch.distributed.run", "--nproc-per-node", "2", "--master-port",
                          str(port), str(script)], capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-4000:]
    out = {o["rank"]: o for o in results_in(res.stdout)}
    assert sorted(out) == [0, 1], res.stdout
    for r in (0, 1):  # rank r receives piece r of every rank: [10 * k, r + 1] from rank k
        assert out[r]["all_to_all"] == [[0.0, r + 1.0], [10.0, r + 1.0]]
        assert out[r]["coalesced"] == [[3.0], [2.0]]
        assert out[r]["scatter_object"] == {"to": r}
        assert out[r]["tcp_get"] == f"v{1 - r}" and out[r]["tcp_check"] is True
    assert out[1]["gather_object"] == [{"from": 0}, {"from": 1}] and out[0]["gather_object"] is None
