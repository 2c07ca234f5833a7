"""frexp (mantissa and exponent) and Tensor.sum_to_size (the sum that undoes a broadcast)."""
import jax.numpy as jnp

from .reduction import return_type
from .registry import op, public
import jax
import numpy as np


@op("_frexp", method=False, function=False, differentiable=False)
def _frexp(input):
    mantissa, exponent = jnp.frexp(input)
    return mantissa, exponent.astype(jnp.int32)


@public()
def frexp(input, *, out=None):
    """input = mantissa * 2 ** exponent with |mantissa| in [0.5, 1) (0 for 0; inf and nan keep exponent 0)."""
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    result = return_type("frexp", ("mantissa", "exponent"))(*_frexp(input))
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(tuple(out), result)


@public(function=False)
def sum_to_size(self, *size):
    """Sum self down to `size`, a shape self broadcasts from (the gradient of an expand)."""
    shape = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else tuple(size)
    lead = self.dim() - len(shape)
    ok = lead >= 0 and all(n == m or n == 1 for n, m in zip(shape, self.shape[lead:]))
    if not ok:
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(self.shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and self.shape[lead + i] != 1)
    out = self.sum(dims, keepdim=True) if dims else self
    return out.reshape(shape) if lead else out


@op("_hash_tensor", method=False, function=False, differentiable=False)
def _hash_tensor(input, *, dims, keepdim):
    if jnp.issubdtype(input.dtype, jnp.floating):
        bits = jax.lax.bitcast_convert_type(input.astype(jnp.float64), jnp.uint64)
    elif jnp.issubdtype(input.dtype, jnp.complexfloating):
        raise RuntimeError("hash_tensor: complex inputs are not supported")
    else:
        bits = input.astype(jnp.int64).astype(jnp.uint64)
    out = jax.lax.reduce(bits, np.uint64(0), jax.lax.bitwise_xor, dims)
    if keepdim:
        out = jnp.expand_dims(out, dims)
    return out


@public()
def hash_tensor(input, dim=None, *, keepdim=False, mode=0, out=None):
    """The xor of every element's 64-bit pattern (floats as float64, integers as int64), over `dim` or all."""
    if mode != 0:
        raise RuntimeError(f"hash_tensor: mode {mode} is not supported (only 0, xor reduction)")
    ndim = input.dim()
    if dim is None or (isinstance(dim, (tuple, list)) and not dim):
        dims = tuple(range(ndim))
    else:
        dims = tuple(sorted(d % max(ndim, 1) for d in ((dim,) if isinstance(dim, int) else dim)))
    result = _hash_tensor(input, dims=dims, keepdim=bool(keepdim))
    if out is None:
        return result
    from .elementwise import _write_out
    return _write_out(out, result)
