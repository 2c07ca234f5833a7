"""The lazy engine: one compile per structure, scalars and random keys as inputs, visibility."""
import warnings

import numpy as np
import pytest

import jtorch


def compiles():
    return jtorch.debug.metrics()["compiles"]


def _step(w, x, scale):
    loss = ((x @ w).tanh() * scale).pow(2).mean()
    loss.backward()
    with jtorch.no_grad():
        w.sub_(0.1 * w.grad)
    w.grad = None
    return loss


def test_fixed_shape_loop_compiles_once_with_changing_scalars():
    w = jtorch.randn(6, 3).requires_grad_()
    x = jtorch.randn(5, 6)
    repr(w)  # materialise the initial values (optimizers do this for their parameters)
    _step(w, x, 1.0).item()
    before = compiles()
    scales = [1.0 + 0.01 * i for i in range(30)]
    losses = [_step(w, x, s).item() / s ** 2 for s in scales]
    assert compiles() == before, "a changing Python scalar must not recompile"
    assert losses[-1] < losses[0]


def test_item_every_step_costs_one_sync_per_step():
    x = jtorch.randn(4, 4)
    x.numpy()
    (x * 2).sum().item()
    m0 = jtorch.debug.metrics()
    total = 0.0
    for i in range(10):
        total += (x * i).sum().item()
    m1 = jtorch.debug.metrics()
    assert m1["compiles"] == m0["compiles"]
    assert m1["syncs"] - m0["syncs"] == 10
    np.testing.assert_allclose(total, x.sum().item() * 45, rtol=1e-5)


def test_random_ops_take_fresh_keys_without_recompiling():
    jtorch.manual_seed(0)
    a = jtorch.rand(8).numpy()
    before = compiles()
    b = jtorch.rand(8).numpy()
    assert compiles() == before
    assert not np.allclose(a, b)
    jtorch.manual_seed(0)
    np.testing.assert_array_equal(jtorch.rand(8).numpy(), a)


def test_recompile_warning_names_the_change():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, 8):
            jtorch.ones(n, 13).sum().item()
    msgs = [str(w.message) for w in caught if "compiled" in str(w.message)]
    assert len(msgs) == 1, msgs
    assert "static arguments of _full changed: size: (4, 13) -> (5, 13)" in msgs[0]
    assert "test_engine.py" in msgs[0]


def test_recompile_warning_looks_into_the_differentiated_graph():
    """A training step whose forward changes compiles a new backward: the warning names the forward op
    that changed, not the backward's internal program."""
    w = jtorch.ones(8, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for k in range(1, 8):
            w.grad = None
            (w[:k] * 2).sum().backward()
            w.grad.tolist()
    msgs = [str(m.message) for m in caught if "compiled" in str(m.message)]
    assert len(msgs) == 1, msgs
    assert "in the graph that backward() or autograd.grad() differentiates, static arguments of " in msgs[0]
    assert "Program object" not in msgs[0]


def test_metrics_report_syncs_by_reason():
    jtorch.debug.reset_metrics()
    t = jtorch.ones(3) * 2
    repr(t)
    (t + 1).tolist()
    m = jtorch.debug.metrics()
    assert m["syncs_by_reason"] == {"repr": 1, "tolist": 1}
    assert m["compiles"] + m["cache_hits"] == 2


def test_missing_op_names_itself():
    with pytest.raises(NotImplementedError, match="torch.not_an_op"):
        jtorch.not_an_op
    with pytest.raises(NotImplementedError, match="torch.Tensor.not_a_method"):
        jtorch.ones(1).not_a_method
    assert not hasattr(jtorch, "not_an_op")


def test_bad_input_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(64x784 and 128x10\)"):
        jtorch.ones(64, 784) @ jtorch.ones(128, 10)
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        jtorch.ones(3)[5]


def test_compile_matches_lazy_path_and_removes_recording():
    jtorch.manual_seed(1)
    w1 = jtorch.randn(6, 3).requires_grad_()
    w2 = jtorch.tensor(w1.detach().numpy(), requires_grad=True)
    x = jtorch.randn(5, 6)

    def step_a(x, scale):
        return _step(w1, x, scale)

    compiled = jtorch.compile(step_a)
    lazy = [_step(w2, x, 1.0 + i).item() for i in range(4)]
    got = [compiled(x, 1.0 + i).item() for i in range(4)]
    np.testing.assert_allclose(got, lazy, rtol=1e-5)
    np.testing.assert_allclose(w1.detach().numpy(), w2.detach().numpy(), rtol=1e-5)
    assert w1.is_leaf and w1.requires_grad


def test_compile_falls_back_on_data_dependent_control_flow():
    def f(x):
        return x * 2 if x.sum().item() > 0 else x * 3

    cf = jtorch.compile(f)
    x = jtorch.ones(3)
    cf(x)
    with pytest.warns(RuntimeWarning, match="cannot be captured"):
        out = cf(x)
    np.testing.assert_allclose(out.numpy(), [2.0, 2.0, 2.0])


def test_python_scalar_first_seen_inside_a_jax_trace_is_not_cached_as_a_tracer():
    import jax

    from jtorch._ops import registry

    @jax.jit
    def f(x):
        return x * registry.scalar_value(7.0625, np.float32)

    assert float(f(1.0)) == 7.0625
    assert not any(isinstance(v, jax.core.Tracer) for v in registry._scalars.values())
    assert (jtorch.ones(2) * 7.0625).tolist() == [7.0625, 7.0625]  # the lazy path after the trace


def test_cached_python_scalars_keep_sign_of_zero_nan_and_type():
    """Python numbers fed to ops are cached device arrays: 0.0 and -0.0 (equal as dict keys),
    nan, and 2 and 2.0 must each keep their own value and dtype."""
    x = jtorch.ones(2)
    assert not np.signbit((x * 0.0).numpy()).any()
    assert np.signbit((x * -0.0).numpy()).all()
    assert not np.signbit((x * 0.0).numpy()).any()
    assert np.isnan((x * float("nan")).numpy()).all()
    i = jtorch.tensor([3])
    assert (i * 2).dtype == jtorch.int64 and (i * 2).tolist() == [6]
    assert (i * 2.0).dtype == jtorch.float32 and (i * 2.0).tolist() == [6.0]
    assert (i * 2).dtype == jtorch.int64
    assert (jtorch.ones(2, dtype=jtorch.float64) * 1.1).numpy()[0] == 1.1  # float64 keeps every bit
    assert (x * 1.1).numpy()[0] == np.float32(1.1)
