"""make_grid / save_image (torchvision.utils), computed in numpy; PNGs via Pillow."""
import math

import numpy as np
from PIL import Image

from ..utils.data._utils import host_tensor, tensor_numpy
from .._tensor import Tensor


def _np(t):
    if isinstance(t, (list, tuple)):
        return np.stack([_np(x) for x in t])
    if isinstance(t, Tensor):
        return tensor_numpy(t)
    raise TypeError(f"tensor or list of tensors expected, got {type(t)}")


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0):
    """Arrange a (B, C, H, W) batch (or list of images) into one (C, H', W') grid image."""
    a = _np(tensor)
    if a.ndim == 2:
        a = a[None]
    if a.ndim == 3:
        if a.shape[0] == 1:
            a = np.concatenate((a, a, a), 0)
        a = a[None]
    if a.ndim == 4 and a.shape[1] == 1:
        a = np.concatenate((a, a, a), 1)
    if normalize:
        a = a.astype(np.float32) if a.dtype.kind != "f" else a.copy()

        def norm(img, low, high):
            np.clip(img, low, high, out=img)
            img -= low
            img /= max(high - low, 1e-5)

        def norm_range(t):
            if value_range is not None:
                norm(t, value_range[0], value_range[1])
            else:
                norm(t, float(t.min()), float(t.max()))
        if scale_each:
            for t in a:
                norm_range(t)
        else:
            norm_range(a)
    if a.shape[0] == 1:
        return host_tensor(a[0])
    nmaps = a.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(a.shape[2] + padding), int(a.shape[3] + padding)
    grid = np.full((a.shape[1], height * ymaps + padding, width * xmaps + padding), pad_value, dtype=a.dtype)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            grid[:, y * height + padding: (y + 1) * height, x * width + padding: (x + 1) * width] = a[k]
            k += 1
    return host_tensor(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (or a batch, via make_grid) as an image file; values in [0, 1]."""
    grid = tensor_numpy(make_grid(tensor, **kwargs))
    nd = np.clip(grid.astype(np.float32) * np.float32(255) + np.float32(0.5), 0, 255)
    nd = nd.transpose(1, 2, 0).astype(np.uint8) if nd.ndim == 3 else nd.astype(np.uint8)
    Image.fromarray(nd).save(fp, format=format)
