"""Lowerings behind torch.special that torch.* does not already have.

They are registered under torch's aten names (`special_i0e`, ...), as functions of
jtorch.special only: torch has no `torch.i0e` or `Tensor.i0e`. The ones torch.* does have
(erf, digamma, igamma, sigmoid, ...) live with the other elementwise ops and are re-exported
by jtorch.special.
"""
import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from .registry import op

_SPECIAL = dict(promote="float", function=False, method=False)


def _unary(name, fn, **kw):
    def lowering(input):
        return fn(input)
    lowering.__name__ = name
    return op(name, **_SPECIAL, **kw)(lowering)


special_i0e = _unary("special_i0e", jss.i0e, grad_name="SpecialI0EBackward0")
special_i1 = _unary("special_i1", jss.i1)
special_i1e = _unary("special_i1e", jss.i1e, grad_name="SpecialI1EBackward0")


def _at_least_f32(fn):
    """jax's ndtr family rejects float16/bfloat16: compute those in float32."""
    def wrapped(x):
        if x.dtype in (jnp.float16, jnp.bfloat16):
            return fn(x.astype(jnp.float32)).astype(x.dtype)
        return fn(x)
    return wrapped


special_ndtri = _unary("special_ndtri", _at_least_f32(jss.ndtri))
special_log_ndtr = _unary("special_log_ndtr", _at_least_f32(jss.log_ndtr))
special_entr = _unary("special_entr", jss.entr)
# torch writes ndtr as (1 + erf(x / sqrt 2)) / 2, so its grad_fn is the final multiplication's
special_ndtr = _unary("special_ndtr", _at_least_f32(jss.ndtr), grad_name="MulBackward1")
# torch gives these no derivative: their results never require grad
special_modified_bessel_i0 = _unary("special_modified_bessel_i0", jss.i0, differentiable=False)
special_modified_bessel_i1 = _unary("special_modified_bessel_i1", jss.i1, differentiable=False)


def _erfcx(x):
    # jax's erfcx underflows to 0 past x ~ 9 (float32) / 26.5 (float64); there the
    # asymptotic series 1/(x sqrt(pi)) * sum (-1)^k (2k-1)!! / (2x^2)^k is exact to rounding
    cut = 25.0 if x.dtype == jnp.float64 else 8.0
    big = jnp.maximum(x, cut)
    w = 1 / (2 * big * big)
    series = 1 + w * (-1 + w * (3 + w * (-15 + w * (105 + w * (-945 + w * 10395)))))
    return jnp.where(x < cut, jss.erfcx(jnp.minimum(x, cut)), series / (big * math.sqrt(math.pi)))


special_erfcx = _unary("special_erfcx", _erfcx)


_EULER = 0.5772156649015329


