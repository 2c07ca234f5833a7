"""Numpy geometry for tensor images: torchvision's inverse-affine matrices, perspective
coefficients and a grid sampler that follows grid_sample(align_corners=False)."""
import math

import numpy as np


def get_inverse_affine_matrix(center, angle, translate, scale, shear):
    """torchvision's inverse of  T * C * RotateScaleShear * C^-1  as a 2x3 list."""
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    matrix = [d, -b, 0.0, -c, a, 0.0]
    matrix = [x / scale for x in matrix]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
    matrix[2] += cx
    matrix[5] += cy
    return matrix


def compute_affine_output_size(matrix, w, h):
    pts = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                    [0.5 * w, -0.5 * h, 1.0]], np.float32)
    theta = np.asarray(matrix, np.float32).reshape(2, 3)
    new_pts = pts @ theta.T
    mn = new_pts.min(0) + np.array([w * 0.5, h * 0.5], np.float32)
    mx = new_pts.max(0) + np.array([w * 0.5, h * 0.5], np.float32)
    tol = 1e-4
    cmax = np.ceil(np.trunc(mx / tol) * tol)
    cmin = np.floor(np.trunc(mn / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def get_perspective_coeffs(startpoints, endpoints):
    a = np.zeros((2 * len(startpoints), 8), np.float64)
    for i, (p1, p2) in enumerate(zip(endpoints, startpoints)):
        a[2 * i] = [p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]]
        a[2 * i + 1] = [0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]]
    b = np.asarray(startpoints, np.float64).reshape(8)
    return np.linalg.lstsq(a, b, rcond=None)[0].astype(np.float32).tolist()


def sample(img, src_x, src_y, interpolation, fill):
    """Sample (..., C, H, W) `img` at pixel coordinates src_x/src_y (oh, ow); outside -> fill."""
    h, w = img.shape[-2:]
    dtype = img.dtype
    x = img.astype(np.float32)
    c = img.shape[-3]
    fillv = np.zeros(c, np.float32) if fill is None else np.broadcast_to(
        np.asarray(fill if isinstance(fill, (list, tuple)) else [fill], np.float32), (c,))
    if interpolation == "nearest":
        xi, yi = np.rint(src_x).astype(np.int64), np.rint(src_y).astype(np.int64)
        inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        mask = inside.astype(np.float32)
        out = x[..., np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)] * mask
    else:
        x0, y0 = np.floor(src_x).astype(np.int64), np.floor(src_y).astype(np.int64)
        fx, fy = (src_x - x0).astype(np.float32), (src_y - y0).astype(np.float32)
        out = 0.0
        mask = 0.0
        for dy, wy in ((0, 1 - fy), (1, fy)):
            for dx, wx in ((0, 1 - fx), (1, fx)):
                xx, yy = x0 + dx, y0 + dy
                ok = ((xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)).astype(np.float32)
                wgt = wx * wy * ok
                out = out + x[..., np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)] * wgt
                mask = mask + wgt
    out = out + (1.0 - mask) * fillv.reshape((c, 1, 1))
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    return out.astype(dtype)


def affine_grid(matrix, w, h, ow, oh):
    """Source pixel coordinates for an output of (oh, ow) under torchvision's centred affine."""
    theta = np.asarray(matrix, np.float64).reshape(2, 3)
    xs = np.arange(ow, dtype=np.float64) - (ow - 1) * 0.5
    ys = np.arange(oh, dtype=np.float64) - (oh - 1) * 0.5
    gx, gy = np.meshgrid(xs, ys)
    sx = theta[0, 0] * gx + theta[0, 1] * gy + theta[0, 2] + (w - 1) * 0.5
    sy = theta[1, 0] * gx + theta[1, 1] * gy + theta[1, 2] + (h - 1) * 0.5
    return sx, sy


def perspective_grid(coeffs, w, h):
    a, b, c, d, e, f, g, hh = coeffs
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float64) + 0.5, np.arange(h, dtype=np.float64) + 0.5)
    den = g * gx + hh * gy + 1.0
    return (a * gx + b * gy + c) / den - 0.5, (d * gx + e * gy + f) / den - 0.5
