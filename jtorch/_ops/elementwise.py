"""Elementwise math, comparisons and logic, with torch's promotion and in-place forms."""
import builtins
import functools

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from . import _checks, registry
from .registry import op, public
from .._engine.graph import Lazy

_tname = _dtype.scalar_name


def _is_int(x):
    return jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_


def _not_for(x, kinds, kernel):
    """torch's "<kernel>_cpu" not implemented for '<Type>' for dtypes an op rejects."""
    bad = (("bool" in kinds and x.dtype == jnp.bool_) or
           ("int" in kinds and jnp.issubdtype(x.dtype, jnp.integer)) or
           ("float" in kinds and jnp.issubdtype(x.dtype, jnp.floating)))
    if bad:
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{_tname(x.dtype)}\'')


def _bc(a, b):
    """torch's broadcasting error for two operands (shapes are static, so this runs at trace time)."""
    sa, sb = a.shape, b.shape
    n = builtins.max(len(sa), len(sb))
    for d in builtins.range(n):
        x = sa[d - n + len(sa)] if d - n + len(sa) >= 0 else 1
        y = sb[d - n + len(sb)] if d - n + len(sb) >= 0 else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {d}")


def _write_out(out, result):
    if isinstance(result, tuple):
        for o, r in zip(out, result):  # torch casts no part of a tuple of outputs (values, indices)
            if o.dtype is not r.dtype:
                raise RuntimeError(f"Expected out tensor to have dtype {_lerp_name(r.dtype)}, but got "
                                   f"{_lerp_name(o.dtype)} instead")
        vals = [_write_out(o, r) for o, r in zip(out, result)]
        return type(result)(*vals) if hasattr(result, "_fields") else tuple(vals)
    if tuple(out.shape) != tuple(result.shape):  # torch resizes `out`
        out._rebind(result.to(out.dtype)._fresh_lazy(), out._fresh_lazy())
        return out
    return out._assign(result, "out")


def takes_out(fn):
    """Support torch's `out=` keyword: the result is written into `out` (and returned)."""
    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        return result if out is None else _write_out(out, result)
    return wrapper


def alias(new, old):
    """Register torch's alias `new` (and `new_`) for the op `old`."""
    for table in (registry.FUNCTIONS, registry.METHODS):
        if old in table:
            table[new] = table[old]
    if old + "_" in registry.METHODS:
        registry.METHODS[new + "_"] = registry.METHODS[old + "_"]
    return registry.FUNCTIONS.get(old, registry.METHODS.get(old))


def inplace_of(fn, name):
    """The `name_` Tensor method for a hand-written public function."""
    registry.METHODS[name + "_"] = registry._make_inplace(fn, name + "_")


def _unary(name, fn, promote="float", grad_name=None, inplace=True, differentiable=True):
    def lowering(input):
        return fn(input)
    lowering.__name__ = name
    return op(name, promote=promote, inplace=inplace, grad_name=grad_name, differentiable=differentiable)(lowering)


# Float-valued unary functions: integer and bool inputs compute in the default float dtype.
for _name, _fn in {
    "exp": jnp.exp, "exp2": jnp.exp2, "expm1": jnp.expm1, "log": jnp.log, "log2": jnp.log2, "log10": jnp.log10,
    "log1p": jnp.log1p, "sqrt": jnp.sqrt, "rsqrt": jax.lax.rsqrt, "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan,
    "asin": jnp.arcsin, "acos": jnp.arccos, "atan": jnp.arctan, "sinh": jnp.sinh, "cosh": jnp.cosh,
    "tanh": jnp.tanh, "asinh": jnp.arcsinh, "acosh": jnp.arccosh, "atanh": jnp.arctanh,
    "sigmoid": jax.nn.sigmoid, "erf": jax.scipy.special.erf, "erfc": jax.scipy.special.erfc,
    "erfinv": jax.scipy.special.erfinv, "lgamma": jax.scipy.special.gammaln, "digamma": jax.scipy.special.digamma,
    "reciprocal": lambda x: 1 / x, "sinc": jnp.sinc, "i0": jax.scipy.special.i0,
    "deg2rad": lambda x: x * jnp.asarray(np.pi / 180, x.dtype),
    "rad2deg": lambda x: x * jnp.asarray(180 / np.pi, x.dtype),
}.items():
    globals()[_name] = _unary(_name, _fn)


