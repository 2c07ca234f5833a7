"""More lr_scheduler parity with torch: closed forms (step(epoch)), warm-restart seeking, saved state, errors."""
import warnings

import pytest

import jtorch
import jtorch.optim  # noqa: F401

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _opt(m, kind="SGD"):
    groups = [{"params": [m.zeros(2, requires_grad=True)]}, {"params": [m.zeros(3, requires_grad=True)], "lr": 0.05}]
    if kind == "SGD":
        return m.optim.SGD(groups, lr=0.1, momentum=0.9)
    return m.optim.Adam(groups, lr=0.1)


def _ls(m):
    return m.optim.lr_scheduler


CLOSED = {
    "StepLR": lambda ls, o: ls.StepLR(o, 3, 0.5),
    "MultiStepLR": lambda ls, o: ls.MultiStepLR(o, [2, 5, 5], 0.3),
    "ConstantLR": lambda ls, o: ls.ConstantLR(o, 0.5, total_iters=4),
    "LinearLR": lambda ls, o: ls.LinearLR(o, 0.25, 0.75, total_iters=6),
    "ExponentialLR": lambda ls, o: ls.ExponentialLR(o, 0.8),
    "PolynomialLR": lambda ls, o: ls.PolynomialLR(o, total_iters=7, power=1.5),
    "CosineAnnealingLR": lambda ls, o: ls.CosineAnnealingLR(o, 6, 0.01),
    "CosineAnnealingWarmRestarts": lambda ls, o: ls.CosineAnnealingWarmRestarts(o, 3, T_mult=2, eta_min=0.001),
    "CosineAnnealingWarmRestarts-1": lambda ls, o: ls.CosineAnnealingWarmRestarts(o, 4),
}


@pytest.mark.parametrize("name", list(CLOSED))
def test_explicit_epochs_match_torch(name):
    epochs = [3, 7, 1, 12, 0, 5.5 if "Warm" in name else 5, 20]
    seqs = []
    for m in (torch, jtorch):
        opt = _opt(m)
        sched = CLOSED[name](_ls(m), opt)
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for e in epochs:
                sched.step(e)
                out.append((sched.get_last_lr(), sched.last_epoch, getattr(sched, "T_cur", None),
                            getattr(sched, "T_i", None)))
        seqs.append(out)
    for t, j in zip(*seqs):
        assert j[1:] == t[1:]
        assert j[0] == pytest.approx(t[0], rel=1e-12)


def test_warm_restarts_rejects_negative_epoch():
    for m in (torch, jtorch):
        sched = _ls(m).CosineAnnealingWarmRestarts(_opt(m), 2)
        with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched.step(-1)


class _Scale:
    def __init__(self):
        self.k = 0.5

    def __call__(self, x):
        return self.k ** x


def test_cyclic_state_dict_values_match_torch():
    sds = []
    for m in (torch, jtorch):
        opt = _opt(m)
        sched = _ls(m).CyclicLR(opt, 0.01, 0.1, step_size_up=2, scale_fn=_Scale(), scale_mode="iterations")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(5):
                sched.step()
        sd = sched.state_dict()
        sds.append(sd)
        fresh = _ls(m).CyclicLR(_opt(m), 0.01, 0.1, step_size_up=2, scale_fn=_Scale(), scale_mode="iterations")
        fresh._scale_fn_custom.k = 0.0
        fresh.load_state_dict(dict(sd))
        assert fresh._scale_fn_custom.k == 0.5 and fresh.last_epoch == 5
    t, j = sds
    assert sorted(j) == sorted(t)
    for k in ("_scale_fn_custom", "last_epoch", "total_size", "step_ratio", "scale_mode", "base_momentums",
              "max_momentums", "use_beta1", "mode", "gamma"):
        assert j[k] == t[k], k
    assert j["_last_lr"] == pytest.approx(t["_last_lr"], rel=1e-12)
    # a plain function is not saved
    for m in (torch, jtorch):
        sched = _ls(m).CyclicLR(_opt(m), 0.01, 0.1, scale_fn=lambda x: 1.0)
        assert sched.state_dict()["_scale_fn_custom"] is None
        assert "_scale_fn_ref" not in _ls(m).CyclicLR(_opt(m), 0.01, 0.1).state_dict()


def test_lambda_state_dict_keeps_callable_state_like_torch():
    for m in (torch, jtorch):
        fn = _Scale()
        sched = _ls(m).LambdaLR(_opt(m), [lambda e: 1.0, fn])
        sd = sched.state_dict()
        assert sd["lr_lambdas"] == [None, {"k": 0.5}]
        other = _Scale()
        other.k = 0.1
        fresh = _ls(m).LambdaLR(_opt(m), [lambda e: 1.0, other])
        fresh.load_state_dict(sd)
        assert other.k == 0.5 and "lr_lambdas" in sd


def test_plateau_state_dict_and_errors_match_torch():
    for m in (torch, jtorch):
        ls = _ls(m)
        with pytest.raises(ValueError, match="Factor should be < 1.0."):
            ls.ReduceLROnPlateau(_opt(m), factor=1.0)
        with pytest.raises(ValueError, match="mode sideways is unknown!"):
            ls.ReduceLROnPlateau(_opt(m), mode="sideways")
        with pytest.raises(ValueError, match="threshold mode near is unknown!"):
            ls.ReduceLROnPlateau(_opt(m), threshold_mode="near")
        with pytest.raises(ValueError, match="expected 2 min_lrs, got 1"):
            ls.ReduceLROnPlateau(_opt(m), min_lr=[0.1])
    keys = []
    for m in (torch, jtorch):
        sched = _ls(m).ReduceLROnPlateau(_opt(m), mode="max", patience=0)
        for v in (1.0, 0.5, 0.4):
            sched.step(v)
        sd = sched.state_dict()
        keys.append({k: v for k, v in sd.items() if k != "optimizer"})
    assert sorted(keys[1]) == sorted(keys[0])
    for k in keys[0]:
        if k != "_last_lr":
            assert keys[1][k] == keys[0][k], k


def test_one_cycle_errors_match_torch():
    bad = [dict(), dict(total_steps=0), dict(epochs=0, steps_per_epoch=3), dict(epochs=2, steps_per_epoch=-1),
           dict(total_steps=10, pct_start=1.5), dict(total_steps=10, anneal_strategy="exp")]
    for kw in bad:
        msgs = []
        for m in (torch, jtorch):
            with pytest.raises(ValueError) as info:
                _ls(m).OneCycleLR(_opt(m), 0.1, **kw)
            msgs.append(str(info.value))
        assert msgs[1] == msgs[0], kw
    for m in (torch, jtorch):
        sched = _ls(m).OneCycleLR(_opt(m), 0.1, total_steps=2)
        opt_lrs = [sched.get_last_lr()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched.step()
            sched.step()
            with pytest.raises(ValueError, match="Tried to step 3 times. The specified number of total steps is 2"):
                sched.step()
        assert opt_lrs


def test_sequential_and_chained_errors_match_torch():
    for m in (torch, jtorch):
        ls = _ls(m)
        o = _opt(m)
        with pytest.raises(ValueError, match="expects at least one scheduler"):
            ls.SequentialLR(o, [], [])
        with pytest.raises(ValueError, match="one more than the number of milestone points"):
            ls.SequentialLR(o, [ls.StepLR(o, 2)], [3])
        with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
            ls.ChainedScheduler([ls.ReduceLROnPlateau(o)])
        with pytest.raises(ValueError, match="momentum or beta1"):
            ls.CyclicLR(m.optim.Adagrad([m.zeros(1, requires_grad=True)], lr=0.1), 0.01, 0.1)
