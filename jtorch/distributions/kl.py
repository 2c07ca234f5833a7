"""KL(p || q) = E_p[log p(x) - log q(x)]: a registry of closed forms keyed by (type(p), type(q)).

`kl_divergence` picks the most specific registered pair for the two classes (first by p's class,
then q's), warns when reading the pair the other way round would pick a different formula, and
remembers the choice per pair of classes until the registry changes.
"""
from __future__ import annotations

import math
import warnings

import jtorch as torch
from jtorch import Tensor
from jtorch.nn.functional import softplus
from .distribution import Distribution
from .exp_family import ExponentialFamily, _grad_log_normalizer
from .normal import Normal
from .laplace import Laplace
from .uniform import Uniform
from .exponential import Exponential
from .gamma import Gamma
from .beta import Beta
from .dirichlet import Dirichlet
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis, _half_log_det
from .bernoulli import Bernoulli
from .binomial import Binomial
from .poisson import Poisson
from .categorical import Categorical
from .one_hot_categorical import OneHotCategorical
from .independent import Independent
from .transformed_distribution import TransformedDistribution
from .utils import _sum_rightmost, euler_constant

__all__ = ["register_kl", "kl_divergence"]

_KL_REGISTRY: dict = {}  # (class of p, class of q) -> formula, as registered
_KL_MEMOIZE: dict = {}  # (type(p), type(q)) -> the formula dispatch chose


def register_kl(type_p, type_q):
    """Decorator: `fn(p, q)` computes KL(p || q) for p an instance of type_p and q of type_q."""
    for given in (type_p, type_q):
        if not isinstance(given, type):
            raise TypeError("issubclass() arg 1 must be a class")

    def add(fn):
        _KL_REGISTRY[type_p, type_q] = fn
        _KL_MEMOIZE.clear()  # a new pair can change what existing pairs dispatch to
        return fn

    return add


def _before(a, b) -> bool:
    """Whether the class pair a comes strictly before b: compared component by component, a's
    class must be a subclass of b's, and the first component where they differ decides."""
    if a == b:
        return False
    for x, y in zip(a, b):
        if not issubclass(x, y):
            return False
        if x is not y:
            return True
    return True


def _most_specific(pairs):
    best = pairs[0]
    for pair in pairs[1:]:
        if _before(pair, best):
            best = pair
    return best


def _dispatch_kl(type_p, type_q):
    fits = [k for k in _KL_REGISTRY if issubclass(type_p, k[0]) and issubclass(type_q, k[1])]
    if not fits:
        return NotImplemented
    by_p = _most_specific(fits)
    q_first, p_second = _most_specific([(k[1], k[0]) for k in fits])
    chosen = _KL_REGISTRY[by_p]
    if chosen is not _KL_REGISTRY[p_second, q_first]:
        warnings.warn(f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). "
                      f"Please register_kl({by_p[0].__name__}, {q_first.__name__})",
                      RuntimeWarning, stacklevel=2)
    return chosen


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    key = (type(p), type(q))
    if key not in _KL_MEMOIZE:
        _KL_MEMOIZE[key] = _dispatch_kl(*key)
    fn = _KL_MEMOIZE[key]
    if fn is NotImplemented:
        raise NotImplementedError(f"No KL(p || q) is implemented for p type {p.__class__.__name__} "
                                  f"and q type {q.__class__.__name__}")
    return fn(p, q)


# -- helpers ------------------------------------------------------------------------------------

def _masked(value, where, fill):
    return torch.where(where, torch.full_like(value, fill), value)


def _xlogx(x):
    return torch.xlogy(x, x)  # 0 at x = 0


def _log_beta(a, b):
    return torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)


def _normal_cross_entropy(q, mean, second_moment):
    """-E_p[log q(x)] for a Normal q, from p's first two moments E[x] and E[x^2]."""
    var = q.scale.pow(2)
    return 0.5 * torch.log(2 * math.pi * var) + (second_moment - 2 * q.loc * mean + q.loc.pow(2)) / (2 * var)


# -- same family ----------------------------------------------------------------------------------

