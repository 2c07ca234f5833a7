"""Every scheduler's lr (and momentum) sequence against torch's over 30 steps."""
import math
import warnings

import pytest

import jtorch
import jtorch.optim  # noqa: F401

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

S = "lr_scheduler"


def _opt(m, kind="SGD"):
    a, b = m.zeros(2, requires_grad=True), m.zeros(3, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}]
    if kind == "SGD":
        return m.optim.SGD(groups, lr=0.1, momentum=0.9)
    return m.optim.Adam(groups, lr=0.1)


def _chain(m, o):
    ls = getattr(m.optim, S)
    return ls.ChainedScheduler([ls.ExponentialLR(o, 0.9), ls.StepLR(o, 4, 0.5)])


def _sequential(m, o):
    ls = getattr(m.optim, S)
    return ls.SequentialLR(o, [ls.LinearLR(o, 0.1, total_iters=5), ls.CosineAnnealingLR(o, 10, 0.001),
                               ls.ConstantLR(o, 0.5, total_iters=3)], milestones=[5, 15])


class _Halve:
    def __call__(self, epoch):
        return 0.5 ** (epoch // 3)


CASES = {
    "LambdaLR": lambda m, o: getattr(m.optim, S).LambdaLR(o, [lambda e: 0.95 ** e, _Halve()]),
    "MultiplicativeLR": lambda m, o: getattr(m.optim, S).MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 1.0),
    "StepLR": lambda m, o: getattr(m.optim, S).StepLR(o, step_size=7, gamma=0.3),
    "MultiStepLR": lambda m, o: getattr(m.optim, S).MultiStepLR(o, milestones=[3, 8, 8, 20], gamma=0.5),
    "ConstantLR": lambda m, o: getattr(m.optim, S).ConstantLR(o, factor=0.25, total_iters=6),
    "LinearLR": lambda m, o: getattr(m.optim, S).LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=12),
    "ExponentialLR": lambda m, o: getattr(m.optim, S).ExponentialLR(o, gamma=0.93),
    "PolynomialLR": lambda m, o: getattr(m.optim, S).PolynomialLR(o, total_iters=20, power=2.0),
    "CosineAnnealingLR": lambda m, o: getattr(m.optim, S).CosineAnnealingLR(o, T_max=8, eta_min=0.001),
    "CosineAnnealingWarmRestarts": lambda m, o: getattr(m.optim, S).CosineAnnealingWarmRestarts(o, 4, T_mult=2,
                                                                                                 eta_min=0.01),
    "CyclicLR-triangular": lambda m, o: getattr(m.optim, S).CyclicLR(o, 0.01, [0.1, 0.2], step_size_up=4,
                                                                     step_size_down=6),
    "CyclicLR-triangular2": lambda m, o: getattr(m.optim, S).CyclicLR(o, 0.01, 0.1, step_size_up=3,
                                                                      mode="triangular2", cycle_momentum=False),
    "CyclicLR-exp_range": lambda m, o: getattr(m.optim, S).CyclicLR(o, [0.01, 0.02], 0.1, step_size_up=5,
                                                                    mode="exp_range", gamma=0.95),
    "OneCycleLR-cos": lambda m, o: getattr(m.optim, S).OneCycleLR(o, max_lr=[0.1, 0.3], total_steps=31),
    "OneCycleLR-linear-3phase": lambda m, o: getattr(m.optim, S).OneCycleLR(
        o, max_lr=0.2, epochs=3, steps_per_epoch=11, anneal_strategy="linear", three_phase=True, pct_start=0.25),
    "SequentialLR": _sequential,
    "ChainedScheduler": _chain,
}
ADAM = {"OneCycleLR-linear-3phase", "CyclicLR-triangular"}  # momentum cycling through betas[0]


def _run(m, name, steps=30):
    opt = _opt(m, "Adam" if name in ADAM else "SGD")
    sched = CASES[name](m, opt)
    seq = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "lr_scheduler.step() before optimizer.step()": nothing to optimize here
        for _ in range(steps):
            mom = [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]
            seq.append((sched.get_last_lr(), [g["lr"] for g in opt.param_groups], mom))
            sched.step()
    return seq, sched, opt


@pytest.mark.parametrize("name", list(CASES))
def test_lr_sequence_matches_torch(name):
    expected, tsched, _ = _run(torch, name)
    got, jsched, _ = _run(jtorch, name)
    for i, (e, g) in enumerate(zip(expected, got)):
        for ev, gv in zip(e, g):
            assert gv == pytest.approx(ev, rel=1e-12, abs=1e-15), f"step {i}: {g} != {e}"
    assert all(isinstance(v, float) for v in got[-1][1])
    assert getattr(jsched, "last_epoch", None) == getattr(tsched, "last_epoch", None)


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.91, 0.9, 0.92, 0.95, 0.89, 0.89, 0.9, 0.9, 0.9, 0.9, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6]
    configs = [dict(patience=2), dict(mode="max", factor=0.5, patience=1, threshold=0.05, cooldown=2),
               dict(threshold_mode="abs", threshold=0.02, patience=1, min_lr=[0.02, 0.01], factor=0.3)]
    for kw in configs:
        seqs = []
        for m in (torch, jtorch):
            opt = _opt(m)
            sched = getattr(m.optim, S).ReduceLROnPlateau(opt, **kw)
            seq = []
            for v in metrics:
                sched.step(v)
                seq.append((list(sched.get_last_lr()), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
            seqs.append(seq)
        assert seqs[0] == seqs[1], kw


def test_state_dict_round_trip_matches_torch():
    for name in ("StepLR", "CosineAnnealingLR", "OneCycleLR-cos", "SequentialLR"):
        _, tsched, _ = _run(torch, name, steps=7)
        _, jsched, _ = _run(jtorch, name, steps=7)
        tsd, jsd = tsched.state_dict(), jsched.state_dict()
        assert sorted(jsd) == sorted(tsd), name
        # a fresh scheduler continues where the saved one stopped
        opt = _opt(jtorch, "SGD")
        fresh = CASES[name](jtorch, opt)
        fresh.load_state_dict(jsd)
        assert fresh.last_epoch == jsched.last_epoch and fresh.get_last_lr() == jsched.get_last_lr()


def test_initial_lr_and_resume_errors():
    opt = _opt(jtorch)
    sched = jtorch.optim.lr_scheduler.ExponentialLR(opt, 0.5)
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
    assert sched.base_lrs == [0.1, 0.05]
    with pytest.raises(KeyError):
        jtorch.optim.lr_scheduler.StepLR(_opt(jtorch), 3, last_epoch=4)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        jtorch.optim.lr_scheduler.StepLR(object(), 3)


def test_step_order_warning_like_torch():
    for m in (torch, jtorch):
        opt = _opt(m)
        sched = getattr(m.optim, S).StepLR(opt, 3)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            sched.step()
        opt2 = _opt(m)
        sched2 = getattr(m.optim, S).StepLR(opt2, 3)
        opt2.step()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sched2.step()


def test_cosine_closed_form_with_epoch_argument():
    for m in (torch, jtorch):
        opt = _opt(m)
        sched = getattr(m.optim, S).CosineAnnealingLR(opt, T_max=10)
        with pytest.warns(UserWarning):
            sched.step(5)
        assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * (1 + math.cos(math.pi * 5 / 10)) / 2)
