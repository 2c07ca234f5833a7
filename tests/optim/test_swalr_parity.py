"""SWALR schedules (cos, linear, anneal_epochs=0, per-group swa_lr), its saved state and errors against torch."""
import warnings

import pytest

import jtorch
import jtorch.optim  # noqa: F401

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _opt(m):
    groups = [{"params": [m.zeros(2, requires_grad=True)]}, {"params": [m.zeros(1, requires_grad=True)], "lr": 0.3}]
    return m.optim.SGD(groups, lr=0.1)


@pytest.mark.parametrize("kw", [dict(swa_lr=0.05), dict(swa_lr=[0.01, 0.2], anneal_epochs=4),
                                dict(swa_lr=0.02, anneal_epochs=0), dict(swa_lr=0.5, anneal_epochs=3,
                                                                         anneal_strategy="linear")])
def test_swalr_sequence_matches_torch(kw):
    seqs = []
    for m in (torch, jtorch):
        opt = _opt(m)
        sched = m.optim.swa_utils.SWALR(opt, **kw)
        seq = [sched.get_last_lr()]
        for _ in range(12):
            opt.step()
            sched.step()
            seq.append(sched.get_last_lr())
        seqs.append((seq, sched.last_epoch, sorted(sched.state_dict())))
    (tseq, tlast, tkeys), (jseq, jlast, jkeys) = seqs
    assert (jlast, jkeys) == (tlast, tkeys)
    for t, j in zip(tseq, jseq):
        assert j == pytest.approx(t, rel=1e-12)


def test_swalr_state_dict_round_trip_and_errors():
    opt = _opt(jtorch)
    sched = jtorch.optim.swa_utils.SWALR(opt, 0.05, anneal_strategy="linear")
    for _ in range(3):
        opt.step()
        sched.step()
    sd = sched.state_dict()
    assert sd["_anneal_strategy"] == "linear" and "anneal_func" not in sd
    fresh = jtorch.optim.swa_utils.SWALR(_opt(jtorch), 0.05)
    fresh.load_state_dict(sd)
    assert fresh.anneal_func(0.25) == 0.25 and fresh.last_epoch == sched.last_epoch
    for m in (torch, jtorch):
        with pytest.raises(ValueError, match="anneal_epochs must be equal or greater than 0, got -1"):
            m.optim.swa_utils.SWALR(_opt(m), 0.05, anneal_epochs=-1)
        with pytest.raises(ValueError, match="swa_lr must have the same length"):
            m.optim.swa_utils.SWALR(_opt(m), [0.05])
        s = m.optim.swa_utils.SWALR(_opt(m), 0.05)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            s.get_lr()
        assert any("get_last_lr()" in str(x.message) for x in w)


def test_update_bn_without_batchnorm_is_a_no_op():
    model = jtorch.nn.Linear(2, 2).eval()
    jtorch.optim.swa_utils.update_bn([jtorch.ones(1, 2)], model)
    assert not model.training
