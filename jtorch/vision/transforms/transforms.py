"""torchvision.transforms classes. Random transforms draw from jtorch's generator (seeded by
jtorch.manual_seed; in DataLoader workers, by the worker seed) through a numpy RNG.

Deterministic array transforms (ToTensor, PILToTensor, Normalize, ConvertImageDtype) also
offer `_batch(state)`: the same computation on a whole stacked batch, used by in-memory
datasets to transform a batch at once with results identical to the per-sample path.
RandomCrop and the random flips have batched forms too (`_batch_random`): Compose hands each
sample the RNG the per-sample path would have drawn, so the results are identical as well.
"""
import math
import numbers
import warnings
from collections.abc import Sequence

import numpy as np

from ...utils.data._utils import _generator, numpy_rng, numpy_rng_at
from . import functional as F
from .functional import InterpolationMode, _interp
from ...utils.data._utils import host_tensor, tensor_numpy


__all__ = [
    "Compose", "ToTensor", "PILToTensor", "ConvertImageDtype", "ToPILImage", "Normalize", "Lambda", "Resize",
    "CenterCrop", "Pad", "RandomApply", "RandomChoice", "RandomOrder", "RandomCrop", "RandomResizedCrop",
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "RandomAffine", "RandomPerspective",
    "ColorJitter", "Grayscale", "RandomGrayscale", "GaussianBlur", "RandomErasing",
]

def _rng():
    return numpy_rng(None)


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def _batch(self, state):
        """The whole chain on a stacked batch, or None. Random transforms (allowed before
        ToTensor) get the per-sample RNGs the per-sample path would draw, in the same order."""
        kind, shape, plan = state[0], state[1].shape, []
        for t in self.transforms:
            if hasattr(t, "_batch_draws"):
                k = t._batch_draws(shape) if kind == "pil" else None
                if k is None:
                    return None
                plan.append((t, k, True))
                shape = t._batch_shape(shape)
            elif hasattr(t, "_batch") and not isinstance(t, Compose):
                plan.append((t, 0, False))
                if isinstance(t, (ToTensor, PILToTensor)):
                    kind = "tensor"
            else:
                return None
        draws = sum(k for _, k, _ in plan)
        n = state[1].shape[0]
        g = _generator(None)
        c0, off = g._counter, 0
        for t, k, is_random in plan:
            if is_random:
                rngs = [numpy_rng_at(g, c0 + i * draws + off) for i in range(n)] if k else None
                state = t._batch_random(state, rngs)
                off += k
            else:
                state = t._batch(state)
            if state is None:
                return None
        g._counter = c0 + n * draws
        return state

    def __repr__(self):
        body = "".join(f"\n    {t}" for t in self.transforms)
        return f"{self.__class__.__name__}({body}\n)"


class ToTensor:
    def __call__(self, pic):
        return F.to_tensor(pic)

    def _batch(self, state):
        kind, a = state
        if kind != "pil" or a.dtype != np.uint8:
            return None
        a = a[:, None] if a.ndim == 3 else a.transpose(0, 3, 1, 2)
        return "tensor", a.astype(np.float32) / np.float32(255)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class PILToTensor:
    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def _batch(self, state):
        kind, a = state
        if kind != "pil":
            return None
        return "tensor", np.ascontiguousarray(a[:, None] if a.ndim == 3 else a.transpose(0, 3, 1, 2))

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ConvertImageDtype:
    def __init__(self, dtype):
        self.dtype = dtype

    def __call__(self, image):
        return F.convert_image_dtype(image, self.dtype)

    def _batch(self, state):
        kind, a = state
        if kind != "tensor":
            return None
        return "tensor", tensor_numpy(F.convert_image_dtype(host_tensor(a), self.dtype))


class ToPILImage:
    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return f"{self.__class__.__name__}()" if self.mode is None else f"{self.__class__.__name__}(mode={self.mode})"


class Normalize:
    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def _batch(self, state):
        kind, a = state
        if kind != "tensor" or a.dtype.kind != "f":
            return None
        return "tensor", F._normalize_np(a, self.mean, self.std)

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class Resize:
    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = _interp(interpolation)

    def __call__(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias})")


