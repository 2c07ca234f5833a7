"""torch namespaces libraries import (pytree, distributed.tensor, library, compiler, flex attention, fx, hub,
new dtypes, ...): each behaves as torch's does, checked against real torch where torch can run it here."""
import collections
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the specification is real torch")
import jtorch  # noqa: E402

NT = collections.namedtuple("NT", "x y")
TREES = [{"a": [1, (2, 3)], "b": None}, [NT(1, [2]), collections.OrderedDict(z=3)], (), 5,
         collections.deque([1, 2], maxlen=3)]


@pytest.mark.parametrize("tree", TREES, ids=range(len(TREES)))
def test_pytree_matches_torch(tree):
    import torch.utils._pytree as tp

    import jtorch.utils._pytree as jp
    tl, ts = tp.tree_flatten(tree)
    jl, js = jp.tree_flatten(tree)
    assert jl == tl and repr(js) == repr(ts) and jp.treespec_pprint(js) == tp.treespec_pprint(ts)
    assert jp.tree_unflatten(jl, js) == tree
    assert str(jp.tree_flatten_with_path(tree)[0]) == str(tp.tree_flatten_with_path(tree)[0])
    if not any(isinstance(x, NT) for x in (tree if isinstance(tree, list) else [tree])):
        assert jp.treespec_dumps(js) == tp.treespec_dumps(ts)
        assert jp.treespec_loads(jp.treespec_dumps(js)) == js


def test_pytree_registered_node_and_map():
    import jtorch.utils._pytree as jp

    class Box:
        def __init__(self, a, b):
            self.a, self.b = a, b

    jp.register_pytree_node(Box, lambda x: ([x.a, x.b], None), lambda v, c: Box(*v),
                            serialized_type_name="test.Box")
    out = jp.tree_map(lambda v: v * 10, {"k": Box(1, [2])})
    assert (out["k"].a, out["k"].b) == (10, [20])
    assert jp.tree_map_only(int, str, [1.0, 2]) == [1.0, "2"]
    with pytest.raises(ValueError, match="already registered"):
        jp.register_pytree_node(Box, lambda x: ([], None), lambda v, c: Box(0, 0))
    assert jp.tree_leaves(jtorch.Size([2, 3])) == [2, 3]


def test_shard_arithmetic_matches_torch():
    from torch.distributed.tensor.placement_types import Shard as TShard

    from jtorch.distributed.tensor import Partial, Replicate, Shard
    for size, n in [(10, 3), (7, 4), (2, 4), (0, 2), (5, 1)]:
        assert [Shard.local_shard_size_and_offset(size, n, r) for r in range(n)] == \
            [TShard.local_shard_size_and_offset(size, n, r) for r in range(n)]
    assert (repr(Shard(1)), str(Shard(1)), repr(Replicate()), repr(Partial())) == \
        ("Shard(dim=1)", "S(1)", "Replicate()", "Partial(sum)")
    assert Shard(0) == Shard(0) != Shard(1) and len({Shard(0), Shard(0), Replicate()}) == 2


def test_device_mesh_and_local_shapes():
    from jtorch.distributed.device_mesh import DeviceMesh, init_device_mesh
    from jtorch.distributed.tensor import Replicate, Shard
    from jtorch.distributed.tensor._utils import compute_local_shape_and_global_offset
    mesh = DeviceMesh("cpu", [[0, 1], [2, 3]], mesh_dim_names=("dp", "tp"), _rank=3)
    assert mesh.shape == (2, 2) and mesh.get_coordinate() == [1, 1] and mesh["tp"].mesh.tolist() == [2, 3]
    assert compute_local_shape_and_global_offset((10, 6), mesh, [Shard(0), Replicate()]) == ((5, 6), (5, 0))
    assert compute_local_shape_and_global_offset((10, 6), mesh, [Shard(0), Shard(1)]) == ((5, 3), (5, 3))
    with pytest.raises(RuntimeError, match="holds 4 ranks"):
        init_device_mesh("cpu", (2, 2))


