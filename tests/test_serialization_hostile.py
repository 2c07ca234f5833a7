"""torch.load on hostile or damaged checkpoints: every storage view is checked before any array is made.

The files are crafted here with zipfile and a small pickler (no torch needed); where torch is installed
it loads the same files, and the error types must agree.
"""
import collections
import io
import json
import os
import pickle
import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

import jtorch
from jtorch import serialization

# -- crafting checkpoints --------------------------------------------------------------------------


class _Name:
    """A global written by name (module, qualified name), never resolved while writing."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # reduce callables must be callable
        raise AssertionError("never called")


class _Reduce:
    def __init__(self, func, args):
        self.rv = (func, args)


class _StorageRef:
    def __init__(self, key, numel, kind="FloatStorage", view=None):
        self.key, self.numel, self.kind, self.view = key, numel, kind, view


class _Writer(pickle._Pickler):
    dispatch = pickle._Pickler.dispatch.copy()

    def _name(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[_Name] = _name

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            pid = ("storage", _Name("torch", obj.kind), obj.key, "cpu", obj.numel)
            return pid + (obj.view,) if obj.view is not None else pid
        return None

    def reducer_override(self, obj):
        return obj.rv if isinstance(obj, _Reduce) else NotImplemented


def _tensor(offset, size, stride, key="0", numel=4, kind="FloatStorage"):
    return _Reduce(_Name("torch._utils", "_rebuild_tensor_v2"),
                   (_StorageRef(key, numel, kind), offset, _Reduce(_Name("torch", "Size"), (tuple(size),)),
                    tuple(stride), False, collections.OrderedDict()))


def _pickled(obj):
    buf = io.BytesIO()
    _Writer(buf, 2).dump(obj)
    return buf.getvalue()


FOUR = np.arange(4, dtype="<f4").tobytes()


def _zip_ckpt(path, obj, records=None):
    records = {"0": FOUR} if records is None else records
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("archive/data.pkl", _pickled(obj))
        zf.writestr("archive/byteorder", b"little")
        for key, data in records.items():
            zf.writestr(f"archive/data/{key}", data)
        zf.writestr("archive/version", b"3\n")
    return path


def _legacy_ckpt(path, obj, storages):
    """The pre-1.6 layout: magic, protocol, sys info, the object, the key list, then numel + bytes each."""
    parts = [_pickled(0x1950A86A20F9469CFC6C), _pickled(1001),
             _pickled({"protocol_version": 1001, "little_endian": True, "type_sizes": {}}), _pickled(obj),
             _pickled(list(storages))]
    for numel, data in storages.values():
        parts.append(struct.pack("<q", numel) + data)
    path.write_bytes(b"".join(parts))
    return path


# -- storage views outside their storage -----------------------------------------------------------

PROBES = {  # name: (storage offset, size, stride) over a 4-element float32 storage
    "oversize_numel": (0, (10**6,), (1,)),
    "huge_numel": (0, (10**9,), (1,)),
    "large_offset": (10**6, (2,), (1,)),
    "negative_stride": (3, (4,), (-1,)),
    "overrun_2d": (0, (2, 3), (3, 1)),
    "negative_offset": (-1, (2,), (1,)),
    "negative_size": (0, (-2,), (1,)),
    "stride_length": (0, (2, 2), (1,)),
    "huge_stride": (0, (2,), (2**62,)),
    "beyond_int64": (0, (0, 2**63), (1, 1)),
}
MODES = [(wo, mm) for wo in (True, False) for mm in (False, True)]

# One child process loads every probe: a regression that reads outside the storage may crash the
# process instead of raising, and must fail these tests, not end the test run.
_CHILD = r"""
import json, sys
from jtorch import serialization
out = {}
for name, path in json.loads(sys.argv[1]).items():
    for wo in (True, False):
        for mm in (False, True):
            try:
                t = serialization.load(path, weights_only=wo, mmap=mm)["w"]
                res = ["loaded", list(t.shape)]
            except Exception as e:
                res = [type(e).__name__, str(e)]
            out[f"{name}|{wo}|{mm}"] = res
