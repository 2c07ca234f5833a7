"""Elementwise math, comparisons and logic, with torch's promotion and in-place forms."""
import jax
import jax.numpy as jnp

from .registry import op


def _unary(name, fn, promote="float", grad_name=None, inplace=True):
    def lowering(input):
        return fn(input)
    lowering.__name__ = name
    return op(name, promote=promote, inplace=inplace, grad_name=grad_name)(lowering)


# Float-valued unary functions: integer inputs compute in the default float dtype.
for _name, _fn in {
    "exp": jnp.exp, "exp2": jnp.exp2, "expm1": jnp.expm1, "log": jnp.log, "log2": jnp.log2, "log10": jnp.log10,
    "log1p": jnp.log1p, "sqrt": jnp.sqrt, "rsqrt": jax.lax.rsqrt, "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan,
    "asin": jnp.arcsin, "acos": jnp.arccos, "atan": jnp.arctan, "sinh": jnp.sinh, "cosh": jnp.cosh,
    "tanh": jnp.tanh, "asinh": jnp.arcsinh, "acosh": jnp.arccosh, "atanh": jnp.arctanh,
    "sigmoid": jax.nn.sigmoid, "erf": jax.scipy.special.erf, "erfc": jax.scipy.special.erfc,
    "erfinv": jax.scipy.special.erfinv, "lgamma": jax.scipy.special.gammaln, "digamma": jax.scipy.special.digamma,
    "reciprocal": lambda x: 1 / x, "sinc": jnp.sinc, "logit": lambda x: jnp.log(x / (1 - x)),
    "i0": jax.scipy.special.i0,
}.items():
    globals()[_name] = _unary(_name, _fn)

# Type-preserving unary functions.
for _name, _fn in {
    "neg": jnp.negative, "abs": jnp.abs, "square": jnp.square, "sign": jnp.sign, "floor": jnp.floor,
    "ceil": jnp.ceil, "trunc": jnp.trunc, "frac": lambda x: x - jnp.trunc(x), "relu": jax.nn.relu,
    "positive": lambda x: x,
}.items():
    globals()[_name] = _unary(_name, _fn, promote="same")

negative, absolute, arcsin, arccos, arctan = neg, abs, asin, acos, atan  # noqa: F821 - torch aliases
fix = trunc  # noqa: F821


@op(promote="same", inplace=True)
def round(input, *, decimals=0):  # noqa: A001
    if jnp.issubdtype(input.dtype, jnp.integer):
        return input
    return jnp.round(input, decimals)


@op(promote="same", inplace=True, grad_name="SgnBackward0")
def sgn(input):
    return jnp.sign(input)


@op(tensors=("input", "other"), promote="same", inplace=True)
def add(input, other, *, alpha=1):
    if alpha != 1:
        other = other * jnp.asarray(alpha, other.dtype)
    return jnp.logical_or(input, other) if input.dtype == jnp.bool_ else input + other


@op(tensors=("input", "other"), promote="same", inplace=True)
def sub(input, other, *, alpha=1):
    if input.dtype == jnp.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if alpha != 1:
        other = other * jnp.asarray(alpha, other.dtype)
    return input - other


subtract = sub


@op(tensors=("input", "other"), promote="same", inplace=True)
def mul(input, other):
    return jnp.logical_and(input, other) if input.dtype == jnp.bool_ else input * other


multiply = mul


@op(tensors=("input", "other"), promote="float", inplace=True)
def div(input, other, *, rounding_mode=None):
    if rounding_mode is None:
        return input / other
    if rounding_mode == "trunc":
        return jnp.trunc(input / other).astype(input.dtype)
    if rounding_mode == "floor":
        return jnp.floor_divide(input, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                       f"'{rounding_mode}'")


divide = true_divide = div


@op(tensors=("input", "other"), promote="same", inplace=True)
def floor_divide(input, other):
    return jnp.floor_divide(input, other)


@op(tensors=("input", "other"), promote="same", inplace=True)
def remainder(input, other):
    return jnp.remainder(input, other)


@op(tensors=("input", "other"), promote="same", inplace=True)
def fmod(input, other):
    return jnp.fmod(input, other)


@op(tensors=("input", "exponent"), promote="same", inplace=True)
def pow(input, exponent):  # noqa: A001
    return jnp.power(input, exponent)


@op(tensors=("input", "other"), promote="float", inplace=True)
def atan2(input, other):
    return jnp.arctan2(input, other)


arctan2 = atan2


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


@op(tensors=("input", "min", "max"), promote="same", inplace=True)
def clamp(input, min=None, max=None):  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if min is not None:
        input = jnp.maximum(input, min)
    if max is not None:
        input = jnp.minimum(input, max)
    return input


clip = clamp


@op(tensors=("input",), promote="same", inplace=True)
def clamp_min(input, min):  # noqa: A002
    return jnp.maximum(input, min)


@op(tensors=("input",), promote="same", inplace=True)
def clamp_max(input, max):  # noqa: A002
    return jnp.minimum(input, max)


@op(tensors=("input", "end", "weight"), promote="float", inplace=True)
def lerp(input, end, weight):
    return input + weight * (end - input)


@op(tensors=("input", "tensor1", "tensor2"), promote="same", inplace=True)
def addcmul(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 * tensor2


@op(tensors=("input", "tensor1", "tensor2"), promote="float", inplace=True)
def addcdiv(input, tensor1, tensor2, *, value=1):
    return input + value * tensor1 / tensor2


@op(tensors=("input", "other"), promote="float")
def hypot(input, other):
    return jnp.hypot(input, other)


@op(tensors=("input", "other"), promote="float")
def xlogy(input, other):
    return jax.scipy.special.xlogy(input, other)


@op(tensors=("input", "other"), promote="float")
def logaddexp(input, other):
    return jnp.logaddexp(input, other)


# -- comparisons and logic: bool results -------------------------------------------------

def _compare(name, fn):
    def lowering(input, other):
        return fn(input, other)
    lowering.__name__ = name
    return op(name, tensors=("input", "other"), promote="compare", inplace=True)(lowering)


eq = _compare("eq", jnp.equal)
ne = _compare("ne", jnp.not_equal)
lt = _compare("lt", jnp.less)
le = _compare("le", jnp.less_equal)
gt = _compare("gt", jnp.greater)
ge = _compare("ge", jnp.greater_equal)
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


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
    def lowering(input, other):
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
    return jnp.invert(input)


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
def signbit(input):
    return jnp.signbit(input)


@op(inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return jnp.nan_to_num(input, nan=nan, posinf=posinf, neginf=neginf)


@op(tensors=("input", "other"), promote="compare")
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return jnp.isclose(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)
