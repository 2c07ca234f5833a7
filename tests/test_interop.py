"""jtorch.interop (modules as pure JAX functions, JAX functions as ops) and optim.Optax."""
import copy
import re
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import jtorch as torch
from jtorch import interop, nn

# one training helper drives several optimizers: its call site compiles one program per optimizer, on purpose
pytestmark = pytest.mark.filterwarnings("ignore:jtorch.*different programs:RuntimeWarning")


def _mlp(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))


def _data():
    torch.manual_seed(1)
    return torch.randn(6, 3), torch.randn(6, 2)


def _params(m):
    return [p.detach().numpy().copy() for p in m.parameters()]


# -- functional / load_params -----------------------------------------------------------------

def test_functional_names_values_and_forward():
    m = _mlp()
    params, buffers, apply = interop.functional(m)
    assert list(params) == [k for k, _ in m.named_parameters()] and buffers == {}
    assert params["0.weight"].unsafe_buffer_pointer() == m[0].weight.__jax_array__().unsafe_buffer_pointer()
    x, _ = _data()
    np.testing.assert_allclose(apply(params, buffers, jnp.asarray(x)), m(x).detach().numpy(), rtol=1e-6)
    with pytest.raises(KeyError, match="0.bias"):
        apply({k: v for k, v in params.items() if k != "0.bias"}, buffers, x)


def test_functional_trains_under_jit_grad_optax_like_jtorch():
    x, y = _data()
    ours = _mlp()
    opt = torch.optim.Adam(ours.parameters(), lr=0.05)
    theirs = _mlp()
    params, buffers, apply = interop.functional(theirs)
    tx = optax.adam(0.05)
    state = tx.init(params)

    @jax.jit
    def step(params, state, x, y):
        loss = lambda p: jnp.mean((apply(p, buffers, x) - y) ** 2)  # noqa: E731
        g = jax.grad(loss)(params)
        u, state = tx.update(g, state, params)
        return optax.apply_updates(params, u), state

    for _ in range(3):
        opt.zero_grad()
        ((ours(x) - y) ** 2).mean().backward()
        opt.step()
        params, state = step(params, state, jnp.asarray(x), jnp.asarray(y))
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(params[name], p.detach().numpy(), rtol=1e-5, atol=1e-6)
    interop.load_params(theirs, params)
    np.testing.assert_allclose(theirs(x).detach().numpy(), ours(x).detach().numpy(), rtol=1e-5, atol=1e-6)
    assert theirs[0].weight.requires_grad and theirs[0].weight.is_leaf


def test_load_params_checks():
    m = _mlp()
    params, _, _ = interop.functional(m)
    with pytest.raises(RuntimeError, match=r"missing keys \['2.bias'\]"):
        interop.load_params(m, {k: v for k, v in params.items() if k != "2.bias"})
    with pytest.raises(RuntimeError, match="size mismatch for 0.bias"):
        interop.load_params(m, {**params, "0.bias": jnp.zeros(5)})


