"""Random ops: shapes, dtypes, seeding and generators, and loose distribution checks.

jtorch's generator is not torch's (different bit streams), so values are never compared
with torch; only shapes, dtypes, reproducibility and sample statistics are.
"""
import subprocess
import sys

import numpy as np
import pytest

import jtorch

N = 20000  # one draw per distribution; the bounds below are many standard errors wide


def test_shapes_and_dtypes():
    jtorch.manual_seed(0)
    assert jtorch.rand(2, 3).shape == (2, 3) and jtorch.rand(2, 3).dtype == jtorch.float32
    assert jtorch.randn((4,), dtype=jtorch.float64).dtype == jtorch.float64
    assert jtorch.rand([]).shape == () and jtorch.randn(size=(2, 1)).shape == (2, 1)
    r = jtorch.randint(3, 7, (5,))
    assert r.dtype == jtorch.int64 and r.shape == (5,)
    assert jtorch.randint(10, (2, 2), dtype=jtorch.int32).dtype == jtorch.int32
    assert jtorch.randperm(6).dtype == jtorch.int64
    x = jtorch.zeros(3, 2, dtype=jtorch.float64)
    assert jtorch.rand_like(x).dtype == jtorch.float64 and jtorch.randn_like(x).shape == (3, 2)
    assert jtorch.randint_like(x, 5).shape == (3, 2)
    assert jtorch.normal(0.0, 1.0, size=(2, 3)).shape == (2, 3)
    assert jtorch.normal(jtorch.zeros(4), 2.0).shape == (4,)
    assert jtorch.normal(1.0, jtorch.ones(2, 2)).shape == (2, 2)
    assert jtorch.rand(2, requires_grad=True).requires_grad


def test_manual_seed_reproducible_and_advancing():
    jtorch.manual_seed(123)
    a, b = jtorch.rand(4).numpy(), jtorch.randn(4).numpy()
    jtorch.manual_seed(123)
    assert np.array_equal(jtorch.rand(4).numpy(), a) and np.array_equal(jtorch.randn(4).numpy(), b)
    assert not np.array_equal(jtorch.rand(4).numpy(), a)  # the stream moves on
    jtorch.manual_seed(124)
    assert not np.array_equal(jtorch.rand(4).numpy(), a)
    assert jtorch.initial_seed() == 124


def test_reproducible_run_to_run():
    code = "import jtorch; jtorch.manual_seed(7); a, b = jtorch.rand(3), jtorch.randn(2); print(a.tolist(), b.tolist())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    jtorch.manual_seed(7)
    a, b = jtorch.rand(3), jtorch.randn(2)
    assert out.strip() == f"{a.tolist()} {b.tolist()}"


def test_generator_objects():
    g1, g3 = jtorch.Generator().manual_seed(5), jtorch.Generator()
    assert g3.manual_seed(5) is g3 and g1.initial_seed() == 5
    a = jtorch.rand(5, generator=g1)
    jtorch.manual_seed(99)
    other = jtorch.rand(5)  # the global stream does not disturb g3
    b = jtorch.rand(5, generator=g3)
    state = g3.get_state()
    c = jtorch.randint(0, 100, (4,), generator=g3)
    g3.set_state(state)
    d = jtorch.randint(0, 100, (4,), generator=g3)
    assert np.array_equal(a.numpy(), b.numpy()) and not np.array_equal(a.numpy(), other.numpy())
    assert np.array_equal(c.numpy(), d.numpy())
    fns = (lambda g: jtorch.randperm(8, generator=g), lambda g: jtorch.normal(0.0, 1.0, (3,), generator=g),
           lambda g: jtorch.multinomial(jtorch.ones(5), 3, generator=g),
           lambda g: jtorch.bernoulli(jtorch.full((6,), 0.5), generator=g))
    pairs = [(fn(jtorch.Generator().manual_seed(1)), fn(jtorch.Generator().manual_seed(1))) for fn in fns]
    for x, y in pairs:
        assert np.array_equal(x.numpy(), y.numpy())


