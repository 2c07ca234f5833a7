"""jtorch.save: temp files beside the target (named, removed on failure, swept after a kill), data
streamed from the arrays without a copy, 64-byte alignment kept in zip64 records, any writable stream."""
import io
import os
import signal
import subprocess
import sys
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import jtorch
from jtorch import safetensors as jst
from jtorch import serialization

TMP = ".jtorch-tmp-"


def _dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _values(t):
    return np.asarray(t._value("test"))


def test_temp_file_named_beside_target_and_removed_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    serialization.save({"w": jtorch.ones(2)}, path)
    seen = []

    def failing_write(out, name, records):
        seen.extend(os.listdir(tmp_path))
        out.write(b"partial data")
        raise RuntimeError("disk full")

    monkeypatch.setattr(serialization, "_write_zip", failing_write)
    with pytest.raises(RuntimeError, match="disk full"):
        serialization.save({"w": jtorch.zeros(2)}, path)
    temps = [n for n in seen if n != "ckpt.pt"]
    assert len(temps) == 1 and temps[0].startswith(f".ckpt.pt{TMP}{os.getpid()}-"), seen
    assert os.listdir(tmp_path) == ["ckpt.pt"]  # removed; the previous checkpoint is intact
    monkeypatch.undo()
    np.testing.assert_array_equal(_values(serialization.load(path)["w"]), [1.0, 1.0])


def test_stale_temps_of_the_same_target_are_swept(tmp_path):
    dead = _dead_pid()
    stale = [f".ckpt.pt{TMP}{dead}-0a1b2c", f".ckpt.pt{TMP}1-abcdef"]  # dead process; pid 1 but 2 days old
    kept = [f".ckpt.pt{TMP}{os.getpid()}-123abc",  # this (live) process: maybe a save in another thread
            f".other.pt{TMP}{dead}-0a1b2c",  # another target's
            ".ckpt.pt.tmp", "ckpt.pt.bak", f".ckpt.pt{TMP}notapid-x"]  # not names jtorch makes
    for n in stale + kept:
        (tmp_path / n).write_bytes(b"x" * 100)
    old = time.time() - 2 * 24 * 3600
    os.utime(tmp_path / stale[1], (old, old))
    serialization.save({"w": jtorch.ones(2)}, tmp_path / "ckpt.pt")
    assert sorted(os.listdir(tmp_path)) == sorted(kept + ["ckpt.pt"])


_KILLED_MID_SAVE = r"""
import os, signal, sys
import jtorch
from jtorch import serialization
real = serialization._write_zip
def write_then_die(out, name, records):
    out.write(b"PK\x03\x04 half a checkpoint")
    out.flush()
    os.kill(os.getpid(), signal.SIGKILL)
serialization._write_zip = write_then_die
serialization.save({"w": jtorch.ones(3)}, sys.argv[1])
"""


def test_save_killed_mid_way_leaves_a_temp_that_the_next_save_removes(tmp_path):
    path = tmp_path / "model.pt"
    env = dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")
    r = subprocess.run([sys.executable, "-c", _KILLED_MID_SAVE, str(path)], capture_output=True, timeout=120, env=env)
    assert r.returncode == -signal.SIGKILL, r.stderr[-2000:]
    left = os.listdir(tmp_path)
    assert len(left) == 1 and left[0].startswith(f".model.pt{TMP}") and not path.exists()
    serialization.save({"w": jtorch.ones(3)}, path)
    assert os.listdir(tmp_path) == ["model.pt"]
    np.testing.assert_array_equal(_values(serialization.load(path)["w"]), [1.0, 1.0, 1.0])


def test_file_mode_follows_umask_and_existing_target(tmp_path):
    old = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.pt"
        serialization.save({"w": jtorch.ones(1)}, fresh)
        assert fresh.stat().st_mode & 0o777 == 0o640  # as open(path, "wb") would give (was 0o600)
    finally:
        os.umask(old)
    kept = tmp_path / "kept.pt"
    kept.write_bytes(b"old")
    os.chmod(kept, 0o604)
    serialization.save({"w": jtorch.ones(1)}, kept)
    assert kept.stat().st_mode & 0o777 == 0o604


class _Sink:
    """A write-only stream that keeps nothing (BytesIO would count its own copy of the output)."""

    def __init__(self):
        self.n = 0

    def write(self, b):
        self.n += len(memoryview(b).cast("B"))
        return len(b)

    def flush(self):
        pass


