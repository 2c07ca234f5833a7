"""torch.fft and the complex views (view_as_real, view_as_complex, polar).

The transforms are registered under aten's names (fft_fft, fft_rfft2, ...) and exposed
as torch.fft.<name> by jtorch/fft.py. promote="float" turns integer and bool inputs into
the default float dtype, as torch does before transforming.

view_as_real / view_as_complex return copies, not views: a write through them does not
reach the base (the view-write machinery cannot invert a dtype change).
"""
import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .creation import _concrete, _finish
from .elementwise import _write_out
from .linalg import _tname
from .movement import _wrap
from .registry import op

_NORMS = (None, "forward", "backward", "ortho")
_FFT = dict(promote="float", function=False, method=False)


def _dim(dim, ndim):
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap(dim, ndim)


def _check(x, norm, real_only=None):
    if x.dtype in (jnp.float16, jnp.bfloat16):
        raise RuntimeError(f"Unsupported dtype {_tname(x)}")
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    if real_only and jnp.iscomplexobj(x):
        raise RuntimeError(f"{real_only} input tensor, but got {_tname(x)}")


def _points(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _fft1(fn, x, n, dim, norm, real_only=None, c2r=False):
    """One-dimensional transform: n defaults to the input length (2 * (m - 1) for c2r)."""
    _check(x, norm, real_only)
    d = _dim(dim, x.ndim)
    if n is None:
        n = 2 * (x.shape[d] - 1) if c2r else x.shape[d]
    return fn(x, n=_points(n), axis=d, norm=norm)


def _tuple(v):
    return None if v is None else tuple(v) if isinstance(v, (tuple, list)) else (v,)


def _fftn(fn, x, s, dim, norm, name=None, real_only=None, c2r=False):
    """n-dimensional transform: dim=None means the last len(s) dims (all dims without s);
    an s entry of -1 keeps that dim's size (2 * (m - 1) for the last dim of c2r)."""
    _check(x, norm, real_only)
    s, dim = _tuple(s), _tuple(dim)
    if dim is None:
        if s is not None and len(s) > x.ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {x.ndim} dimensions.")
        dims = tuple(range(x.ndim - (len(s) if s is not None else x.ndim), x.ndim))
    else:
        dims = tuple(_dim(d, x.ndim) for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    if not dims:
        if name:
            raise RuntimeError(f"{name} must transform at least one axis")
        return x.astype(jnp.result_type(x, jnp.complex64))
    sizes = [x.shape[d] for d in dims]
    if c2r:
        sizes[-1] = 2 * (sizes[-1] - 1)
    s = tuple(_points(k if s is not None and k != -1 else m) for k, m in zip(s or sizes, sizes))
    return fn(x, s=s, axes=dims, norm=norm)


# -- one-dimensional ------------------------------------------------------------------------

@op(**_FFT, grad_name="FftC2CBackward0")
def fft_fft(input, n=None, dim=-1, norm=None):
    return _fft1(jnp.fft.fft, input, n, dim, norm)


@op(**_FFT, grad_name="FftC2CBackward0")
def fft_ifft(input, n=None, dim=-1, norm=None):
    return _fft1(jnp.fft.ifft, input, n, dim, norm)


@op(**_FFT, grad_name="FftR2CBackward0")
def fft_rfft(input, n=None, dim=-1, norm=None):
    return _fft1(jnp.fft.rfft, input, n, dim, norm, real_only="rfft expects a real")


@op(**_FFT, grad_name="FftC2RBackward0")
def fft_irfft(input, n=None, dim=-1, norm=None):
    return _fft1(jnp.fft.irfft, input, n, dim, norm, c2r=True)


@op(**_FFT, grad_name="FftC2RBackward0")
def fft_hfft(input, n=None, dim=-1, norm=None):
    return _fft1(jnp.fft.hfft, input, n, dim, norm, c2r=True)


@op(**_FFT, grad_name="FftR2CBackward0")
def fft_ihfft(input, n=None, dim=-1, norm=None):
    return _fft1(jnp.fft.ihfft, input, n, dim, norm, real_only="ihfft expects a real")


# -- two- and n-dimensional -----------------------------------------------------------------

@op(**_FFT, grad_name="FftC2CBackward0")
def fft_fft2(input, s=None, dim=(-2, -1), norm=None):
    return _fftn(jnp.fft.fftn, input, s, dim, norm)


@op(**_FFT, grad_name="FftC2CBackward0")
def fft_ifft2(input, s=None, dim=(-2, -1), norm=None):
    return _fftn(jnp.fft.ifftn, input, s, dim, norm)


@op(**_FFT, grad_name="FftR2CBackward0")
def fft_rfft2(input, s=None, dim=(-2, -1), norm=None):
    return _fftn(jnp.fft.rfftn, input, s, dim, norm, "rfftn", real_only="rfftn expects a real-valued")


@op(**_FFT, grad_name="FftC2RBackward0")
def fft_irfft2(input, s=None, dim=(-2, -1), norm=None):
    return _fftn(jnp.fft.irfftn, input, s, dim, norm, "irfftn", c2r=True)


@op(**_FFT, grad_name="FftC2CBackward0")
def fft_fftn(input, s=None, dim=None, norm=None):
    return _fftn(jnp.fft.fftn, input, s, dim, norm)


@op(**_FFT, grad_name="FftC2CBackward0")
def fft_ifftn(input, s=None, dim=None, norm=None):
    return _fftn(jnp.fft.ifftn, input, s, dim, norm)


@op(**_FFT, grad_name="FftR2CBackward0")
def fft_rfftn(input, s=None, dim=None, norm=None):
    return _fftn(jnp.fft.rfftn, input, s, dim, norm, "rfftn", real_only="rfftn expects a real-valued")


@op(**_FFT, grad_name="FftC2RBackward0")
def fft_irfftn(input, s=None, dim=None, norm=None):
    return _fftn(jnp.fft.irfftn, input, s, dim, norm, "irfftn", c2r=True)


# -- shifts and sample frequencies ------------------------------------------------------------

def _shift_dims(x, dim):
    return tuple(range(x.ndim)) if dim is None else tuple(_wrap(d, x.ndim) for d in _tuple(dim))


@op(function=False, method=False, grad_name="RollBackward0")
def fft_fftshift(input, dim=None):
    return jnp.fft.fftshift(input, axes=_shift_dims(input, dim))


@op(function=False, method=False, grad_name="RollBackward0")
def fft_ifftshift(input, dim=None):
    return jnp.fft.ifftshift(input, axes=_shift_dims(input, dim))


def _freq(values, n, d, out, dtype, device, requires_grad):
    # torch fills an arange in the result dtype and multiplies it by 1 / (n * d) in place
    dt = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    if not dt.is_floating_point:
        raise RuntimeError("fftfreq requires a floating point or complex dtype")
    values = values.astype(dt.np) * np.asarray(1.0 / (n * d)).astype(dt.np)
    result = _finish(_concrete(values, dt), device, requires_grad)
    return result if out is None else _write_out(out, result)


def fft_fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _freq(np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)]), n, d, out, dtype, device,
                 requires_grad)


