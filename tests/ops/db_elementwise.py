"""Elementwise ops: unary math, binary arithmetic, comparisons, logic, where, predicates."""
import numpy as np

from tests.ops.opinfo import error_text as _err, OpInfo, S, arr, pos

I = dict(dtype="int64", low=-5, high=5)
F64 = dict(dtype="float64")


def unit(*shape, dtype="float32"):
    return arr(*shape, dtype=dtype, low=-0.9, high=0.9)


def prob(*shape, dtype="float32"):
    return arr(*shape, dtype=dtype, low=0.1, high=0.9)


def nz(*shape, dtype="float32"):
    """Floats away from zero (divisors)."""
    a = arr(*shape, dtype=dtype, low=0.5, high=2.0)
    return np.asarray(a * np.where(arr(*shape, dtype="float32") > 0, 1, -1).astype(dtype))


def special():
    return np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.5, -2.5], dtype="float32")


def _unary(name, domain=arr, atol=1e-5, int_sample=True, method=False):
    fn = (lambda m, x: getattr(x, name)()) if method else (lambda m, x: getattr(m, name)(x))
    samples = [S(domain(2, 3)), S(domain(**F64))]
    if int_sample:
        samples.append(S(arr(4, dtype="int64", low=1, high=3)))
    return OpInfo(name, fn, samples, atol=atol)