print("RESULT" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def probe_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    return {name: str(_zip_ckpt(d / f"{name}.pt", {"w": _tensor(*spec)})) for name, spec in PROBES.items()}


@pytest.fixture(scope="module")
def probe_results(probe_files):
    env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")
    r = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(probe_files)], capture_output=True, text=True,
                       timeout=300, env=env)
    assert r.returncode == 0, f"the loader crashed (exit {r.returncode}): {r.stderr[-2000:]}"
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT")][0]
    return json.loads(line[len("RESULT"):])


EXPECT = {
    "oversize_numel": "reaches element 999999, but its storage holds 4 elements",
    "huge_numel": "reaches element 999999999, but its storage holds 4 elements",
    "large_offset": "storage offset 1000000 reaches element 1000001",
    "negative_stride": r"strides=\[-1\]: a checkpoint cannot hold negative strides",
    "overrun_2d": r"size \[2, 3\], stride \[3, 1\] and storage offset 0 reaches element 5",
    "negative_offset": "invalid storage offset -1",
    "negative_size": r"invalid size \[-2\]",
    "stride_length": r"unequal size length \(2\) and stride length \(1\)",
    "huge_stride": "reaches element 4611686018427387904",
    "beyond_int64": r"Overflow when unpacking long: size \[0, 9223372036854775808\]",
}


ERROR_TYPE = {"beyond_int64": TypeError}  # the rest: RuntimeError, as torch


@pytest.mark.parametrize("weights_only,mmap", MODES, ids=[f"wo={w}-mmap={m}" for w, m in MODES])
@pytest.mark.parametrize("probe", list(PROBES))
def test_view_outside_storage_raises(probe_results, probe, weights_only, mmap):
    kind, msg = probe_results[f"{probe}|{weights_only}|{mmap}"]
    assert kind == ERROR_TYPE.get(probe, RuntimeError).__name__, (kind, msg)
    assert re.search(EXPECT[probe], msg), msg


@pytest.mark.parametrize("probe", list(PROBES))
def test_view_error_type_matches_torch(probe_files, probe):
    torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
    with pytest.raises(ERROR_TYPE.get(probe, RuntimeError)):
        torch.load(probe_files[probe], map_location="cpu")


def test_views_inside_storage_still_load(tmp_path):
    """The checks accept every view that stays inside: strided, broadcast (stride 0), offsets, empty."""
    obj = {"w": _tensor(0, (4,), (1,)), "t": _tensor(0, (2, 2), (1, 2)), "b": _tensor(1, (3, 2), (0, 1)),
           "last": _tensor(3, (1,), (1,)), "empty": _tensor(100, (0, 5), (5, 1)), "scalar": _tensor(2, (), ())}
    path = _zip_ckpt(tmp_path / "ok.pt", obj)
    for mm in (False, True):
        out = serialization.load(path, mmap=mm)
        np.testing.assert_array_equal(np.asarray(out["w"]._value("t")), [0, 1, 2, 3])
        np.testing.assert_array_equal(np.asarray(out["t"]._value("t")), [[0, 2], [1, 3]])
        np.testing.assert_array_equal(np.asarray(out["b"]._value("t")), [[1, 2]] * 3)
        np.testing.assert_array_equal(np.asarray(out["last"]._value("t")), [3])
        assert tuple(out["empty"].shape) == (0, 5) and out["scalar"].item() == 2.0
    torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
    ref = torch.load(path)
    for k in obj:
        np.testing.assert_array_equal(np.asarray(out[k]._value("t")), ref[k].numpy())


# -- records that do not match the pickle or the zip -----------------------------------------------

def test_record_size_inflation_rejected_before_allocating(tmp_path):
    """A 4-element record behind a pickle that claims 1 GiB: refused, and nothing near 1 GiB allocated."""
    path = _zip_ckpt(tmp_path / "inflate.pt", {"w": _tensor(0, (4,), (1,), numel=2**28)})
    assert path.stat().st_size < 4096
    for mm in (False, True):
        tracemalloc.start()
        try:
            with pytest.raises(RuntimeError, match=r"record size \(16 bytes\) does not match expected size "
                                                   r"\(1073741824 bytes = 268435456 elements \* 4 bytes/element\)"):
                serialization.load(path, mmap=mm)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 16 * 2**20, peak
    torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
    with pytest.raises(RuntimeError, match="record size"):
        torch.load(path)


