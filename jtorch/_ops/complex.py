"""Complex-number views of a tensor: conj, real, imag, angle.

torch conjugates and negates lazily (a bit on the tensor, resolved on copy); jtorch computes the conjugate
when asked, so is_conj/is_neg are always False and resolve_conj/resolve_neg return their input. torch's
real/imag are views; here they are new tensors (an in-place write to one does not reach the complex tensor).
"""
import jax.numpy as jnp
import numpy as np

from .registry import op, public


def _complex(x):
    return jnp.issubdtype(x.dtype, jnp.complexfloating)


@op(grad_name="ConjBackward0")
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
