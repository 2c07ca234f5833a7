"""safetensors files for jtorch tensors: the `safetensors.torch` API (save_file, load_file, save, load).

The format is small enough to write directly (8-byte little-endian header size, a JSON
header of name -> dtype/shape/data_offsets, then raw little-endian bytes), so the
`safetensors` package is not needed; files interoperate with it and with PyTorch.
"""
import json
import os
import struct

import numpy as np

from . import _dtype

__all__ = ["save", "save_file", "load", "load_file"]

_CODE = {"float16": "F16", "bfloat16": "BF16", "float32": "F32", "float64": "F64", "complex64": "C64",
         "uint8": "U8", "int8": "I8", "int16": "I16", "int32": "I32", "int64": "I64", "bool": "BOOL"}
_BY_CODE = {v: k for k, v in _CODE.items()}


def save(tensors, metadata=None):
    """The safetensors bytes of a dict name -> Tensor."""
    header, blobs, off = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name]
        if t.dtype.name not in _CODE:
            raise NotImplementedError(f"safetensors: dtype {t.dtype} is not supported")
        arr = np.asarray(t._value("save"), order="C")
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        data = arr.tobytes()
        header[name] = {"dtype": _CODE[t.dtype.name], "shape": list(arr.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((-len(head)) % 8)  # keep the data 8-byte aligned, as the reference writer does
    return struct.pack("<Q", len(head)) + head + b"".join(blobs)


def save_file(tensors, filename, metadata=None):
    from .serialization import _atomic_write
    _atomic_write(os.fspath(filename), save(tensors, metadata))


def load(data, device="cpu"):
    """Tensors from safetensors bytes."""
    from ._ops.creation import _concrete
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(bytes(data[8:8 + n]))
    header.pop("__metadata__", None)
    base = 8 + n
    out = {}
    for name, info in header.items():
        dt = _dtype._BY_NAME[_BY_CODE[info["dtype"]]]
        a, b = info["data_offsets"]
        npdt = dt.np.newbyteorder("<") if dt.itemsize > 1 else dt.np
        arr = np.frombuffer(data[base + a:base + b], dtype=npdt).astype(dt.np).reshape(info["shape"])
        out[name] = _concrete(arr, device=device)
    return out


def load_file(filename, device="cpu"):
    with open(filename, "rb") as fh:
        return load(fh.read(), device=device)