def test_short_record_rejected_in_mmap_too(tmp_path):
    """torch's mmap path reads past a short record; jtorch refuses it in both paths."""
    path = _zip_ckpt(tmp_path / "short.pt", {"w": _tensor(0, (4,), (1,))}, {"0": FOUR[:10]})
    for mm in (False, True):
        with pytest.raises(RuntimeError, match=r"record size \(10 bytes\) does not match expected size \(16 bytes"):
            serialization.load(path, mmap=mm)


def test_zip_declaring_more_than_the_file_holds(tmp_path):
    """Pickle and central directory agree on 4 MiB, but the archive holds 16 bytes of data."""
    path = _zip_ckpt(tmp_path / "lies.pt", {"w": _tensor(0, (4,), (1,), numel=2**20)})
    raw = bytearray(path.read_bytes())
    name = b"archive/data/0"
    cd = raw.find(name, raw.index(b"PK\x01\x02")) - 46  # the central-directory entry of the record
    assert raw[cd:cd + 4] == b"PK\x01\x02"
    raw[cd + 20:cd + 28] = struct.pack("<II", 4 * 2**20, 4 * 2**20)
    path.write_bytes(bytes(raw))
    for mm in (False, True):
        with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading record archive/data/0: its "
                                               "4194304 bytes run past the end of the archive"):
            serialization.load(path, mmap=mm)


def test_missing_record(tmp_path):
    path = _zip_ckpt(tmp_path / "missing.pt", {"w": _tensor(0, (4,), (1,), key="1")})
    for mm in (False, True):
        with pytest.raises(RuntimeError, match="PytorchStreamReader failed locating file data/1: file not found"):
            serialization.load(path, mmap=mm)
    torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed locating file data/1: file not found"):
        torch.load(path)


def test_bad_local_header(tmp_path):
    path = _zip_ckpt(tmp_path / "hdr.pt", {"w": _tensor(0, (4,), (1,))})
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        at = zf.getinfo("archive/data/0").header_offset
    raw[at:at + 4] = b"XXXX"
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match="bad local header for record archive/data/0"):
        serialization.load(path)


def test_malformed_persistent_ids(tmp_path):
    for pid in (("storage",), ("tensor", 1), "storage"):
        class _Odd:
            def __reduce__(self):
                return (collections.OrderedDict, ())

        class _W(_Writer):
            def persistent_id(self, obj, pid=pid):
                return pid if isinstance(obj, _Odd) else None

        buf = io.BytesIO()
        _W(buf, 2).dump({"w": _Odd()})
        path = tmp_path / "pid.pt"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("archive/data.pkl", buf.getvalue())
            zf.writestr("archive/version", b"3\n")
        with pytest.raises(pickle.UnpicklingError):
            serialization.load(path)


# -- damaged files ---------------------------------------------------------------------------------

def _good(tmp_path):
    path = tmp_path / "good.pt"
    serialization.save({"w": jtorch.arange(1000.0)}, path)
    return path


