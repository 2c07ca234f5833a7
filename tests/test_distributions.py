"""torch.distributions: parity with PyTorch for densities, moments, KL and argument checks;
shapes, gradients, statistics and seeding of samples (values differ from torch's generator)."""
import jax
import numpy as np
import pytest

import jtorch
import jtorch.distributions as jd
from jtorch._ops.random import _standard_gamma

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
td = torch.distributions

_rng = np.random.default_rng(0)
_P = {  # parameters shared by both libraries (float32 numpy)
    "loc": _rng.normal(size=(2, 3)), "scale": _rng.uniform(0.5, 2.0, (2, 3)),
    "low": _rng.uniform(-2, -1, (2, 3)), "high": _rng.uniform(1, 2, (2, 3)),
    "a": _rng.uniform(0.5, 3.0, (2, 3)), "b": _rng.uniform(0.5, 3.0, (2, 3)),
    "p": _rng.uniform(0.1, 0.9, (2, 3)), "logits": _rng.normal(size=(2, 3)),
    "rate": _rng.uniform(0.5, 4.0, (2, 3)), "count": np.array([[5.0, 10.0, 3.0], [7.0, 1.0, 12.0]]),
    "conc": _rng.uniform(0.5, 3.0, (2, 4)), "probs4": _rng.dirichlet(np.ones(4), 2), "lg4": _rng.normal(size=(2, 4)),
    "mloc": _rng.normal(size=(2, 3)),
}
_A = _rng.normal(size=(2, 3, 3))
_P["cov"] = _A @ _A.transpose(0, 2, 1) + 3 * np.eye(3)
_P["prec"] = np.linalg.inv(_P["cov"])
_P["tril"] = np.linalg.cholesky(_P["cov"])
_P = {k: v.astype(np.float32) for k, v in _P.items()}


def _cases(lib):
    """(name, distribution, values to score) for one library (jtorch or torch)."""
    D, t = lib.distributions, (lambda k: lib.tensor(_P[k]))
    pos = lib.tensor(np.abs(_P["loc"]) + 0.1)
    unit = lib.tensor(np.clip(_P["p"], 0.05, 0.95))
    counts = lib.tensor(np.array([[0.0, 2.0, 1.0], [3.0, 1.0, 5.0]], np.float32))
    return [
        ("Normal", D.Normal(t("loc"), t("scale")), t("a")),
        ("Uniform", D.Uniform(t("low"), t("high")), t("loc").clamp(-0.9, 0.9)),
        ("Beta", D.Beta(t("a"), t("b")), unit),
        ("Gamma", D.Gamma(t("a"), t("rate")), pos),
        ("Exponential", D.Exponential(t("rate")), pos),
        ("Laplace", D.Laplace(t("loc"), t("scale")), t("a")),
        ("LogNormal", D.LogNormal(t("loc"), t("scale")), pos),
        ("BernoulliP", D.Bernoulli(probs=t("p")), lib.tensor(np.array([[0.0, 1, 1], [1, 0, 0]], np.float32))),
        ("BernoulliL", D.Bernoulli(logits=t("logits")), lib.tensor(np.array([[1.0, 1, 0], [0, 0, 1]], np.float32))),
        ("Poisson", D.Poisson(t("rate")), counts),
        ("Binomial", D.Binomial(t("count"), probs=t("p")), counts),
        ("BinomialL", D.Binomial(t("count"), logits=t("logits")), counts),
        ("CategoricalP", D.Categorical(probs=t("probs4")), lib.tensor([3, 1])),
        ("CategoricalL", D.Categorical(logits=t("lg4")), lib.tensor([[0, 2], [1, 3]])),
        ("OneHot", D.OneHotCategorical(probs=t("probs4")), lib.eye(4)[lib.tensor([2, 0])]),
        ("Dirichlet", D.Dirichlet(t("conc")), t("probs4")),
        ("MVNcov", D.MultivariateNormal(t("mloc"), covariance_matrix=t("cov")), t("loc")),
        ("MVNprec", D.MultivariateNormal(t("mloc"), precision_matrix=t("prec")), t("loc")),
        ("MVNtril", D.MultivariateNormal(t("mloc")[0], scale_tril=t("tril")), t("a")[:, None]),
        ("Independent", D.Independent(D.Normal(t("loc"), t("scale")), 1), t("a")),
    ]