@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    # log p - log q written with softplus of the logits; log(sigmoid(l)) = -softplus(-l)
    heads = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    heads = _masked(_masked(heads, q.probs == 0, math.inf), p.probs == 0, 0.0)
    tails = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    tails = _masked(_masked(tails, q.probs == 1, math.inf), p.probs == 1, 0.0)
    return heads + tails


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    a1, b1, a2, b2 = p.concentration1, p.concentration0, q.concentration1, q.concentration0
    return (_log_beta(a2, b2) - _log_beta(a1, b1) + (a1 - a2) * torch.digamma(a1)
            + (b1 - b2) * torch.digamma(b1) + (a2 + b2 - a1 - b1) * torch.digamma(a1 + b1))


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p, q):
    if (p.total_count < q.total_count).any():
        raise NotImplementedError("KL between Binomials where q.total_count > p.total_count is not implemented")
    n = p.total_count
    per_trial = p.probs * (p.logits - q.logits) + torch.log1p(-p.probs) - torch.log1p(-q.probs)
    return _masked(n * per_trial, p.total_count > q.total_count, math.inf)


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    terms = p.probs * (p.logits - q.logits)
    terms = _masked(terms, (q.probs == 0).expand_as(terms), math.inf)
    return _masked(terms, (p.probs == 0).expand_as(terms), 0.0).sum(-1)


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    a, b = p.concentration, q.concentration
    a0 = a.sum(-1, keepdim=True)
    return (p._log_normalizer(b) - p._log_normalizer(a)
            + ((a - b) * (torch.digamma(a) - torch.digamma(a0))).sum(-1))


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    ratio = q.rate / p.rate
    return ratio - ratio.log() - 1


@register_kl(ExponentialFamily, ExponentialFamily)
def _kl_expfamily_expfamily(p, q):
    # Bregman divergence of the log-normaliser A: A(tq) - A(tp) - <tq - tp, grad A(tp)>
    if type(p) is not type(q):
        raise NotImplementedError("The cross KL-divergence between different exponential families cannot"
                                  + " " * 29 + "be computed using Bregman divergences")
    tp = [t.detach().requires_grad_() for t in p._natural_params]
    tq = q._natural_params
    a_p, grads = _grad_log_normalizer(p, tp)
    out = q._log_normalizer(*tq) - a_p
    for x, y, g in zip(tp, tq, grads):
        out = out - _sum_rightmost((y - x) * g, len(q.event_shape))
    return out


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    a1, r1, a2, r2 = p.concentration, p.rate, q.concentration, q.rate
    return (a2 * torch.log(r1 / r2) + torch.lgamma(a2) - torch.lgamma(a1)
            + (a1 - a2) * torch.digamma(a1) + (r2 - r1) * a1 / r1)


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    ratio = p.scale / q.scale
    gap = (p.loc - q.loc).abs()
    return gap / q.scale + ratio * torch.exp(-gap / p.scale) - ratio.log() - 1


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two Multivariate Normals with" + " " * 26
                         + "different event shapes cannot be computed")
    Lp, Lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    k = p.event_shape[0]
    lead = torch.broadcast_shapes(Lp.shape[:-2], Lq.shape[:-2]) + (k, k)
    # tr(Sq^-1 Sp) = |Lq^-1 Lp|_F^2
    trace = torch.linalg.solve_triangular(Lq.expand(lead), Lp.expand(lead), upper=False).pow(2).sum((-2, -1))
    mahalanobis = _batch_mahalanobis(Lq, q.loc - p.loc)
    return _half_log_det(Lq) - _half_log_det(Lp) + 0.5 * (trace + mahalanobis - k)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    ratio = (p.scale / q.scale).pow(2)
    shift = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (ratio + shift - 1 - ratio.log())


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p, q):
    return p.rate * (p.rate.log() - q.rate.log()) - p.rate + q.rate


@register_kl(TransformedDistribution, TransformedDistribution)
def _kl_transformed_transformed(p, q):
    # the same invertible map applied to both leaves the divergence unchanged
    if p.transforms != q.transforms or p.event_shape != q.event_shape:
        raise NotImplementedError
    base_p, base_q = p.base_dist, q.base_dist
    return kl_divergence(base_p, base_q)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    # log of the width ratio where q's interval covers p's, infinite elsewhere
    out = torch.log((q.high - q.low) / (p.high - p.low))
    return _masked(out, (q.low > p.low) | (q.high < p.high), math.inf)


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    n = p.reinterpreted_batch_ndims
    if n != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    return _sum_rightmost(kl_divergence(p.base_dist, q.base_dist), n)


