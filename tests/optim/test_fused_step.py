"""step() is one lazy update fused into the training step: one compile, one sync per step."""
import numpy as np
import pytest

import jtorch
from jtorch._engine import metrics
from tests.optim._problem import loss_fn, make_params


def _train_step(opt, params):
    opt.zero_grad()
    loss = loss_fn(jtorch, *params)
    loss.backward()
    opt.step()
    return loss


@pytest.mark.parametrize("make", [
    lambda p: (lambda o: (o, jtorch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=30)))(
        jtorch.optim.Adam(p, lr=0.01, amsgrad=True)),
    lambda p: (lambda o: (o, jtorch.optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=4)))(
        jtorch.optim.SGD(p, lr=0.01, momentum=0.9, dampening=0.1)),
    lambda p: (lambda o: (o, jtorch.optim.lr_scheduler.StepLR(o, 3, gamma=0.5)))(
        jtorch.optim.NAdam(p, lr=0.01, weight_decay=0.01)),
], ids=["Adam+OneCycleLR", "SGD+CyclicLR", "NAdam+StepLR"])
def test_changing_hyperparameters_never_recompiles(make):
    params = make_params(jtorch)
    opt, sched = make(params)
    _train_step(opt, params).item()  # warm-up: step 1 compiles (state already exists, concretely)
    sched.step()
    before = metrics.snapshot()
    lrs = set()
    for _ in range(20):
        loss = _train_step(opt, params)
        loss.item()
        sched.step()
        lrs.add(opt.param_groups[0]["lr"])
    after = metrics.snapshot()
    assert len(lrs) > 3
    assert after["compiles"] == before["compiles"]
    # forward, backward, update and the loss come out of one program: one sync per step
    assert after["syncs"] - before["syncs"] == 20
    assert after["syncs_by_reason"].get("optimizer.step", 0) - before["syncs_by_reason"].get("optimizer.step", 0) == 20


def test_params_stay_leaves_and_state_is_concrete():
    w, b = make_params(jtorch)
    opt = jtorch.optim.Adam([w, b], lr=0.1)
    loss = _train_step(opt, (w, b))
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    assert not w._lazy.pending and not opt.state[w]["exp_avg"]._lazy.pending
    assert not loss._lazy.pending  # computed by the step's program
    # the user's loss is the loss before the update
    w0, b0 = make_params(jtorch)
    assert loss.item() == pytest.approx(loss_fn(jtorch, w0, b0).item(), rel=1e-6)
    # gradient accumulation keeps working on the rebound parameter
    loss_fn(jtorch, w, b).backward()
    assert w.grad is not None and np.isfinite(w.grad.numpy()).all()


def test_params_without_grad_are_skipped():
    w, b = make_params(jtorch)
    opt = jtorch.optim.SGD([w, b], lr=0.1, momentum=0.9)
    loss = (jtorch.tanh(w) ** 2).sum()
    loss.backward()
    b0 = b.detach().numpy().copy()
    opt.step()
    assert b.grad is None
    np.testing.assert_array_equal(b.detach().numpy(), b0)
    assert "momentum_buffer" in opt.state[w] and len(opt.state[b]) == 0


def test_module_params_first_step_has_the_steady_program():
    nn = pytest.importorskip("jtorch.nn")
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))  # lazily initialised params
    opt = jtorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    assert not any(p._lazy.pending for p in model.parameters())
    x = jtorch.tensor(np.ones((5, 4), np.float32))
    counts = []
    for _ in range(4):
        opt.zero_grad()
        (model(x) ** 2).mean().backward()
        opt.step()
        counts.append(metrics.snapshot()["compiles"])
    assert counts[0] == counts[-1]