_QUANTITIES = ("log_prob", "entropy", "mean", "mode", "variance", "stddev", "cdf", "icdf")


def _evaluate(d, value, q):
    if q == "log_prob":
        return d.log_prob(value)
    if q == "entropy":
        return d.entropy()
    if q == "cdf":
        return d.cdf(value)
    if q == "icdf":
        return d.icdf(d.cdf(value))
    return getattr(d, q)


def test_parity_with_torch():
    ours, theirs = _cases(jtorch), _cases(torch)
    pending = []
    for (name, d, v), (_, e, w) in zip(ours, theirs):
        assert d.batch_shape == e.batch_shape and d.event_shape == e.event_shape, name
        assert type(d).__name__ == type(e).__name__ and d.has_rsample == e.has_rsample, name
        assert repr(d.support) == repr(e.support), name
        for q in _QUANTITIES:
            try:
                expected = _evaluate(e, w, q)
            except NotImplementedError:
                continue
            pending.append((name, q, _evaluate(d, v, q), expected))
    assert len(pending) > 100
    for name, q, got, expected in pending:  # one sync computes every pending value
        assert tuple(got.shape) == tuple(expected.shape), (name, q)
        np.testing.assert_allclose(got.numpy(), expected.detach().numpy(), rtol=2e-5, atol=2e-5,
                                   err_msg=f"{name}.{q}")


def _more_api(L):
    """Other public API, as a list of values (tensors, shapes, reprs) to compare."""
    D, C, T = L.distributions, L.distributions.constraints, L.tensor
    cat = D.Categorical(logits=T([[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]]))
    bern, binom = D.Bernoulli(T([0.2, 0.7])), D.Binomial(4, T([0.2, 0.7]))
    onehot, normal = D.OneHotCategorical(T([0.2, 0.3, 0.5])), D.Normal(0.0, 1.0)
    mvn = D.MultivariateNormal(L.zeros(3, 2), T([[2.0, 0.5], [0.5, 1.0]]))
    ind = D.Independent(D.Bernoulli(T([[0.2, 0.3]])), 1)
    tr = D.TransformedDistribution(D.Normal(0.0, 1.0), [D.AffineTransform(1.0, 2.0), D.ExpTransform()])
    x = T([[0.2, 0.8], [1.5, -0.5]])
    p = T([0.2, 0.3, 0.5], requires_grad=True)
    st = D.OneHotCategoricalStraightThrough(p).rsample((3,))
    (st * T([1.0, 2.0, 3.0])).sum().backward()
    return [
        cat.enumerate_support(), cat.enumerate_support(False), cat.perplexity(), cat.param_shape, cat.mode,
        bern.enumerate_support(), bern.logits, bern.mode, binom.enumerate_support(), binom.mode,
        binom.log_prob(T([[1.0, 3.0]])), onehot.enumerate_support(), onehot.mode, onehot.logits, st.sum(-1), p.grad,
        repr(normal), repr(D.Normal(L.zeros(2), 1.0)), repr(C.interval(0, 1)), repr(C.simplex), repr(ind),
        repr(C.independent(C.real, 1)), repr(mvn), repr(D.LogNormal(0.0, 1.0)), repr(ind.support),
        normal.log_prob(T(0.5)), normal.cdf(T(0.3)), normal.icdf(T(0.3)), normal.entropy(),
        D.Uniform(0.0, 2.0).entropy(),
        D.Exponential(2.0).mean, D.Gamma(2.0, 3.0).variance, D.Beta(2.0, 3.0).mean, D.Laplace(0.0, 2.0).icdf(T(0.2)),
        mvn.scale_tril, mvn.covariance_matrix, mvn.precision_matrix, mvn.variance, mvn.entropy(),
        mvn.log_prob(L.ones(4, 1, 2)), mvn.expand((2, 3)).log_prob(L.ones(2, 3, 2)),
        ind.mean, ind.entropy(), ind.log_prob(T([1.0, 0.0])), tr.log_prob(T([0.5, 2.0])), tr.cdf(T([0.5, 2.0])),
        tr.icdf(T([0.1, 0.6])), D.ExponentialFamily.entropy(D.Normal(T([0.0, 1.0]), T([1.0, 2.0]))),
        C.simplex.check(x), C.unit_interval.check(x), C.positive.check(x), C.real_vector.check(x),
        C.nonnegative_integer.check(T([0.0, 1.5, -1.0])), C.boolean.check(T([0.0, 1.0, 2.0])),
        C.lower_cholesky.check(L.eye(2)), C.positive_definite.check(T([[1.0, 2.0], [2.0, 1.0]])),
        C.integer_interval(0, 3).check(T([0.0, 3.0, 4.0])), C.one_hot.check(T([[0.0, 1.0], [1.0, 1.0]])),
        C.greater_than(1.0).check(T([1.0, 2.0])), C.half_open_interval(0.0, 1.0).check(T([0.0, 1.0])),
        C.corr_cholesky.check(L.eye(2)), C.cat([C.positive, C.real], 0, [1, 1]).check(T([-1.0, -1.0])),
        C.stack([C.positive, C.real], 0).check(T([-1.0, -1.0])),
    ]


