"""The meta device: tensors with a shape and dtype and no values, compared with real torch."""
import copy
import pickle
import re

import jax.numpy as jnp
import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _both(fn):
    """fn(lib) under torch and under jtorch."""
    return fn(torch), fn(jtorch)


def _same_meta(a, b):
    assert b.is_meta and a.is_meta
    assert (b.device.type, str(b.device), tuple(b.shape), str(b.dtype)) == \
        (a.device.type, str(a.device), tuple(a.shape), str(a.dtype))


FACTORIES = {
    "empty": lambda t: t.empty(2, 3, device="meta"),
    "zeros_int": lambda t: t.zeros((4,), dtype=t.int32, device=t.device("meta")),
    "ones": lambda t: t.ones(2, device="meta"),
    "full": lambda t: t.full((2, 2), 7, device="meta"),
    "arange": lambda t: t.arange(5, device="meta"),
    "randn": lambda t: t.randn(3, 2, device="meta"),
    "rand_f16": lambda t: t.rand(3, dtype=t.float16, device="meta"),
    "tensor": lambda t: t.tensor([[1.0, 2.0]], device="meta"),
    "eye": lambda t: t.eye(3, device="meta"),
    "to_meta": lambda t: t.ones(2, 3, dtype=t.float64).to("meta"),
    "zeros_like": lambda t: t.zeros_like(t.empty(2, 5, device="meta")),
    "new_ones": lambda t: t.empty(2, device="meta", dtype=t.int64).new_ones(3),
    "requires_grad": lambda t: t.empty(2, device="meta", requires_grad=True),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_factories_make_meta_tensors(name):
    a, b = _both(FACTORIES[name])
    _same_meta(a, b)
    assert b.requires_grad == a.requires_grad
    assert repr(b) == repr(a)


OPS = {
    "add_scalar": lambda t, m: m + 1.5,
    "int_plus_float": lambda t, m: m.int() + 1.5,
    "matmul": lambda t, m: m @ m.T,
    "sum": lambda t, m: m.sum(0),
    "max_indices": lambda t, m: m.max(1).indices,
    "index": lambda t, m: m[1:, None, 0],
    "cat": lambda t, m: t.cat([m, m], 1),
    "cast": lambda t, m: m.to(t.bfloat16),
    "softmax": lambda t, m: t.nn.functional.softmax(m, -1),
    "with_cpu_scalar": lambda t, m: m * t.tensor(2.0),
    "view": lambda t, m: m.view(3, 2),
    "compare": lambda t, m: m > 0,
    "cross_entropy": lambda t, m: t.nn.functional.cross_entropy(m, t.zeros(2, dtype=t.long, device="meta")),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_ops_give_meta_results_with_torch_shapes_and_dtypes(name):
    a, b = _both(lambda t: OPS[name](t, t.empty(2, 3, device="meta")))
    _same_meta(a, b)


def test_in_place_ops_keep_meta():
    def fn(t):
        m = t.empty(2, 3, device="meta")
        m.add_(1).copy_(t.ones(2, 3))
        m[0] = 5.0
        m.normal_()
        return m
    _same_meta(*_both(fn))


def _copy_into_real(m):
    lib = jtorch if isinstance(m, jtorch.Tensor) else torch
    return lib.ones(3).copy_(m[0])


READS = {
    "item": lambda m: m[0, 0].item(),
    "bool": lambda m: bool(m[0, 0]),
    "float": lambda m: float(m[0, 0]),
    "numpy": lambda m: m.numpy(),
    "tolist": lambda m: m.tolist(),
    "to_cpu": lambda m: m.to("cpu"),
    "cpu": lambda m: m.cpu(),
    "copy_into_real": _copy_into_real,
}


@pytest.mark.parametrize("name", sorted(READS))
def test_reading_values_raises_torch_error(name):
    with pytest.raises(Exception) as want:
        READS[name](torch.empty(2, 3, device="meta"))
    with pytest.raises(type(want.value), match=f"^{re.escape(str(want.value))}$"):
        READS[name](jtorch.empty(2, 3, device="meta"))


def test_meta_mixed_with_a_real_tensor_raises_torch_error():
    msg = "Tensor on device cpu is not on the expected device meta!"
    with pytest.raises(RuntimeError, match=msg):
        torch.empty(2, device="meta") + torch.ones(2)
    with pytest.raises(RuntimeError, match=msg):
        jtorch.empty(2, device="meta") + jtorch.ones(2)


def test_module_under_meta_context_to_empty_and_assign():
    def build(t):
        with t.device("meta"):
            assert t.get_default_device() == t.device("meta")
            net = t.nn.Sequential(t.nn.Linear(3, 4), t.nn.LayerNorm(4), t.nn.Embedding(5, 3, padding_idx=0))
            made = t.tensor([1.0]), t.arange(3)
        assert t.get_default_device().type == "cpu" and not t.zeros(1).is_meta
        return net, made

    (tnet, tmade), (jnet, jmade) = _both(build)
    for a, b in zip(tmade, jmade):
        _same_meta(a, b)
    for (ka, a), (kb, b) in zip(tnet.named_parameters(), jnet.named_parameters()):
        assert ka == kb
        _same_meta(a, b)
        assert b.requires_grad and b.is_leaf
        assert repr(b) == repr(a)
    # to_empty: real storage, same parameter objects, still leaves that require grad
    w = jnet[0].weight
    jnet.to_empty(device="cpu")
    assert jnet[0].weight is w and w.device.type == "cpu" and not w.is_meta and w.requires_grad
    assert w.shape == (4, 3) and np.isfinite(w.detach().numpy()).all()
    # load_state_dict(assign=True) replaces meta parameters by the checkpoint's tensors
    lin = jtorch.nn.Linear(2, 3, device="meta")
    sd = {"weight": jtorch.arange(6.0).reshape(3, 2), "bias": jtorch.ones(3)}
    lin.load_state_dict(sd, assign=True)
    assert not lin.weight.is_meta and lin.weight.requires_grad
    np.testing.assert_allclose(lin(jtorch.ones(1, 2)).detach().numpy(), [[2.0, 6.0, 10.0]])


def test_empty_like_of_meta_onto_cpu():
    a, b = _both(lambda t: t.empty_like(t.empty(2, 3, device="meta", dtype=t.float16), device="cpu"))
    assert not b.is_meta and b.device == jtorch.device("cpu") and str(b.dtype) == str(a.dtype)
    assert tuple(b.shape) == (2, 3)


def test_real_tensors_are_not_meta_and_nested_contexts():
    assert not jtorch.ones(2).is_meta and (jtorch.ones(2) + 1).device.type == "cpu"
    with jtorch.device("meta"):
        with jtorch.device("cpu"):
            assert not jtorch.ones(2).is_meta
        assert jtorch.ones(2).is_meta
        assert not jtorch.from_numpy(np.ones(2)).is_meta  # torch too: from_numpy shares host memory
        assert jtorch.tensor(jnp.ones(2)).is_meta
    assert jtorch.as_tensor(jnp.ones(2), device="meta", dtype=jtorch.float16).dtype == jtorch.float16
    jtorch.set_default_device("meta")
    try:
        assert jtorch.zeros(2).is_meta and jtorch.get_default_device().type == "meta"
    finally:
        jtorch.set_default_device(None)
    assert not jtorch.zeros(2).is_meta


def test_copies_pickles_and_metadata_match_torch():
    def fn(t):
        m = t.empty(2, 3, device="meta", requires_grad=True)
        lin = copy.deepcopy(t.nn.Linear(2, 2, device="meta"))
        back = pickle.loads(pickle.dumps(m.detach()))
        idx = m[t.zeros(2, dtype=t.long, device="meta")]
        return (copy.deepcopy(m).is_meta, lin.weight.is_meta, back.is_meta, tuple(back.shape), m.data_ptr(),
                m.stride(), m.t().contiguous().is_meta, tuple(idx.shape), m.detach().is_meta)
    a, b = _both(fn)
    assert b == a


def test_module_to_from_meta_raises_torch_error():
    with pytest.raises(NotImplementedError) as want:
        torch.nn.Linear(2, 2, device="meta").to("cpu")
    with pytest.raises(NotImplementedError, match=f"^{re.escape(str(want.value))}$"):
        jtorch.nn.Linear(2, 2, device="meta").to("cpu")


def test_backward_through_meta_is_refused():
    m = jtorch.empty(2, device="meta", requires_grad=True)
    with pytest.raises(NotImplementedError, match="meta"):
        (m * 2).sum().backward()


def test_random_like_follows_its_input_or_device_like_torch():
    def devices(m):
        x, mx = m.ones(2, 3), m.ones(2, 3, device="meta")
        out = [m.rand_like(x), m.randn_like(x), m.randint_like(x, 5), m.rand_like(x, device="meta"),
               m.rand_like(mx), m.randn_like(mx), m.randint_like(mx, 5)]
        with m.device("meta"):
            out.append(m.rand_like(x))
        return [(str(t.device), tuple(t.shape)) for t in out]
    assert devices(jtorch) == devices(torch)