def test_global_rng_state_roundtrip():
    jtorch.manual_seed(3)
    state = jtorch.get_rng_state()
    a = jtorch.rand(3).numpy()
    jtorch.set_rng_state(state)
    assert np.array_equal(jtorch.rand(3).numpy(), a)


def test_uniform_and_normal_statistics():
    jtorch.manual_seed(0)
    # drawn together so that one program computes them all
    u, z, n = jtorch.rand(N), jtorch.randn(N), jtorch.normal(3.0, 2.0, size=(N,))
    m = jtorch.normal(jtorch.tensor([-5.0, 5.0]).repeat(N // 2), 0.5)
    x, y, e = jtorch.empty(N).uniform_(-2, 4), jtorch.empty(N).normal_(1.0, 3.0), jtorch.empty(N).exponential_(2.0)
    u, z, n, m, x, y, e = (t.numpy() for t in (u, z, n, m, x, y, e))
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.02 and abs(u.std() - 12 ** -0.5) < 0.02
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05
    assert abs(n.mean() - 3) < 0.1 and abs(n.std() - 2) < 0.1
    assert abs(m[0::2].mean() + 5) < 0.05 and abs(m[1::2].std() - 0.5) < 0.05
    assert x.min() >= -2 and x.max() < 4 and abs(x.mean() - 1) < 0.1
    assert abs(y.mean() - 1) < 0.15 and abs(y.std() - 3) < 0.15
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.03


def test_integer_distributions_and_bernoulli():
    jtorch.manual_seed(1)
    r, p, p0 = jtorch.randint(-3, 4, (N,)), jtorch.randperm(50), jtorch.randperm(0)
    b = jtorch.bernoulli(jtorch.full((N,), 0.3))
    s = jtorch.bernoulli(jtorch.tensor([0.0, 1.0, 0.5]).repeat(N // 10))
    c, d = jtorch.bernoulli(jtorch.zeros(N), p=0.8), jtorch.zeros(N).bernoulli_(0.25)
    r, p, b, s, c, d = (t.numpy() for t in (r, p, b, s, c, d))
    assert r.min() == -3 and r.max() == 3 and abs(r.mean()) < 0.1
    assert np.all(np.abs(np.bincount(r + 3, minlength=7) / N - 1 / 7) < 0.02)
    assert sorted(p.tolist()) == list(range(50)) and p.tolist() != list(range(50))
    assert p0.shape == (0,)
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.3) < 0.02
    s = s.reshape(-1, 3)
    assert s[:, 0].sum() == 0 and s[:, 1].min() == 1 and abs(s[:, 2].mean() - 0.5) < 0.05
    assert abs(c.mean() - 0.8) < 0.02 and abs(d.mean() - 0.25) < 0.02


def test_multinomial():
    jtorch.manual_seed(4)
    w = jtorch.tensor([1.0, 0.0, 3.0])
    s = jtorch.multinomial(w, N, replacement=True)
    assert s.dtype == jtorch.int64 and s.shape == (N,)
    freq = np.bincount(s.numpy(), minlength=3) / N
    assert freq[1] == 0 and abs(freq[2] - 0.75) < 0.02
    rows = jtorch.multinomial(jtorch.tensor([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]]), 2)
    assert rows.shape == (2, 2)
    r = rows.numpy()
    assert len(set(r[0])) == 2 and sorted(r[1].tolist()) == [2, 3]  # without replacement: distinct indices


def test_random_ops_in_a_step_do_not_recompile():
    from jtorch._engine import metrics
    jtorch.manual_seed(0)
    x = jtorch.ones(8)
    x.numpy()
    (x * jtorch.rand(8)).sum().item()
    before = metrics.snapshot()["compiles"]
    vals = [(x * jtorch.rand(8)).sum().item() for _ in range(3)]
    assert metrics.snapshot()["compiles"] == before
    assert len(set(vals)) == 3  # fresh keys give fresh samples


def test_randint_bounds_error():
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got from=5 >= to=2"):
        jtorch.randint(5, 2, (3,))
