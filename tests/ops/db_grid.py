"""Sampling grids: affine_grid and grid_sample (values and gradients for input, grid and theta)."""
import itertools

from tests.ops.opinfo import OpInfo, S, arr

# grid points reach past [-1, 1] so every padding mode is exercised; random values avoid pixel
# boundaries, where torch's gradient is one-sided
_SAMPLES = [S(arr(1, 2, 4, 5), arr(1, 3, 4, 2, low=-1.6, high=1.6), mode=mode, padding_mode=pad, align_corners=ac)
            for mode, pad, ac in itertools.product(("bilinear", "nearest", "bicubic"),
                                                   ("zeros", "border", "reflection"), (True, False))]

OPS = [
    OpInfo("grid_sample", lambda m, x, g, **k: m.nn.functional.grid_sample(x, g, **k),
           _SAMPLES + [S(arr(2, 1, 3, 3), arr(2, 2, 2, 2, low=-1.3, high=1.3)),  # align_corners default (warns)
                       S(arr(1, 2, 3, 4, 3), arr(1, 2, 2, 3, 3, low=-1.4, high=1.4), padding_mode="reflection",
                         align_corners=False),
                       S(arr(1, 1, 3, 2, 4), arr(1, 1, 3, 2, 3, low=-1.4, high=1.4), mode="nearest",
                         padding_mode="border", align_corners=True)],
           grad_atol=2e-5, atol=5e-6),
    OpInfo("grid_sampler", lambda m, x, g: m.grid_sampler(x, g, 0, 2, False),
           [S(arr(1, 2, 4, 5), arr(1, 2, 3, 2, low=-1.5, high=1.5))]),
    OpInfo("affine_grid", lambda m, t, size, **k: m.nn.functional.affine_grid(t, size, **k),
           [S(arr(2, 2, 3), (2, 3, 4, 5), align_corners=True), S(arr(2, 2, 3), [2, 1, 3, 1], align_corners=False),
            S(arr(1, 3, 4), (1, 2, 2, 3, 4), align_corners=False), S(arr(1, 3, 4), (1, 1, 3, 2, 2))]),
    OpInfo("affine_grid_sample", lambda m, x, t: m.nn.functional.grid_sample(
        x, m.nn.functional.affine_grid(t, (1, 2, 3, 4), align_corners=False), align_corners=False),
           [S(arr(1, 2, 4, 5), arr(1, 2, 3, low=-1.2, high=1.2))]),
]