# -- across families: -H(p) - E_p[log q(x)] ------------------------------------------------------

@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return q.rate - p.probs * q.rate.log() - p.entropy()


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p, q):
    return q.rate * p.mean - q.rate.log() - p.entropy()


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p, q):
    k, r = q.concentration, q.rate
    a, b = p.concentration1, p.concentration0
    mean_log = torch.digamma(a) - torch.digamma(a + b)  # E[log x] under Beta(a, b)
    return torch.lgamma(k) - k * r.log() - (k - 1) * mean_log + r * a / (a + b) - p.entropy()


@register_kl(Beta, Normal)
def _kl_beta_normal(p, q):
    m = p.mean
    second = p.variance + m.pow(2)
    return _normal_cross_entropy(q, m, second) - p.entropy()


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p, q):
    out = (q.high - q.low).log() - p.entropy()
    return _masked(out, (q.low > p.support.lower_bound) | (q.high < p.support.upper_bound), math.inf)


@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p, q):
    k = q.concentration
    ratio = q.rate / p.rate
    # uses E[log x] = -gamma - log(rate) and E[x] = 1 / rate under the Exponential
    return ratio - k * ratio.log() + torch.lgamma(k) + (k - 1) * euler_constant - 1


@register_kl(Exponential, Normal)
def _kl_exponential_normal(p, q):
    lam = p.rate
    return _normal_cross_entropy(q, lam.reciprocal(), 2 * lam.pow(-2)) - (1 - lam.log())


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p, q):
    return q.rate * p.mean - q.rate.log() - p.entropy()


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p, q):
    k, r = p.concentration, p.rate
    second = k * (k + 1) / r.pow(2)
    return _normal_cross_entropy(q, p.mean, second) - p.entropy()


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p, q):
    second = 2 * p.scale.pow(2) + p.loc.pow(2)
    return _normal_cross_entropy(q, p.loc, second) - p.entropy()


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p, q):
    d = p.loc - q.loc
    s, b = p.scale, q.scale
    # E|x - mu_q| for x ~ N(mu_p, s): the mean of a folded normal
    mean_abs = s * math.sqrt(2 / math.pi) * torch.exp(-0.5 * (d / s).pow(2)) + d * torch.erf(d / (s * math.sqrt(2)))
    return torch.log(2 * b) + mean_abs / b - p.entropy()


@register_kl(Poisson, Bernoulli)
@register_kl(Poisson, Binomial)
def _kl_poisson_infinity(p, q):
    return torch.full_like(p.rate, math.inf)  # p puts mass where q has none


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    a, b = q.concentration1, q.concentration0
    lo, hi = p.low, p.high
    w = hi - lo
    # E[log x] and E[log(1 - x)] under Uniform(lo, hi)
    mean_log = (_xlogx(hi) - _xlogx(lo)) / w - 1
    mean_log1m = (_xlogx(1 - lo) - _xlogx(1 - hi)) / w - 1
    out = _log_beta(a, b) - (a - 1) * mean_log - (b - 1) * mean_log1m - w.log()
    return _masked(out, (hi > q.support.upper_bound) | (lo < q.support.lower_bound), math.inf)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponetial(p, q):
    out = q.rate * p.mean - ((p.high - p.low) * q.rate).log()
    return _masked(out, p.low < q.support.lower_bound, math.inf)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p, q):
    k, r = q.concentration, q.rate
    lo, hi = p.low, p.high
    w = hi - lo
    mean_log = (_xlogx(hi) - _xlogx(lo)) / w - 1
    out = torch.lgamma(k) - k * r.log() - (k - 1) * mean_log + r * p.mean - w.log()
    return _masked(out, lo < q.support.lower_bound, math.inf)


@register_kl(Uniform, Normal)
def _kl_uniform_normal(p, q):
    return _normal_cross_entropy(q, p.mean, p.variance + p.mean.pow(2)) - p.entropy()