def test_dtensor_and_fsdp_raise_naming_the_reason():
    from jtorch.distributed import fsdp, tensor
    assert not isinstance(jtorch.zeros(2), tensor.DTensor)
    # one host device: a mesh of 2 names ranks the world lacks; DTensors over a rank mesh are not implemented
    with pytest.raises(RuntimeError, match="holds 2 ranks"):
        tensor.init_device_mesh("cpu", (2,))
    with pytest.raises(NotImplementedError, match="across processes is not implemented"):
        tensor.distribute_tensor(jtorch.zeros(2), tensor.DeviceMesh("cpu", [0, 1]), [tensor.Shard(0)])
    with pytest.raises(NotImplementedError, match="no Partial placement"):
        tensor.distribute_tensor(jtorch.zeros(2), tensor.init_device_mesh("cpu", (1,)), [tensor.Partial()])
    with pytest.raises(ValueError, match="init_process_group"):  # FSDP shards within a process (test_fsdp.py)
        fsdp.fully_shard(jtorch.nn.Linear(2, 2))
    assert fsdp.MixedPrecisionPolicy().cast_forward_inputs is True


@pytest.mark.parametrize("name", ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
                                  "float8_e8m0fnu", "uint16", "uint32", "uint64"])
def test_new_dtypes_match_torch(name):
    t, j = getattr(torch, name), getattr(jtorch, name)
    assert (j.is_floating_point, j.is_signed, j.itemsize, repr(j)) == (t.is_floating_point, t.is_signed,
                                                                        t.itemsize, repr(t))
    info, jinfo = (torch.finfo, jtorch.finfo) if t.is_floating_point else (torch.iinfo, jtorch.iinfo)
    a, b = info(t), jinfo(j)
    fields = ["bits", "max", "min"] + (["eps", "tiny", "resolution"] if t.is_floating_point else [])
    assert [getattr(b, f) for f in fields] == [getattr(a, f) for f in fields]
    if t.is_floating_point and name != "float8_e8m0fnu":
        x = [0.5, -1.75, 3.0, 100.0]
        got = jtorch.tensor(x).to(j).to(jtorch.float32).tolist()
        assert got == torch.tensor(x).to(t).to(torch.float32).tolist()


@pytest.mark.parametrize("to", ["uint8", "int32", "float16", "int64", "bool"])
def test_view_dtype_matches_torch(to):
    x = np.arange(8, dtype=np.float32).reshape(2, 4) - 3.5
    got = jtorch.tensor(x).view(getattr(jtorch, to))
    want = torch.tensor(x).view(getattr(torch, to))
    assert tuple(got.shape) == tuple(want.shape) and np.array_equal(got.numpy(), want.numpy())
    assert np.array_equal(jtorch.tensor(x).view(dtype=jtorch.int32).numpy(), torch.tensor(x).view(torch.int32))
    with pytest.raises(RuntimeError, match="divisible"):
        jtorch.zeros(2, 3, dtype=jtorch.uint8).view(jtorch.int32)


def test_untyped_storage_reads_a_file(tmp_path):
    path = tmp_path / "b.bin"
    data = np.arange(6, dtype=np.float32)
    path.write_bytes(b"\x00" * 4 + data.tobytes())
    s = jtorch.UntypedStorage.from_file(str(path), shared=False, nbytes=28)
    t = jtorch.asarray(s[4:28], dtype=jtorch.uint8).view(jtorch.float32)
    assert s.nbytes() == 28 and t.tolist() == data.tolist()


@pytest.mark.filterwarnings("ignore:flex_attention called without torch.compile")
def test_flex_attention_matches_torch():
    from torch.nn.attention.flex_attention import create_block_mask as tc, flex_attention as tf

    from jtorch.nn.attention.flex_attention import create_block_mask as jc, flex_attention as jf
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal(s).astype(np.float32) for s in [(2, 4, 8, 16), (2, 2, 8, 16), (2, 2, 8, 16)])

    def causal(b, h, qi, ki):
        return qi >= ki

    def score(s, b, h, qi, ki):
        return s + (qi - ki).to(s.dtype) * 0.1

    want = tf(*map(torch.tensor, (q, k, v)), score_mod=score, block_mask=tc(causal, None, None, 8, 8, device="cpu"),
              enable_gqa=True)
    jbm = jc(causal, None, None, 8, 8)
    got = jf(*map(jtorch.tensor, (q, k, v)), score_mod=score, block_mask=jbm, enable_gqa=True)
    np.testing.assert_allclose(got.numpy(), want.numpy(), atol=2e-6)
    assert jbm.shape == (1, 1, 8, 8)
    with pytest.raises(ValueError, match="enable_gqa=True"):
        jf(*map(jtorch.tensor, (q, k, v)))


