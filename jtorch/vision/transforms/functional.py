"""torchvision.transforms.functional on PIL images and jtorch tensors.

Tensor images are computed in numpy (data pipelines run in worker processes that must not
call JAX) and come back as host tensors. Deterministic functions reproduce torchvision's
algorithms: PIL inputs go through PIL exactly as torchvision does.
"""
import enum
import numbers

import numpy as np
from PIL import Image, ImageOps

from ...utils.data._utils import host_tensor, tensor_numpy
from . import _geometry
from ..._tensor import Tensor
from ... import _dtype


class InterpolationMode(enum.Enum):
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_MODES = {InterpolationMode.NEAREST: Image.NEAREST, InterpolationMode.NEAREST_EXACT: Image.NEAREST,
              InterpolationMode.BILINEAR: Image.BILINEAR, InterpolationMode.BICUBIC: Image.BICUBIC,
              InterpolationMode.BOX: Image.BOX, InterpolationMode.HAMMING: Image.HAMMING,
              InterpolationMode.LANCZOS: Image.LANCZOS}


def _interp(mode):
    if isinstance(mode, int):  # PIL constants, as old torchvision accepted
        return {v: k for k, v in _PIL_MODES.items() if k is not InterpolationMode.NEAREST_EXACT}[mode]
    return InterpolationMode(mode) if isinstance(mode, str) else mode


def _Tensor():
    return Tensor


def _is_pil_image(img):
    return isinstance(img, Image.Image)


def _is_tensor(img):
    return isinstance(img, _Tensor())


def _check_img(img, what="img"):
    if not (_is_pil_image(img) or _is_tensor(img)):
        raise TypeError(f"{what} should be PIL Image or Tensor. Got {type(img)}")


def _check_tensor(img):
    if not _is_tensor(img):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    if img.dim() < 2:
        raise TypeError(f"Tensor is not a torch image: expected at least 2 dimensions, got {img.dim()}")


def _arr(img):
    """numpy (..., C, H, W) of a tensor image (a 2-d tensor gets C=1 like torchvision)."""
    a = tensor_numpy(img)
    return a


def get_dimensions(img):
    _check_img(img)
    if _is_tensor(img):
        s = tuple(img.shape)
        return [1 if len(s) == 2 else s[-3], s[-2], s[-1]]
    return [len(img.getbands()), img.height, img.width]


def get_image_size(img):
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


# -- conversions -------------------------------------------------------------------------------

def pil_to_tensor(pic):
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, copy=True)
    if arr.dtype == np.uint16:  # 'I;16': jtorch has no uint16; int32 keeps every value
        arr = arr.astype(np.int32)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return host_tensor(arr.transpose(2, 0, 1))


def _pil_array(pic):
    mode_to_nptype = {"I": np.int32, "I;16": np.int16, "F": np.float32}
    arr = np.array(pic, mode_to_nptype.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        arr = 255 * arr
    return arr.reshape(pic.size[1], pic.size[0], len(pic.getbands()))


def to_tensor(pic):
    """HWC (PIL or ndarray) -> CHW tensor; uint8 is scaled to float32 in [0, 1]."""
    if not (_is_pil_image(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if isinstance(pic, np.ndarray):
        if pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        if pic.ndim == 2:
            pic = pic[:, :, None]
        arr = pic.transpose(2, 0, 1)
    else:
        arr = _pil_array(pic).transpose(2, 0, 1)
    if arr.dtype == np.uint8:
        arr = arr.astype(np.float32) / np.float32(255)
    return host_tensor(arr)


def to_pil_image(pic, mode=None):
    if _is_tensor(pic):
        if pic.dim() not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.dim()} dimensions.")
        arr = _arr(pic)
        if arr.ndim == 2:
            arr = arr[None]
        if arr.dtype.kind == "f" and mode != "F":
            arr = (arr * np.float32(255)).astype(np.uint8)
        arr = arr.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in {2, 3}:
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.shape[-1] > 4 and arr.shape[0] <= 4 and not _is_tensor(pic):
        raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[-1]} channels.")
    npimg = arr
    nc = npimg.shape[2]
    if nc == 1:
        npimg = npimg[:, :, 0]
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16", np.dtype(np.int32): "I",
                    np.dtype(np.float32): "F"}.get(npimg.dtype)
        if mode is not None and mode != expected and not (mode == "L" and expected is None):
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. Should be {expected}")
        mode = mode or expected
        if npimg.dtype == np.int16:
            return Image.fromarray(npimg.astype(np.uint16), mode="I;16")
    elif nc == 2:
        mode = mode or "LA"
    elif nc == 4:
        mode = mode or "RGBA"
    elif nc == 3:
        mode = mode or "RGB"
    else:
        raise ValueError(f"pic should not have > 4 channels. Got {nc} channels.")
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    if mode in ("L", "RGB", "RGBA", "LA") and npimg.dtype != np.uint8:
        npimg = npimg.astype(np.uint8)
    return Image.fromarray(npimg, mode=mode) if mode != "F" else Image.fromarray(npimg.astype(np.float32))