def _bessel(x, nu, kind):
    """J0/J1 (kind "j") and Y0/Y1 (kind "y"): power series up to |x| = 12, Hankel's asymptotic
    expansion beyond.

    jax.scipy.special.bessel_jn's backward recurrence loses all accuracy past |x| ~ 40 and
    gives nan near 0, so it is not used. Computed in float64 and rounded to x's dtype.
    """
    dt = x.dtype
    a = jnp.abs(x.astype(jnp.float64))
    cut = 12.0
    s = jnp.clip(a, 1e-300, cut)
    h = -(s * s) / 4
    # J series sum_k (-h)^k / (k! (k + nu)!) (times s/2 for nu = 1), with the harmonic numbers the
    # Y series weights the same terms by (A&S 9.1.11)
    term = jnp.ones_like(s) if nu == 0 else s / 2
    j, harm, weighted = term, 0.0, (0.0 if nu == 0 else -2 * _EULER + 1) * term
    for k in range(1, 40):  # terms fall below 1e-17 of the largest one by k ~ 35 at |x| = 12
        term = term * h / (k * (k + nu))
        harm += 1 / k
        j = j + term
        weighted = weighted + term * (harm if nu == 0 else 2 * harm + 1 / (k + 1) - 2 * _EULER)
    if kind == "j":
        series = j
    elif nu == 0:
        series = (2 / math.pi) * ((jnp.log(s / 2) + _EULER) * j - weighted)
    else:
        series = -2 / (math.pi * s) + (2 / math.pi) * jnp.log(s / 2) * j - weighted / math.pi
    b = jnp.maximum(a, cut)
    z = 1 / (8 * b)
    mu = 4.0 * nu * nu
    p, q, t = jnp.ones_like(b), jnp.zeros_like(b), jnp.ones_like(b)
    for k in range(1, 24):
        t = t * (mu - (2 * k - 1) ** 2) / k * z
        if k % 2:
            q = q + (-1) ** (k // 2) * t
        else:
            p = p + (-1) ** (k // 2) * t
    c, sn = jnp.cos(b), jnp.sin(b)
    # sqrt(2) cos(b - (2 nu + 1) pi / 4) and sqrt(2) sin(...), without rounding the phase
    cc, ss = (c + sn, sn - c) if nu == 0 else (sn - c, -(c + sn))
    hankel = jnp.sqrt(1 / (math.pi * b)) * ((p * cc - q * ss) if kind == "j" else (p * ss + q * cc))
    out = jnp.where(a <= cut, series, hankel)
    if kind == "j":
        out = jnp.where(x < 0, -out, out) if nu == 1 else out  # J1 is odd
    else:
        out = jnp.where(x < 0, jnp.nan, jnp.where(x == 0, -jnp.inf, out))
    return out.astype(dt)


special_bessel_j0 = _unary("special_bessel_j0", lambda x: _bessel(x, 0, "j"), differentiable=False)
special_bessel_j1 = _unary("special_bessel_j1", lambda x: _bessel(x, 1, "j"), differentiable=False)
special_bessel_y0 = _unary("special_bessel_y0", lambda x: _bessel(x, 0, "y"), differentiable=False)
special_bessel_y1 = _unary("special_bessel_y1", lambda x: _bessel(x, 1, "y"), differentiable=False)


def _k_scaled_large(a, nu):
    """e^a K_nu(a) for a >= 2 (smaller a are clamped to 2): see _bessel_k."""
    b = jnp.clip(a, 2.0, 20.0)
    integral = 0.5 * jnp.ones_like(b)
    for k in range(1, 40):  # past t = 4 the integrand is below 1e-20 of its value at 0
        t = 0.1 * k
        integral = integral + jnp.exp(-b * (math.cosh(t) - 1)) * math.cosh(nu * t)
    integral = 0.1 * integral
    c = jnp.maximum(a, 20.0)
    asym, term = jnp.ones_like(c), jnp.ones_like(c)
    for k in range(1, 20):  # the terms shrink to ~e^-2x of the first by k ~ 2x
        term = term * (4 * nu * nu - (2 * k - 1) ** 2) / (k * 8 * c)
        asym = asym + term
    return jnp.where(a <= 20, integral, asym * jnp.sqrt(math.pi / (2 * c)))


def _bessel_k(x, nu, scaled):
    """K0/K1 (times e^x when `scaled`): power series up to x = 2 (A&S 9.6.11, 9.6.13); up to 20,
    e^x K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt by the trapezoidal rule, which for
    this entire, doubly-exponentially decaying integrand is exact to rounding with steps of 0.1
    while its peak is wider than ~2 steps; beyond, the asymptotic series in 1/x (A&S 9.7.2)."""
    dt = x.dtype
    a = x.astype(jnp.float64)
    s = jnp.clip(a, 1e-300, 2.0)
    h = s * s / 4
    term = jnp.ones_like(s) if nu == 0 else s / 2
    i, harm, weighted = term, 0.0, (0.0 if nu == 0 else 1 - 2 * _EULER) * term
    for k in range(1, 30):
        term = term * h / (k * (k + nu))
        harm += 1 / k
        i = i + term
        weighted = weighted + term * (harm if nu == 0 else 2 * harm + 1 / (k + 1) - 2 * _EULER)
    if nu == 0:
        series = -(jnp.log(s / 2) + _EULER) * i + weighted
    else:
        series = 1 / s + jnp.log(s / 2) * i - weighted / 2
    large = _k_scaled_large(a, nu)
    out = jnp.where(a <= 2, series * jnp.exp(s) if scaled else series,
                    large if scaled else large * jnp.exp(-jnp.maximum(a, 2.0)))
    out = jnp.where(a == jnp.inf, 0, out)
    return jnp.where(a < 0, jnp.nan, jnp.where(a == 0, jnp.inf, out)).astype(dt)


special_modified_bessel_k0 = _unary("special_modified_bessel_k0", lambda x: _bessel_k(x, 0, False),
                                    differentiable=False)
special_modified_bessel_k1 = _unary("special_modified_bessel_k1", lambda x: _bessel_k(x, 1, False),
                                    differentiable=False)
special_scaled_modified_bessel_k0 = _unary("special_scaled_modified_bessel_k0", lambda x: _bessel_k(x, 0, True),
                                           differentiable=False)
special_scaled_modified_bessel_k1 = _unary("special_scaled_modified_bessel_k1", lambda x: _bessel_k(x, 1, True),
                                           differentiable=False)


def _airy_ai(x):
    """Ai(x): Maclaurin series on [-8, 2.1]; (1/pi) sqrt(x/3) K_{1/3}(zeta) beyond (zeta >= 2) and the
    oscillating asymptotic expansion (A&S 10.4.59-60) below -8, zeta = (2/3)|x|^(3/2)."""
    dt = x.dtype
    a = x.astype(jnp.float64)
    s = jnp.clip(a, -8.0, 2.1)
    cube = s ** 3
    f, g = jnp.ones_like(s), s
    tf, tg = f, g
    for k in range(1, 45):  # x = -8: the terms peak near k = 7 and fall below 1e-17 of it by k ~ 40
        tf = tf * cube / ((3 * k - 1) * 3 * k)
        tg = tg * cube / (3 * k * (3 * k + 1))
        f, g = f + tf, g + tg
    series = 0.355028053887817239 * f - 0.258819403792806798 * g
    big = jnp.maximum(a, 2.1)
    zeta = 2 / 3 * big ** 1.5
    right = jnp.sqrt(big / 3) / math.pi * jnp.exp(-zeta) * _k_scaled_large(zeta, 1 / 3)
    z = jnp.maximum(-a, 8.0)
    zeta = 2 / 3 * z ** 1.5
    p, q, c = jnp.ones_like(z), jnp.zeros_like(z), 1.0
    term = jnp.ones_like(z)
    for k in range(1, 24):
        c = c * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
        term = term / zeta
        if k % 2:
            q = q + (-1) ** (k // 2) * c * term
        else:
            p = p + (-1) ** (k // 2) * c * term
    sn, cs = jnp.sin(zeta), jnp.cos(zeta)
    left = ((sn + cs) * p - (cs - sn) * q) / (math.sqrt(2 * math.pi) * z ** 0.25)
    out = jnp.where(a > 2.1, right, jnp.where(a < -8, left, series))
    return jnp.where(jnp.isinf(a), jnp.nan, out).astype(dt)  # torch: nan at +-inf


special_airy_ai = _unary("special_airy_ai", _airy_ai, differentiable=False)


def _spherical_j0(x):
    safe = jnp.where((x == 0) | jnp.isinf(x), 1, x)
    # sin(x)/x at 0 is 1 and at +-inf is 0 (torch's limits), not NaN
    return jnp.where(x == 0, 1, jnp.where(jnp.isinf(x), 0, jnp.sin(safe) / safe)).astype(x.dtype)


special_spherical_bessel_j0 = _unary("special_spherical_bessel_j0", _spherical_j0, differentiable=False)


@jax.custom_jvp
def _xlog1py(x, y):
    out = jnp.where(x == 0, 0, x * jnp.log1p(jnp.where(x == 0, 0, y)))
    return jnp.where(jnp.isnan(y), jnp.nan, out)  # torch keeps a nan y even where x == 0


@_xlog1py.defjvp
def _xlog1py_jvp(primals, tangents):
    # torch's gradients: d/dx = log1p(y) (0 where x == 0 and y <= -1), d/dy = x / (1 + y)
    (x, y), (dx, dy) = primals, tangents
    dlog = jnp.where((x == 0) & (y <= -1), 0, jnp.log1p(jnp.where((x == 0) & (y <= -1), 0, y)))
    return _xlog1py(x, y), dx * dlog + dy * x / (1 + y)


@op(tensors=("input", "other"), grad_name="SpecialXlog1PyBackward0", **_SPECIAL)
def special_xlog1py(input, other):
    return _xlog1py(input, other)


@op(tensors=("input", "other"), **_SPECIAL)
def special_zeta(input, other):
    # differentiable in both arguments (torch only differentiates in `other`, and raises for `input`)
    return jss.zeta(input, other)


# -- orthogonal polynomials: P_n(x) by the three-term recurrence, n a tensor -----------------

def _polynomial(name, start, step, closed=None):
    """Register the op `name`(input, n): P_0, P_1 = start(x); P_{k+1} = step(k, x, P_{k-1}, P_k).

    n is truncated to an integer (negative n gives 0) and may differ per element: the
    recurrence runs to the largest n, keeping each element's P_n. `closed(x, n, p)` applies
    torch's closed forms (at |x| = 1, and trigonometric ones for large n) so results round
    as torch's do. torch gives these functions no derivative.
    """
    def lowering(input, n):
        shape = jnp.broadcast_shapes(input.shape, n.shape)
        x = jnp.broadcast_to(input, shape)
        n = jnp.broadcast_to(jnp.where(jnp.isnan(n), -1, n).astype(jnp.int64), shape)
        p0, p1 = start(x)
        out = jnp.where(n == 0, p0, p1)

        def body(k, carry):
            p, q, out = carry
            r = step(k.astype(x.dtype), x, p, q)
            return q, r, jnp.where(n == k + 1, r, out)

        _, _, out = jax.lax.fori_loop(1, jnp.max(n, initial=1), body, (p0, p1, out))
        if closed is not None:
            out = closed(x, n, out)
        return jnp.where(n < 0, 0, out)
    lowering.__name__ = name
    return op(name, tensors=("input", "n"), differentiable=False, **_SPECIAL)(lowering)


def _sign(n):
    return jnp.where(n % 2 == 0, 1, -1)


def _cheb_closed(at_one, at_minus_one, trig, threshold):
    """torch's Chebyshev closed forms: exact values at x = +-1, trigonometric beyond `threshold`."""
    def closed(x, n, p):
        inside = (jnp.abs(x) < 1) & (n > threshold)
        theta = jnp.arccos(jnp.where(inside, x, 0))
        p = jnp.where(inside, trig(theta, n.astype(x.dtype)), p)
        p = jnp.where(x == 1, at_one(n), p)
        return jnp.where(x == -1, at_minus_one(n), p).astype(x.dtype)
    return closed


def _chebyshev(kind):
    one = jnp.ones_like
    return {
        "t": ((lambda x: (one(x), x)),
              _cheb_closed(lambda n: 1, _sign, lambda th, n: jnp.cos(n * th), 6)),
        "u": ((lambda x: (one(x), 2 * x)),
              _cheb_closed(lambda n: n + 1, lambda n: _sign(n) * (n + 1),
                           lambda th, n: jnp.sin((n + 1) * th) / jnp.sin(th), 8)),
        "v": ((lambda x: (one(x), 2 * x - 1)),
              _cheb_closed(lambda n: 1, lambda n: _sign(n) * (2 * n + 1),
                           lambda th, n: jnp.cos((n + 0.5) * th) / jnp.cos(th / 2), 8)),
        "w": ((lambda x: (one(x), 2 * x + 1)),
              _cheb_closed(lambda n: 2 * n + 1, _sign,
                           lambda th, n: jnp.sin((n + 0.5) * th) / jnp.sin(th / 2), 8)),
    }[kind]


def _cheb_step(k, x, p, q):
    return 2 * x * q - p


def _shifted(start, closed):
    """The shifted Chebyshev polynomials are the plain ones at 2x - 1."""
    return (lambda x: start(2 * x - 1)), (lambda k, x, p, q: _cheb_step(k, 2 * x - 1, p, q)), \
        (lambda x, n, p: closed(2 * x - 1, n, p))


for _kind in "tuvw":
    _start, _closed = _chebyshev(_kind)
    globals()[f"special_chebyshev_polynomial_{_kind}"] = _polynomial(
        f"special_chebyshev_polynomial_{_kind}", _start, _cheb_step, _closed)
    globals()[f"special_shifted_chebyshev_polynomial_{_kind}"] = _polynomial(
        f"special_shifted_chebyshev_polynomial_{_kind}", *_shifted(_start, _closed))

special_hermite_polynomial_h = _polynomial(
    "special_hermite_polynomial_h", lambda x: (jnp.ones_like(x), 2 * x), lambda k, x, p, q: 2 * x * q - 2 * k * p)
special_hermite_polynomial_he = _polynomial(
    "special_hermite_polynomial_he", lambda x: (jnp.ones_like(x), x), lambda k, x, p, q: x * q - k * p)
special_laguerre_polynomial_l = _polynomial(
    "special_laguerre_polynomial_l", lambda x: (jnp.ones_like(x), 1 - x),
    lambda k, x, p, q: ((2 * k + 1 - x) * q - k * p) / (k + 1))
special_legendre_polynomial_p = _polynomial(
    "special_legendre_polynomial_p", lambda x: (jnp.ones_like(x), x),
    lambda k, x, p, q: ((2 * k + 1) * x * q - k * p) / (k + 1),
    lambda x, n, p: jnp.where(jnp.abs(x) == 1, jnp.where(x > 0, 1, _sign(n)), p).astype(x.dtype))
