"""Complex-number views of a tensor: conj, real, imag, angle.

torch conjugates and negates lazily (a bit on the tensor, resolved on copy); jtorch computes the conjugate
when asked, so is_conj/is_neg are always False and resolve_conj/resolve_neg return their input. torch's
real/imag are views; here they are new tensors (an in-place write to one does not reach the complex tensor).
"""
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .elementwise import takes_out
from . import registry
from .registry import op, public


def _complex(x):
    return jnp.issubdtype(x.dtype, jnp.complexfloating)


@op(grad_name="ConjBackward0", inplace=True)
def conj_physical(input):
    return jnp.conj(input) if _complex(input) else input


@public()
def conj(input):
    return conj_physical(input) if input.dtype.is_complex else input


@op(grad_name="RealBackward0")
def _real(input):
    return jnp.real(input)


@op(grad_name="ImagBackward0")
def _imag(input):
    return jnp.imag(input)


@public(method=False)
def real(input):
    return _real(input) if input.dtype.is_complex else input


@public(method=False)
def imag(input):
    if not input.dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return _imag(input)


@op(promote="float", grad_name="AngleBackward0")
def angle(input):
    if _complex(input):
        return jnp.angle(input)
    # real input: 0 for x >= 0, pi for x < 0, nan stays nan (torch's rule)
    return jnp.where(jnp.isnan(input), input, jnp.where(input < 0, np.pi, 0.0).astype(input.dtype))


@public()
def is_conj(input):
    return False


@public()
def is_neg(input):
    return False


@public()
def resolve_conj(input):
    return input


@public()
def resolve_neg(input):
    return input


@op("_complex", tensors=("real", "imag"), method=False, function=False, grad_name="ComplexBackward0")
def _complex_parts(real, imag):
    shape = jnp.broadcast_shapes(real.shape, imag.shape)
    return jnp.broadcast_to(real, shape) + 1j * jnp.broadcast_to(imag, shape).astype(
        jnp.complex64 if real.dtype == jnp.float32 else jnp.complex128)


@public("complex", method=False)
@takes_out
def complex_(real, imag):
    """torch.complex: real + imag * 1j from two float tensors of one dtype."""
    rd, idt = real.dtype, imag.dtype
    ok = (_dtype.float16, _dtype.float32, _dtype.float64)
    if rd not in ok or idt not in ok:
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                           f"{_dtype.scalar_name(rd)} and {_dtype.scalar_name(idt)}")
    if rd is not idt:
        raise RuntimeError(f"Expected object of scalar type {_dtype.scalar_name(rd)} but got scalar type "
                           f"{_dtype.scalar_name(idt)} for second argument")
    if rd is _dtype.float16:
        raise RuntimeError("jtorch has no torch.complex32 (XLA has no half-precision complex type): convert the "
                           "parts to float32 first")
    return _complex_parts(real, imag)


def _like_real(value, part):
    """`value` as a tensor shaped and typed like the real tensor `part` (for the real/imag setters)."""
    from .creation import tensor
    if not hasattr(value, "_lazy"):
        value = tensor(value, dtype=part.dtype)
    return value.to(part.dtype).expand(part.shape)


def _get_real(self):
    return real(self)


def _set_real(self, value):
    if not self.dtype.is_complex:
        self.copy_(value)  # the real part of a real tensor is the tensor itself
        return
    self._assign(complex_(_like_real(value, self.real), imag(self)), "copy_")


def _get_imag(self):
    return imag(self)


def _set_imag(self, value):
    part = imag(self)  # torch's error for a real tensor
    self._assign(complex_(real(self), _like_real(value, part)), "copy_")


# Tensor.real / Tensor.imag are properties (assignable, as torch's views are written through)
registry.METHODS["real"] = property(_get_real, _set_real, doc="The real part (the tensor itself when real).")
registry.METHODS["imag"] = property(_get_imag, _set_imag, doc="The imaginary part of a complex tensor.")