def _neg(x):
    if x.dtype == jnp.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")
    return jnp.negative(x)


def _abs(x):
    _not_for(x, ("bool",), "abs")
    return abs_zero_grad(x)


def abs_zero_grad(x):
    """|x| whose gradient at 0 is 0 (torch uses sgn(x); jax's abs has slope 1 there)."""
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return jnp.abs(x)
    return jnp.where(x == 0, jnp.zeros_like(x), jnp.abs(x))


def _frac(x):
    _not_for(x, ("bool", "int"), "frac")
    return x - jnp.trunc(x)


def _float_only(fn, kernel):
    """floor/ceil/trunc leave integer tensors unchanged, as in torch; bool has no kernel."""
    def lowering(x):
        _not_for(x, ("bool",), kernel)
        return x if _is_int(x) else fn(x)
    return lowering


# Type-preserving unary functions.
for _name, _fn in {
    "neg": _neg, "abs": _abs, "sign": lambda x: x if x.dtype == jnp.bool_ else jnp.sign(x),
    "square": lambda x: jnp.square(x.astype(jnp.int64) if x.dtype == jnp.bool_ else x),
    "floor": _float_only(jnp.floor, "floor_vml"), "ceil": _float_only(jnp.ceil, "ceil_vml"),
    "trunc": _float_only(jnp.trunc, "trunc_vml"),
    "frac": _frac, "relu": jax.nn.relu, "positive": lambda x: x,
}.items():
    globals()[_name] = _unary(_name, _fn, promote="same")

sgn = _unary("sgn", lambda x: x if x.dtype == jnp.bool_ else jnp.sign(x), promote="same")

