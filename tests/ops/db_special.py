"""torch.special: values and gradients, grouped so each sample is one program."""
import numpy as np

from tests.ops.opinfo import OpInfo, S, arr, pos

F64 = dict(dtype="float64")
REAL = ("erf", "erfc", "erfcx", "expit", "exp2", "expm1", "i0", "i0e", "i1", "i1e", "ndtr", "log_ndtr", "sinc",
        "round", "bessel_j0", "bessel_j1", "modified_bessel_i0", "modified_bessel_i1", "spherical_bessel_j0")
POSITIVE = ("entr", "log1p", "gammaln", "digamma", "psi")
UNIT = ("erfinv", "ndtri", "logit")
# lowered in jtorch/_ops/special.py (the rest re-export ops db_elementwise already covers in every dtype)
NEW = ("erfcx", "i0e", "i1", "i1e", "ndtr", "log_ndtr", "bessel_j0", "bessel_j1", "bessel_y0", "modified_bessel_i0",
       "modified_bessel_i1", "modified_bessel_k1", "scaled_modified_bessel_k0", "spherical_bessel_j0", "airy_ai")


def _each(names):
    return lambda m, x: tuple(getattr(m.special, n)(x) for n in names)


POLYNOMIALS = tuple(f"{s}chebyshev_polynomial_{k}" for s in ("", "shifted_") for k in "tuvw") + (
    "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p")
# x on and off [-1, 1] (and its ends, where torch has closed forms); n per element: negative, fractional
# (truncated), small (recurrence) and past the trigonometric switch at 6 / 8
POLY_X, POLY_N = np.meshgrid(np.array([-1.5, -1.0, -0.7, 0.0, 0.5, 0.9, 1.0, 2.0]), np.array([-1, 0, 1, 2.7, 5, 9, 30]))

# around the power-series / asymptotic switch of the Bessel functions (|x| = 12), 0, negative, large |x|
BESSEL_X = np.array([0.0, 1e-3, -3.0, 1.99, 2.01, 4.9, 11.99, 12.01, 19.9, 20.1, -30.0, 100.0, 1e4], "float64")
# Airy's Ai: its series on [-8, 2.1] and the expansions on either side
AIRY_X = np.array([-1e3, -30.0, -8.01, -7.99, -1.0, 0.0, 1.5, 2.09, 2.11, 10.0, 30.0, 100.0], "float64")

OPS = [
    # x: any real, p: positive, u: in (0, 1)
    OpInfo("special_unary", lambda m, x, p, u: _each(REAL)(m, x) + _each(POSITIVE)(m, p) + _each(UNIT)(m, u),
           [S(arr(3, 4), pos(3, 4), arr(3, 4, low=0.05, high=0.95))]),
    OpInfo("special_new", lambda m, x, p, u: _each(NEW)(m, x) + (m.special.entr(p), m.special.ndtri(u)),
           [S(arr(5, **F64), pos(5, **F64), arr(5, low=0.05, high=0.95, **F64), grad=False),
            S(arr(4, dtype="int64", low=-3, high=3), arr(4, dtype="int64", low=0, high=3),
              arr(4, dtype="int64", low=0, high=2))]),  # integers compute in float32
    OpInfo("special_bessel", _each(("bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_k0",
                                    "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
                                    "spherical_bessel_j0", "i0e", "i1e", "erfcx")),
           [S(BESSEL_X)], atol=2e-6),  # torch's own j0/j1 are off by 4e-7 near 5
    OpInfo("special_airy", lambda m, x: m.special.airy_ai(x), [S(AIRY_X)]),
    OpInfo("special_params", lambda m, x, y: (
        m.special.polygamma(1, x), m.special.polygamma(2, x), m.special.multigammaln(x + 1, 2),
        m.special.logit(y, eps=0.2), m.special.round(x * 10, decimals=1), m.special.logsumexp(y, 1),
        m.special.logsumexp(y, (0, 1), keepdim=True), m.special.softmax(y, 0), m.special.log_softmax(y, 1),
        m.special.softmax(y, -1, dtype=m.float64)),
        [S(pos(3, 4), arr(3, 4, low=0.0, high=1.0))]),
    OpInfo("special_binary", lambda m, x, y: (
        m.special.xlogy(x, y + 2.5), m.special.xlog1py(x, y), m.special.xlogy(2.0, y + 2.5),
        m.special.xlog1py(x, 0.5), m.special.zeta(3.5, y + 2.5)),
        [S(arr(3, 4), arr(3, 4, low=-0.5, high=2.0)), S(arr(4, **F64), arr(1, low=-0.5, high=2.0, **F64), grad=False)]),
    # x == 0 rows: torch's xlog1py keeps nan from y, and its x-gradient there is log1p(y)
    OpInfo("special_xlog1py_zero", lambda m, x, y: m.special.xlog1py(x, y),
           [S(np.array([0.0, 0.0, 0.0, 1.0], "float32"), np.array([2.0, np.nan, -1.0, 0.5], "float32"))]),
    OpInfo("special_polynomials", lambda m, x, n: tuple(getattr(m.special, f)(x, n) for f in POLYNOMIALS) + (
        m.special.chebyshev_polynomial_t(x, 3), m.special.hermite_polynomial_h(0.5, n)),
        [S(POLY_X, POLY_N)], grad=False),
    # jax's ndtr rejects float16 / bfloat16; torch computes them
    OpInfo("special_half", lambda m, x: (m.special.ndtr(x.half()), m.special.ndtr(x.bfloat16()),
                                         m.special.i0e(x.half())),
           [S(arr(6, low=-3.0, high=3.0))], grad=False, atol=1e-3, rtol=1e-2),
    # torch has no gradient for igamma/igammac/zeta in their first argument
    OpInfo("special_nograd", lambda m, a, x: (
        m.special.gammainc(a, x), m.special.gammaincc(a, x), m.special.zeta(a + 1, x)),
        [S(pos(3, 4), pos(3, 4))], grad=False),
]