class CenterCrop:
    def __init__(self, size):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def __call__(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class Pad:
    def __init__(self, padding, fill=0, padding_mode="constant"):
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        if isinstance(padding, Sequence) and len(padding) not in [1, 2, 4]:
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element "
                             "tuple")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


class RandomApply:
    def __init__(self, transforms, p=0.5):
        self.transforms, self.p = transforms, p

    def __call__(self, img):
        if self.p < _rng().random():
            return img
        for t in self.transforms:
            img = t(img)
        return img


class RandomChoice:
    def __init__(self, transforms, p=None):
        if p is not None and len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != {len(transforms)}")
        self.transforms = transforms
        total = sum(p) if p is not None else None
        self.p = [w / total for w in p] if p is not None else None

    def __call__(self, *args):
        idx = int(_rng().choice(len(self.transforms), p=self.p))
        return self.transforms[idx](*args)


class RandomOrder:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for i in _rng().permutation(len(self.transforms)).tolist():
            img = self.transforms[i](img)
        return img


class RandomCrop:
    @staticmethod
    def get_params(img, output_size):
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        rng = _rng()
        return int(rng.integers(0, h - th + 1)), int(rng.integers(0, w - tw + 1)), th, tw

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = tuple(_setup_size(size, "Please provide only two dimensions (h, w) for size."))
        self.padding, self.pad_if_needed, self.fill, self.padding_mode = padding, pad_if_needed, fill, padding_mode

    def __call__(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def _padded(self, h, w):
        if self.padding is not None:
            left, top, right, bottom = F._parse_pad(self.padding)
            h, w = h + top + bottom, w + left + right
        w = w + 2 * (self.size[1] - w) if self.pad_if_needed and w < self.size[1] else w
        h = h + 2 * (self.size[0] - h) if self.pad_if_needed and h < self.size[0] else h
        return h, w

    def _batch_draws(self, shape):
        if not isinstance(self.fill, numbers.Number):
            return None
        h, w = self._padded(shape[1], shape[2])
        if h < self.size[0] or w < self.size[1]:
            return None  # the per-sample path raises the error
        return 0 if (h, w) == tuple(self.size) else 1

    def _batch_shape(self, shape):
        return (shape[0],) + tuple(self.size) + tuple(shape[3:])

    def _batch_random(self, state, rngs):
        a = state[1]
        h, w = a.shape[1:3]
        ph, pw = self._padded(h, w)
        if self.padding is not None:
            left, top, right, bottom = F._parse_pad(self.padding)
        else:
            left = top = right = bottom = 0
        # pad_if_needed pads both sides by the shortfall, after the fixed padding
        ex_w = self.size[1] - (w + left + right) if pw != w + left + right else 0
        ex_h = self.size[0] - (h + top + bottom) if ph != h + top + bottom else 0
        pads = [(0, 0), (top + ex_h, bottom + ex_h), (left + ex_w, right + ex_w)] + [(0, 0)] * (a.ndim - 3)
        if any(p != (0, 0) for p in pads):
            kw = {"constant_values": self.fill} if self.padding_mode == "constant" else {}
            a = np.pad(a, pads, mode=self.padding_mode, **kw)
        th, tw = self.size
        if rngs is None:  # the padded image is exactly the crop size: no draw
            return "pil", a
        out = np.empty((a.shape[0], th, tw) + a.shape[3:], a.dtype)
        for n, rng in enumerate(rngs):
            i, j = int(rng.integers(0, ph - th + 1)), int(rng.integers(0, pw - tw + 1))
            out[n] = a[n, i:i + th, j:j + tw]
        return "pil", out

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class RandomResizedCrop:
    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        self.interpolation = _interp(interpolation)
        self.antialias, self.scale, self.ratio = antialias, scale, ratio

    @staticmethod
    def get_params(img, scale, ratio):
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        rng = _rng()
        for _ in range(10):
            target_area = area * rng.uniform(scale[0], scale[1])
            aspect_ratio = math.exp(rng.uniform(log_ratio[0], log_ratio[1]))
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                return int(rng.integers(0, height - h + 1)), int(rng.integers(0, width - w + 1)), h, w
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def __call__(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, antialias=self.antialias)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, scale={tuple(round(s, 4) for s in self.scale)}, "
                f"ratio={tuple(round(r, 4) for r in self.ratio)}, interpolation={self.interpolation.value}, "
                f"antialias={self.antialias})")


