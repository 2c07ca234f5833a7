"""state_dict() in torch's exact format, and loading torch's state_dict to continue the same run."""
import numpy as np
import pytest

import jtorch
from tests.optim._problem import loss_fn, make_params, trajectory, values

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

pytestmark = pytest.mark.filterwarnings("ignore:.*different programs:RuntimeWarning")

# one configuration per optimizer that creates every state entry it can have
CASES = [
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.05)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
    ("Adadelta", dict(lr=0.5)),
    ("Adamax", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, decoupled_weight_decay=True, weight_decay=0.1)),
    ("Rprop", dict(lr=0.02)),
    ("ASGD", dict(lr=0.05, t0=1)),
    ("Adafactor", dict(lr=0.05)),  # row_var/col_var for the matrix, variance for the vector
]
IDS = [n for n, _ in CASES]


def _np(v):
    return v.detach().numpy() if hasattr(v, "detach") else np.asarray(v)


@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_state_dict_matches_torch(name, kwargs):
    _, topt, _ = trajectory(torch, lambda m, p: getattr(m.optim, name)(p, **kwargs), steps=3)
    _, jopt, _ = trajectory(jtorch, lambda m, p: getattr(m.optim, name)(p, **kwargs), steps=3)
    tsd, jsd = topt.state_dict(), jopt.state_dict()
    assert list(jsd) == ["state", "param_groups"]
    assert jsd["param_groups"] == tsd["param_groups"]
    assert [list(g) for g in jsd["param_groups"]] == [list(g) for g in tsd["param_groups"]]
    assert list(jsd["state"]) == list(tsd["state"]) == [0, 1]
    for i in tsd["state"]:
        assert list(jsd["state"][i]) == list(tsd["state"][i])
        for key, tv in tsd["state"][i].items():
            jv = jsd["state"][i][key]
            assert isinstance(jv, jtorch.Tensor), key
            assert jv.shape == tuple(tv.shape) and str(jv.dtype) == str(tv.dtype), key
            np.testing.assert_allclose(_np(jv), _np(tv), rtol=1e-4, atol=1e-5, err_msg=key)
    # state is keyed by the parameter itself, like torch
    w = jopt.param_groups[0]["params"][0]
    assert jopt.state[w] is jsd["state"][0]


def _continue(m, opt, params, steps):
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(m, *params).backward()
        opt.step()
        out.append(values(params))
    return out


@pytest.mark.parametrize("name,kwargs", [CASES[0], CASES[1], CASES[3], CASES[7]],
                         ids=["SGD", "Adam", "RMSprop", "NAdam"])
def test_load_torch_state_dict_and_continue(name, kwargs):
    _, topt, tparams = trajectory(torch, lambda m, p: getattr(m.optim, name)(p, **kwargs), steps=3)
    jparams = [jtorch.tensor(p.detach().numpy()).requires_grad_() for p in tparams]
    jopt = getattr(jtorch.optim, name)(jparams, lr=123.0)  # the loaded groups replace these options
    jopt.load_state_dict(topt.state_dict())
    assert jopt.param_groups[0]["lr"] == kwargs["lr"]
    assert jopt.param_groups[0]["params"][0] is jparams[0]
    expected = _continue(torch, topt, tparams, 8)
    got = _continue(jtorch, jopt, jparams, 8)
    for sa, sb in zip(expected, got):
        for x, y in zip(sa, sb):
            np.testing.assert_allclose(y, x, atol=1e-5, rtol=0)


def test_jtorch_state_dict_round_trip():
    kwargs = dict(lr=0.05, amsgrad=True)
    ref, _, _ = trajectory(jtorch, lambda m, p: m.optim.Adam(p, **kwargs), steps=6)
    _, opt, params = trajectory(jtorch, lambda m, p: m.optim.Adam(p, **kwargs), steps=3)
    sd = opt.state_dict()
    opt2 = jtorch.optim.Adam(params, lr=1.0)
    opt2.load_state_dict(sd)
    got = _continue(jtorch, opt2, params, 3)
    for x, y in zip(ref[3:], got):
        np.testing.assert_allclose(y[0], x[0], atol=1e-6)


def test_load_state_dict_errors_match_torch():
    for m in (torch, jtorch):
        w, b = make_params(m)
        one = m.optim.SGD([w], lr=0.1)
        two = m.optim.SGD([{"params": [w]}, {"params": [b]}], lr=0.1)
        with pytest.raises(ValueError, match="different number of parameter groups"):
            one.load_state_dict(two.state_dict())
        bigger = m.optim.SGD([w, b], lr=0.1)
        with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
            one.load_state_dict(bigger.state_dict())


def test_zero_grad():
    w, b = make_params(jtorch)
    opt = jtorch.optim.SGD([w, b], lr=0.1)
    loss_fn(jtorch, w, b).backward()
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros((4, 3), np.float32))
    opt.zero_grad()
    assert w.grad is None and b.grad is None


def test_lbfgs_loads_torch_history_and_continues():
    kwargs = dict(lr=0.5, max_iter=3, history_size=4, line_search_fn="strong_wolfe")
    _, topt, tparams = trajectory(torch, lambda m, p: m.optim.LBFGS(p, **kwargs), steps=2, closure=True)
    jparams = [jtorch.tensor(p.detach().numpy()).requires_grad_() for p in tparams]
    jopt = jtorch.optim.LBFGS(jparams, **kwargs)
    jopt.load_state_dict(topt.state_dict())

    def run(m, opt, params):
        out = []
        for _ in range(3):
            def closure():
                opt.zero_grad()
                loss = loss_fn(m, *params)
                loss.backward()
                return loss
            opt.step(closure)
            out.append(values(params))
        return out
    for sa, sb in zip(run(torch, topt, tparams), run(jtorch, jopt, jparams)):
        for x, y in zip(sa, sb):
            np.testing.assert_allclose(y, x, atol=1e-5)