OPS = [
    # float-valued unary math (ints compute in float32)
    _unary("exp"), _unary("exp2", int_sample=False), _unary("expm1", int_sample=False), _unary("log", pos),
    _unary("log2", pos, int_sample=False), _unary("log10", pos, int_sample=False), _unary("log1p", pos),
    _unary("sqrt", pos, method=True), _unary("rsqrt", pos), _unary("sin"), _unary("cos", int_sample=False),
    _unary("tan", unit), _unary("asin", unit, int_sample=False), _unary("acos", unit, int_sample=False),
    _unary("atan"), _unary("sinh", int_sample=False), _unary("cosh", int_sample=False), _unary("tanh"),
    _unary("asinh", int_sample=False), _unary("acosh", lambda *s, **k: np.asarray(pos(*s, **k) + 1), int_sample=False),
    _unary("atanh", unit, int_sample=False), _unary("sigmoid", method=True), _unary("erf"),
    _unary("erfc", int_sample=False), _unary("erfinv", unit, atol=1e-4, int_sample=False),
    _unary("lgamma", pos, atol=1e-4, int_sample=False), _unary("digamma", pos, atol=1e-4, int_sample=False),
    _unary("reciprocal", nz), _unary("deg2rad"), _unary("rad2deg"), _unary("sinc", nz, int_sample=False),
    OpInfo("logit", lambda m, x, **k: m.logit(x, **k), [S(prob(2, 3)), S(arr(4), eps=0.1)]),
    # type-preserving unary
    OpInfo("neg", lambda m, x: -x, [S(arr(2, 3)), S(arr(3, **I))]),
    OpInfo("abs", lambda m, x: m.abs(x), [S(nz(2, 3)), S(arr(3, **I)), S(nz(**F64)), S(np.array([0.0, -1.0, 2.0]))]),
    OpInfo("sign", lambda m, x: m.sign(x), [S(nz(2, 3)), S(arr(3, **I)), S(arr(4, dtype="bool"))]),
    OpInfo("sgn", lambda m, x: m.sgn(x), [S(nz(2, 3)), S(arr(3, **I))], grad=False),  # torch: ZeroTensor grad
    OpInfo("square", lambda m, x: m.square(x), [S(arr(2, 3)), S(arr(3, **I)), S(arr(3, dtype="bool"))]),
    OpInfo("floor", lambda m, x: m.floor(x), [S(arr(2, 3)), S(arr(3, **I))]),
    OpInfo("ceil", lambda m, x: x.ceil(), [S(arr(2, 3)), S(arr(3, **I))]),
    OpInfo("trunc", lambda m, x: m.trunc(x), [S(arr(2, 3, **F64))]),
    OpInfo("frac", lambda m, x: m.frac(x), [S(arr(2, 3))]),
    OpInfo("round", lambda m, x, **k: m.round(x, **k),
           [S(np.array([0.5, 1.5, 2.5, -0.5, 1.2345, -7.6], "float32")), S(arr(4) * 100, decimals=1),
            S(np.array([1234.5, 50.0, 150.0], "float64"), decimals=-2), S(arr(3, **I))]),
    # in-place forms and aliases, several per case (one compile)
    OpInfo("unary_inplace", lambda m, x: (x.clone().exp_(), x.clone().abs_(), x.clone().neg_(), x.clone().sin_(),
                                          x.clone().sigmoid_(), x.clone().floor_(), x.clone().round_(decimals=1),
                                          x.clone().tanh_(), x.clone().reciprocal_(), x.clone().trunc_()),
           [S(nz(2, 3))]),
    OpInfo("unary_alias", lambda m, x: (m.negative(x), m.absolute(x), m.arctan(x), m.arcsinh(x), m.fix(x),
                                        x.arcsin(), m.clip(x, -0.5, 0.5), x.clone().clip_(max=0.1)),
           [S(unit(2, 3))]),
    OpInfo("positive", lambda m, x: (m.positive(x), x.positive()), [S(arr(2, 3)), S(arr(3, **I))]),
    # binary arithmetic
    OpInfo("add", lambda m, x, y, **k: m.add(x, y, **k),
           [S(arr(2, 3), arr(3), alpha=0.5), S(arr(3, **I), arr(3, **I), alpha=2), S(arr(2, dtype="bool"),
                                                                                      arr(2, dtype="bool"))]),
    OpInfo("sub", lambda m, x, y, **k: m.sub(x, y, **k),
           [S(arr(2, 3), arr(2, 1), alpha=2), S(arr(3, **I), 2.5), S(3, arr(2, 2))]),
    OpInfo("rsub", lambda m, x, y, **k: m.rsub(x, y, **k), [S(arr(2, 3), arr(3), alpha=2), S(arr(3, **I), 2)]),
    OpInfo("mul", lambda m, x, y: m.mul(x, y), [S(arr(2, 3), arr(2, 3)), S(arr(3, **I), 1.5),
                                                S(arr(0, 3), arr(3, **F64))]),
    OpInfo("div", lambda m, x, y, **k: m.div(x, y, **k),
           [S(arr(2, 3), nz(3)), S(arr(4, **I), np.array([2, -3, 3, -2])),
            S(arr(2, 3), nz(2, 3), rounding_mode="floor"),
            S(np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2]), rounding_mode="trunc")]),
    OpInfo("div_mode_float", lambda m, x, y: (m.div(x, y, rounding_mode="trunc"), m.floor_divide(x, y), x // 0.7,
                                              x // y),
           [S(arr(2, 3, **F64), nz(2, 3, **F64))], grad=False),
    OpInfo("floor_divide", lambda m, x, y: m.floor_divide(x, y),
           [S(np.array([7, -7, 7, -7]), np.array([2, 2, -2, -2])), S(arr(3, 4), nz(4), grad=False)]),
    OpInfo("remainder", lambda m, x, y: m.remainder(x, y),
           [S(arr(2, 3), nz(2, 3)), S(np.array([7, -7, 7, -7]), np.array([3, 3, -3, -3])), S(arr(3), -1.5)]),
    OpInfo("fmod", lambda m, x, y: m.fmod(x, y),
           [S(arr(2, 3), nz(2, 3)), S(np.array([7, -7, 7, -7]), np.array([3, 3, -3, -3]))]),
    OpInfo("pow", lambda m, x, y: m.pow(x, y),
           [S(pos(2, 3), arr(2, 3)), S(arr(2, 3), 2), S(arr(3, **I), 3), S(2.0, arr(3)),
            S(np.array([-8.0, -2.0, 3.0]), np.array([1.0 / 3, 0.5, 2.0]), grad=False)]),
    OpInfo("pow_int_tensor", lambda m, x, y: (x ** y, m.pow(2, y), x ** 2.5),
           [S(np.array([2, -3, 4]), np.array([3, 2, 0])), S(np.array([2, 1, -1, -1, 5]), np.array([-1, -2, -3, -2, 1]))]),
    OpInfo("float_power", lambda m, x, y: m.float_power(x, y), [S(pos(2, 3), arr(3)), S(arr(3, **I), 2)]),
    OpInfo("atan2", lambda m, x, y: m.atan2(x, y), [S(arr(2, 3), nz(3)), S(arr(3, **I), arr(3, **I))]),
    OpInfo("maximum", lambda m, x, y: (m.maximum(x, y), m.minimum(x, y)),
           [S(arr(2, 3), arr(3)), S(arr(3, **I), arr(2, 1, **I)),
            S(np.array([np.nan, 1.0]), np.array([0.0, 2.0]), grad=False)]),
    OpInfo("fmax", lambda m, x, y: (m.fmax(x, y), m.fmin(x, y)),
           [S(arr(2, 3), arr(3)), S(np.array([np.nan, 1.0, np.nan]), np.array([0.0, np.nan, np.nan]))]),
    OpInfo("hypot", lambda m, x, y: m.hypot(x, y), [S(arr(2, 3), arr(3)), S(arr(2, **F64), arr(2, **F64))]),
    OpInfo("xlogy", lambda m, x, y: m.xlogy(x, y),
           [S(arr(2, 3), pos(3)),
            S(np.array([0.0, 0.0, 1.0, 2.0], "float32"), np.array([0.0, 2.0, 0.5, 3.0], "float32"))]),
    OpInfo("logaddexp", lambda m, x, y: (m.logaddexp(x, y), m.logaddexp2(x, y)), [S(arr(2, 3), arr(3))]),
    OpInfo("copysign", lambda m, x, y: m.copysign(x, y), [S(nz(2, 3), nz(3)), S(arr(3, **I), -1)]),
    OpInfo("lerp", lambda m, x, y, w: m.lerp(x, y, w),
           [S(arr(2, 3), arr(3), 0.3), S(arr(2, 3), arr(2, 3), arr(2, 3)), S(arr(3, **F64), arr(3, **F64), 1.0)]),
    OpInfo("addcmul", lambda m, x, a, b, **k: m.addcmul(x, a, b, **k),
           [S(arr(2, 3), arr(3), arr(2, 1), value=0.5), S(arr(3, **I), arr(3, **I), arr(3, **I), value=2)]),
    OpInfo("addcdiv", lambda m, x, a, b, **k: m.addcdiv(x, a, b, **k),
           [S(arr(2, 3), arr(3), nz(2, 1), value=-2), S(arr(3, **F64), arr(3, **F64), nz(3, **F64))]),
    OpInfo("ldexp", lambda m, x, e: m.ldexp(x, e), [S(arr(2, 3), np.array([1, 0, 3]))]),
    OpInfo("gcd_lcm", lambda m, x, y: (m.gcd(x, y), m.lcm(x, y)),
           [S(np.array([12, 18, -4, 0]), np.array([8, 27, 6, 5]))], grad=False),
    OpInfo("polygamma", lambda m, x: (m.polygamma(1, x), x.polygamma(2), m.mvlgamma(x + 1, 2)), [S(pos(2, 3))],
           atol=1e-4, grad_atol=1e-3),
    OpInfo("igamma", lambda m, a, x: (m.igamma(a, x), m.igammac(a, x), m.nextafter(a, x)),
           [S(pos(2, 3), pos(2, 3))], grad=False, atol=1e-4),
    OpInfo("heaviside", lambda m, x, v: m.heaviside(x, v),
           [S(np.array([-1.0, 0.0, 2.0], "float32"), np.array([0.5], "float32"))], grad=False),
    OpInfo("clamp", lambda m, x, *a, **k: m.clamp(x, *a, **k),
           [S(arr(2, 3), -0.5, 0.5), S(arr(2, 3), max=0.3), S(arr(3, 4), arr(4) - 1, arr(3, 1) + 1),
            S(arr(3, **I), 0.5), S(np.array([np.nan, 3.0, -3.0]), -1.0, 1.0)]),
    OpInfo("clamp_min_max", lambda m, x: (m.clamp_min(x, 0.0), m.clamp_max(x, 0.5), x.clone().clamp_(min=0.1)),
           [S(arr(2, 3))]),
    OpInfo("binary_inplace", lambda m, x, y: (x.clone().add_(y, alpha=2), x.clone().sub_(y), x.clone().mul_(y),
                                              x.clone().div_(y), x.clone().pow_(2), x.clone().lerp_(y, 0.5),
                                              x.clone().addcmul_(x, y, value=0.1), x.clone().clamp_(-0.3, 0.3),
                                              x.clone().div_(y, rounding_mode="floor")),
           [S(arr(2, 3), nz(3))]),
    OpInfo("operators", lambda m, x, y: (x + y, x - y, x * y, x / y, x % y, x ** 2, 2 ** x, 1 - x, 2 / y,
                                         -x, abs(x), +x),
           [S(arr(2, 3), nz(2, 3))]),
    # comparisons and logic
    OpInfo("compare", lambda m, x, y: (m.eq(x, y), m.ne(x, y), m.lt(x, y), m.le(x, y), m.gt(x, y), m.ge(x, y)),
           [S(arr(3, **I), arr(2, 1, **I)), S(arr(2, 3), 0.5), S(arr(3, **I), 1.0), S(arr(3, dtype="bool"), True)],
           grad=False),
    OpInfo("compare_alias", lambda m, x, y: (m.greater(x, y), m.greater_equal(x, y), m.less(x, y),
                                             m.less_equal(x, y), m.not_equal(x, y), x == y, x != y, x < y, x >= y,
                                             x.clone().eq_(y), x.clone().lt_(y)),
           [S(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0]))], grad=False),
    OpInfo("logical", lambda m, x, y: (m.logical_and(x, y), m.logical_or(x, y), m.logical_xor(x, y),
                                       m.logical_not(x)),
           [S(arr(3, dtype="bool"), arr(2, 3, dtype="bool")), S(np.array([0.0, 1.5, 0.0]), np.array([0, 0, 2]))],
           grad=False),
    OpInfo("bitwise", lambda m, x, y: (m.bitwise_and(x, y), m.bitwise_or(x, y), m.bitwise_xor(x, y),
                                       m.bitwise_not(x), x & y, x | y, x ^ y, ~x),
           [S(arr(3, **I), arr(2, 3, **I)), S(arr(4, dtype="bool"), arr(4, dtype="bool"))], grad=False),
    OpInfo("shift", lambda m, x, y: (m.bitwise_left_shift(x, y), m.bitwise_right_shift(x, y), x << y, x >> y),
           [S(np.array([1, 8, -16]), np.array([1, 2, 3]))], grad=False),
    OpInfo("isin", lambda m, x, y, **k: m.isin(x, y, **k),
           [S(np.array([[1, 2], [3, 4]]), np.array([2, 5, 4])), S(np.array([1.0, 2.5]), 2.5, invert=True)], grad=False),
    # where
    OpInfo("where", lambda m, c, x, y: m.where(c, x, y),
           [S(arr(2, 3, dtype="bool"), arr(2, 3), arr(3)), S(arr(3, dtype="bool"), arr(3, **I), 2.5),
            S(arr(3, dtype="bool"), 1, 0.5), S(arr(2, 1, dtype="bool"), arr(3, **F64), arr(2, 3))]),
    OpInfo("where_method", lambda m, x, c, y: x.where(c, y), [S(arr(2, 3), arr(2, 3, dtype="bool"), arr(3))]),
    OpInfo("where_nonzero", lambda m, c: m.where(c), [S(arr(3, 4, dtype="bool")), S(np.zeros((2,), bool))],
           grad=False),
    # predicates
    OpInfo("isnan", lambda m, x: (m.isnan(x), m.isinf(x), m.isfinite(x), m.isposinf(x), m.isneginf(x),
                                  m.signbit(x)),
           [S(special()), S(arr(3, **I))], grad=False),
    OpInfo("nan_to_num", lambda m, x, **k: m.nan_to_num(x, **k),
           [S(special()), S(special(), nan=1.0, posinf=2.0, neginf=-3.0), S(arr(3, **I))], grad=False),
    OpInfo("nan_to_num_grad", lambda m, x: m.nan_to_num(x), [S(arr(2, 3))]),
    OpInfo("isclose", lambda m, x, y, **k: m.isclose(x, y, **k),
           [S(np.array([1.0, 1.0 + 1e-6, np.nan, 2.0]), np.array([1.0, 1.0, np.nan, 2.1])),
            S(np.array([1.0, np.nan], "float32"), np.array([1.0, np.nan], "float32"), equal_nan=True, atol=0.1)],
           grad=False),
    OpInfo("allclose_equal", lambda m, x, y: (m.allclose(x, y), m.allclose(x, x), m.equal(x, x), m.equal(x, y),
                                              m.equal(x, x[:1])),
           [S(arr(3), arr(3))], grad=False),
]