_MAX = {np.dtype(np.uint8): 255, np.dtype(np.int8): 127, np.dtype(np.int16): 32767,
        np.dtype(np.int32): 2 ** 31 - 1, np.dtype(np.int64): 2 ** 63 - 1}


def convert_image_dtype(image, dtype):
    _check_tensor(image)
    out_np = np.dtype(_dtype.to_dtype(dtype).np)
    a = _arr(image)
    if a.dtype == out_np:
        return image
    if a.dtype.kind == "f":
        if out_np.kind == "f":
            return host_tensor(a.astype(out_np))
        if (a.dtype == np.float32 and out_np in (np.int32, np.int64)) or (a.dtype == np.float64 and
                                                                          out_np == np.int64):
            raise RuntimeError(f"The cast from {a.dtype} to {out_np} cannot be performed safely.")
        eps = 1e-3
        m = _MAX[out_np]
        return host_tensor((a * a.dtype.type(m + 1.0 - eps)).astype(out_np))
    m_in = _MAX[a.dtype]
    if out_np.kind == "f":
        return host_tensor(a.astype(out_np) / out_np.type(m_in))
    m_out = _MAX[out_np]
    if m_in > m_out:
        factor = (m_in + 1) // (m_out + 1)
        return host_tensor((a // factor).astype(out_np))
    factor = (m_out + 1) // (m_in + 1)
    return host_tensor(a.astype(out_np) * out_np.type(factor))


def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel, in the tensor's float dtype."""
    if not _is_tensor(tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.dim() < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tuple(tensor.shape)}")
    out = host_tensor(_normalize_np(_arr(tensor), mean, std))
    if inplace:
        tensor._assign(out, "normalize_")
        return tensor
    return out


def _normalize_np(a, mean, std):
    mean = np.asarray(mean, a.dtype)
    std = np.asarray(std, a.dtype)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {a.dtype}, leading to division by zero.")
    if mean.ndim == 1:
        mean = mean.reshape(-1, 1, 1)
    if std.ndim == 1:
        std = std.reshape(-1, 1, 1)
    return (a - mean) / std


# -- geometry ----------------------------------------------------------------------------------

def _resized_size(h, w, size, max_size):
    if isinstance(size, numbers.Number) or len(size) == 1:
        requested = size if isinstance(size, numbers.Number) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for "
                                 f"the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        return (new_long, new_short) if w <= h else (new_short, new_long)
    if max_size is not None:
        raise ValueError("max_size should only be passed if size specifies the length of the smaller edge, i.e. "
                         "size should be an int or a sequence of length 1 in torchscript mode.")
    return int(size[0]), int(size[1])


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    _check_img(img)
    interpolation = _interp(interpolation)
    _, h, w = get_dimensions(img)
    oh, ow = _resized_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return img
    if _is_pil_image(img):
        return img.resize((ow, oh), _PIL_MODES[interpolation])
    a = _arr(img)
    if interpolation in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        off = 0.5 if interpolation is InterpolationMode.NEAREST_EXACT else 0.0
        yi = np.minimum(np.floor((np.arange(oh) + off) * (h / oh)).astype(np.int64), h - 1)
        xi = np.minimum(np.floor((np.arange(ow) + off) * (w / ow)).astype(np.int64), w - 1)
        return host_tensor(a[..., yi[:, None], xi[None, :]])
    # float planes through PIL's resampler (the algorithm torch's antialiased resize follows)
    lead = a.shape[:-2]
    planes = a.reshape(-1, h, w).astype(np.float32)
    out = np.stack([np.asarray(Image.fromarray(p, mode="F").resize((ow, oh), _PIL_MODES[interpolation]))
                    for p in planes]).reshape(lead + (oh, ow))
    if a.dtype.kind in "iu":
        info = np.iinfo(a.dtype)
        out = np.clip(np.rint(out), info.min, info.max)
    return host_tensor(out.astype(a.dtype))


def crop(img, top, left, height, width):
    _check_img(img)
    if _is_pil_image(img):
        return img.crop((left, top, left + width, top + height))
    a = _arr(img)
    h, w = a.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        pads = [(0, 0)] * (a.ndim - 2) + [(max(-top, 0), max(bottom - h, 0)), (max(-left, 0), max(right - w, 0))]
        a = np.pad(a[..., max(top, 0):min(bottom, h), max(left, 0):min(right, w)], pads)
        return host_tensor(a)
    return host_tensor(a[..., top:bottom, left:right])


def center_crop(img, output_size):
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, h, w = get_dimensions(img)
    ch, cw = output_size
    if cw > w or ch > h:
        padding_ltrb = [(cw - w) // 2 if cw > w else 0, (ch - h) // 2 if ch > h else 0,
                        (cw - w + 1) // 2 if cw > w else 0, (ch - h + 1) // 2 if ch > h else 0]
        img = pad(img, padding_ltrb, fill=0)
        _, h, w = get_dimensions(img)
        if cw == w and ch == h:
            return img
    top = int(round((h - ch) / 2.0))
    left = int(round((w - cw) / 2.0))
    return crop(img, top, left, ch, cw)


def _parse_pad(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


def pad(img, padding, fill=0, padding_mode="constant"):
    _check_img(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _parse_pad(padding)
    np_mode = {"constant": "constant", "edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}[padding_mode]
    if _is_pil_image(img):
        if padding_mode == "constant" and img.mode != "P":
            return ImageOps.expand(img, border=(left, top, right, bottom), fill=_pil_fill(fill, img))
        a = np.asarray(img)
        pads = [(top, bottom), (left, right)] + [(0, 0)] * (a.ndim - 2)
        out = np.pad(a, pads, mode=np_mode, **({"constant_values": fill} if np_mode == "constant" else {}))
        res = Image.fromarray(out, mode=img.mode)
        if img.mode == "P":
            res.putpalette(img.getpalette())
        return res
    a = _arr(img)
    pads = [(0, 0)] * (a.ndim - 2) + [(top, bottom), (left, right)]
    kw = {"constant_values": fill if fill is not None else 0} if np_mode == "constant" else {}
    return host_tensor(np.pad(a, pads, mode=np_mode, **kw))


def _pil_fill(fill, img):
    if fill is None:
        fill = 0
    bands = len(img.getbands())
    if isinstance(fill, (int, float)) and bands > 1:
        return tuple([int(fill)] * bands) if img.mode != "F" else fill
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * bands
        if len(fill) != bands:
            raise ValueError(f"The number of elements in 'fill' does not match the number of bands of the image "
                             f"({len(fill)} != {bands})")
        return tuple(fill) if bands > 1 else fill[0]
    return fill


def hflip(img):
    _check_img(img)
    if _is_pil_image(img):
        return img.transpose(Image.FLIP_LEFT_RIGHT)
    return host_tensor(_arr(img)[..., ::-1])


def vflip(img):
    _check_img(img)
    if _is_pil_image(img):
        return img.transpose(Image.FLIP_TOP_BOTTOM)
    return host_tensor(_arr(img)[..., ::-1, :])


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def five_crop(img, size):
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif len(size) == 1:
        size = (size[0], size[0])
    _, h, w = get_dimensions(img)
    ch, cw = size
    if cw > w or ch > h:
        raise ValueError(f"Requested crop size {size} is bigger than input size {(h, w)}")
    return (crop(img, 0, 0, ch, cw), crop(img, 0, w - cw, ch, cw), crop(img, h - ch, 0, ch, cw),
            crop(img, h - ch, w - cw, ch, cw), center_crop(img, [ch, cw]))


def ten_crop(img, size, vertical_flip=False):
    first = five_crop(img, size)
    second = five_crop(vflip(img) if vertical_flip else hflip(img), size)
    return first + second


def _fill_list(fill, c):
    if fill is None:
        return None
    return list(fill) if isinstance(fill, (list, tuple)) else [float(fill)] * c


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    _check_img(img)
    interpolation = _interp(interpolation)
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear) if len(shear) == 2 else [shear[0], 0.0]
    c, h, w = get_dimensions(img)
    if _is_pil_image(img):
        ctr = [w * 0.5, h * 0.5] if center is None else center
        matrix = _geometry.get_inverse_affine_matrix(ctr, angle, translate, scale, shear)
        kw = {"fillcolor": _pil_fill(fill, img)} if fill is not None else {}
        return img.transform((w, h), Image.AFFINE, matrix, _PIL_MODES[interpolation], **kw)
    ctr = [0.0, 0.0] if center is None else [1.0 * (cc - s * 0.5) for cc, s in zip(center, [w, h])]
    matrix = _geometry.get_inverse_affine_matrix(ctr, angle, [1.0 * t for t in translate], scale, shear)
    sx, sy = _geometry.affine_grid(matrix, w, h, w, h)
    return host_tensor(_geometry.sample(_arr(img), sx, sy, interpolation.value, _fill_list(fill, c)))


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    _check_img(img)
    interpolation = _interp(interpolation)
    if _is_pil_image(img):
        kw = {"fillcolor": _pil_fill(fill, img)} if fill is not None else {}
        return img.rotate(angle, _PIL_MODES[interpolation], expand, center, **kw)
    c, h, w = get_dimensions(img)
    ctr = [0.0, 0.0] if center is None else [1.0 * (cc - s * 0.5) for cc, s in zip(center, [w, h])]
    matrix = _geometry.get_inverse_affine_matrix(ctr, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    ow, oh = _geometry.compute_affine_output_size(matrix, w, h) if expand else (w, h)
    sx, sy = _geometry.affine_grid(matrix, w, h, ow, oh)
    return host_tensor(_geometry.sample(_arr(img), sx, sy, interpolation.value, _fill_list(fill, c)))


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    _check_img(img)
    interpolation = _interp(interpolation)
    coeffs = _geometry.get_perspective_coeffs(startpoints, endpoints)
    c, h, w = get_dimensions(img)
    if _is_pil_image(img):
        kw = {"fillcolor": _pil_fill(fill, img)} if fill is not None else {}
        return img.transform((w, h), Image.PERSPECTIVE, coeffs, _PIL_MODES[interpolation], **kw)
    sx, sy = _geometry.perspective_grid(coeffs, w, h)
    return host_tensor(_geometry.sample(_arr(img), sx, sy, interpolation.value, _fill_list(fill, c)))


from ._color import (  # noqa: E402  re-exported: the colour half of functional
    adjust_brightness as adjust_brightness, adjust_contrast as adjust_contrast, adjust_gamma as adjust_gamma,
    adjust_hue as adjust_hue, adjust_saturation as adjust_saturation, adjust_sharpness as adjust_sharpness,
    autocontrast as autocontrast, equalize as equalize, erase as erase, gaussian_blur as gaussian_blur,
    invert as invert, posterize as posterize, rgb_to_grayscale as rgb_to_grayscale, solarize as solarize,
    to_grayscale as to_grayscale,
)
