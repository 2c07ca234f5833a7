"""frexp (mantissa and exponent) and Tensor.sum_to_size (the sum that undoes a broadcast)."""
import jax.numpy as jnp

from .reduction import return_type
from .registry import op, public


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
