"""Sampling grids: affine_grid and grid_sample (spatial transformer networks)."""
import itertools
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .nn import _HI
from .registry import op, public

_MODES = {"bilinear": 0, "nearest": 1, "bicubic": 2}
_PADDINGS = {"zeros": 0, "border": 1, "reflection": 2}
_DEFAULT_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                    "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                    "grid_sample for details.")


# -- affine_grid -----------------------------------------------------------------------------------

def _base_coords(steps, align_corners):
    if steps <= 1:
        return np.zeros(max(steps, 0))
    lin = np.linspace(-1.0, 1.0, steps)
    return lin if align_corners else lin * (steps - 1) / steps


@op(method=False, tensors=("theta",))
def affine_grid_generator(theta, size, align_corners):
    spatial = tuple(size[2:])
    # torch's base grid is [x, y, (z,) 1] with x running over the last (width) dimension
    axes = [_base_coords(s, align_corners) for s in spatial]
    mesh = list(np.meshgrid(*axes, indexing="ij"))[::-1]
    base = np.stack(mesh + [np.ones(spatial)], axis=-1).astype(theta.dtype)
    return jnp.einsum("...k,nik->n...i", jnp.asarray(base), theta, precision=_HI)


@public("affine_grid", method=False, function=False)
def affine_grid(theta, size, align_corners=None):
    if align_corners is None:
        warnings.warn(_DEFAULT_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = tuple(int(s) for s in size)
    nd = len(size) - 2
    if nd not in (2, 3):
        raise NotImplementedError("affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    if theta.dim() != 3 or tuple(theta.shape[-2:]) != (nd, nd + 1):
        raise ValueError(f"Expected a batch of {nd}D affine matrices of shape Nx{nd}x{nd + 1} for size {size}. "
                         f"Got {theta.shape}.")
    if align_corners and min(size[2:]) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:  # torch's bmm of the (N, HW, nd+1) base grid with theta^T says this
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, {nd + 1}] "
                           f"but got: [{theta.shape[0]}, {nd + 1}].")
    return affine_grid_generator(theta, size, align_corners)


# -- grid_sample -----------------------------------------------------------------------------------

def _clip(x, n):
    # torch zeroes the gradient at and beyond the border (jnp.clip would split it at ties)
    return jnp.where(x <= 0, 0.0, jnp.where(x >= n - 1, n - 1.0, x)).astype(x.dtype)


def _reflect(x, twice_low, twice_high):
    if twice_low == twice_high:
        return jnp.zeros_like(x)
    lo, span = twice_low / 2, (twice_high - twice_low) / 2
    x = jnp.abs(x - lo)
    extra = jnp.fmod(x, span)
    flips = jnp.floor(x / span)
    return jnp.where(jnp.fmod(flips, 2) == 0, extra + lo, span - extra + lo).astype(x.dtype)


def _pad_coord(x, n, padding_mode, align_corners):
    """torch's compute_coordinates: source pixel coordinate after border/reflection padding."""
    if padding_mode == 1:
        return _clip(x, n)
    if padding_mode == 2:
        x = _reflect(x, 0, 2 * (n - 1)) if align_corners else _reflect(x, -1, 2 * n - 1)
        return _clip(x, n)
    return x


def _cubic_weights(t):
    a = -0.75

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return far(t + 1), near(t), near(1 - t), far(2 - t)


