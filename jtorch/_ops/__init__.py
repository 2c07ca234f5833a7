"""The op table, by family. Importing this package registers every op."""
from . import registry, torch_function  # noqa: F401
from . import creation, elementwise, indexing, linalg, movement, random, reduction, sorting, sparse, attention, rnn  # noqa: F401
from . import inplace  # noqa: F401  (Tensor._assign: in-place ops, out= and view writes rebind through it)
from . import movement_more  # noqa: F401  (ravel, rot90, hsplit, copy_, ...: built on movement)
from . import nn  # noqa: F401,E402  (torch.softmax, torch.conv2d, ... and Tensor.softmax)
from . import complex, nn_grid, numeric, special, spectral, view_copies, host_loops, linalg_compat, stft  # noqa: F401,E402
from . import creation_more, elementwise_more, indexing_more, tensor_spellings, nn_more, histogram, gradient  # noqa: F401,E402
from .._tensor import Tensor
from .._engine.tracebacks import trimmed

_F = registry.FUNCTIONS

# torch also exports these in-place forms as functions (torch.relu_(x) is x.relu_()): the same entry
_TOP_LEVEL_INPLACE = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_",
    "deg2rad_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "gcd_", "i0_",
    "index_put_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_",
    "negative_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_",
    "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_", "conj_physical_", "as_strided_", "resize_as_",
)
# ... and these, which torch has as functions only (no Tensor method): rebinding their first argument
_FUNCTION_ONLY_INPLACE = ("celu_", "selu_", "threshold_")
for _n in _TOP_LEVEL_INPLACE:
    _F.setdefault(_n, registry.METHODS[_n])
for _n in _FUNCTION_ONLY_INPLACE:
    _F.setdefault(_n, registry._make_inplace(_F[_n[:-1]], _n))
_F.setdefault("detach_", Tensor.detach_)


def _reflected(name):
    fn = _F[name]

    def r(self, other):
        return fn(other, self)
    r.__name__ = f"__r{name}__"
    return r


def _operand(fn):
    """Binary dunders give NotImplemented for operands torch would not accept (None, strings)."""
    def wrapper(self, other):
        if other is None or isinstance(other, (str, bytes, list, tuple, dict)):
            return NotImplemented
        try:
            return fn(self, other)
        except Exception as e:
            raise trimmed(e)
    wrapper.__name__ = fn.__name__
    return wrapper


def _iop(name):
    method = registry.METHODS[name + "_"]

    def i(self, other):
        return method(self, other)
    return i


def _install(cls):
    for name, fn in registry.METHODS.items():
        if name not in cls.__dict__:
            setattr(cls, name, fn)
    m = registry.METHODS
    dunders = {
        "__add__": m["add"], "__sub__": m["sub"], "__mul__": m["mul"], "__truediv__": m["div"],
        "__floordiv__": m["floor_divide"], "__mod__": m["remainder"], "__pow__": m["pow"],
        "__matmul__": m["matmul"], "__and__": m["bitwise_and"], "__or__": m["bitwise_or"],
        "__xor__": m["bitwise_xor"], "__lshift__": m["bitwise_left_shift"], "__rshift__": m["bitwise_right_shift"],
        "__eq__": m["eq"], "__ne__": m["ne"], "__lt__": m["lt"], "__le__": m["le"], "__gt__": m["gt"],
        "__ge__": m["ge"],
        "__radd__": _reflected("add"), "__rsub__": _reflected("sub"), "__rmul__": _reflected("mul"),
        "__rtruediv__": _reflected("div"), "__rfloordiv__": _reflected("floor_divide"),
        "__rmod__": _reflected("remainder"), "__rpow__": _reflected("pow"), "__rmatmul__": _reflected("matmul"),
        "__rand__": _reflected("bitwise_and"), "__ror__": _reflected("bitwise_or"),
        "__rxor__": _reflected("bitwise_xor"),
        "__iadd__": _iop("add"), "__isub__": _iop("sub"), "__imul__": _iop("mul"), "__itruediv__": _iop("div"),
        "__ifloordiv__": _iop("floor_divide"), "__imod__": _iop("remainder"), "__ipow__": _iop("pow"),
        "__iand__": _iop("bitwise_and"), "__ior__": _iop("bitwise_or"), "__ixor__": _iop("bitwise_xor"),
        "__ilshift__": _iop("bitwise_left_shift"), "__irshift__": _iop("bitwise_right_shift"),
        "__rlshift__": _reflected("bitwise_left_shift"), "__rrshift__": _reflected("bitwise_right_shift"),
        # Python 2's names, which torch still defines
        "__div__": m["div"], "__idiv__": _iop("div"), "__rdiv__": _reflected("div"),
    }
    for name, fn in dunders.items():
        setattr(cls, name, _operand(fn))
    cls.__neg__ = m["neg"]
    cls.__pos__ = m["positive"]
    cls.__abs__ = m["abs"]
    cls.__invert__ = lambda self: m["logical_not"](self) if self.dtype.name == "bool" else m["bitwise_not"](self)
    cls.__hash__ = object.__hash__


_install(Tensor)
torch_function.install(Tensor)  # Tensor.__torch_function__, and subclasses' entries through theirs