for _new, _old in {"negative": "neg", "absolute": "abs", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
                   "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "fix": "trunc"}.items():
    globals()[_new] = alias(_new, _old)


@op(promote="same", inplace=True)
def round(input, *, decimals=0):  # noqa: A001
    _not_for(input, ("bool",), "round_vml" if decimals == 0 else "round")
    if _is_int(input):
        return input
    return jnp.round(input, decimals)


@op(promote="float", inplace=True)
def logit(input, eps=None):
    if eps is not None:
        input = jnp.clip(input, eps, 1 - eps)
    return jnp.log(input / (1 - input))


# -- arithmetic ---------------------------------------------------------------------------

def _alpha(other, alpha, input):
    if alpha == 1:
        return other
    if isinstance(alpha, float) and _is_int(input):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    return other * jnp.asarray(alpha, other.dtype)


@op(tensors=("input", "other"), promote="same", inplace=True)
def add(input, other, *, alpha=1):
    _bc(input, other)
    if input.dtype == jnp.bool_:
        return jnp.logical_or(input, other) if alpha else input
    return input + _alpha(other, alpha, input)


def _no_bool_sub(input, other, *args, **kwargs):
    """torch refuses a bool operand of `-` before promotion (a bool minus a float too)."""
    kinds = [isinstance(x, bool) or (isinstance(x, registry._Tensor) and x.dtype == _dtype.bool)
             for x in (input, other)]
    if all(kinds):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if any(kinds):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


@_checks.before(_no_bool_sub)
@op(tensors=("input", "other"), promote="same", inplace=True)
def sub(input, other, *, alpha=1):
    _bc(input, other)
    if input.dtype == jnp.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    return input - _alpha(other, alpha, input)


@_checks.before(_no_bool_sub)
@op(tensors=("input", "other"), promote="same", method=False)
def rsub(input, other, *, alpha=1):
    return sub.op.fn(other, input, alpha=alpha)


@op(tensors=("input", "other"), promote="same", inplace=True)
def mul(input, other):
    _bc(input, other)
    return jnp.logical_and(input, other) if input.dtype == jnp.bool_ else input * other


subtract = alias("subtract", "sub")
multiply = alias("multiply", "mul")


@op("_div_true", tensors=("input", "other"), promote="float", method=False, function=False,
    grad_name="DivBackward0")
def _div_true(input, other):
    _bc(input, other)
    return input / other


@op("_div_mode", tensors=("input", "other"), promote="same", method=False, function=False,
    grad_name="DivBackward2")
def _div_mode(input, other, *, rounding_mode):
    _bc(input, other)
    if rounding_mode == "trunc":
        return jax.lax.div(input, other) if _is_int(input) else jnp.trunc(input / other)
    return jnp.floor_divide(input, other)


@public()
@takes_out
def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _div_true(input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    _checks.nonzero_divisor(input, other)
    return _div_mode(input, other, rounding_mode=rounding_mode)


inplace_of(div, "div")
divide = alias("divide", "div")
true_divide = alias("true_divide", "div")


@_checks.before(_checks.nonzero_divisor)
@op(tensors=("input", "other"), promote="same", inplace=True)
def floor_divide(input, other):
    return jnp.floor_divide(input, other)


@_checks.before(_checks.nonzero_divisor)
@op(tensors=("input", "other"), promote="same", inplace=True)
def remainder(input, other):
    return jnp.remainder(input, other)


@_checks.before(_checks.nonzero_divisor)
@op(tensors=("input", "other"), promote="same", inplace=True)
def fmod(input, other):
    return jnp.fmod(input, other)


@op("_pow", tensors=("input", "exponent"), promote="same", method=False, function=False, grad_name="PowBackward1")
def _pow(input, exponent):
    _bc(input, exponent)
    if input.dtype == jnp.bool_:
        return jnp.logical_or(input, exponent == 0)
    if jnp.issubdtype(input.dtype, jnp.integer) and jnp.issubdtype(exponent.dtype, jnp.signedinteger):
        # negative integer powers: 1 and -1 keep their magnitude, everything else truncates to 0
        neg = exponent < 0
        out = jnp.power(input, jnp.where(neg, 0, exponent))
        odd = (exponent % 2) == 1
        frac = jnp.where(input == 1, 1, jnp.where(input == -1, jnp.where(odd, -1, 1), 0)).astype(input.dtype)
        return jnp.where(neg, frac, out)
    return jnp.power(input, exponent)


@public()
@takes_out
def pow(input, exponent, *, out=None):  # noqa: A001
    T = registry._Tensor
    if isinstance(input, T) and not isinstance(exponent, (T, float)) and isinstance(exponent, int) and \
            exponent < 0 and not (input.dtype.is_floating_point or input.dtype.is_complex):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return _pow(input, exponent)


inplace_of(pow, "pow")


def _leaf(value, dt):
    """A Python scalar as a concrete 0-d leaf of dtype `dt` (ops without `promote` would make it float32)."""
    if isinstance(value, registry._Tensor) or value is None:
        return value
    return registry._Tensor._from_value(np.asarray(value, dtype=dt.np), dt, ())


@op("_float_power", tensors=("input", "exponent"), method=False, function=False, grad_name="PowBackward1")
def _float_power(input, exponent):
    dt = jnp.complex128 if jnp.iscomplexobj(input) or jnp.iscomplexobj(exponent) else jnp.float64
    return jnp.power(input.astype(dt), exponent.astype(dt))


@public()
@takes_out
def float_power(input, exponent, *, out=None):
    """Computes in float64 (complex128 for complex operands)."""
    dt = _dtype.complex128 if builtins.any(isinstance(v, complex) or getattr(getattr(v, "dtype", None), "is_complex",
                                                                             False) for v in (input, exponent)) \
        else _dtype.float64
    return _float_power(_leaf(input, dt), _leaf(exponent, dt))


inplace_of(float_power, "float_power")


@op(tensors=("input", "other"), promote="float", inplace=True)
def atan2(input, other):
    return jnp.arctan2(input, other)


arctan2 = alias("arctan2", "atan2")


@op(tensors=("input", "other"), promote="same")
def maximum(input, other):
    return jnp.maximum(input, other)


@op(tensors=("input", "other"), promote="same")
def minimum(input, other):
    return jnp.minimum(input, other)


@op(tensors=("input", "other"), promote="same")
def fmax(input, other):
    return jnp.fmax(input, other)


@op(tensors=("input", "other"), promote="same")
def fmin(input, other):
    return jnp.fmin(input, other)


def _clamp(x, lo, hi):
    # where (not max/min): the gradient passes at the bounds, as in torch; NaN stays NaN with no gradient
    out = x
    if lo is not None:
        out = jnp.where(out < lo, lo, out)
    if hi is not None:
        out = jnp.where(out > hi, hi, out)
    if jnp.issubdtype(x.dtype, jnp.floating):
        out = jnp.where(jnp.isnan(x), jax.lax.stop_gradient(x), out)
        for bound in (lo, hi):  # a NaN bound gives NaN too, as in torch
            if bound is not None and jnp.issubdtype(jnp.result_type(bound), jnp.floating):
                out = jnp.where(jnp.isnan(bound), jnp.nan, out)
    return out


@op(tensors=("input", "min", "max"), promote="same", inplace=True)
def clamp(input, min=None, max=None):  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _clamp(input, min, max)


clip = alias("clip", "clamp")


@op(tensors=("input", "min"), promote="same", inplace=True)
def clamp_min(input, min):  # noqa: A002
    return _clamp(input, min, None)


@op(tensors=("input", "max"), promote="same", inplace=True)
def clamp_max(input, max):  # noqa: A002
    return _clamp(input, None, max)


@op("_lerp", tensors=("input", "end", "weight"), promote="float", method=False, function=False,
    grad_name="LerpBackward0")
def _lerp(input, end, weight):
    # torch's formula: exact at weight == 1
    return jnp.where(jnp.abs(weight) < 0.5, input + weight * (end - input), end - (end - input) * (1 - weight))


@public()
@takes_out
def lerp(input, end, weight, *, out=None):
    if end.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {_lerp_name(input.dtype)} for `end` but got dtype "
                           f"{_lerp_name(end.dtype)}")
    if isinstance(weight, registry._Tensor) and weight.dim() and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected dtype {_lerp_name(input.dtype)} for `weight` but got dtype "
                           f"{_lerp_name(weight.dtype)}")
    return _lerp(input, end, weight)