def test_more_api_matches_torch():
    got, expected = _more_api(jtorch), _more_api(torch)
    for i, (g, e) in enumerate(zip(got, expected)):
        if isinstance(e, torch.Tensor):
            assert tuple(g.shape) == tuple(e.shape), i
            np.testing.assert_allclose(g.detach().numpy(), e.detach().numpy(), rtol=1e-5, atol=1e-6, err_msg=str(i))
        else:
            assert g == e, i


def test_samples_shapes_support_and_statistics():
    """All samplers in one program: shapes and dtypes as torch's, values in the support, and
    moments of a large sample near the distribution's (fixed seed, loose tolerance)."""
    jtorch.manual_seed(123)
    n, checks, stats = 20000, [], []
    for (name, d, _), (_, e, _) in zip(_cases(jtorch), _cases(torch)):
        # shapes and dtypes need no program; samplers compile slowly, so each kind runs once
        for shape in ((), (2,)):
            s, r = d.sample(shape), e.sample(shape)
            assert tuple(s.shape) == tuple(r.shape) and str(s.dtype) == str(r.dtype), name
            assert not s.requires_grad, name
        if d.has_rsample:
            assert tuple(d.rsample((2,)).shape) == tuple(e.rsample((2,)).shape), name
        ex = d.expand((4,) + tuple(d.batch_shape))
        assert ex.batch_shape == e.expand((4,) + tuple(e.batch_shape)).batch_shape, name
        assert tuple(ex.sample().shape) == (4,) + tuple(d.batch_shape + d.event_shape), name
        if name in ("BernoulliL", "BinomialL", "CategoricalL", "MVNprec", "MVNtril", "Gamma"):
            continue  # same sampler as another case (Gamma's statistics: test_rsample_gradients)
        s = d.sample((n,))
        checks.append(d.support.check(s).all())
        if name == "LogNormal":  # heavy tails: compare the normal underneath
            s, d = s.log(), d.base_dist
        if name.startswith("Categorical"):
            s = jtorch.nn.functional.one_hot(s, 4)  # frequencies are the one-hot means
            d = jd.OneHotCategorical(d.probs)
        s = s.double()
        x = s - s.mean(0)
        cov = (x.permute(1, 2, 0) @ x.permute(1, 0, 2) / n) if name == "MVNcov" else None
        stats.append((name, [s.mean(0), s.std(0), d.mean.double(), d.stddev.double(), cov]))
    assert jtorch.stack(checks).all().item()  # one sync computes every sample and statistic above
    for name, values in stats:
        s_mean, s_std, mean, std, cov = [v if v is None else v.numpy() for v in values]
        np.testing.assert_allclose(s_mean, mean, atol=0.04 * std.max() + 0.01, err_msg=name)
        np.testing.assert_allclose(s_std, std, rtol=0.06, atol=0.01, err_msg=name)
        if cov is not None:
            np.testing.assert_allclose(cov, _P["cov"], atol=0.06 * _P["cov"].max(), err_msg=name)


