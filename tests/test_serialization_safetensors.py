"""jtorch.safetensors validates the whole header of an untrusted file before making any tensor.

jtorch always runs its own checks (the `safetensors` package is optional); where the package is
installed, it must reject the same malformed files.
"""
import json
import struct

import numpy as np
import pytest

import jtorch
from jtorch import safetensors as jst

D16 = np.arange(4, dtype="<f4").tobytes()


def _file(header, data=D16, raw=None, declared=None):
    head = raw if raw is not None else json.dumps(header).encode()
    return struct.pack("<Q", len(head) if declared is None else declared) + head + data


def _t(dtype="F32", shape=(4,), offsets=(0, 16)):
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


# name: (buffer, error type, message fragment)
MALFORMED = {
    "negative_offset": (_file({"a": _t(offsets=(-8, 8))}), jst.SafetensorError,
                        r"invalid offset for tensor `a`: data_offsets \[-8, 8\]"),
    "begin_after_end": (_file({"a": _t(shape=(0,), offsets=(16, 0))}), jst.SafetensorError,
                        r"invalid offset for tensor `a`.*begin <= end"),
    "overlap": (_file({"a": _t(), "b": _t(shape=(2,), offsets=(8, 16))}), jst.SafetensorError,
                "invalid offset for tensor `b`: it starts at byte 8 and overlaps the tensor before it, which ends "
                "at byte 16"),
    "gap": (_file({"a": _t(shape=(2,), offsets=(0, 8)), "b": _t(shape=(1,), offsets=(12, 16))}),
            jst.SafetensorError, "invalid offset for tensor `b`: it starts at byte 12 and leaves a gap"),
    "not_from_zero": (_file({"a": _t(shape=(2,), offsets=(8, 16))}), jst.SafetensorError,
                      "invalid offset for tensor `a`: it starts at byte 8"),
    "trailing_bytes": (_file({"a": _t(shape=(2,), offsets=(0, 8))}), jst.SafetensorError,
                       "file not fully covered: the tensors cover 8 bytes of data, the buffer holds 16"),
    "past_end": (_file({"a": _t(shape=(8,), offsets=(0, 32))}), jst.SafetensorError,
                 "file not fully covered: the tensors cover 32 bytes"),
    "unknown_dtype": (_file({"a": _t(dtype="F33")}), jst.SafetensorError, "tensor `a` has unknown dtype 'F33'"),
    "wrong_shape": (_file({"a": _t(shape=(3,))}), jst.SafetensorError,
                    r"tensor `a`: shape \[3\] of F32 needs 12 bytes, data_offsets \[0, 16\] span 16"),
    "huge_shape": (_file({"a": _t(shape=(2**40, 2**40))}), jst.SafetensorError,
                   "invalid shape, data type, or offset for tensor `a`"),
    "negative_shape": (_file({"a": _t(shape=(-4,))}), jst.SafetensorError, "tensor `a` has an invalid shape"),
    "float_shape": (_file({"a": _t(shape=(4.0,))}), jst.SafetensorError, "tensor `a` has an invalid shape"),
    "float_offsets": (_file({"a": _t(offsets=(0.0, 16))}), jst.SafetensorError, "invalid offset for tensor `a`"),
    "missing_field": (_file({"a": {"dtype": "F32", "shape": [4]}}), jst.SafetensorError,
                      "tensor `a` needs an object with dtype, shape and data_offsets"),
    "entry_not_object": (_file({"a": 5}), jst.SafetensorError, "tensor `a` needs an object"),
    "truncated_header": (_file(None, raw=b'{"a": {"dtype": "F32", "sha'), jst.SafetensorError,
                         "invalid JSON in header"),
    "empty_header": (_file(None, data=b"", raw=b""), jst.SafetensorError, "invalid JSON in header"),
    "header_not_object": (_file([1, 2], data=b""), jst.SafetensorError, "expected an object, got list"),
    "non_utf8": (_file(None, data=b"", raw=b'{"\xff\xfe": 1}'), jst.SafetensorError, "invalid UTF-8 in header"),
    "header_length_past_end": (_file(None, data=b"", raw=b"{}", declared=1000), jst.SafetensorError,
                               "invalid header length: the header claims 1000 bytes but only 2 follow"),
    "header_too_long": (struct.pack("<Q", 100_000_001) + b"{}", jst.SafetensorError,
                        r"header too large \(100000001 bytes; the limit is 100000000\)"),
    "shorter_than_length": (b"\x01\x02", jst.SafetensorError, "header too small"),
    "metadata_not_str": (_file({"__metadata__": {"a": 1}}, data=b""), jst.SafetensorError,
                         "`__metadata__` must map strings to strings"),
    "metadata_not_dict": (_file({"__metadata__": [1]}, data=b""), jst.SafetensorError,
                          "`__metadata__` must map strings to strings"),
    "unsupported_dtype": (_file({"a": _t(dtype="U16", shape=(8,))}), NotImplementedError,
                          "tensor `a` has dtype U16, which jtorch does not support"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_buffer_rejected(case):
    buf, exc, msg = MALFORMED[case]
    with pytest.raises(exc, match=msg):
        jst.load(buf)


@pytest.mark.parametrize("case", [c for c in MALFORMED if c != "unsupported_dtype"])
def test_malformed_file_rejected_by_the_package_too(case, tmp_path):
    """Parity with the reference reader: every case jtorch refuses, the `safetensors` package refuses."""
    st = pytest.importorskip("safetensors", reason="parity needs the safetensors package")
    path = tmp_path / f"{case}.safetensors"
    path.write_bytes(MALFORMED[case][0])
    with pytest.raises(st.SafetensorError):
        with st.safe_open(str(path), "np") as f:
            for k in f.keys():
                f.get_tensor(k)
    with pytest.raises(MALFORMED[case][1]):
        jst.load_file(path)


def test_duplicate_name_rejected():
    raw = b'{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "a": {"dtype": "F32", "shape": [4], ' \
          b'"data_offsets": [0, 16]}}'
    with pytest.raises(jst.SafetensorError, match="tensor `a` appears twice in the header"):
        jst.load(_file(None, raw=raw))


def test_valid_layouts_load():
    """Accepted: padded header, entries listed out of offset order, empty tensors, metadata, extra fields."""
    header = {"__metadata__": {"format": "pt"}, "b": _t(shape=(2,), offsets=(8, 16)),
              "a": dict(_t(shape=(2,), offsets=(0, 8)), extra="ignored"), "e": _t(shape=(0, 3), offsets=(8, 8))}
    head = json.dumps(header).encode() + b"    "
    for buf in (_file(None, raw=head), bytearray(_file(None, raw=head)), memoryview(_file(None, raw=head))):
        out = jst.load(buf)
        np.testing.assert_array_equal(np.asarray(out["a"]._value("t")), [0, 1])
        np.testing.assert_array_equal(np.asarray(out["b"]._value("t")), [2, 3])
        assert tuple(out["e"].shape) == (0, 3) and out["e"].dtype is jtorch.float32


def test_loaded_tensor_does_not_alias_a_mutable_buffer():
    raw = _file({"a": _t()})
    spare = np.zeros(len(raw) + 64, np.uint8)  # data section 64-byte aligned: memory jax could share as is
    skip = (-(spare.ctypes.data + len(raw) - 16)) % 64
    arr = spare[skip:skip + len(raw)]
    arr[:] = np.frombuffer(raw, np.uint8)
    for buf in (bytearray(raw), arr):
        out = jst.load(buf)
        memoryview(buf)[-16:] = bytes(16)
        np.testing.assert_array_equal(np.asarray(out["a"]._value("t")), [0, 1, 2, 3])


def test_save_file_streams_and_roundtrips(tmp_path):
    tensors = {"w": jtorch.arange(12.0).reshape(3, 4), "b": jtorch.ones(3, dtype=jtorch.bfloat16),
               "i": jtorch.tensor([1, -2], dtype=jtorch.int16), "z": jtorch.zeros(0)}
    path = tmp_path / "m.safetensors"
    jst.save_file(tensors, path, metadata={"k": "v"})
    assert path.read_bytes() == jst.save(tensors, metadata={"k": "v"})
    out = jst.load_file(path)
    for k, t in tensors.items():
        assert out[k].dtype is t.dtype and tuple(out[k].shape) == tuple(t.shape)
        np.testing.assert_array_equal(np.asarray(out[k].float()._value("t")), np.asarray(t.float()._value("t")))
