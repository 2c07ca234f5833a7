"""Parameter trajectories of every optimizer and option combination against real torch."""
import numpy as np
import pytest

import jtorch
from tests.optim._problem import loss_fn, make_params, trajectory

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

# every configuration is a new program at the same call site, which the engine reports
pytestmark = pytest.mark.filterwarnings("ignore:.*different programs:RuntimeWarning")

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.02, maximize=True, weight_decay=0.01)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.2, amsgrad=True, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.8, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3, eps=1e-6)),
    ("Adagrad", dict(lr=0.05, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5, maximize=True)),
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1, maximize=True)),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Rprop", dict(lr=0.01)),
    ("Rprop", dict(lr=0.02, etas=(0.3, 1.5), step_sizes=(1e-3, 0.05), maximize=True)),
    ("ASGD", dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=5, weight_decay=0.1, maximize=True)),
    ("Adafactor", dict(lr=0.05)),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=2.0, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.05, betas=(0.3, 0.9))),  # lerp weight above 0.5: torch's other lerp formula
]


def _assert_same(a, b, atol):
    for i, (sa, sb) in enumerate(zip(a, b)):
        for x, y in zip(sa, sb):
            np.testing.assert_allclose(y, x, rtol=0, atol=atol, err_msg=f"step {i + 1}")


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch(name, kwargs):
    # lr changes mid-run too: it is a scalar input of the update
    def change(i, lr):
        return lr * 0.5 if i == 12 else lr
    expected, _, _ = trajectory(torch, lambda m, p: getattr(m.optim, name)(p, **kwargs), steps=22, lr_change=change)
    got, opt, _ = trajectory(jtorch, lambda m, p: getattr(m.optim, name)(p, **kwargs), steps=22, lr_change=change)
    assert isinstance(opt, jtorch.optim.Optimizer)
    _assert_same(expected, got, 1e-5)


def test_muon_matches_torch_to_bfloat16_precision():
    # Newton-Schulz runs in bfloat16 in torch too; muon only takes the 2-D weight
    def make(m, params):
        return m.optim.Muon([params[0]], lr=0.02, adjust_lr_fn="match_rms_adamw", nesterov=False)
    expected, topt, _ = trajectory(torch, make, steps=10)
    got, jopt, _ = trajectory(jtorch, make, steps=10)
    _assert_same([s[:1] for s in expected], [s[:1] for s in got], 1e-2)
    assert jopt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        jtorch.optim.Muon([jtorch.zeros(3, requires_grad=True)])


def _two_groups(m, params):
    w, b = params
    return m.optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.1, "amsgrad": True, "weight_decay": 0.1}], lr=0.03)


def test_param_groups_with_their_own_options():
    expected, topt, _ = trajectory(torch, _two_groups, steps=20)
    got, jopt, _ = trajectory(jtorch, _two_groups, steps=20)
    _assert_same(expected, got, 1e-5)
    assert [g["lr"] for g in jopt.param_groups] == [0.03, 0.1]


def test_closure_loss_is_returned():
    w, b = make_params(jtorch)
    opt = jtorch.optim.Adam([w, b], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = loss_fn(jtorch, w, b)
        loss.backward()
        return loss
    first = loss_fn(jtorch, *make_params(jtorch)).item()
    loss = opt.step(closure)
    assert loss.item() == pytest.approx(first, rel=1e-6)
    assert opt.step(lambda: 3.0) == 3.0
    assert opt.step() is None


@pytest.mark.parametrize("kwargs", [dict(lr=1, max_iter=4, history_size=3),
                                    dict(lr=0.5, max_iter=4, line_search_fn="strong_wolfe")])
def test_lbfgs_matches_torch(kwargs):
    expected, topt, _ = trajectory(torch, lambda m, p: m.optim.LBFGS(p, **kwargs), steps=4, closure=True)
    got, opt, _ = trajectory(jtorch, lambda m, p: m.optim.LBFGS(p, **kwargs), steps=4, closure=True)
    # LBFGS amplifies float32 round-off: in torch itself, moving one input by 1e-6 moves
    # this trajectory by ~2e-5 after 16 iterations
    _assert_same(expected, got, 1e-4)
    tstate, jstate = topt.state_dict()["state"][0], opt.state_dict()["state"][0]
    assert (jstate["n_iter"], jstate["func_evals"]) == (tstate["n_iter"], tstate["func_evals"])
    np.testing.assert_allclose(jstate["d"].numpy(), tstate["d"].numpy(), atol=1e-4)
    assert len(jstate["old_dirs"]) == len(tstate["old_dirs"])


def test_lbfgs_returns_first_loss_and_rejects_groups():
    w = jtorch.tensor([1.0, -2.0]).requires_grad_()
    opt = jtorch.optim.LBFGS([w], lr=1, max_iter=10)

    def closure():
        opt.zero_grad()
        loss = ((w - 3.0) ** 2).sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert loss.item() == pytest.approx(4.0 + 25.0)
    np.testing.assert_allclose(w.detach().numpy(), [3.0, 3.0], atol=1e-5)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        jtorch.optim.LBFGS([{"params": [w]}, {"params": [jtorch.zeros(1, requires_grad=True)]}])


@pytest.mark.parametrize("name,kwargs", [("Adam", dict(lr=0.1, amsgrad=True)),
                                         ("RMSprop", dict(lr=0.01, centered=True)),
                                         ("SGD", dict(lr=0.1, momentum=0.9))], ids=["Adam", "RMSprop", "SGD"])
def test_complex_params_update_like_view_as_real(name, kwargs):
    rng = np.random.RandomState(1)
    z0 = (rng.randn(3) + 1j * rng.randn(3)).astype(np.complex64)
    grads = [(rng.randn(3) + 1j * rng.randn(3)).astype(np.complex64) for _ in range(4)]
    out = []
    for m in (torch, jtorch):
        z = m.tensor(z0.copy()).requires_grad_()
        opt = getattr(m.optim, name)([z], **kwargs)
        for g in grads:
            z.grad = m.tensor(g)
            opt.step()
        out.append(z.detach().numpy())
    np.testing.assert_allclose(out[1], out[0], atol=1e-5)


def test_custom_optimizer_on_the_base_class():
    class PlainSGD(jtorch.optim.Optimizer):
        def __init__(self, params, lr):
            super().__init__(params, dict(lr=lr))

        @jtorch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=-group["lr"])

    expected, _, _ = trajectory(torch, lambda m, p: m.optim.SGD(p, lr=0.1), steps=5)
    got, _, _ = trajectory(jtorch, lambda m, p: PlainSGD(p, lr=0.1), steps=5)
    _assert_same(expected, got, 1e-6)