@pytest.mark.parametrize("cut", ["half", "minus10", "first100"])
def test_truncated_file(tmp_path, cut):
    raw = _good(tmp_path).read_bytes()
    raw = {"half": raw[:len(raw) // 2], "minus10": raw[:-10], "first100": raw[:100]}[cut]
    path = tmp_path / "cut.pt"
    path.write_bytes(raw)
    for mm in (False, True):
        with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading zip archive: failed finding "
                                               "central directory"):
            serialization.load(path, mmap=mm)
    if cut != "minus10":  # torch raises OSError(EINVAL) there, from a seek before the file's start
        torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
        with pytest.raises(RuntimeError, match="failed finding central directory"):
            torch.load(path)


def test_empty_and_non_checkpoint_files(tmp_path):
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    with pytest.raises(EOFError):
        serialization.load(empty)
    text = tmp_path / "text.pt"
    text.write_bytes(b"not a checkpoint at all\n" * 4)
    with pytest.raises((pickle.UnpicklingError, RuntimeError)):
        serialization.load(text)
    for p in (empty, text):
        with pytest.raises(RuntimeError, match="mmap can only be used with files saved with"):
            serialization.load(p, mmap=True)
    torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
    with pytest.raises(EOFError):
        torch.load(empty)
    with pytest.raises(RuntimeError, match="mmap can only be used with files saved with"):
        torch.load(empty, mmap=True)


def test_deflated_records_load_and_bad_crc_is_caught(tmp_path):
    """Records compressed by another zip tool are read through zipfile (crc checked)."""
    good = _good(tmp_path)
    path = tmp_path / "deflated.pt"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for n in zin.namelist():
            zout.writestr(n, zin.read(n))
    for mm in (False, True):
        np.testing.assert_array_equal(np.asarray(serialization.load(path, mmap=mm)["w"]._value("t")),
                                      np.arange(1000.0))
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("good/data/0")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading record good/data/0"):
        serialization.load(path)


# -- the legacy (pre-1.6) format -------------------------------------------------------------------

def test_legacy_view_outside_storage(tmp_path):
    path = _legacy_ckpt(tmp_path / "legacy.pt", {"w": _tensor(0, (10**9,), (1,))}, {"0": (4, FOUR)})
    with pytest.raises(RuntimeError, match="reaches element 999999999, but its storage holds 4 elements"):
        serialization.load(path)
    ok = _legacy_ckpt(tmp_path / "ok.pt", {"w": _tensor(1, (3,), (1,))}, {"0": (4, FOUR)})
    np.testing.assert_array_equal(np.asarray(serialization.load(ok)["w"]._value("t")), [1, 2, 3])


def test_legacy_storage_view_outside_storage(tmp_path):
    obj = {"w": _Reduce(_Name("torch._utils", "_rebuild_tensor_v2"),
                        (_StorageRef("0", 4, view=("v", 2, 10**6)), 0, (2,), (1,), False, collections.OrderedDict()))}
    path = _legacy_ckpt(tmp_path / "view.pt", obj, {"0": (4, FOUR)})
    with pytest.raises(RuntimeError, match="storage view of 1000000 elements at offset 2 lies outside its storage "
                                           "of 4 elements"):
        serialization.load(path)


def test_legacy_sizes_that_lie(tmp_path):
    inflated = _legacy_ckpt(tmp_path / "a.pt", {"w": _tensor(0, (4,), (1,), numel=2**28)}, {"0": (2**28, FOUR)})
    tracemalloc.start()
    try:
        with pytest.raises(RuntimeError, match="needs 1073741824 bytes but the file holds 16 more"):
            serialization.load(inflated)
        assert tracemalloc.get_traced_memory()[1] < 16 * 2**20
    finally:
        tracemalloc.stop()
    mismatch = _legacy_ckpt(tmp_path / "b.pt", {"w": _tensor(0, (4,), (1,), numel=4)}, {"0": (3, FOUR[:12])})
    with pytest.raises(RuntimeError, match="storage has wrong byte size: expected 16 got 12"):
        serialization.load(mismatch)
    cut = tmp_path / "c.pt"
    cut.write_bytes(_legacy_ckpt(tmp_path / "d.pt", {"w": _tensor(0, (4,), (1,))}, {"0": (4, FOUR)}).read_bytes()[:-3])
    with pytest.raises(RuntimeError, match="needs 16 bytes but the file holds 13 more"):
        serialization.load(cut)


def test_bytearray_of_a_size_refused(tmp_path):
    """bytearray is an allowed global (it is in torch's list too); called with a number from the file it
    would allocate that many bytes, so only contents are accepted."""
    obj = {"b": _Reduce(_Name("builtins", "bytearray"), (10**12,))}
    path = _zip_ckpt(tmp_path / "ba.pt", obj, {})
    with pytest.raises(pickle.UnpicklingError, match="bytearray from int refused"):
        serialization.load(path)
    ok = _zip_ckpt(tmp_path / "ok.pt", {"b": bytearray(b"\x00\xffab")}, {})
    assert serialization.load(ok)["b"] == bytearray(b"\x00\xffab")
