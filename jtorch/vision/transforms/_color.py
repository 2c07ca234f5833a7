"""Colour functions of torchvision.transforms.functional (PIL through PIL, tensors in numpy)."""
import numbers

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from ...utils.data._utils import host_tensor, tensor_numpy
from ..._tensor import Tensor


def _is_pil(img):
    return isinstance(img, Image.Image)


def _is_tensor(img):
    return isinstance(img, Tensor)


def _check(img):
    if not (_is_pil(img) or _is_tensor(img)):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def _channels(a, allowed, what):
    c = a.shape[-3] if a.ndim >= 3 else 1
    if c not in allowed:
        raise TypeError(f"Input image tensor permitted channel values are {list(allowed)}, but found {c}")
    return c


def _bound(a):
    return 1.0 if a.dtype.kind == "f" else float(np.iinfo(a.dtype).max)


def _blend(a1, a2, ratio):
    ratio = float(ratio)
    out = np.clip(np.float32(ratio) * a1.astype(np.float32) + np.float32(1.0 - ratio) * np.asarray(a2, np.float32),
                  0, _bound(a1)) if a1.dtype.kind != "f" else \
        np.clip(a1.dtype.type(ratio) * a1 + a1.dtype.type(1.0 - ratio) * a2, 0, 1.0)
    return out.astype(a1.dtype)


def _gray(a):
    f = np.dtype(a.dtype if a.dtype.kind == "f" else np.float32)
    r, g, b = (a[..., i, :, :].astype(f) for i in range(3))
    return (f.type(0.2989) * r + f.type(0.587) * g + f.type(0.114) * b).astype(a.dtype)[..., None, :, :]


def rgb_to_grayscale(img, num_output_channels=1):
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_pil(img):
        return to_grayscale(img, num_output_channels)
    if not _is_tensor(img):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    a = tensor_numpy(img)
    c = _channels(a, (1, 3), "rgb_to_grayscale")
    l_img = _gray(a) if c == 3 else a.copy()
    if num_output_channels == 3:
        l_img = np.broadcast_to(l_img, l_img.shape[:-3] + (3,) + l_img.shape[-2:])
    return host_tensor(l_img)


def to_grayscale(img, num_output_channels=1):
    if not _is_pil(img):
        if _is_tensor(img):
            return rgb_to_grayscale(img, num_output_channels)
        raise TypeError(f"img should be PIL Image. Got {type(img)}")
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        np_img = np.array(img.convert("L"), dtype=np.uint8)
        return Image.fromarray(np.dstack([np_img, np_img, np_img]), "RGB")
    raise ValueError("num_output_channels should be either 1 or 3")


def _enhance(img, factor, name, enhancer, tensor_fn):
    _check(img)
    if factor < 0:
        raise ValueError(f"{name} ({factor}) is not non-negative.")
    if _is_pil(img):
        return enhancer(img).enhance(factor)
    return host_tensor(tensor_fn(tensor_numpy(img), factor))


def adjust_brightness(img, brightness_factor):
    return _enhance(img, brightness_factor, "brightness_factor", ImageEnhance.Brightness,
                    lambda a, f: _blend(a, np.zeros_like(a), f))


def _contrast(a, f):
    c = _channels(a, (1, 3), "adjust_contrast")
    dt = a.dtype if a.dtype.kind == "f" else np.dtype(np.float32)
    src = _gray(a) if c == 3 else a
    mean = src.astype(dt).mean(axis=(-3, -2, -1), keepdims=True)
    return _blend(a, mean, f)


def adjust_contrast(img, contrast_factor):
    return _enhance(img, contrast_factor, "contrast_factor", ImageEnhance.Contrast, _contrast)


def _saturation(a, f):
    c = _channels(a, (1, 3), "adjust_saturation")
    return a if c == 1 else _blend(a, _gray(a), f)


def adjust_saturation(img, saturation_factor):
    return _enhance(img, saturation_factor, "saturation_factor", ImageEnhance.Color, _saturation)


def adjust_sharpness(img, sharpness_factor):
    def fn(a, f):
        raise NotImplementedError("jtorch.vision: adjust_sharpness on tensors is not implemented; use a PIL image")
    return _enhance(img, sharpness_factor, "sharpness_factor", ImageEnhance.Sharpness, fn)


def _rgb2hsv(img):
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc, minc = img.max(axis=-3), img.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = np.ones_like(maxc)
    s = cr / np.where(eqc, ones, maxc)
    crd = np.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = np.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return np.stack((h, s, maxc), axis=-3).astype(img.dtype)


def _hsv2rgb(img):
    h, s, v = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    table = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = np.zeros(img.shape, img.dtype)
    for k, (rr, gg, bb) in enumerate(table):
        m = i == k
        out[..., 0, :, :] += np.where(m, rr, 0)
        out[..., 1, :, :] += np.where(m, gg, 0)
        out[..., 2, :, :] += np.where(m, bb, 0)
    return out


