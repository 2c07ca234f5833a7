"""swa_utils against torch: SWA and EMA averages, update_bn, SWALR."""
import numpy as np
import pytest

import jtorch
import jtorch.optim  # noqa: F401

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

pytestmark = pytest.mark.filterwarnings("ignore:.*different programs:RuntimeWarning")


def _set(m, p, arr):
    with m.no_grad():
        if m is torch:
            p.copy_(torch.tensor(arr))
        else:
            p._assign(jtorch.tensor(arr))


def _run(m):
    model = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4), m.nn.Linear(4, 2))
    for p in model.parameters():
        _set(m, p, np.linspace(-1, 1, p.numel(), dtype=np.float32).reshape(tuple(p.shape)))
    su = m.optim.swa_utils
    swa = su.AveragedModel(model)
    ema = su.AveragedModel(model, multi_avg_fn=su.get_ema_multi_avg_fn(0.9))
    ema1 = su.AveragedModel(model, avg_fn=su.get_ema_avg_fn(0.8), use_buffers=True)
    opt = m.optim.SGD(model.parameters(), lr=0.1)
    sched = su.SWALR(opt, swa_lr=0.05, anneal_epochs=3, anneal_strategy="linear")
    x = m.tensor(np.random.RandomState(0).randn(8, 3).astype(np.float32))
    lrs = []
    for _ in range(6):
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
        sched.step()
        for avg in (swa, ema, ema1):
            avg.update_parameters(model)
        lrs.extend(sched.get_last_lr())
    su.update_bn([x, (x, None)], swa)
    arrays = [t.detach().numpy().copy() for avg in (swa, ema, ema1)
              for t in list(avg.parameters()) + list(avg.buffers())]
    return arrays, lrs, int(swa.n_averaged), swa(x).detach().numpy()


def test_swa_utils_match_torch():
    t_arrays, t_lrs, t_n, t_out = _run(torch)
    j_arrays, j_lrs, j_n, j_out = _run(jtorch)
    assert len(j_arrays) == len(t_arrays)
    for a, b in zip(t_arrays, j_arrays):
        np.testing.assert_allclose(b, a, atol=1e-5)
    assert j_lrs == pytest.approx(t_lrs)
    assert j_n == t_n == 6
    np.testing.assert_allclose(j_out, t_out, atol=1e-5)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="Invalid decay value"):
        jtorch.optim.swa_utils.get_ema_avg_fn(1.5)
    opt = jtorch.optim.SGD([jtorch.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy must be one of"):
        jtorch.optim.swa_utils.SWALR(opt, 0.01, anneal_strategy="step")