def test_kl_divergence_matches_torch():
    def pairs(lib):
        D, t = lib.distributions, (lambda k: lib.tensor(_P[k]))
        n1, n2 = D.Normal(t("loc"), t("scale")), D.Normal(t("a"), t("b"))
        g1, g2 = D.Gamma(t("a"), t("rate")), D.Gamma(t("b"), t("scale"))
        return [
            (n1, n2), (g1, g2), (D.Beta(t("a"), t("b")), D.Beta(t("b"), t("a"))),
            (D.Bernoulli(t("p")), D.Bernoulli(logits=t("logits"))),
            (D.Categorical(t("probs4")), D.Categorical(logits=t("lg4"))),
            (D.OneHotCategorical(t("probs4")), D.OneHotCategorical(logits=t("lg4"))),
            (D.Dirichlet(t("conc")), D.Dirichlet(t("conc").flip(-1))),
            (D.Exponential(t("rate")), D.Exponential(t("a"))), (D.Exponential(t("rate")), g2),
            (D.Laplace(t("loc"), t("scale")), D.Laplace(t("a"), t("b"))), (D.Laplace(t("loc"), t("scale")), n2),
            (D.Poisson(t("rate")), D.Poisson(t("a"))),
            (D.Binomial(t("count"), t("p")), D.Binomial(t("count"), logits=t("logits"))),
            (D.Uniform(t("low"), t("high")), n2), (D.Uniform(t("low"), t("high")),
                                                   D.Uniform(t("low") - 1, t("high") + 1)),
            (D.Beta(t("a"), t("b")), n2), (g1, n2),
            (D.MultivariateNormal(t("mloc"), t("cov")), D.MultivariateNormal(t("loc"), scale_tril=t("tril")[0])),
            (D.Independent(n1, 1), D.Independent(n2, 1)),
            (D.LogNormal(t("loc"), t("scale")), D.LogNormal(t("a"), t("b"))),
        ]
    got = [jd.kl_divergence(p, q) for p, q in pairs(jtorch)]
    for (p, q), g, e in zip(pairs(torch), got, [td.kl_divergence(p, q) for p, q in pairs(torch)]):
        np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=2e-5, atol=2e-5,
                                   err_msg=f"KL({type(p).__name__} || {type(q).__name__})")
    with pytest.raises(NotImplementedError):
        jd.kl_divergence(jd.Poisson(jtorch.tensor(1.0)), jd.Normal(0.0, 1.0))

    class MyNormal(jd.Normal):
        pass

    @jd.register_kl(MyNormal, jd.Normal)
    def _kl(p, q):
        return jtorch.zeros(p.batch_shape)

    assert float(jd.kl_divergence(MyNormal(0.0, 1.0), jd.Normal(1.0, 2.0))) == 0.0


def test_rsample_gradients():
    jtorch.manual_seed(1)
    loc = jtorch.tensor([0.5, -1.0], requires_grad=True)
    scale = jtorch.tensor([1.0, 2.0], requires_grad=True)
    a = jtorch.tensor([2.0, 5.0], requires_grad=True)
    rate = jtorch.tensor([1.0, 2.0], requires_grad=True)
    x = jd.Normal(loc, scale).rsample((1000,))
    eps = ((x - loc) / scale).detach()
    # Gamma: implicit reparameterisation; d E[x] / d rate is -a / rate^2
    g = jd.Gamma(a, rate).rsample((20000,))
    g_mean, g_std = g.mean(0).detach(), g.std(0).detach()
    loss = x.mean() + g.mean(0).sum() + jd.MultivariateNormal(loc, scale_tril=jtorch.diag(scale)).rsample((3,)).sum()
    loss.backward()  # one program computes samples and gradients
    np.testing.assert_allclose(g_mean.numpy(), [2.0, 2.5], rtol=0.03)
    np.testing.assert_allclose(g_std.numpy(), [2 ** 0.5, 5 ** 0.5 / 2], rtol=0.05)
    mvn = np.array([3.0, 3.0])  # d/dloc of the MultivariateNormal term
    np.testing.assert_allclose(loc.grad.numpy(), 0.5 + mvn, rtol=1e-6)
    assert np.isfinite(scale.grad.numpy()).all()
    np.testing.assert_allclose(rate.grad.numpy(), [-2.0, -5.0 / 4], rtol=0.05)
    np.testing.assert_allclose(a.grad.numpy(), [1.0, 0.5], rtol=0.05)
    assert abs(eps.mean(0).numpy()).max() < 0.15
    # log_prob is differentiable like torch's
    p = torch.tensor([0.5, -1.0], requires_grad=True)
    td.Normal(p, torch.tensor([1.0, 2.0])).log_prob(torch.tensor([0.0, 1.0])).sum().backward()
    q = jtorch.tensor([0.5, -1.0], requires_grad=True)
    jd.Normal(q, jtorch.tensor([1.0, 2.0])).log_prob(jtorch.tensor([0.0, 1.0])).sum().backward()
    np.testing.assert_allclose(q.grad.numpy(), p.grad.numpy(), rtol=1e-6)