def adjust_hue(img, hue_factor):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check(img)
    if _is_pil(img):
        if img.mode in {"L", "1", "I", "F"}:
            return img
        input_mode = img.mode
        h, s, v = img.convert("HSV").split()
        np_h = np.array(h, dtype=np.uint8)
        with np.errstate(over="ignore"):
            np_h += np.array(hue_factor * 255).astype(np.int32).astype(np.uint8)
        return Image.merge("HSV", (Image.fromarray(np_h, "L"), s, v)).convert(input_mode)
    a = tensor_numpy(img)
    if _channels(a, (1, 3), "adjust_hue") == 1:
        return img
    x = a.astype(np.float32) / np.float32(255) if a.dtype.kind != "f" else a
    hsv = _rgb2hsv(x)
    hsv[..., 0, :, :] = np.fmod(hsv[..., 0, :, :] + hue_factor, 1.0) % 1.0
    out = _hsv2rgb(hsv)
    if a.dtype.kind != "f":
        out = (out * np.float32(255 + 1.0 - 1e-3)).astype(a.dtype)
    return host_tensor(out)


def adjust_gamma(img, gamma, gain=1):
    _check(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    if _is_pil(img):
        input_mode = img.mode
        img = img.convert("RGB")
        gamma_map = [int((255 + 1 - 1e-3) * gain * pow(ele / 255.0, gamma)) for ele in range(256)] * 3
        return img.point(gamma_map).convert(input_mode)
    a = tensor_numpy(img)
    x = a if a.dtype.kind == "f" else a.astype(np.float32) / np.float32(255)
    out = np.clip(gain * x ** gamma, 0, 1).astype(x.dtype)
    if a.dtype.kind != "f":
        out = (out * np.float32(255 + 1.0 - 1e-3)).astype(a.dtype)
    return host_tensor(out)


def invert(img):
    _check(img)
    if _is_pil(img):
        return ImageOps.invert(img)
    a = tensor_numpy(img)
    return host_tensor((_bound(a) - a).astype(a.dtype))


def posterize(img, bits):
    _check(img)
    if _is_pil(img):
        return ImageOps.posterize(img, bits)
    a = tensor_numpy(img)
    if a.dtype != np.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {a.dtype}")
    return host_tensor(a & np.uint8(-int(2 ** (8 - bits)) & 0xFF))


def solarize(img, threshold):
    _check(img)
    if _is_pil(img):
        return ImageOps.solarize(img, threshold)
    a = tensor_numpy(img)
    return host_tensor(np.where(a >= threshold, (_bound(a) - a).astype(a.dtype), a))


def autocontrast(img):
    _check(img)
    if _is_pil(img):
        return ImageOps.autocontrast(img)
    raise NotImplementedError("jtorch.vision: autocontrast on tensors is not implemented; use a PIL image")


def equalize(img):
    _check(img)
    if _is_pil(img):
        return ImageOps.equalize(img)
    raise NotImplementedError("jtorch.vision: equalize on tensors is not implemented; use a PIL image")


def _kernel1d(k, sigma):
    half = (k - 1) * 0.5
    x = np.linspace(-half, half, k, dtype=np.float32)
    pdf = np.exp(np.float32(-0.5) * (x / np.float32(sigma)) ** 2)
    return (pdf / pdf.sum()).astype(np.float32)


def gaussian_blur(img, kernel_size, sigma=None):
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if isinstance(sigma, numbers.Number):
        sigma = [float(sigma), float(sigma)]
    elif isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    _check(img)
    pil_mode = img.mode if _is_pil(img) else None
    if pil_mode is not None:
        arr = np.array(img)
        a = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
    else:
        a = tensor_numpy(img)
    kx, ky = _kernel1d(kernel_size[0], sigma[0]), _kernel1d(kernel_size[1], sigma[1])
    k2 = ky[:, None] * kx[None, :]
    x = a.astype(np.float32) if a.dtype.kind != "f" else a
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(py, py), (px, px)], mode="reflect")
    h, w = x.shape[-2:]
    out = np.zeros_like(x)
    for i in range(kernel_size[1]):
        for j in range(kernel_size[0]):
            out += k2[i, j] * xp[..., i:i + h, j:j + w]
    if a.dtype.kind in "iu":
        out = np.clip(np.rint(out), np.iinfo(a.dtype).min, np.iinfo(a.dtype).max)
    out = out.astype(a.dtype)
    if pil_mode is not None:
        return Image.fromarray(out[0] if arr.ndim == 2 else out.transpose(1, 2, 0), mode=pil_mode)
    return host_tensor(out)


def erase(img, i, j, h, w, v, inplace=False):
    if not _is_tensor(img):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    a = tensor_numpy(img).copy()
    a[..., i:i + h, j:j + w] = tensor_numpy(v) if _is_tensor(v) else v
    out = host_tensor(a)
    if inplace:
        img._assign(out)
        return img
    return out
