"""torch.utils.checkpoint: parity with torch (values, gradients, grad_fn, warnings, errors), remat
really in the program, dropout masks kept in the recomputation, closed-over parameters, compile."""
import warnings

import jax
import numpy as np
import pytest

import jtorch
import jtorch.nn as jnn
from jtorch.utils import checkpoint as jcp

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import torch.utils.checkpoint as tcp  # noqa: E402

X = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def _models():
    torch.manual_seed(0)
    t = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
                            torch.nn.Linear(8, 3))
    j = jnn.Sequential(jnn.Linear(4, 8), jnn.Tanh(), jnn.Linear(8, 8), jnn.Tanh(), jnn.Linear(8, 3))
    j.load_state_dict({k: jtorch.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return t, j


def _run(lib, cp, model, mode):
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(np.linspace(-1, 1, 3, dtype=np.float32), requires_grad=True)  # closed over, not an argument
    v = lib.tensor(2.0, requires_grad=True)  # read only without grad: its .grad stays None

    def fn(h, scale=1.0):
        with lib.no_grad():
            shift = h.mean() * v  # recorded without grad: must not pass gradients
        return (model(h) * w).sin() * scale + shift + model(h).detach() * v.detach()

    if mode == "sequential":
        y = cp.checkpoint_sequential(model, 2, x, use_reentrant=False)
    elif mode == "reentrant":
        y = cp.checkpoint(fn, x, 2.0, use_reentrant=True)
    else:
        y = cp.checkpoint(fn, x, use_reentrant=False, scale=2.0)
    (y * y).sum().backward()
    grads = [x.grad, w.grad, v.grad] + [p.grad for p in model.parameters()]
    np_ = (lambda t: t.numpy(force=True)) if lib is jtorch else (lambda t: t.detach().numpy())
    return np_(y), [None if g is None else np_(g) for g in grads], type(y.grad_fn).__name__ if lib is torch else \
        y.grad_fn.name()


def test_values_gradients_and_grad_fn_match_torch():
    tmodel, jmodel = _models()
    for mode in ("nonreentrant", "reentrant", "sequential"):
        ty, tg, tname = _run(torch, tcp, tmodel, mode)
        jy, jg, jname = _run(jtorch, jcp, jmodel, mode)
        tmodel.zero_grad()
        jmodel.zero_grad()
        np.testing.assert_allclose(jy, ty, rtol=1e-5, atol=1e-6, err_msg=mode)
        assert len(jg) == len(tg), mode
        for a, b in zip(jg, tg):
            assert (a is None) == (b is None), mode
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6, err_msg=mode)
        assert jname == tname, mode  # e.g. AddBackward0 (non-reentrant), CheckpointFunctionBackward


def test_remat_is_in_the_backward_program():
    _, m = _models()
    x = jtorch.tensor(X, requires_grad=True)
    y = jcp.checkpoint(m, x, use_reentrant=False)
    assert y._lazy.node.op.name == "checkpoint"  # one op for the whole call
    assert {lz.shape for lz in y._lazy.node.inputs} >= {(8, 4), (8, 8), (3, 8), (5, 4)}  # parameters are inputs
    y.sum().backward()
    vjp = m[0].weight.grad._lazy.node  # the pending gradient program
    args = [jax.ShapeDtypeStruct(lz.shape, lz.dtype.np) for lz in vjp.inputs]
    jaxpr = jax.make_jaxpr(lambda *a: vjp.op.lower(*a, **dict(vjp.static)))(*args)
    assert any(e.primitive.name.startswith(("remat", "checkpoint")) for e in jaxpr.jaxpr.eqns)


def test_dropout_mask_is_the_same_in_the_recomputation():
    drop = jnn.Dropout(0.5)
    x = jtorch.ones(64, 16, requires_grad=True)
    for preserve in (True, False):  # keys are op inputs: preserved either way
        x.grad = None
        y = jcp.checkpoint(drop, x, use_reentrant=False, preserve_rng_state=preserve)
        y.sum().backward()
        kept = y.numpy(force=True) != 0
        assert 0 < kept.mean() < 1
        np.testing.assert_array_equal(x.grad.numpy(), np.where(kept, 2.0, 0.0).astype(np.float32))


def test_inside_compile_matches_plain_step():
    results = []
    for use_cp in (False, True):
        _, m = _models()
        opt = jtorch.optim.SGD(m.parameters(), lr=0.1)

        def step(x):
            opt.zero_grad()
            out = jcp.checkpoint(m, x, use_reentrant=False) if use_cp else m(x)
            loss = out.pow(2).sum()
            loss.backward()
            opt.step()
            return loss

        fn = jtorch.compile(step)
        results.append([fn(jtorch.tensor(X)).item() for _ in range(2)])  # lazy first call, then traced
        assert not fn.lazy_only
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5)


def _warned(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(x.message) for x in w]


def _raises(fn):
    with pytest.raises(Exception) as e:
        fn()
    return type(e.value), str(e.value)


def test_warnings_and_errors_match_torch():
    for lib, cp in ((torch, tcp), (jtorch, jcp)):
        x = lib.ones(2, requires_grad=True)
        _, msgs = _warned(lambda: cp.checkpoint(lambda a: a * 2, x))
        results = {"unset": msgs}
        _, results["seq_unset"] = _warned(lambda: cp.checkpoint_sequential([lambda a: a * 2] * 2, 2, x))
        y, results["no_grad_input"] = _warned(lambda: cp.checkpoint(lambda a: a * 2, lib.ones(2), use_reentrant=True))
        results["no_grad_output"] = y.requires_grad
        results["kwargs"] = _raises(lambda: cp.checkpoint(lambda a, b=1: a, x, use_reentrant=True, b=2, c=3))
        results["context"] = _raises(lambda: cp.checkpoint(lambda a: a, x, use_reentrant=True, debug=True))
        results["determinism"] = _raises(lambda: cp.checkpoint(lambda a: a, x, use_reentrant=False,
                                                               determinism_check="all"))
        results["seq_kwargs"] = _raises(lambda: cp.checkpoint_sequential([lambda a: a], 1, x, use_reentrant=False,
                                                                          foo=1))
        if lib is torch:
            expected = results
        else:
            assert results == expected