def test_dirichlet_rsample_gradient_values():
    """rsample normalises Gamma draws g, so d x_i / d c_j = (delta_ij - x_i) * (dg_j / dc_j) / sum(g),
    with dg/dc torch's implicit Gamma gradient (torch._standard_gamma_grad) at the same draws."""
    c_np = np.array([[0.7, 2.0, 3.5], [1.5, 0.4, 5.0]], np.float32)
    w = np.array([1.0, -2.0, 0.5], np.float32)
    jtorch.manual_seed(3)
    g = _standard_gamma(jtorch.tensor(c_np)).numpy().astype(np.float64)
    jtorch.manual_seed(3)  # the same draws
    c = jtorch.tensor(c_np, requires_grad=True)
    x = jd.Dirichlet(c).rsample()
    (x * jtorch.tensor(w)).sum().backward()
    total = g.sum(-1, keepdims=True)
    np.testing.assert_allclose(x.detach().numpy(), g / total, rtol=1e-6)
    dg = torch._standard_gamma_grad(torch.tensor(c_np, dtype=torch.float64), torch.tensor(g)).numpy()
    expected = (w - (w * g / total).sum(-1, keepdims=True)) * dg / total
    np.testing.assert_allclose(c.grad.numpy(), expected, rtol=2e-4)


def test_seed_reproducibility_and_compile():
    d = jd.Normal(jtorch.zeros(3), jtorch.ones(3))
    jtorch.manual_seed(7)
    a = [d.sample((2,)), jd.Bernoulli(jtorch.full((3,), 0.5)).sample()]
    jtorch.manual_seed(7)
    b = [d.sample((2,)), jd.Bernoulli(jtorch.full((3,), 0.5)).sample()]
    for x, y in zip(a, b):
        assert np.array_equal(x.numpy(), y.numpy())
    assert not np.array_equal(d.sample().numpy(), d.sample().numpy())

    @jtorch.compile
    def step(loc, scale):
        dist = jd.Normal(loc, scale)
        x = dist.rsample((4,))
        return x, dist.log_prob(x).sum() + jd.kl_divergence(dist, jd.Normal(0.0, 1.0)).sum()

    loc, scale = jtorch.tensor([0.0, 1.0]), jtorch.tensor([1.0, 2.0])
    x, lp = step(loc, scale)
    ref = jd.Normal(loc, scale)
    expected = ref.log_prob(x).sum() + jd.kl_divergence(ref, jd.Normal(0.0, 1.0)).sum()
    np.testing.assert_allclose(lp.numpy(), expected.numpy(), rtol=1e-5)
    assert not np.array_equal(step(loc, scale)[0].numpy(), x.numpy())


def _error(fn):
    with pytest.raises(ValueError) as info:
        fn()
    return str(info.value)