def test_functional_buffers_key_and_vmap():
    torch.manual_seed(0)
    bn = nn.BatchNorm1d(3)
    x = jnp.arange(15.0, dtype=jnp.float32).reshape(5, 3)
    params, buffers, apply = interop.functional(bn, return_buffers=True)
    out, new = jax.jit(apply)(params, buffers, x)
    assert float(bn.running_mean.sum()) == 0.0  # the module is left as it was
    ref = bn(torch.as_tensor(x))
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(new["running_mean"], bn.running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(new["running_var"], bn.running_var.numpy(), rtol=1e-6)
    assert int(new["num_batches_tracked"]) == 1
    fresh = nn.BatchNorm1d(3)
    fresh.register_buffer("scratch", torch.zeros(2), persistent=False)  # not state: load_params needs no value
    interop.load_params(fresh, params, new)
    np.testing.assert_array_equal(fresh.running_var.numpy(), new["running_var"])
    assert fresh.num_batches_tracked.item() == 1

    bn.eval()
    params, buffers, apply = interop.functional(bn)  # now with the statistics of bn's own forward
    mapped = jax.vmap(lambda row: apply(params, buffers, row[None])[0])(x)
    np.testing.assert_allclose(mapped, bn(torch.as_tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)

    drop = nn.Dropout(0.5)
    _, _, apply = interop.functional(drop)
    f = jax.jit(apply)
    ones = jnp.ones(64, jnp.float32)
    a, b = f({}, {}, ones, key=jax.random.key(0)), f({}, {}, ones, key=jax.random.key(1))
    np.testing.assert_array_equal(a, f({}, {}, ones, key=jax.random.key(0)))
    assert not np.array_equal(a, b) and set(np.unique(a)) <= {0.0, 2.0}


# -- call_jax / jax_op -----------------------------------------------------------------------

def _fn(a, b, *, scale):
    return {"y": jnp.sin(a) * b * scale, "s": jnp.sum(a * a)}


def test_call_jax_gradients_match_jax_grad():
    torch.manual_seed(0)
    a = torch.randn(4, requires_grad=True)
    b = torch.randn(4, requires_grad=True)
    out = interop.call_jax(_fn, a, b, scale=3.0)
    assert set(out) == {"y", "s"} and out["y"].grad_fn.name() == "CallJaxBackward0"
    (out["y"].sum() + out["s"]).backward()

    def total(a, b):
        o = _fn(a, b, scale=3.0)
        return jnp.sum(o["y"]) + o["s"]
    ga, gb = jax.grad(total, argnums=(0, 1))(a.detach().__jax_array__(), b.detach().__jax_array__())
    np.testing.assert_allclose(a.grad.numpy(), ga, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b.grad.numpy(), gb, rtol=1e-5, atol=1e-6)


def test_call_jax_arguments():
    x = torch.ones(3)
    np.testing.assert_array_equal(interop.call_jax(jnp.add, x, jnp.full(3, 2.0, jnp.float32)).numpy(), [3, 3, 3])
    with pytest.raises(TypeError, match="hashable"):
        interop.call_jax(lambda t, d: t, x, {"a": 1})


@interop.jax_op
def gelu_tanh(x):
    return jax.nn.gelu(x, approximate=True)


def test_jax_op_in_a_fused_training_step():
    torch.manual_seed(0)
    lin = nn.Linear(3, 1)
    opt = torch.optim.SGD(lin.parameters(), lr=0.1)
    x, _ = _data()
    w0 = lin.weight.detach().__jax_array__()
    b0 = lin.bias.detach().__jax_array__()
    y = gelu_tanh(lin(x))
    assert y.grad_fn.name() == "GeluTanhBackward0"
    y.sum().backward()
    opt.step()
    loss = lambda w, b: jnp.sum(jax.nn.gelu(jnp.asarray(x) @ w.T + b, approximate=True))  # noqa: E731
    gw, gb = jax.grad(loss, argnums=(0, 1))(w0, b0)
    np.testing.assert_allclose(lin.weight.detach().numpy(), w0 - 0.1 * gw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(lin.bias.detach().numpy(), b0 - 0.1 * gb, rtol=1e-5, atol=1e-6)


# -- optim.Optax -------------------------------------------------------------------------------

def _train(m, opt, steps, sched=None):
    x, y = _data()
    for _ in range(steps):
        opt.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        opt.step()
        if sched is not None:
            sched.step()


def _by_hand(tx, steps, lrs=None):
    """The same training with optax applied to the model's arrays directly."""
    m = _mlp()
    params, _, apply = interop.functional(m)
    params = list(params.values())
    names = list(interop.functional(m)[0])
    x, y = (jnp.asarray(t) for t in _data())
    state = tx.init(params)
    for i in range(steps):
        if lrs is not None:
            state.hyperparams["learning_rate"] = jnp.asarray(lrs[i], state.hyperparams["learning_rate"].dtype)
        g = jax.grad(lambda p: jnp.mean((apply(dict(zip(names, p)), {}, x) - y) ** 2))(params)
        u, state = tx.update(g, state, params)
        params = optax.apply_updates(params, u)
    return [np.asarray(p) for p in params]


def test_optax_equals_optax_by_hand_and_adam():
    tx = optax.chain(optax.clip_by_global_norm(0.5), optax.adam(0.05))
    m = _mlp()
    _train(m, torch.optim.Optax(m.parameters(), tx), 3)
    for ours, ref in zip(_params(m), _by_hand(tx, 3)):
        np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-6)

    a, b = _mlp(), _mlp()
    _train(a, torch.optim.Optax(a.parameters(), optax.adam(0.05)), 3)
    _train(b, torch.optim.Adam(b.parameters(), lr=0.05), 3)
    for pa, pb in zip(_params(a), _params(b)):
        np.testing.assert_allclose(pa, pb, rtol=1e-5, atol=1e-6)


def test_optax_lr_scheduler_on_injected_hyperparameters():
    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=0.1, momentum=0.9)
    m = _mlp()
    opt = torch.optim.Optax(m.parameters(), tx)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["momentum"] == 0.9
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    _train(m, opt, 2, sched)
    before = torch.debug.metrics()["compiles"]
    _train(m, opt, 2, sched)
    assert torch.debug.metrics()["compiles"] == before  # a new lr is an input, not a new program
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 4)
    for ours, ref in zip(_params(m), _by_hand(tx, 4, lrs=[0.1 * 0.5 ** i for i in range(4)])):
        np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-6)


