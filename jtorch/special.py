"""torch.special: special mathematical functions.

Functions torch also has as torch.<name> are the same ops as jtorch.<name> (gammaln is
lgamma, expit is sigmoid, gammainc is igamma, ...); the rest are lowered in
jtorch/_ops/special.py. Every function but softmax/log_softmax takes torch's `out=`.

All of torch 2.13's torch.special is here. The functions without a jax.scipy.special
counterpart (the Bessel functions J, Y, K, Airy's Ai, the orthogonal polynomials) are built
from series, asymptotic expansions and recurrences in jtorch/_ops/special.py; like torch's,
they have no derivative.
"""
from ._ops import special as _s
from ._ops.elementwise import takes_out as _out
from ._ops.registry import FUNCTIONS as _F, missing as _missing

# the same ops as torch.<name>
digamma = psi = _out(_F["digamma"])
erf = _out(_F["erf"])
erfc = _out(_F["erfc"])
erfinv = _out(_F["erfinv"])
exp2 = _out(_F["exp2"])
expit = _out(_F["sigmoid"])
expm1 = _out(_F["expm1"])
gammainc = _out(_F["igamma"])
gammaincc = _out(_F["igammac"])
gammaln = _out(_F["lgamma"])
i0 = _out(_F["i0"])
log1p = _out(_F["log1p"])
logit = _out(_F["logit"])
logsumexp = _out(_F["logsumexp"])
multigammaln = _out(_F["mvlgamma"])
polygamma = _F["polygamma"]  # already takes out=
round = _out(_F["round"])  # noqa: A001
sinc = _out(_F["sinc"])
xlogy = _out(_F["xlogy"])
softmax = _F["softmax"]
log_softmax = _F["log_softmax"]

# torch.special only
airy_ai = _out(_s.special_airy_ai)
bessel_j0 = _out(_s.special_bessel_j0)
bessel_j1 = _out(_s.special_bessel_j1)
bessel_y0 = _out(_s.special_bessel_y0)
bessel_y1 = _out(_s.special_bessel_y1)
entr = _out(_s.special_entr)
erfcx = _out(_s.special_erfcx)
i0e = _out(_s.special_i0e)
i1 = _out(_s.special_i1)
i1e = _out(_s.special_i1e)
log_ndtr = _out(_s.special_log_ndtr)
modified_bessel_i0 = _out(_s.special_modified_bessel_i0)
modified_bessel_i1 = _out(_s.special_modified_bessel_i1)
modified_bessel_k0 = _out(_s.special_modified_bessel_k0)
modified_bessel_k1 = _out(_s.special_modified_bessel_k1)
scaled_modified_bessel_k0 = _out(_s.special_scaled_modified_bessel_k0)
scaled_modified_bessel_k1 = _out(_s.special_scaled_modified_bessel_k1)
ndtr = _out(_s.special_ndtr)
ndtri = _out(_s.special_ndtri)
spherical_bessel_j0 = _out(_s.special_spherical_bessel_j0)
xlog1py = _out(_s.special_xlog1py)
zeta = _out(_s.special_zeta)
chebyshev_polynomial_t = _out(_s.special_chebyshev_polynomial_t)
chebyshev_polynomial_u = _out(_s.special_chebyshev_polynomial_u)
chebyshev_polynomial_v = _out(_s.special_chebyshev_polynomial_v)
chebyshev_polynomial_w = _out(_s.special_chebyshev_polynomial_w)
shifted_chebyshev_polynomial_t = _out(_s.special_shifted_chebyshev_polynomial_t)
shifted_chebyshev_polynomial_u = _out(_s.special_shifted_chebyshev_polynomial_u)
shifted_chebyshev_polynomial_v = _out(_s.special_shifted_chebyshev_polynomial_v)
shifted_chebyshev_polynomial_w = _out(_s.special_shifted_chebyshev_polynomial_w)
hermite_polynomial_h = _out(_s.special_hermite_polynomial_h)
hermite_polynomial_he = _out(_s.special_hermite_polynomial_he)
laguerre_polynomial_l = _out(_s.special_laguerre_polynomial_l)
legendre_polynomial_p = _out(_s.special_legendre_polynomial_p)

__all__ = ["airy_ai", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "chebyshev_polynomial_t",
           "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w", "digamma", "entr", "erf",
           "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1", "gammainc", "gammaincc", "gammaln",
           "hermite_polynomial_h", "hermite_polynomial_he", "i0", "i0e", "i1", "i1e", "laguerre_polynomial_l",
           "legendre_polynomial_p", "log1p", "log_ndtr", "log_softmax", "logit", "logsumexp", "modified_bessel_i0",
           "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1", "multigammaln", "ndtr", "ndtri",
           "polygamma", "psi", "round", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
           "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
           "shifted_chebyshev_polynomial_w", "sinc", "softmax", "spherical_bessel_j0", "xlog1py", "xlogy", "zeta"]

MISSING = ()  # torch.special functions jtorch lacks: accessing one raises jtorch's missing-op error


def __getattr__(name):
    if name in MISSING:
        raise _missing("torch.special", name)
    raise AttributeError(f"module 'jtorch.special' has no attribute '{name}'")
