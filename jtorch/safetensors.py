"""safetensors files for jtorch tensors: the `safetensors.torch` API (save_file, load_file, save, load).

The format is small enough to handle directly (8-byte little-endian header size, a JSON
header of name -> dtype/shape/data_offsets, then raw little-endian bytes), so the
`safetensors` package is not needed; files interoperate with it and with PyTorch.
A file is untrusted input: the whole header is validated (the rules of the reference
reader) before any tensor is made, and every error names the offending tensor.
"""
import json
import math
import os
import struct

import numpy as np

from . import _dtype
from .serialization import _atomic_write
from ._ops.creation import _concrete
from .serialization import _host_buffer

__all__ = ["save", "save_file", "load", "load_file", "SafetensorError"]

_CODE = {"float16": "F16", "bfloat16": "BF16", "float32": "F32", "float64": "F64", "complex64": "C64",
         "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64", "bool": "BOOL"}
_BY_CODE = {v: k for k, v in _CODE.items()}
# codes the format defines that jtorch has no dtype for: a valid file, but not loadable here
_UNSUPPORTED = {"U16", "U32", "U64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F6_E2M3",
                "F6_E3M2", "F4"}
_MAX_HEADER = 100_000_000  # the reference reader's bound on the JSON header


class SafetensorError(Exception):
    """A malformed safetensors file or buffer (the `safetensors` package's exception name)."""


def _bad(reason):
    return SafetensorError(f"Error while deserializing header: {reason}")


def _layout(tensors, metadata):
    """(header bytes, arrays in file order) for a dict name -> Tensor."""
    header, arrays, off = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name]
        if t.dtype.name not in _CODE:
            raise NotImplementedError(f"safetensors: dtype {t.dtype} is not supported")
        arr = np.asarray(t._value("save"), order="C")
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        header[name] = {"dtype": _CODE[t.dtype.name], "shape": list(arr.shape),
                        "data_offsets": [off, off + arr.nbytes]}
        arrays.append(arr)
        off += arr.nbytes
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((-len(head)) % 8)  # keep the data 8-byte aligned, as the reference writer does
    return struct.pack("<Q", len(head)) + head, arrays


def _raw(arr):
    """The bytes of a C-contiguous array without copying them (bfloat16 has no buffer-protocol code)."""
    return memoryview(arr.reshape(-1).view(np.uint8)) if arr.size else b""


def save(tensors, metadata=None):
    """The safetensors bytes of a dict name -> Tensor."""
    head, arrays = _layout(tensors, metadata)
    return b"".join([head] + [_raw(a) for a in arrays])


def save_file(tensors, filename, metadata=None):
    """Write the file: header, then each tensor's bytes straight from its array (no joined copy)."""
    head, arrays = _layout(tensors, metadata)

    def write(fh):
        fh.write(head)
        for a in arrays:
            fh.write(_raw(a))

    _atomic_write(os.fspath(filename), write)


def _nonneg_ints(value, length=None):
    return (isinstance(value, list) and (length is None or len(value) == length)
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value))


def _no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise _bad(f"tensor `{k}` appears twice in the header")
        seen[k] = v
    return seen


def _parse_header(buf):
    """Validate a safetensors buffer's header; returns (metadata, [(name, dtype, shape, begin, end)], data start).

    Offsets are relative to the data section, which starts right after the header.
    """
    if len(buf) < 8:
        raise _bad("header too small")
    (n,) = struct.unpack("<Q", bytes(buf[:8]))
    if n > _MAX_HEADER:
        raise _bad(f"header too large ({n} bytes; the limit is {_MAX_HEADER})")
    if 8 + n > len(buf):
        raise _bad(f"invalid header length: the header claims {n} bytes but only {len(buf) - 8} follow")
    try:
        text = bytes(buf[8:8 + n]).decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad(f"invalid UTF-8 in header: {e}") from None
    try:
        header = json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError as e:
        if isinstance(e, SafetensorError):
            raise
        raise _bad(f"invalid JSON in header: {e}") from None
    if not isinstance(header, dict):
        raise _bad(f"invalid JSON in header: expected an object, got {type(header).__name__}")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict)
                                     and all(isinstance(v, str) for v in metadata.values())):
        raise _bad("`__metadata__` must map strings to strings")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= set(info):
            raise _bad(f"tensor `{name}` needs an object with dtype, shape and data_offsets, got {info!r}")
        code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if code in _UNSUPPORTED:
            raise NotImplementedError(f"safetensors: tensor `{name}` has dtype {code}, which jtorch does not support")
        if code not in _BY_CODE:
            raise _bad(f"tensor `{name}` has unknown dtype {code!r}")
        if not _nonneg_ints(shape):
            raise _bad(f"tensor `{name}` has an invalid shape {shape!r} (a list of non-negative integers)")
        if not _nonneg_ints(offsets, 2) or offsets[0] > offsets[1]:
            raise _bad(f"invalid offset for tensor `{name}`: data_offsets {offsets!r} must be two non-negative "
                       "integers [begin, end] with begin <= end")
        dt = _dtype._BY_NAME[_BY_CODE[code]]
        if math.prod(shape) * dt.itemsize != offsets[1] - offsets[0]:
            raise _bad(f"invalid shape, data type, or offset for tensor `{name}`: shape {shape} of {code} needs "
                       f"{math.prod(shape) * dt.itemsize} bytes, data_offsets {offsets} span "
                       f"{offsets[1] - offsets[0]}")
        entries.append((name, dt, tuple(shape), offsets[0], offsets[1]))
    end = 0  # the tensors must tile the data section exactly: no gap, no overlap, nothing left over
    for name, _, _, begin, stop in sorted(entries, key=lambda e: (e[3], e[4])):
        if begin != end:
            what = "overlaps the tensor before it" if begin < end else "leaves a gap after the tensor before it"
            raise _bad(f"invalid offset for tensor `{name}`: it starts at byte {begin} and {what}, which ends at "
                       f"byte {end}")
        end = stop
    if 8 + n + end != len(buf):
        raise _bad(f"incomplete metadata, file not fully covered: the tensors cover {end} bytes of data, the "
                   f"buffer holds {len(buf) - 8 - n}")
    return metadata, entries, 8 + n


def load(data, device="cpu"):
    """Tensors from safetensors bytes (bytes, bytearray, memoryview or a uint8 array)."""
    buf = memoryview(data).cast("B")
    _, entries, base = _parse_header(buf)
    out = {}
    for name, dt, shape, begin, end in entries:
        npdt = dt.np.newbyteorder("<") if dt.itemsize > 1 else dt.np
        arr = np.frombuffer(buf, dtype=npdt, count=math.prod(shape), offset=base + begin).reshape(shape)
        if not buf.readonly:  # the caller may change its buffer later; the tensor must not see that
            arr = arr.copy()
        out[name] = _concrete(arr.astype(dt.np, copy=False), device=device)
    return out


def load_file(filename, device="cpu"):
    """Tensors of a safetensors file: read once into one read-only buffer that the tensors use as is
    where their data are 64-byte aligned (jax shares aligned host memory on CPU), else copy from."""
    with open(filename, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(8)
        n = struct.unpack("<Q", head)[0] if len(head) == 8 else 0
        skip = (-(8 + min(n, size))) % 64  # the data section starts on a 64-byte boundary of the page
        buf = _host_buffer(skip + size)[skip:]
        buf[:len(head)] = np.frombuffer(head, np.uint8)
        view, got = memoryview(buf), len(head)
        while got < size:
            k = fh.readinto(view[got:])
            if not k:
                break
            got += k
    buf = buf[:got]
    buf.flags.writeable = False
    return load(buf, device=device)