OPS.append(OpInfo("errors", lambda m, f, i, b: (
    _err(lambda: -b), _err(lambda: m.abs(b)), _err(lambda: m.frac(i)), _err(lambda: m.add(i, 1, alpha=1.5)),
    _err(lambda: b - b), _err(lambda: m.pow(i, -1)), _err(lambda: m.bitwise_and(f, f)),
    _err(lambda: m.heaviside(i, f)), _err(lambda: m.isclose(f, i)), _err(lambda: m.addcdiv(i, i, i)),
    _err(lambda: m.lerp(f, f.double(), 0.5)), _err(lambda: m.where(f, f, f)), _err(lambda: m.clamp(f)),
    _err(lambda: m.div(f, f, rounding_mode="round")), _err(lambda: i.clone().add_(1.5)),
    _err(lambda: m.add(f, m.ones(3)))),
    [S(np.array([1.5, -2.5], "float32"), np.array([3, -2]), np.array([True, False]))], grad=False))
OPS.append(OpInfo("out_kwarg", lambda m, x: (m.div(x, 2, out=m.empty(3)), m.pow(x, 2, out=m.empty(0)),
                                             m.where(x > 0, x, m.zeros(3), out=m.empty(3)), m.arange(3, out=m.empty(3)),
                                             m.zeros(2, 2, out=m.ones(4))),
                  [S(np.array([1.5, -2.5, 0.5], "float32"))], grad=False))