def _lerp_name(d):
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "float16": "c10::Half",
            "bfloat16": "c10::BFloat16"}.get(d.name, d.name)


inplace_of(lerp, "lerp")


@op(tensors=("input", "tensor1", "tensor2"), promote="same", inplace=True)
def addcmul(input, tensor1, tensor2, *, value=1):
    return input + _alpha(tensor1, value, input) * tensor2


@op(tensors=("input", "tensor1", "tensor2"), promote="same", inplace=True)
def addcdiv(input, tensor1, tensor2, *, value=1):
    if _is_int(tensor1) and _is_int(tensor2):
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
                           "tensor2), for all dtypes.")
    return input + value * tensor1 / tensor2


@op(tensors=("input", "other"), promote="float", inplace=True)
def hypot(input, other):
    return jnp.hypot(input, other)


@jax.custom_jvp
def _xlogy(x, y):
    out = jnp.where(x == 0, 0, x * jnp.log(jnp.where(x == 0, 1, y)))
    return jnp.where(jnp.isnan(y), jnp.nan, out)


@_xlogy.defjvp
def _xlogy_jvp(primals, tangents):
    # torch's gradients: d/dx = log(y), but 0 where x == 0 and y <= 0; d/dy = x / y
    (x, y), (dx, dy) = primals, tangents
    zero = (x == 0) & (y <= 0)
    return _xlogy(x, y), dx * jnp.where(zero, 0, jnp.log(jnp.where(zero, 1, y))) + dy * x / y


@op(tensors=("input", "other"), promote="float", inplace=True)
def xlogy(input, other):
    return _xlogy(input, other)


@op(tensors=("input", "other"), promote="float")
def logaddexp(input, other):
    return jnp.logaddexp(input, other)


@op(tensors=("input", "other"), promote="float")
def logaddexp2(input, other):
    return jnp.logaddexp2(input, other)


