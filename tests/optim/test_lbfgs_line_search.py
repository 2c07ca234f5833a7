"""LBFGS internals against torch's: cubic interpolation and the strong Wolfe line search (extrapolation,
zoom with either bracket order, the evaluation cap), in float64 so results agree to round-off."""
import numpy as np
import pytest

from jtorch.optim import lbfgs as J

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
from torch.optim import lbfgs as T  # noqa: E402


def test_cubic_interpolate_matches_torch():
    rng = np.random.default_rng(0)
    cases = [(0.0, 1.0, -2.0, 1.0, 0.5, 1.0, None), (1.0, 0.5, 1.0, 0.0, 1.0, -2.0, None),  # both orders
             (0.0, 1.0, -1.0, 1.0, 0.0, -1.0, (1.01, 10.0)), (2.0, 1.0, 5.0, 1.0, 3.0, -5.0, None),
             (0.0, 0.0, 1.0, 1.0, 0.0, 1.0, None)]  # no real minimiser: midpoint
    for _ in range(200):
        x1, x2 = rng.normal(size=2) * 3
        b = None if rng.random() < 0.5 else tuple(sorted(rng.normal(size=2) * 5))
        cases.append((x1, rng.normal(), rng.normal(), x2, rng.normal(), rng.normal(), b))
    for x1, f1, g1, x2, f2, g2, b in cases:
        vals = (x1, f1, g1, x2, f2, g2)
        want = T._cubic_interpolate(*(torch.tensor(v, dtype=torch.float64) for v in vals), bounds=b)
        with np.errstate(divide="ignore", invalid="ignore"):  # torch divides by zero here too
            got = J._cubic_interpolate(*(np.float64(v) for v in vals), bounds=b)
        assert float(got) == pytest.approx(float(want), rel=1e-12, abs=1e-12)


def _objective(kind):
    scale = np.array([1.0, 10.0, 0.1])

    def f_np(x):
        if kind == "quad":
            return (((x - 5.0) ** 2 * scale).sum()), 2 * (x - 5.0) * scale
        return (np.sum(np.log(np.cosh(x - 2.0)) * scale)), np.tanh(x - 2.0) * scale

    def jt(x, t, d):
        return f_np(x + t * d)

    def tt(x, t, d):
        v, g = f_np(x.numpy() + float(t) * d.numpy())
        return torch.tensor(v, dtype=torch.float64), torch.from_numpy(g)
    return f_np, jt, tt



@pytest.mark.parametrize("kind", ["quad", "logcosh"])
@pytest.mark.parametrize("t0,max_ls", [(1e-3, 25), (0.01, 25), (1.0, 25), (40.0, 25), (40.0, 2), (1e-3, 1)])
def test_strong_wolfe_matches_torch(kind, t0, max_ls):
    f_np, jt, tt = _objective(kind)
    x = np.array([0.3, -1.0, 4.0])
    f, g = f_np(x)
    f = np.float64(f)
    d = -g
    gtd = g.dot(d)
    jf, jg, jstep, jn = J._strong_wolfe(jt, x, np.float64(t0), d, f, g, gtd, max_ls=max_ls)
    tf, tg, tstep, tn = T._strong_wolfe(tt, torch.from_numpy(x), t0, torch.from_numpy(d), torch.tensor(f), torch.from_numpy(g),
                                        torch.tensor(gtd), max_ls=max_ls)
    assert jn == tn
    assert float(jstep) == pytest.approx(float(tstep), rel=1e-10)
    assert float(jf) == pytest.approx(float(tf), rel=1e-10)
    np.testing.assert_allclose(jg, tg.numpy(), rtol=1e-10)
