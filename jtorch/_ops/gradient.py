"""torch.gradient: derivatives estimated by second-order central differences in the interior and one-sided
differences (first or second order) at the edges, for even spacing or given coordinates, composed from table
ops (slices and arithmetic), so it records and differentiates like them."""
from .. import _dtype
from .registry import public


def _along(coeff, d, ndim):
    """A 1-d coefficient tensor shaped to broadcast along dim d."""
    shape = [1] * ndim
    shape[d] = -1
    return coeff.reshape(shape)


def _one_dim(f, d, h, edge_order):
    n = f.shape[d]
    ndim = f.dim()

    def part(start, length):
        return f.narrow(d, start, length)

    if not hasattr(h, "_lazy"):  # even spacing h
        interior = (part(2, n - 2) - part(0, n - 2)) / (2 * h)
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / h
            last = (part(n - 1, 1) - part(n - 2, 1)) / h
        else:
            first = (-1.5 * part(0, 1) + 2 * part(1, 1) - 0.5 * part(2, 1)) / h
            last = (0.5 * part(n - 3, 1) - 2 * part(n - 2, 1) + 1.5 * part(n - 1, 1)) / h
    else:  # coordinates h along d
        dx = (h[1:] - h[:-1]).to(f.dtype)
        a, b = dx[:-1], dx[1:]
        interior = (_along(-b / (a * (a + b)), d, ndim) * part(0, n - 2) + _along((b - a) / (a * b), d, ndim)
                    * part(1, n - 2) + _along(a / (b * (a + b)), d, ndim) * part(2, n - 2))
        if edge_order == 1:
            first = (part(1, 1) - part(0, 1)) / dx[0]
            last = (part(n - 1, 1) - part(n - 2, 1)) / dx[-1]
        else:
            p, q = dx[0], dx[1]
            first = (-(2 * p + q) / (p * (p + q)) * part(0, 1) + (p + q) / (p * q) * part(1, 1)
                     - p / (q * (p + q)) * part(2, 1))
            p, q = dx[-2], dx[-1]
            last = (q / (p * (p + q)) * part(n - 3, 1) - (p + q) / (p * q) * part(n - 2, 1)
                    + (2 * q + p) / (q * (p + q)) * part(n - 1, 1))
    from .movement import cat
    return cat([first, interior, last], d)


@public(method=False)
def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """One tensor per differentiated dim: d input / d x_dim, x spaced by `spacing` (a number, one number per dim,
    or one coordinate tensor per dim)."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(range(input.dim())) if dim is None else [dim] if isinstance(dim, int) else list(dim)
    dims = [d % input.dim() for d in dims]
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
                               f"arguments to have the same length, but got a spacing argument of length "
                               f"{len(spacing)} and a dim argument of length {len(dims)}.")
        steps = list(spacing)
    else:
        steps = [spacing] * len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    f = input if input.dtype.is_floating_point or input.dtype.is_complex else input.to(_dtype.get_default_dtype())
    return tuple(_one_dim(f, d, h, edge_order) for d, h in zip(dims, steps))