def test_custom_op_with_autograd_matches_torch():
    def define(mod, ns):
        @mod.library.custom_op(f"{ns}::cube", mutates_args=())
        def cube(x: mod.Tensor) -> mod.Tensor:
            return x * x * x

        def setup(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x + 1  # deliberately not the true derivative: the rule must be the one used

        cube.register_autograd(backward, setup_context=setup)
        return cube
    tcube, jcube = define(torch, "jt_test_t"), define(jtorch, "jt_test_j")
    xt = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    xj = jtorch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    tcube(xt).sum().backward()
    jtorch.ops.jt_test_j.cube(xj).sum().backward()
    assert xj.grad.tolist() == xt.grad.tolist()


def test_compiler_probes():
    assert jtorch.compiler.is_compiling() is False
    seen = []

    @jtorch.compile
    def f(x):
        seen.append(jtorch.compiler.is_compiling())
        return x * 2

    f(jtorch.ones(2))  # the first call runs lazily (it finds the state), the second is traced by jax
    f(jtorch.ones(2))
    assert seen == [False, True]
    assert jtorch._dynamo.disable(f) is f and jtorch.compiler.disable()(f) is f


def test_feature_probes_answer_what_works():
    import jax
    has_gpu = any(d.platform == "gpu" for d in jax.devices())
    assert jtorch.cuda.is_available() is has_gpu
    assert (jtorch.version.cuda is not None) is has_gpu
    assert jtorch.distributed.is_available() is True  # jtorch's process groups run on jax.distributed
    assert jtorch.__version__.startswith("2.13.0") and jtorch.version.__version__ == jtorch.__version__


def test_fx_graph_runs_and_traces():
    import operator
    g = jtorch.fx.Graph()
    x = g.placeholder("x")
    y = g.call_function(operator.mul, (x, 3))
    z = g.call_method("relu", (y,))
    g.output(z)
    gm = jtorch.fx.GraphModule(jtorch.nn.Module(), g)
    assert gm(jtorch.tensor([-1.0, 2.0])).tolist() == [0.0, 6.0]
    assert [n.op for n in g.nodes] == ["placeholder", "call_function", "call_method", "output"]
    traced = jtorch.fx.symbolic_trace(jtorch.nn.Sequential(jtorch.nn.Linear(2, 2)))
    assert [n.op for n in traced.graph.nodes] == ["placeholder", "call_module", "output"]


def test_hub_dir_follows_torch_home(monkeypatch, tmp_path):
    import torch.hub
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert jtorch.hub.get_dir() == torch.hub.get_dir() == os.path.join(str(tmp_path), "hub")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "hubconf.py").write_text("def tiny(n=2):\n    return n * 3\n")
    assert jtorch.hub.load(str(tmp_path / "repo"), "tiny", 5, source="local") == 15


def test_multi_grad_hook_matches_torch():
    def run(lib):
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0], requires_grad=True)
        got = []
        lib.autograd.graph.register_multi_grad_hook((a, b), lambda gs: got.append([g.tolist() for g in gs]))
        ((a * 2).sum() + (b * b).sum()).backward()
        return got
    assert run(jtorch) == run(torch)


def test_generic_data_classes():
    from typing import List
    class MySampler(jtorch.utils.data.Sampler[List[int]]):
        def __iter__(self):
            return iter([[0, 1]])

    class MyData(jtorch.utils.data.Dataset[int]):
        def __getitem__(self, i):
            return i

    assert list(MySampler()) == [[0, 1]] and isinstance(MySampler(), jtorch.utils.data.Sampler)
    assert MyData()[3] == 3 and isinstance(MyData(), jtorch.utils.data.Dataset)


def test_accelerator_answers_as_torch_does_here():
    import jax
    has = jax.default_backend() in ("gpu", "tpu")
    assert jtorch.accelerator.is_available() is has
    assert (jtorch.accelerator.current_accelerator() is None) is (not has)
    if not torch.accelerator.is_available() and not has:
        for name in ("memory_allocated", "current_device_index", "synchronize", "empty_cache"):
            with pytest.raises(RuntimeError, match="none is available") as theirs:
                getattr(torch.accelerator, name)()
            with pytest.raises(RuntimeError) as ours:
                getattr(jtorch.accelerator, name)()
            assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("kw", [dict(wait=1, warmup=1, active=2, repeat=2, skip_first=1),
                                dict(wait=2, warmup=1, active=1, skip_first_wait=1), dict(wait=0, warmup=0, active=3)])
