"""torchvision.io: reading and writing image files as uint8 (C, H, W) tensors (through Pillow).

Video decoding needs FFmpeg bindings jtorch does not carry; those calls raise, naming the API.
"""
import enum
import numpy as np
from .._ops.creation import from_numpy
import io

__all__ = ["ImageReadMode", "decode_image", "decode_jpeg", "decode_png", "encode_jpeg", "encode_png", "read_file",
           "read_image", "write_file", "write_jpeg", "write_png", "read_video", "read_video_timestamps",
           "write_video"]


class ImageReadMode(enum.Enum):
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA  # torchvision's alias


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}


def read_file(path):
    """The file's bytes as a 1-d uint8 tensor."""
    with open(path, "rb") as f:
        return from_numpy(np.frombuffer(f.read(), dtype=np.uint8).copy())


def write_file(filename, data):
    with open(filename, "wb") as f:
        f.write(bytes(data.numpy().tobytes()))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):  # noqa: A002
    """Decode encoded bytes (a uint8 tensor) or a file path into a uint8 (C, H, W) tensor."""

    from PIL import Image, ImageOps

    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    raw = open(input, "rb").read() if isinstance(input, str) else bytes(input.numpy().tobytes())
    img = Image.open(io.BytesIO(raw))
    if apply_exif_orientation:
        img = ImageOps.exif_transpose(img)
    if mode is not ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODE[mode])
    arr = np.asarray(img, dtype=np.uint8)
    arr = arr[:, :, None] if arr.ndim == 2 else arr
    return from_numpy(np.ascontiguousarray(arr.transpose(2, 0, 1)))


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):
    return decode_image(path, mode, apply_exif_orientation)


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation=False):  # noqa: A002
    return decode_image(input, mode, apply_exif_orientation)


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation=False):  # noqa: A002
    return decode_image(input, mode, apply_exif_orientation)


def _encode(image, fmt, **options):

    from PIL import Image

    if image.dtype.name != "uint8" or image.dim() != 3:
        raise RuntimeError(f"Input tensor dtype should be uint8 with 3 dimensions (C, H, W), got {image.dtype} "
                           f"with {image.dim()} dimensions")
    arr = image.numpy().transpose(1, 2, 0)
    buf = io.BytesIO()
    Image.fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr).save(buf, format=fmt, **options)
    return from_numpy(np.frombuffer(buf.getvalue(), dtype=np.uint8).copy())


def encode_png(input, compression_level=6):  # noqa: A002
    return _encode(input, "PNG", compress_level=compression_level)


def encode_jpeg(input, quality=75):  # noqa: A002
    return _encode(input, "JPEG", quality=quality)


def write_png(input, filename, compression_level=6):  # noqa: A002
    write_file(filename, encode_png(input, compression_level))


def write_jpeg(input, filename, quality=75):  # noqa: A002
    write_file(filename, encode_jpeg(input, quality))


def _no_video(name):
    raise NotImplementedError(f"jtorch has no video decoding (torchvision.io.{name}): it needs FFmpeg bindings")


def read_video(filename, start_pts=0, end_pts=None, pts_unit="pts", output_format="THWC"):
    _no_video("read_video")


def read_video_timestamps(filename, pts_unit="pts"):
    _no_video("read_video_timestamps")


def write_video(filename, video_array, fps, video_codec="libx264", options=None, audio_array=None, audio_fps=None,
                audio_codec=None, audio_options=None):
    _no_video("write_video")