def test_optax_state_dict_round_trip():
    tx = optax.adamw(0.05, weight_decay=0.1)
    a = _mlp()
    opt_a = torch.optim.Optax(a.parameters(), tx)
    _train(a, opt_a, 2)
    sd = copy.deepcopy(opt_a.state_dict())  # as torch.save would: not the live state tensors
    assert list(sd["state"]) == [0] and "_treedef" not in sd["state"][0]
    b = _mlp()
    b.load_state_dict(a.state_dict())
    opt_b = torch.optim.Optax(b.parameters(), tx)
    opt_b.load_state_dict(sd)
    _train(a, opt_a, 1)
    _train(b, opt_b, 1)
    for pa, pb in zip(_params(a), _params(b)):
        np.testing.assert_array_equal(pa, pb)
    with pytest.raises(ValueError, match="leaves"):
        torch.optim.Optax(_mlp().parameters(), optax.sgd(0.1)).load_state_dict(sd)


def test_optax_rejects_non_transformations():
    with pytest.raises(TypeError, match="GradientTransformation"):
        torch.optim.Optax(_mlp().parameters(), 0.1)


def test_import_jtorch_leaves_optional_packages_out():
    code = ("import sys, jtorch, jtorch.interop, jtorch.optim.optax; "
            "print(sorted(m for m in ('flax', 'orbax', 'tensorflow_datasets', 'tensorflow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- Flax NNX ------------------------------------------------------------------------------------

def _nnx_model():
    nnx = pytest.importorskip("flax.nnx", reason="flax is an optional extra")

    class Net(nnx.Module):
        def __init__(self, rngs):
            self.lin = nnx.Linear(3, 4, rngs=rngs)
            self.bn = nnx.BatchNorm(4, rngs=rngs)
            self.drop = nnx.Dropout(0.5, rngs=rngs)
            self.layers = nnx.List([nnx.Linear(4, 2, rngs=rngs)])

        def __call__(self, x):
            return self.layers[0](self.drop(self.bn(self.lin(x))))
    return nnx, Net(nnx.Rngs(0))


def test_from_flax_parameters_gradients_and_state():
    nnx, net = _nnx_model()
    w = interop.from_flax(net)
    assert [n for n, _ in w.named_parameters()] == ["bn.bias", "bn.scale", "layers.0.bias", "layers.0.kernel",
                                                    "lin.bias", "lin.kernel"]
    assert {"bn.mean", "bn.var", "drop.rngs.count", "drop.rngs.key"} <= set(w.state_dict())
    x, _ = _data()
    w.eval()
    net.eval()
    out = w(x)
    (out ** 2).sum().backward()
    grads = nnx.grad(lambda m: jnp.sum(m(jnp.asarray(x)) ** 2))(net)
    np.testing.assert_allclose(out.detach().numpy(), net(jnp.asarray(x)), rtol=1e-5, atol=1e-6)
    for path, name in ((("lin", "kernel"), "lin.kernel"), (("layers", 0, "bias"), "layers.0.bias"),
                       (("bn", "scale"), "bn.scale")):
        g = grads
        for part in path:
            g = g[part]
        np.testing.assert_allclose(w.get_parameter(name).grad.numpy(), g[...], rtol=1e-5, atol=1e-6)

    w.train()
    net.train()
    w(x)
    net(jnp.asarray(x))  # the NNX module's own call updates its statistics and RNG count the same way
    np.testing.assert_allclose(w.bn.mean.numpy(), net.bn.mean[...], rtol=1e-6)
    assert int(w.drop.rngs.count) == int(net.drop.rngs.count[...]) == 1
    opt = torch.optim.SGD(w.parameters(), lr=0.1)
    opt.zero_grad()
    (w(x) ** 2).mean().backward()
    opt.step()
    back = w.flax_module()
    np.testing.assert_array_equal(back.lin.kernel[...], w.lin.kernel.detach().numpy())


def test_to_flax_matches_jtorch():
    nnx = pytest.importorskip("flax.nnx", reason="flax is an optional extra")
    m = _mlp()
    f = interop.to_flax(m)
    x, _ = _data()
    np.testing.assert_allclose(f(jnp.asarray(x)), m(x).detach().numpy(), rtol=1e-6)
    grads = nnx.grad(lambda model: jnp.sum(model(jnp.asarray(x)) ** 2))(f)
    (m(x) ** 2).sum().backward()
    for name, p in m.named_parameters():
        np.testing.assert_allclose(grads["params"][name][...], p.grad.numpy(), rtol=1e-5, atol=1e-6)
    opt = nnx.Optimizer(f, optax.sgd(0.1), wrt=nnx.Param)
    opt.update(f, grads)
    interop.load_params(m, {k: v[...] for k, v in f.params.items()})
    for name, p in m.named_parameters():
        np.testing.assert_allclose(p.detach().numpy(), f.params[name][...], rtol=1e-6)


# -- orbax -----------------------------------------------------------------------------------------

def test_orbax_round_trip_of_model_and_optimizer(tmp_path):
    pytest.importorskip("orbax.checkpoint", reason="orbax is an optional extra")
    a = _mlp()
    opt_a = torch.optim.Adam(a.parameters(), lr=0.05)
    _train(a, opt_a, 2)
    interop.save_orbax(tmp_path / "ck", {"model": a, "optim": opt_a, "epoch": 2})
    b = _mlp(seed=5)
    opt_b = torch.optim.Adam(b.parameters(), lr=0.5, betas=(0.5, 0.6))
    state = interop.load_orbax(tmp_path / "ck", {"model": b, "optim": opt_b})
    assert state["epoch"] == 2 and opt_b.param_groups[0]["betas"] == (0.9, 0.999)
    _train(a, opt_a, 1)
    _train(b, opt_b, 1)
    for pa, pb in zip(_params(a), _params(b)):
        np.testing.assert_array_equal(pa, pb)
    with pytest.raises(ValueError, match="already exists"):
        interop.save_orbax(tmp_path / "ck", a)
    interop.save_orbax(tmp_path / "ck", a, force=True)
    assert list(interop.load_orbax(tmp_path / "ck")) == [k for k, _ in a.state_dict().items()]


def test_orbax_keeps_sharding(tmp_path):
    pytest.importorskip("orbax.checkpoint", reason="orbax is an optional extra")
    code = f"""
import os
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
import jax, jax.numpy as jnp, numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec
import jtorch as torch
from jtorch import interop
sharding = NamedSharding(Mesh(np.array(jax.devices()), ("d",)), PartitionSpec("d"))
t = torch.as_tensor(jax.device_put(jnp.arange(8.0, dtype=jnp.float32), sharding))
interop.save_orbax({str(tmp_path / 'ck')!r}, {{"w": t}})
like = torch.as_tensor(jax.device_put(jnp.zeros(8, jnp.float32), sharding))
w = interop.load_orbax({str(tmp_path / 'ck')!r}, {{"w": like}})["w"].__jax_array__()
print(w.sharding == sharding, w.tolist())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[-2] == "True [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]"


def test_example_runs(tmp_path):
    import os
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "jax_interop.py")
    p = subprocess.run([sys.executable, script, "--steps", "2"], capture_output=True, text=True, cwd=tmp_path,
                       timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    lines = [line for line in p.stdout.splitlines() if re.match(r"\d\. ", line)]  # tfds prints its own lines too
    assert [line[:2] for line in lines] == ["1.", "2.", "3.", "4.", "5."], p.stdout
    first, after = (float(v) for v in re.findall(r"\d+\.\d{4}", lines[0]))
    assert first == pytest.approx(after, rel=1e-4)  # JAX's trained params, loaded into the jtorch module


# -- tensorflow-datasets ---------------------------------------------------------------------------

def test_tfds_dataset_through_dataloader(tmp_path):
    tfds = pytest.importorskip("tensorflow_datasets", reason="tensorflow-datasets is an optional extra")
    pytest.importorskip("array_record", reason="tfds.data_source reads ArrayRecord files")

    class TinyBlobs(tfds.core.GeneratorBasedBuilder):
        # a one-part module name: tfds then locates the builder's code without importlib_resources
        __module__ = "tiny_blobs_builder"
        VERSION = tfds.core.Version("1.0.0")

        def _info(self):
            return tfds.core.DatasetInfo(builder=self, features=tfds.features.FeaturesDict({
                "x": tfds.features.Tensor(shape=(3,), dtype=np.float32),
                "label": tfds.features.ClassLabel(num_classes=2)}))

        def _split_generators(self, dl_manager):
            return {"train": self._generate_examples(32)}

        def _generate_examples(self, n):
            rng = np.random.default_rng(0)
            for i in range(n):
                x = rng.normal(size=3).astype(np.float32)
                yield i, {"x": x, "label": int(x.sum() > 0)}

    TinyBlobs(data_dir=str(tmp_path), file_format="array_record").download_and_prepare()
    ds = interop.TFDSDataset("tiny_blobs", "train", data_dir=str(tmp_path))
    assert len(ds) == 32 and set(ds[0]) == {"x", "label"}
    with pytest.raises(IndexError):
        ds[32]
    loader = torch.utils.data.DataLoader(ds, batch_size=8, shuffle=True)
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(3):
        for batch in loader:
            assert batch["x"].shape == (8, 3) and batch["label"].dtype is torch.int64
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(batch["x"]), batch["label"])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    assert np.mean(losses[-4:]) < np.mean(losses[:4])
    with pytest.raises(Exception, match="tiny_blobs|not found|DatasetNotFound"):
        interop.TFDSDataset("tiny_blobs", "train", data_dir=str(tmp_path / "elsewhere"))


def test_functional_under_shard_map_averages_gradients_like_the_whole_batch():
    """A data-parallel step by hand: shard_map over the batch, gradients averaged with pmean."""
    from jax.sharding import Mesh, PartitionSpec as P
    x, y = _data()
    m = _mlp()
    params, buffers, apply = interop.functional(m)
    mesh = Mesh(np.array(jax.devices()[:1]), ("batch",))

    def local_grad(params, x, y):
        g = jax.grad(lambda p: jnp.mean((apply(p, buffers, x) - y) ** 2))(params)
        return jax.lax.pmean(g, "batch")

    sharded = jax.jit(jax.shard_map(local_grad, mesh=mesh, in_specs=(P(), P("batch"), P("batch")), out_specs=P()))
    grads = sharded(params, jnp.asarray(x), jnp.asarray(y))
    ((m(x) - y) ** 2).mean().backward()
    for name, p in m.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=1e-5, atol=1e-6)