@op(tensors=("input", "other"), promote="float", inplace=True)
def copysign(input, other):
    return jnp.copysign(input, other)


@op(tensors=("input", "other"), promote="float", inplace=True)
def ldexp(input, other):
    return input * jnp.exp2(other)


@op(tensors=("input", "other"), promote="same", inplace=True, differentiable=False)
def nextafter(input, other):
    return jnp.nextafter(input, other)


@op(tensors=("input", "other"), promote="same", inplace=True)
def gcd(input, other):
    _not_for(input, ("float", "bool"), "gcd")
    return jnp.gcd(input, other)


@op(tensors=("input", "other"), promote="same", inplace=True)
def lcm(input, other):
    _not_for(input, ("float", "bool"), "lcm")
    return jnp.lcm(input, other)


@op(tensors=("input", "other"), promote="float", inplace=True)
def igamma(input, other):
    return _igamma_limits(input, other, jax.scipy.special.gammainc(input, other), 1)


def _igamma_limits(a, x, out, at_zero):
    """torch's values where jax's series gives NaN: P(0, x) = 1 for x > 0 (the limit a -> 0) and
    P(inf, x) = 0 for finite x; Q = 1 - P there."""
    out = jnp.where((a == 0) & (x > 0), at_zero, out)
    return jnp.where(jnp.isposinf(a) & jnp.isfinite(x) & (x >= 0), 1 - at_zero, out).astype(out.dtype)


@op(tensors=("input", "other"), promote="float", inplace=True)
def igammac(input, other):
    return _igamma_limits(input, other, jax.scipy.special.gammaincc(input, other), 0)


@op(tensors=("input",), promote="float", function=False, method=False, grad_name="PolygammaBackward0")
def _polygamma(input, *, n):
    return jax.scipy.special.polygamma(n, input)


@public()
@takes_out
def polygamma(n, input, *, out=None):
    return _polygamma(input, n=int(n))


registry.METHODS["polygamma"] = lambda self, n: polygamma(n, self)
registry.METHODS["polygamma_"] = lambda self, n: self._assign(polygamma(n, self), "polygamma_")


@op(promote="float", inplace=True)
def mvlgamma(input, p):
    return jax.scipy.special.multigammaln(input, p)


@op(tensors=("input", "values"), inplace=True, differentiable=False)
def heaviside(input, values):
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return jnp.where(input == 0, values, (input > 0).astype(input.dtype)).astype(input.dtype)


# -- comparisons and logic: bool results -------------------------------------------------

def _compare(name, fn):
    def lowering(input, other):
        _bc(input, other)
        return fn(input, other)
    lowering.__name__ = name
    return op(name, tensors=("input", "other"), promote="compare", inplace=True)(lowering)


eq = _compare("eq", jnp.equal)
ne = _compare("ne", jnp.not_equal)
lt = _compare("lt", jnp.less)
le = _compare("le", jnp.less_equal)
gt = _compare("gt", jnp.greater)
ge = _compare("ge", jnp.greater_equal)
greater = alias("greater", "gt")
greater_equal = alias("greater_equal", "ge")
less = alias("less", "lt")
less_equal = alias("less_equal", "le")
not_equal = alias("not_equal", "ne")


def _logical(name, fn):
    def lowering(input, other):
        return fn(input, other)
    lowering.__name__ = name
    return op(name, tensors=("input", "other"), inplace=True)(lowering)


logical_and = _logical("logical_and", jnp.logical_and)
logical_or = _logical("logical_or", jnp.logical_or)
logical_xor = _logical("logical_xor", jnp.logical_xor)


@op(inplace=True)
def logical_not(input):
    return jnp.logical_not(input)


def _bitwise(name, fn):
    kernel = {"bitwise_left_shift": "lshift", "bitwise_right_shift": "rshift"}.get(name, name)

    def lowering(input, other):
        _not_for(input, ("float",), kernel)
        _not_for(other, ("float",), kernel)
        return fn(input, other)
    lowering.__name__ = name
    return op(name, tensors=("input", "other"), promote="same", inplace=True)(lowering)