def test_profiler_schedule_matches_torch(kw):
    t, j = torch.profiler.schedule(**kw), jtorch.profiler.schedule(**kw)
    assert [j(i).name for i in range(14)] == [t(i).name for i in range(14)]


def test_profile_writes_a_trace(tmp_path):
    with jtorch.profiler.profile(on_trace_ready=jtorch.profiler.tensorboard_trace_handler(str(tmp_path))) as prof:
        with jtorch.profiler.record_function("forward"):
            assert (jtorch.ones(3) * 2).sum().item() == 6.0
    files = [f for _, _, fs in os.walk(tmp_path) for f in fs]
    assert any(f.endswith(".trace.json.gz") for f in files)
    with pytest.raises(NotImplementedError, match="key_averages"):
        prof.key_averages()


def test_backend_switches_are_recorded_like_torch():
    assert jtorch.backends.cuda.flash_sdp_enabled() is torch.backends.cuda.flash_sdp_enabled()
    jtorch.backends.cuda.enable_flash_sdp(False)
    try:
        assert jtorch.backends.cuda.flash_sdp_enabled() is False
    finally:
        jtorch.backends.cuda.enable_flash_sdp(True)
    with jtorch.backends.cudnn.flags(enabled=False, deterministic=True):
        assert (jtorch.backends.cudnn.enabled, jtorch.backends.cudnn.deterministic) == (False, True)
    assert (jtorch.backends.cudnn.enabled, jtorch.backends.cudnn.deterministic) == (True, False)
    with jtorch.nn.attention.sdpa_kernel([jtorch.nn.attention.SDPBackend.MATH]):
        pass
    with pytest.raises(AssertionError):
        with jtorch.nn.attention.sdpa_kernel(["math"]):
            pass


@pytest.mark.parametrize("fn", ["conj_physical", "real", "imag", "angle", "resolve_conj", "resolve_neg"])
def test_complex_parts_match_torch(fn):
    for a in (np.array([1 + 2j, -3 - 0.5j], dtype=np.complex64), np.array([-1.0, 0.0, 2.0, np.nan], np.float32)):
        try:
            want = getattr(torch, fn)(torch.tensor(a)).numpy()
        except RuntimeError as e:
            with pytest.raises(RuntimeError, match=str(e)):
                getattr(jtorch, fn)(jtorch.tensor(a))
            continue
        got = getattr(jtorch, fn)(jtorch.tensor(a)).numpy()
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-6, equal_nan=True)
    assert jtorch.is_conj(jtorch.tensor([1j])) is False


def test_default_device_and_device_context():
    assert jtorch.get_default_device() == jtorch.zeros(1).device
    with jtorch.device("cpu"):
        assert jtorch.get_default_device() == jtorch.device("cpu") and jtorch.zeros(1).device.type == "cpu"
    with jtorch.device("meta"):
        assert jtorch.get_default_device().type == "meta" and jtorch.zeros(1).is_meta
    assert not jtorch.zeros(1).is_meta


def test_init_names_match_torch():
    assert (jtorch.pi, jtorch.e, jtorch.inf, jtorch.newaxis) == (torch.pi, torch.e, torch.inf, torch.newaxis)
    assert issubclass(jtorch.OutOfMemoryError, RuntimeError) and not isinstance(3, jtorch.SymInt)
    buf = bytearray(np.arange(5, dtype=np.int32).tobytes())
    for kw in (dict(dtype=jtorch.int32), dict(dtype=jtorch.int32, count=2, offset=4), dict(dtype=jtorch.uint8)):
        tkw = dict(kw, dtype=getattr(torch, repr(kw["dtype"]).split(".")[1]))
        assert jtorch.frombuffer(buf, **kw).tolist() == torch.frombuffer(buf, **tkw).tolist()
    for vals in ([1], [0], [1, 2], []):
        try:
            want = torch.is_nonzero(torch.tensor(vals))
        except RuntimeError as err:
            with pytest.raises(RuntimeError, match=str(err)):
                jtorch.is_nonzero(jtorch.tensor(vals))
        else:
            assert jtorch.is_nonzero(jtorch.tensor(vals)) == want
    assert jtorch.is_signed(jtorch.zeros(1, dtype=jtorch.uint8)) is False
    assert jtorch.get_device_module("cpu") is jtorch.cpu