class RandomHorizontalFlip:
    def __init__(self, p=0.5):
        self.p = p

    _axis = 2  # of an (N, H, W[, C]) batch

    def __call__(self, img):
        return F.hflip(img) if _rng().random() < self.p else img

    def _batch_draws(self, shape):
        return 1

    def _batch_shape(self, shape):
        return shape

    def _batch_random(self, state, rngs):
        a = state[1].copy()
        flip = np.array([rng.random() < self.p for rng in rngs], bool)
        a[flip] = np.flip(a[flip], axis=self._axis)
        return "pil", a

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomVerticalFlip(RandomHorizontalFlip):
    _axis = 1

    def __call__(self, img):
        return F.vflip(img) if _rng().random() < self.p else img


def _setup_angle(x, name):
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        return [-float(x), float(x)]
    if len(x) != 2:
        raise ValueError(f"{name} should be a sequence of length 2.")
    return [float(d) for d in x]


class RandomRotation:
    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        self.degrees = _setup_angle(degrees, "degrees")
        self.interpolation = _interp(interpolation)
        self.expand, self.center, self.fill = expand, center, fill

    @staticmethod
    def get_params(degrees):
        return float(_rng().uniform(float(degrees[0]), float(degrees[1])))

    def __call__(self, img):
        angle = self.get_params(self.degrees)
        return F.rotate(img, angle, self.interpolation, self.expand, self.center, self.fill)


class RandomAffine:
    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation=InterpolationMode.NEAREST,
                 fill=0, center=None):
        self.degrees = _setup_angle(degrees, "degrees")
        if translate is not None:
            for t in translate:
                if not (0.0 <= t <= 1.0):
                    raise ValueError("translation values should be between 0 and 1")
        if scale is not None:
            for s in scale:
                if s <= 0:
                    raise ValueError("scale values should be positive")
        self.translate, self.scale = translate, scale
        self.shear = _setup_angle(shear, "shear") if isinstance(shear, numbers.Number) else shear
        self.interpolation = _interp(interpolation)
        self.fill, self.center = fill, center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        rng = _rng()
        angle = float(rng.uniform(float(degrees[0]), float(degrees[1])))
        if translate is not None:
            max_dx = float(translate[0] * img_size[0])
            max_dy = float(translate[1] * img_size[1])
            translations = (int(round(rng.uniform(-max_dx, max_dx))), int(round(rng.uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = float(rng.uniform(scale_ranges[0], scale_ranges[1])) if scale_ranges is not None else 1.0
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = float(rng.uniform(shears[0], shears[1]))
            if len(shears) == 4:
                shear_y = float(rng.uniform(shears[2], shears[3]))
        return angle, translations, scale, (shear_x, shear_y)

    def __call__(self, img):
        _, h, w = F.get_dimensions(img)
        ret = self.get_params(self.degrees, self.translate, self.scale, self.shear, [w, h])
        return F.affine(img, *ret, interpolation=self.interpolation, fill=self.fill, center=self.center)


class RandomPerspective:
    def __init__(self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR, fill=0):
        self.p, self.distortion_scale, self.fill = p, distortion_scale, fill
        self.interpolation = _interp(interpolation)

    @staticmethod
    def get_params(width, height, distortion_scale):
        rng = _rng()
        hh, hw = height // 2, width // 2
        dw, dh = int(distortion_scale * hw), int(distortion_scale * hh)

        def ri(lo, hi):
            return int(rng.integers(lo, hi))
        topleft = [ri(0, dw + 1), ri(0, dh + 1)]
        topright = [ri(width - dw - 1, width), ri(0, dh + 1)]
        botright = [ri(width - dw - 1, width), ri(height - dh - 1, height)]
        botleft = [ri(0, dw + 1), ri(height - dh - 1, height)]
        startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return startpoints, [topleft, topright, botright, botleft]

    def __call__(self, img):
        if _rng().random() < self.p:
            _, h, w = F.get_dimensions(img)
            start, end = self.get_params(w, h, self.distortion_scale)
            return F.perspective(img, start, end, self.interpolation, self.fill)
        return img


class ColorJitter:
    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    @staticmethod
    def _check_input(value, name, center=1, bound=(0, float("inf")), clip_first_on_zero=True):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            value = [float(value[0]), float(value[1])]
        else:
            raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound}, but got {value}.")
        return None if value[0] == value[1] == center else tuple(value)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        rng = _rng()
        fn_idx = rng.permutation(4).tolist()
        b = None if brightness is None else float(rng.uniform(brightness[0], brightness[1]))
        c = None if contrast is None else float(rng.uniform(contrast[0], contrast[1]))
        s = None if saturation is None else float(rng.uniform(saturation[0], saturation[1]))
        h = None if hue is None else float(rng.uniform(hue[0], hue[1]))
        return fn_idx, b, c, s, h

    def __call__(self, img):
        fn_idx, b, c, s, h = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        for fn_id in fn_idx:
            if fn_id == 0 and b is not None:
                img = F.adjust_brightness(img, b)
            elif fn_id == 1 and c is not None:
                img = F.adjust_contrast(img, c)
            elif fn_id == 2 and s is not None:
                img = F.adjust_saturation(img, s)
            elif fn_id == 3 and h is not None:
                img = F.adjust_hue(img, h)
        return img


class Grayscale:
    def __init__(self, num_output_channels=1):
        self.num_output_channels = num_output_channels

    def __call__(self, img):
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def __repr__(self):
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale:
    def __init__(self, p=0.1):
        self.p = p

    def __call__(self, img):
        num_output_channels, _, _ = F.get_dimensions(img)
        if _rng().random() < self.p:
            return F.rgb_to_grayscale(img, num_output_channels=num_output_channels)
        return img


class GaussianBlur:
    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        self.kernel_size = _setup_size(kernel_size, "Kernel size should be a tuple/list of two integers")
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, Sequence) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min, sigma_max):
        return float(_rng().uniform(sigma_min, sigma_max))

    def __call__(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, self.kernel_size, [sigma, sigma])