@op(method=False, tensors=("input", "grid"), grad_name="GridSampler2DBackward0")
def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    if grid.dtype != input.dtype:  # torch's kernel takes one dtype
        raise RuntimeError(f"expected scalar type {_dtype.scalar_name(input.dtype)} but found "
                           f"{_dtype.scalar_name(grid.dtype)}")
    n, c, *spatial = input.shape
    out_shape = grid.shape[1:-1]
    flat = input.reshape(n, c, -1)
    strides = np.cumprod([1] + spatial[::-1])[:-1][::-1]

    def gather(idx):
        """input[n, :, idx...] with zeros where any index falls outside the input."""
        ok = jnp.ones(idx[0].shape, bool)
        lin = 0
        for i, s, st in zip(idx, spatial, strides):
            ok = ok & (i >= 0) & (i < s)
            lin = lin + jnp.clip(i, 0, s - 1) * int(st)
        vals = jax.vmap(lambda a, j: a[:, j])(flat, lin.reshape(n, -1)).reshape((n, c) + out_shape)
        return jnp.where(ok[:, None], vals, 0)

    # grid's last axis is (x, y[, z]): reversed relative to the input's spatial axes
    coords = []
    for d, s in enumerate(spatial):
        g = grid[..., len(spatial) - 1 - d]
        x = (g + 1) / 2 * (s - 1) if align_corners else ((g + 1) * s - 1) / 2
        coords.append(x if interpolation_mode == 2 else _pad_coord(x, s, padding_mode, align_corners))

    if interpolation_mode == 1:  # nearest: round half to even, like torch's nearbyint
        return gather([jnp.round(x).astype(jnp.int32) for x in coords])
    lows = [jnp.floor(x) for x in coords]
    if interpolation_mode == 0:  # (bi/tri)linear over the 2^nd surrounding corners
        out = 0
        for corner in itertools.product((0, 1), repeat=len(spatial)):
            w = 1
            for x, lo, k in zip(coords, lows, corner):
                w = w * (x - lo if k else lo + 1 - x)
            out = out + gather([(lo + k).astype(jnp.int32) for lo, k in zip(lows, corner)]) * w[:, None]
        return out.astype(input.dtype)
    # bicubic (4-D only): padding applies to each of the 4x4 tap indices, not to the coordinate
    (y, x), (y0, x0) = coords, lows
    wy, wx = _cubic_weights(y - y0), _cubic_weights(x - x0)
    hin, win = spatial
    out = 0
    for i in range(4):
        yi = _pad_coord(y0 - 1 + i, hin, padding_mode, align_corners).astype(jnp.int32)
        for j in range(4):
            xj = _pad_coord(x0 - 1 + j, win, padding_mode, align_corners).astype(jnp.int32)
            out = out + gather([yi, xj]) * (wy[i] * wx[j])[:, None]
    return out.astype(input.dtype)


def _check_grid_sampler(input, grid, interpolation_mode):
    isz, gsz = list(input.shape), list(grid.shape)
    if not gsz or not isz or gsz[0] != isz[0]:
        raise RuntimeError("grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {isz} and grid with sizes {gsz}")
    if gsz[-1] != len(isz) - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {len(isz) - 2} in last dimension, but got "
                           f"grid with sizes {gsz}")
    for i in range(2, len(isz)):
        if isz[i] <= 0:
            raise RuntimeError("grid_sampler(): expected input to have non-empty spatial dimensions, but input has "
                               f"sizes {isz} with dimension {i} being empty")
    nd = 4 if len(isz) == 4 else 5
    if len(isz) != nd or len(gsz) != nd:
        raise RuntimeError(f"grid_sampler(): expected {nd}D input and grid with same number of dimensions, but got "
                           f"input with sizes {isz} and grid with sizes {gsz}")
    if nd == 5 and interpolation_mode == 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(input.dtype)} but found {_scalar_name(grid.dtype)}")
    if not input.is_floating_point():
        kernel = "grid_sampler_2d_cpu_kernel_impl" if nd == 4 else "grid_sampler3d_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_scalar_name(input.dtype)}\'')


_scalar_name = _dtype.scalar_name


@public("grid_sample", method=False, function=False)
def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    if mode not in _MODES:
        raise ValueError("nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in _PADDINGS:
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_DEFAULT_WARNING, stacklevel=2)
        align_corners = False
    _check_grid_sampler(input, grid, _MODES[mode])
    return grid_sampler(input, grid, _MODES[mode], _PADDINGS[padding_mode], bool(align_corners))