def test_validate_args_messages():
    for lib in (jtorch, torch):
        lib.distributions.Distribution.set_default_validate_args(True)
    cases = [
        lambda lib: lib.distributions.Normal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, -1.0])),
        lambda lib: lib.distributions.Normal(0.0, -1.0),
        lambda lib: lib.distributions.Bernoulli(probs=lib.tensor([0.5, 1.5])),
        lambda lib: lib.distributions.Categorical(probs=lib.tensor([0.5, -0.5])),
        lambda lib: lib.distributions.Bernoulli(),
        lambda lib: lib.distributions.Beta(lib.tensor([1.0]), lib.tensor([0.0])),
        lambda lib: lib.distributions.Normal(lib.zeros(2), 1.0).log_prob(lib.ones(3)),
        lambda lib: lib.distributions.Exponential(lib.ones(2)).log_prob(lib.tensor([-1.0, 1.0])),
        lambda lib: lib.distributions.Categorical(logits=lib.zeros(3)).log_prob(lib.tensor(3)),
        lambda lib: lib.distributions.Dirichlet(lib.ones(3)).log_prob(lib.ones(2)),
        lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2), lib.tensor([[1.0, 2.0], [2.0, 1.0]])),
        lambda lib: lib.distributions.MultivariateNormal(lib.zeros(2)),
        lambda lib: lib.distributions.Uniform(1.0, 0.0),
    ]
    try:
        for case in cases:
            assert _error(lambda: case(jtorch)) == _error(lambda: case(torch))
        with pytest.raises(ValueError):
            jd.Distribution.set_default_validate_args("yes")
    finally:
        for lib in (jtorch, torch):
            lib.distributions.Distribution.set_default_validate_args(True)
        jd.Distribution._validate_pending = False
    # validation off: no error
    jd.Normal(0.0, -1.0, validate_args=False)
    jd.Distribution.set_default_validate_args(False)
    try:
        jd.Normal(0.0, -1.0)
    finally:
        jd.Distribution.set_default_validate_args(True)
        jd.Distribution._validate_pending = False


def test_default_validation_needs_no_sync():
    """By default, concrete values and small recipes of them are checked on the host op by op;
    values that would need a sync (a network's output) are checked only when asked for."""
    with pytest.raises(ValueError, match="constraint GreaterThan"):
        jd.Normal(jtorch.zeros(2), jtorch.ones(2) * -1)
    with pytest.raises(ValueError, match="within the support"):
        jd.Uniform(jtorch.zeros(2), 1.0).log_prob(jtorch.full((2,), 2.0))
    before = jtorch.debug.metrics()["syncs"]
    d = jd.Uniform(jtorch.zeros(2), 1.0)
    d.log_prob(jtorch.full((2,), 0.5))
    scale = jtorch.ones(2)
    for _ in range(10):
        scale = scale - 0.25  # a pending value made by many ops: -1.5
    jd.Normal(jtorch.zeros(2), scale).log_prob(jtorch.zeros(2))
    assert jtorch.debug.metrics()["syncs"] == before
    with pytest.raises(ValueError, match="constraint GreaterThan"):
        jd.Normal(jtorch.zeros(2), scale, validate_args=True)


def test_validation_reads_back_once(monkeypatch):
    """Every argument check of a construction comes back in one host read (after at most one sync);
    expand() keeps whether validation was asked for explicitly."""
    reads = []
    device_get = jax.device_get
    monkeypatch.setattr(jax, "device_get", lambda x: reads.append(x) or device_get(x))
    jd.Uniform(jtorch.zeros(2), jtorch.ones(2))  # concrete values: checked on the host
    loc, scale = jtorch.zeros(2), jtorch.ones(2)
    for _ in range(10):  # pending values made by many ops: read with a sync
        loc, scale = loc + 0.1, scale - 0.25
    before = jtorch.debug.metrics()["syncs"]
    with pytest.raises(ValueError, match="parameter scale"):
        jd.Normal(loc, scale, validate_args=True)
    assert jtorch.debug.metrics()["syncs"] == before + 1 and len(reads) == 2
    assert [len(r) for r in reads] == [2, 2]
    x = jtorch.zeros(2)
    for _ in range(10):
        x = x - 0.25
    with pytest.raises(ValueError, match="within the support"):
        jd.Uniform(jtorch.zeros(2), 1.0, validate_args=True).expand((3, 2)).log_prob(x)
    assert jd.Uniform(jtorch.zeros(2), 1.0).expand((3, 2))._validate_pending is False