OPS.append(OpInfo("half_types", lambda m, x: (x.half() + 1.5, x.bfloat16() * 2, x.half().exp(), x.bfloat16().sigmoid(),
                                              (x.half() > 0.5), x.half().sum(), x.bfloat16().mean(0)),
                  [S(arr(2, 3))], grad=False, atol=1e-2, rtol=1e-2))
OPS.append(OpInfo("alias_more", lambda m, u, p: (
    m.arccos(u), m.arctanh(u), m.arccosh(p + 1), m.arctan2(u, p), u.clone().arctan2_(p), m.divide(u, p),
    u.clone().divide_(p, rounding_mode="trunc"), m.true_divide(u, p), u.clone().true_divide_(p),
    m.subtract(u, p, alpha=2), u.clone().subtract_(p)),
                  [S(unit(2, 3), pos(2, 3))]))
# promotion rules answered on the host (no tensor out): compared as plain values
OPS.append(OpInfo("dtype_rules", lambda m: (
    str(m.result_type(m.ones(2, dtype=m.int32), 2.5)), str(m.result_type(m.ones(2), m.ones(2, dtype=m.float64))),
    str(m.result_type(m.ones((), dtype=m.float64), m.ones(2, dtype=m.int64))), m.can_cast(m.float32, m.int32),
    m.can_cast(m.int64, m.float64), m.can_cast(m.bool, m.uint8), tuple(m.broadcast_shapes((2, 1), (3,), ())),
    tuple(m.broadcast_shapes(4, (1, 1)))), [S()], grad=False))