def fft_rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    return _freq(np.arange(n // 2 + 1), n, d, out, dtype, device, requires_grad)


# -- complex views ------------------------------------------------------------------------------

@op(method=False)
def view_as_real(input):
    if not jnp.iscomplexobj(input):
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return jnp.stack([input.real, input.imag], axis=-1)


@op(method=False)
def view_as_complex(input):
    if input.dtype not in (jnp.float32, jnp.float64):
        raise RuntimeError("view_as_complex is only supported for half, float and double tensors, but got a tensor "
                           f"of scalar type: {_tname(input)}")
    if input.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return jax.lax.complex(input[..., 0], input[..., 1])


@op(tensors=("abs", "angle"), method=False)
def polar(abs, angle):
    if abs.dtype not in (jnp.float32, jnp.float64) or angle.dtype not in (jnp.float32, jnp.float64):
        raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got {_tname(abs)} and "
                           f"{_tname(angle)}")
    if abs.dtype != angle.dtype:
        raise RuntimeError(f"Expected object of scalar type {_tname(abs)} but got scalar type {_tname(angle)} for "
                           "second argument")
    # torch's backward scales abs's gradient by sgn(result): negated where abs < 0, zero where abs == 0;
    # r equals abs but its derivative is sign(abs)
    sign = jax.lax.stop_gradient(jnp.sign(abs))
    r = abs * sign + jax.lax.stop_gradient(abs - abs * sign)
    return jax.lax.complex(r * jnp.cos(angle), r * jnp.sin(angle))
