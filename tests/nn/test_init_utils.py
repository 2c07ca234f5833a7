"""nn.init distributions and helpers; nn.utils clipping and vector conversion."""
import math

import numpy as np
import pytest

import jtorch
import jtorch.nn as jnn
from jtorch._engine import metrics

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
I, TI = jnn.init, torch.nn.init


def test_gain_and_fans_match_torch():
    for nl, p in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                  ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)]:
        assert I.calculate_gain(nl, p) == TI.calculate_gain(nl, p)
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        I.calculate_gain("foo")
    assert I._calculate_fan_in_and_fan_out(jtorch.empty(8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed for tensor with fewer than 2"):
        I._calculate_fan_in_and_fan_out(jtorch.empty(3))


def test_init_distributions():
    w = jtorch.empty(200, 300)
    before = metrics.snapshot()["syncs"]
    I.kaiming_uniform_(w, a=math.sqrt(5))
    assert metrics.snapshot()["syncs"] == before  # init stays lazy
    bound = 1 / math.sqrt(300)
    a = w.numpy()
    assert a.min() >= -bound and a.max() <= bound and a.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    checks = [
        (lambda t: I.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"), 0.0, math.sqrt(2 / 200)),
        (lambda t: I.xavier_uniform_(t, gain=2.0), 0.0, 2 * math.sqrt(2 / 500)),
        (lambda t: I.xavier_normal_(t), 0.0, math.sqrt(2 / 500)),
        (lambda t: I.normal_(t, 1.0, 0.5), 1.0, 0.5),
        (lambda t: I.uniform_(t, -1.0, 3.0), 1.0, 4 / math.sqrt(12)),
    ]
    for fn, mean, std in checks:
        t = jtorch.empty(200, 300)
        assert fn(t) is t
        a = t.numpy()
        assert a.mean() == pytest.approx(mean, abs=0.02) and a.std() == pytest.approx(std, rel=0.05)
    t = I.trunc_normal_(jtorch.empty(10000), std=1.0, a=-1.0, b=0.5).numpy()
    assert t.min() >= -1.0 and t.max() <= 0.5 and t.mean() == pytest.approx(-0.2, abs=0.05)
    q = I.orthogonal_(jtorch.empty(4, 6), gain=2.0).numpy()
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(4), atol=1e-4)
    np.testing.assert_array_equal(I.eye_(jtorch.empty(2, 3)).numpy(), np.eye(2, 3))
    np.testing.assert_array_equal(I.constant_(jtorch.empty(2), 0.3).numpy(), np.full(2, 0.3, np.float32))
    d = I.dirac_(jtorch.empty(4, 2, 3, 3)).numpy()
    np.testing.assert_array_equal(d, TI.dirac_(torch.empty(4, 2, 3, 3)).numpy())
    p = jnn.Parameter(jtorch.zeros(3))
    I.ones_(p)
    assert p.requires_grad and p.is_leaf and float(p.sum()) == 3.0
    I.zeros_(p)
    assert float(p.sum()) == 0.0


def _grads(lib, seed_grads):
    ps = [lib.nn.Parameter(lib.zeros(*g.shape)) for g in seed_grads]
    for p, g in zip(ps, seed_grads):
        p.grad = lib.tensor(g)
    return ps


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_clip_grad_norm_matches_torch(norm_type):
    rng = np.random.default_rng(0)
    gs = [rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(5,)).astype(np.float32)]
    tp, jp = _grads(torch, gs), _grads(jtorch, gs)
    tn = torch.nn.utils.clip_grad_norm_(tp, 1.5, norm_type=norm_type)
    before = metrics.snapshot()["syncs"]
    jn = jnn.utils.clip_grad_norm_(jp, 1.5, norm_type=norm_type)
    assert metrics.snapshot()["syncs"] == before  # the total norm stays pending
    assert jn.shape == () and float(jn) == pytest.approx(float(tn), rel=1e-5)
    for a, b in zip(tp, jp):
        np.testing.assert_allclose(b.grad.numpy(), a.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_clip_value_nonfinite_and_vectors():
    jp = _grads(jtorch, [np.array([-3.0, 0.5, 2.0], np.float32)])
    jnn.utils.clip_grad_value_(jp, 1.0)
    np.testing.assert_array_equal(jp[0].grad.numpy(), [-1.0, 0.5, 1.0])
    bad = _grads(jtorch, [np.array([np.inf, 1.0], np.float32)])
    with pytest.raises(RuntimeError, match="The total norm of order 2.0 for gradients from `parameters` is non-finite"):
        jnn.utils.clip_grad_norm_(bad, 1.0, error_if_nonfinite=True)
    m = jnn.Linear(3, 2)
    vec = jnn.utils.parameters_to_vector(m.parameters())
    assert vec.shape == (8,)
    w = m.weight
    jnn.utils.vector_to_parameters(jtorch.arange(8.0), m.parameters())
    assert m.weight is w and w.requires_grad
    np.testing.assert_array_equal(m.weight.detach().numpy(), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(m.bias.detach().numpy(), [6.0, 7.0])