class RandomErasing:
    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        img_c, img_h, img_w = img.shape[-3], img.shape[-2], img.shape[-1]
        area = img_h * img_w
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        rng = _rng()
        for _ in range(10):
            erase_area = area * rng.uniform(scale[0], scale[1])
            aspect_ratio = math.exp(rng.uniform(log_ratio[0], log_ratio[1]))
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if value is None:
                v = rng.standard_normal((img_c, h, w)).astype(np.float32)
            else:
                v = np.asarray(value, np.float32)[:, None, None]
            return int(rng.integers(0, img_h - h + 1)), int(rng.integers(0, img_w - w + 1)), h, w, v
        return 0, 0, img_h, img_w, img

    def __call__(self, img):
        if not F._is_tensor(img):
            raise TypeError(f"img should be Tensor Image. Got {type(img)}")
        if _rng().random() < self.p:
            if isinstance(self.value, (int, float)):
                value = [float(self.value)]
            elif isinstance(self.value, str):
                value = None
            else:
                value = [float(v) for v in self.value]
            if value is not None and len(value) not in (1, img.shape[-3]):
                raise ValueError("If value is a sequence, it should have either a single value or "
                                 f"{img.shape[-3]} (number of input channels)")
            x, y, h, w, v = self.get_params(img, scale=self.scale, ratio=self.ratio, value=value)
            return F.erase(img, x, y, h, w, v, self.inplace)
        return img


def batch_transform(transform, images):
    """Apply `transform` to a stacked uint8 image batch (N, H, W[, C]) at once, or return None
    when it has no exact batched form (then callers transform per sample)."""
    if transform is None:
        return None
    fn = getattr(transform, "_batch", None)
    if fn is None:
        return None
    state = fn(("pil", images))
    if state is None or state[0] != "tensor":
        return None
    return state[1]