def test_saving_over_a_checkpoint_leaves_readers_of_the_old_one_intact(tmp_path):
    # the save drops the old file's cached pages before writing (faster on a busy machine);
    # a tensor mapped from the old file, and the file itself until the rename, keep their data
    path = tmp_path / "ckpt.pt"
    jtorch.save({"w": jtorch.arange(4096.0)}, path)
    old = jtorch.load(path, mmap=True)["w"]
    fd = os.open(path, os.O_RDONLY)
    try:
        jtorch.save({"w": jtorch.arange(4096.0) * -1}, path)
        with os.fdopen(os.dup(fd), "rb") as replaced:  # the old inode, still open
            assert jtorch.load(replaced)["w"].tolist() == list(range(4096))
    finally:
        os.close(fd)
    assert old.tolist() == list(range(4096))
    assert jtorch.load(path)["w"].tolist() == [-float(i) for i in range(4096)]


def test_save_makes_no_copy_of_the_data(tmp_path):
    """A 32 MiB tensor is written straight from its array: Python-side allocations stay far below its size."""
    big = jtorch.ones(8 * 2**20)
    big._value("test")  # computed before the measurement
    for target in (tmp_path / "big.pt", _Sink()):
        tracemalloc.start()
        try:
            serialization.save({"w": big}, target)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 4 * 2**20, peak
    with zipfile.ZipFile(tmp_path / "big.pt") as zf:  # the crc computed beside the write is the data's
        assert zf.testzip() is None
    tracemalloc.start()
    try:
        jst.save_file({"w": big}, tmp_path / "big.safetensors")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, peak


def _data_start(raw, info):
    n_name, n_extra = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
    return info.header_offset + 30 + int(n_name) + int(n_extra)


def test_zip64_records_stay_aligned(tmp_path, monkeypatch):
    """Records past the zip64 limit (4 GiB, lowered here) get a 20-byte extra field; data stay 64-aligned."""
    monkeypatch.setattr(serialization, "_ZIP64_AT", 1000)
    path = tmp_path / "z64.pt"
    state = {"a": jtorch.arange(600.0), "b": jtorch.arange(7.0), "c": jtorch.ones(300, dtype=jtorch.float64)}
    serialization.save(state, path)
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        infos = [i for i in zf.infolist() if "/data/" in i.filename]
    assert len(infos) == 3 and any(i.file_size > 1000 for i in infos)
    assert all(_data_start(raw, i) % 64 == 0 for i in infos)
    monkeypatch.undo()
    out = serialization.load(path)
    for k, t in state.items():
        np.testing.assert_array_equal(_values(out[k]), _values(t))
    torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
    ref = torch.load(path)
    for k, t in state.items():
        np.testing.assert_array_equal(ref[k].numpy(), _values(t))


class _WriteOnly:
    """A stream with write() and nothing else (a socket or pipe, say)."""

    def __init__(self):
        self.parts = []

    def write(self, b):
        self.parts.append(bytes(b))
        return len(b)

    def flush(self):
        pass


class _ReadOnly:
    def __init__(self, data):
        self._buf = io.BytesIO(data)

    def read(self, n=-1):
        return self._buf.read(n)


def test_non_seekable_streams(tmp_path):
    out = _WriteOnly()
    serialization.save({"w": jtorch.arange(5.0)}, out)
    data = b"".join(out.parts)
    np.testing.assert_array_equal(_values(serialization.load(io.BytesIO(data))["w"]), np.arange(5.0))
    np.testing.assert_array_equal(_values(serialization.load(_ReadOnly(data))["w"]), np.arange(5.0))
    torch = pytest.importorskip("torch", reason="parity with torch needs PyTorch installed")
    np.testing.assert_array_equal(torch.load(io.BytesIO(data))["w"].numpy(), np.arange(5.0))


def test_safetensors_save_file_uses_the_same_temp_rules(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    dead = _dead_pid()
    (tmp_path / f".m.safetensors{TMP}{dead}-abc").write_bytes(b"x")
    jst.save_file({"w": jtorch.ones(2)}, path)
    assert os.listdir(tmp_path) == ["m.safetensors"]

    def boom(*args):
        raise OSError("simulated crash")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="simulated crash"):
        jst.save_file({"w": jtorch.zeros(2)}, path)
    assert os.listdir(tmp_path) == ["m.safetensors"]