bitwise_and = _bitwise("bitwise_and", jnp.bitwise_and)
bitwise_or = _bitwise("bitwise_or", jnp.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", jnp.bitwise_xor)
bitwise_left_shift = _bitwise("bitwise_left_shift", jnp.left_shift)
bitwise_right_shift = _bitwise("bitwise_right_shift", jnp.right_shift)


@op(promote="same", inplace=True)
def bitwise_not(input):
    _not_for(input, ("float",), "bitwise_not")
    return jnp.invert(input)


# -- predicates ----------------------------------------------------------------------------

@op()
def isnan(input):
    return jnp.isnan(input)


@op()
def isinf(input):
    return jnp.isinf(input)


@op()
def isposinf(input):
    return jnp.isposinf(input)


@op()
def isneginf(input):
    return jnp.isneginf(input)


@op()
def isfinite(input):
    return jnp.isfinite(input)


@op()
def isreal(input):
    return jnp.isreal(input)


@op()
def signbit(input):
    return jnp.signbit(input)


@op(inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    if _is_int(input):
        return input
    return jnp.nan_to_num(input, nan=nan, posinf=posinf, neginf=neginf)


@op(tensors=("input", "other"))
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    if input.dtype != other.dtype:
        raise RuntimeError(f"{_tname(input.dtype)} did not match {_tname(other.dtype)}")
    if input.dtype == jnp.bool_:
        return input == other
    if _is_int(input):
        input, other = input.astype(jnp.float64), other.astype(jnp.float64)
    return jnp.isclose(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


@public()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """A Python bool (syncs)."""
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan).all())


@public()
def equal(input, other):
    """True when both have the same shape and elements (a Python bool; syncs)."""
    if tuple(input.shape) != tuple(other.shape):
        return False
    return builtins.bool(eq(input, other).all())


@op(tensors=("elements", "test_elements"), differentiable=False)
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    out = jnp.isin(elements, test_elements)
    return ~out if invert else out


# -- where ----------------------------------------------------------------------------------

@op("_where", tensors=("condition", "input", "other"), method=False, function=False, grad_name="WhereBackward0")
def _where(condition, input, other, *, dtype):
    _checks.broadcast_shapes(condition.shape, input.shape, other.shape)
    return jnp.where(condition, input.astype(dtype), other.astype(dtype))


def _nonzero_tuple(condition):
    fn = registry.FUNCTIONS.get("nonzero")
    if fn is not None:
        return fn(condition, as_tuple=True)
    from .creation import tensor
    return tuple(tensor(i.astype(np.int64)) for i in np.nonzero(np.atleast_1d(np.asarray(
        condition.detach()._value("nonzero")))))


def _where_out(fn):
    """torch's where writes into `out` only of the result's own dtype (other ops cast)."""
    @functools.wraps(fn)
    def wrapper(condition, input=None, other=None, *, out=None):
        result = fn(condition, input, other)
        if out is None:
            return result
        if out.dtype is not result.dtype:
            raise RuntimeError(f"Expected out type to be {_tname(result.dtype)} but got {_tname(out.dtype)}")
        return _write_out(out, result)
    return wrapper


@public()
@_where_out
def where(condition, input=None, other=None, *, out=None):
    """where(condition, input, other) with torch's promotion; where(condition) is nonzero(as_tuple=True)."""
    if input is None and other is None:
        return _nonzero_tuple(condition)
    if isinstance(condition, registry._Tensor) and condition.dtype is not _dtype.bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{_tname(condition.dtype.np)}")
    dt = registry._promote_kinds([input, other])
    return _where(condition, _leaf(input, dt), _leaf(other, dt), dtype=dt.np)


registry.METHODS["where"] = lambda self, condition, other: where(condition, self, other)


# -- promotion queries ------------------------------------------------------------------------

@public(method=False)
def result_type(tensor1, tensor2):
    """torch.result_type: the dtype an arithmetic op on these operands computes in."""
    return registry._promote_kinds([tensor1, tensor2])


@public(method=False)
def can_cast(from_, to):
    """torch.can_cast: False only for casts torch refuses in-place (to a lower category)."""
    return _dtype._category(from_) <= _dtype._category(to)
