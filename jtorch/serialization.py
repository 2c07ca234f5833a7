"""torch.save / torch.load in PyTorch's own file format, without importing torch.

A checkpoint is a zip (every record stored, data 64-byte aligned) holding
`<archive>/data.pkl` (pickle protocol 2 whose tensors are `torch._utils._rebuild_tensor_v2`
calls over persistent storage ids `('storage', torch.FloatStorage, key, location, numel)`),
`<archive>/data/<key>` (raw little-endian storage bytes), `byteorder`, `version`,
`.format_version`, `.storage_alignment` and `.data/serialization_id`. jtorch writes the
pickle with its own pickler (torch globals are emitted by name) and reads it with its own
unpicklers: `weights_only=True` (the default, as in torch) allows only the globals torch's
weights-only unpickler allows; `weights_only=False` maps torch.* globals onto jtorch.
A file is untrusted either way: every record's size is checked against the pickle and the
archive, and every tensor's size/stride/offset against its storage, before any array exists.
"""
import _compat_pickle
import collections
import contextlib
import functools
import io
import math
import mmap as _mmap  # (torch.load has an argument named mmap)
import operator
import os
import pickle
import secrets
import struct
import time
import uuid
import zipfile
import zlib

import numpy as np

from . import _dtype
from ._device import device as _device
from ._strides import contiguous_strides, is_contiguous
from ._tensor import Size, Tensor
from ._ops.creation import _concrete
import codecs
from . import _device as dev_mod
import importlib
import jax
import concurrent.futures

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals", "safe_globals",
           "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
_ALIGN = 64
_MAGIC = 0x1950A86A20F9469CFC6C  # legacy (pre-1.6) torch.save files start with this pickled int

# torch storage class name <-> jtorch dtype
_STORAGE = {"FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
            "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
            "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
            "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128"}
_STORAGE_OF = {v: k for k, v in _STORAGE.items()}


# -- saving ------------------------------------------------------------------------------

class _Global:
    """A torch global written by name (torch need not be importable to write it)."""

    _cache = {}

    def __new__(cls, module, name):
        key = (module, name)
        g = cls._cache.get(key)
        if g is None:
            g = cls._cache[key] = object.__new__(cls)
            g.module, g.name = module, name
        return g

    def __call__(self, *args):  # pickle requires reduce callables to be callable; never called
        raise TypeError(f"{self.module}.{self.name} is a torch global placeholder")


class _SavedStorage:
    __slots__ = ("array", "dtype", "location")

    def __init__(self, array, dtype, location):
        self.array, self.dtype, self.location = array, dtype, location


def _location(t):
    d = t.device
    return f"cuda:{d.index or 0}" if d.type == "cuda" else "cpu"


class _Pickler(pickle._Pickler):
    """Pure-Python pickler: jtorch objects reduce to the torch globals torch.load expects."""

    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages = []  # (key, _SavedStorage) in persistent-id order

    def save_torch_global(self, obj):
        self.write(pickle.GLOBAL + obj.module.encode() + b"\n" + obj.name.encode() + b"\n")
        self.memoize(obj)

    dispatch[_Global] = save_torch_global

    def save_dtype(self, obj):  # torch pickles a dtype as the bare global torch.<name>
        self.save_torch_global(_Global("torch", obj.name))

    dispatch[_dtype.dtype] = save_dtype

    def persistent_id(self, obj):
        if isinstance(obj, _SavedStorage):
            key = str(len(self.storages))
            self.storages.append((key, obj))
            return ("storage", _Global("torch", _STORAGE_OF[obj.dtype.name]), key, obj.location,
                    int(obj.array.size))
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            arr = np.asarray(obj._value("save"), order="C")  # (ascontiguousarray would make 0-d 1-d)
            storage = _SavedStorage(arr.reshape(-1), obj.dtype, _location(obj))
            strides = tuple(s // arr.itemsize for s in arr.strides) if arr.size else contiguous_strides(arr.shape)
            args = (storage, 0, Size(arr.shape), strides, obj.requires_grad if not _is_param(obj) else False,
                    collections.OrderedDict())
            rebuilt = (_Global("torch._utils", "_rebuild_tensor_v2"), args)
            if _is_param(obj):
                return (_Global("torch._utils", "_rebuild_parameter"),
                        (_Reduced(rebuilt), obj.requires_grad, collections.OrderedDict()))
            return rebuilt
        if isinstance(obj, _Reduced):
            return obj.rv
        if isinstance(obj, Size):
            return (_Global("torch", "Size"), (tuple(obj),))
        if isinstance(obj, _device):
            return (_Global("torch", "device"), (str(obj),))
        return NotImplemented


class _Reduced:
    """Wraps a reduce tuple so it can be nested as an argument of another reduce."""

    __slots__ = ("rv",)

    def __init__(self, rv):
        self.rv = rv


def _is_param(t):
    return type(t).__name__ == "Parameter"


def _bytes_of(data):
    """A flat byte view of bytes or of a C-contiguous array, without copying it."""
    if isinstance(data, np.ndarray):
        return memoryview(data.reshape(-1).view(np.uint8)) if data.size else memoryview(b"")
    return memoryview(data)


_CHUNK = 1 << 24  # bytes per write
_ZIP64_AT = 0xFFFFFFFF  # sizes and offsets from here on need zip64 fields
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, 00:00:00: fixed, as torch writes it


class _ZipWriter:
    """The stored zip a checkpoint is: each record's data starts 64-byte aligned (torch's layout).

    Record bytes are written straight from their buffer. On a seekable file the CRC-32 is computed
    on a second thread while the same piece is being written, then patched into the local header;
    on a stream it is computed first, so no data descriptor is ever needed.
    """

    def __init__(self, out):
        self.out = out
        self.seekable = _seekable(out)
        self.pos = out.tell() if self.seekable else 0
        self.entries = []  # (name bytes, flags, crc, size, header offset)
        self.pool = None

    def _write(self, b):
        self.out.write(b)
        self.pos += len(b)

    def _crc(self, view):
        crc = 0
        for i in range(0, len(view), _CHUNK):
            crc = zlib.crc32(view[i:i + _CHUNK], crc)
        return crc

    def add(self, name, data):
        view = _bytes_of(data)
        size, fname = len(view), name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # utf-8 names
        zip64 = size >= _ZIP64_AT
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        pad = (-(self.pos + 30 + len(fname) + len(extra) + 4)) % _ALIGN
        extra += b"FB" + struct.pack("<H", pad) + b"Z" * pad
        overlap = self.seekable and size >= 2 * _CHUNK
        crc = 0 if overlap else self._crc(view)
        offset = self.pos
        small = 0xFFFFFFFF if zip64 else size
        self._write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 45 if zip64 else 20, 0, flags, 0, 0, _DOS_DATE,
                                crc, small, small, len(fname), len(extra)) + fname + extra)
        if overlap:  # crc of each piece on a worker thread while the piece is written (both release the GIL)
            if self.pool is None:
                self.pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="jtorch-save-crc")
            for i in range(0, size, _CHUNK):
                piece = view[i:i + _CHUNK]
                running = self.pool.submit(zlib.crc32, piece, crc)
                self._write(piece)
                crc = running.result()
            end = self.out.tell()
            self.out.seek(offset + 14)
            self.out.write(struct.pack("<L", crc))
            self.out.seek(end)
        else:
            for i in range(0, size, _CHUNK):
                self._write(view[i:i + _CHUNK])
        self.entries.append((fname, flags, crc, size, offset))

    def finish(self):
        start = self.pos
        for fname, flags, crc, size, offset in self.entries:
            extra = b""
            if size >= _ZIP64_AT:
                extra += struct.pack("<QQ", size, size)
            if offset >= _ZIP64_AT:
                extra += struct.pack("<Q", offset)
            if extra:
                extra = struct.pack("<HH", 1, len(extra)) + extra
            small = 0xFFFFFFFF if size >= _ZIP64_AT else size
            self._write(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 45 if extra else 20, 3, 45 if extra else 20,
                                    0, flags, 0, 0, _DOS_DATE, crc, small, small, len(fname), len(extra), 0, 0, 0,
                                    0o644 << 16, min(offset, 0xFFFFFFFF)) + fname + extra)
        count, cd_size = len(self.entries), self.pos - start
        if count >= 0xFFFF or start >= _ZIP64_AT or cd_size >= _ZIP64_AT:
            at = self.pos
            self._write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, cd_size, start))
            self._write(struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1))
        self._write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                min(cd_size, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0))
        if hasattr(self.out, "flush"):
            self.out.flush()


def _write_zip(out, name, records):
    """Write (record name, bytes or array) pairs under `name/` as a checkpoint zip."""
    zw = _ZipWriter(out)
    try:
        for rec, data in records:
            zw.add(f"{name}/{rec}", data)
    finally:
        if zw.pool is not None:
            zw.pool.shutdown()
    zw.finish()


def _archive_name(path):
    base = os.path.splitext(os.path.basename(path))[0]
    return base if base and all(c.isalnum() or c in "_-." for c in base) else "archive"


def _serialize(obj, f, protocol, name):
    buf = io.BytesIO()
    pickler = _Pickler(buf, protocol)
    pickler.dump(obj)
    records = [("data.pkl", buf.getvalue()), (".format_version", b"1"), (".storage_alignment", b"64"),
               ("byteorder", b"little")]
    for key, st in pickler.storages:
        arr = st.array
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        records.append((f"data/{key}", arr))  # written straight from the array's memory
    records.append(("version", b"3\n"))
    records.append((".data/serialization_id", uuid.uuid4().hex.encode().ljust(40, b"0")))
    _write_zip(f, name, records)


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """torch.save: write `obj` in PyTorch's zip checkpoint format (loadable by real torch).

    A path is written atomically: to `.<name>.jtorch-tmp-<pid>-<random>` in the same folder,
    fsynced, then renamed over the target, so a crash never leaves a half-written file; the
    temp file is removed if the save fails, and the next save of the path removes those of
    killed processes. Storage bytes go from the tensors' memory to the file without a copy.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("jtorch.save: pickle_module other than the standard pickle")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("jtorch.save: the legacy (pre-1.6) format; jtorch only writes the zip format")
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        _atomic_write(path, lambda fh: _serialize(obj, fh, pickle_protocol, _archive_name(path)))
        return
    _serialize(obj, f, pickle_protocol, "archive")


# -- loading -----------------------------------------------------------------------------

_TMP_TAG = ".jtorch-tmp-"  # temp files: .<target name>.jtorch-tmp-<pid>-<random>, beside the target
_STALE_AFTER_S = 24 * 3600  # a temp this old is stale even if its pid is alive again (pids get reused)


def _pid_alive(pid):
    if pid == os.getpid():
        return True  # another thread of this process may be saving the same path right now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def _sweep_stale_temps(folder, base):
    """Remove temp files left by earlier saves of this target whose process died mid-save (killed)."""
    prefix = f".{base}{_TMP_TAG}"
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)]
    except OSError:
        return
    now = time.time()
    for n in names:
        pid, sep, tag = n[len(prefix):].partition("-")
        if not (pid.isdigit() and sep and tag.isalnum()):
            continue  # not a name jtorch made
        full = os.path.join(folder, n)
        with contextlib.suppress(OSError):
            if not _pid_alive(int(pid)) or now - os.stat(full).st_mtime > _STALE_AFTER_S:
                os.unlink(full)


_WRITEBACK_STEP = 1 << 25
_FSYNC = True  # durable saves (power loss); torch does not fsync. bench/checkpoint_io.py times both ways.


@functools.lru_cache(maxsize=None)
def _writeback_starter():
    """Linux's sync_file_range(fd, offset, nbytes, SYNC_FILE_RANGE_WRITE): start writing pages to disk, no wait."""
    try:
        import ctypes
        fn = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError, ImportError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return lambda fd, offset, nbytes: fn(fd, offset, nbytes, 2)


class _EagerWriteback:
    """A file whose data starts going to disk while later data is still being written, so the fsync
    that makes a save durable waits for little more than the last piece (instead of the whole file)."""

    def __init__(self, fh, start):
        self._fh, self._start, self._done = fh, start, 0

    def write(self, data):
        n = self._fh.write(data)
        end = self._fh.tell()
        if end - self._done >= _WRITEBACK_STEP:
            self._fh.flush()
            self._start(self._fh.fileno(), self._done, end - self._done)
            self._done = end
        return n

    def __getattr__(self, name):  # tell, seek, flush, ... as the file's own
        return getattr(self._fh, name)


def _drop_cached_pages(path):
    """Hand the page cache of the file about to be replaced back to the kernel before writing.

    The rename will make those pages garbage anyway; freed now, the new file's pages reuse them
    instead of making the kernel reclaim others while we write (on a busy machine that reclaim
    doubled the time of saving 512 MB over an existing checkpoint). torch's in-place write
    frees them the same way when it truncates the file. Only clean, unmapped pages go: the old
    file's data stays intact on disk, and readers (or an mmap) of it lose nothing but cache."""
    if not hasattr(os, "posix_fadvise"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def _atomic_write(path, content):
    """Write bytes (or call content(fh)) to a temp file beside `path`, fsync, then rename over it.

    The temp file is removed if writing fails; ones left by a killed process are removed by the
    next save of the same path. The result gets the permissions open(path, "wb") would give it.
    """
    folder, base = os.path.split(os.path.abspath(path))
    _sweep_stale_temps(folder, base)
    _drop_cached_pages(path)
    tmp = os.path.join(folder, f".{base}{_TMP_TAG}{os.getpid()}-{secrets.token_hex(6)}")
    fh = os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), "wb")
    try:
        with fh:
            with contextlib.suppress(OSError):  # overwriting keeps the target's mode, as an in-place write would
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            if callable(content):
                start = _writeback_starter() if _FSYNC else None  # early writeback only shortens an fsync
                content(_EagerWriteback(fh, start) if start is not None else fh)
            else:
                fh.write(content)
            fh.flush()
            if _FSYNC:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if not _FSYNC:
        return
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


class _StorageType:
    """torch.FloatStorage & co. as seen by the unpickler."""

    def __init__(self, name):
        self.name = name
        self.dtype = _dtype._BY_NAME[_STORAGE[name]] if name in _STORAGE else _dtype.uint8

    def __repr__(self):
        return f"torch.{self.name}"


class _LoadedStorage:
    """A storage read from the file: a flat numpy array plus the device it will live on."""

    def __init__(self, array, location):
        self.array, self.location = array, location

    def cpu(self):
        return _LoadedStorage(self.array, "cpu")

    def cuda(self, device=None):
        return _LoadedStorage(self.array, "cuda" if device is None else f"cuda:{_device(device).index or 0}"
                              if not isinstance(device, int) else f"cuda:{device}")

    def to(self, device):
        return _LoadedStorage(self.array, str(_device(device)))

    def size(self):
        return self.array.size

    def __len__(self):
        return self.array.size


def _ints(what, seq):
    try:
        return tuple(operator.index(v) for v in seq)
    except TypeError:
        raise RuntimeError(f"Tensor: {what} must be a sequence of integers, got {seq!r}") from None


def _check_view(numel, offset, size, stride):
    """The view (offset, size, stride) of a storage of `numel` elements, checked before any array is made.

    The numbers come from the file, so a hostile or damaged checkpoint could otherwise address memory
    outside the storage. Arithmetic is in Python ints: no overflow, nothing allocated.
    """
    size, stride = _ints("size", size), _ints("stride", stride)
    try:
        offset = operator.index(offset)
    except TypeError:
        raise RuntimeError(f"Tensor: invalid storage offset {offset!r}") from None
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    if max((offset,) + size + stride) >= 2**63:  # torch keeps these in int64 (and raises TypeError)
        raise TypeError(f"Overflow when unpacking long: size {list(size)}, stride {list(stride)} and storage offset "
                        f"{offset} must fit in int64")
    if len(size) != len(stride):
        raise RuntimeError(f"unequal size length ({len(size)}) and stride length ({len(stride)})")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Tensor: invalid size {list(size)}: sizes must be non-negative")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}: "
                           "a checkpoint cannot hold negative strides")
    if 0 not in size:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= numel:
            raise RuntimeError(f"Trying to resize storage that is not resizable: the tensor of size {list(size)}, "
                               f"stride {list(stride)} and storage offset {offset} reaches element {last}, but its "
                               f"storage holds {numel} elements")
    return offset, size, stride


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    if isinstance(storage, _Deferred):
        return _Deferred(storage, (storage_offset, size, stride, requires_grad))
    if not isinstance(storage, _LoadedStorage):
        raise RuntimeError(f"_rebuild_tensor_v2: expected a storage, got {type(storage).__name__}")
    arr = storage.array
    offset, size, stride = _check_view(arr.size, storage_offset, size, stride)
    numel = math.prod(size)
    # No copy here: the device transfer copies, or on CPU shares the (read-only, checked) storage memory,
    # as torch's tensors share theirs; a memmap then stays mapped while a tensor uses it (torch's mmap=True).
    if numel == 0:
        out = np.zeros(size, arr.dtype)
    elif is_contiguous(size, stride):
        out = arr[offset:offset + numel].reshape(size)
    else:
        isz = arr.itemsize
        out = np.ascontiguousarray(np.lib.stride_tricks.as_strided(arr[offset:], size, tuple(x * isz for x in stride),
                                                                   writeable=False))
    t = _concrete(out, device=_target_device(storage.location))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _parameter_cls():
    try:
        from .nn.parameter import Parameter
        return Parameter
    except ImportError:
        return None


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    if isinstance(data, _Deferred):
        return _Deferred(data, ("param", requires_grad, state))
    P = _parameter_cls()
    p = P(data, requires_grad) if P is not None else data.requires_grad_(requires_grad)
    if state:
        for k, v in state.items():
            setattr(p, k, v)
    return p


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _rebuild_parameter(data, requires_grad, backward_hooks, state)


def _rebuild_device_tensor_from_numpy(data, dtype, device, requires_grad):
    t = _concrete(np.asarray(data), dtype=dtype, device=_target_device(str(device)))
    return t.requires_grad_(True) if requires_grad else t


def _rebuild_from_type_v2(func, new_type, args, state):
    ret = func(*args)
    P = _parameter_cls()
    if getattr(new_type, "__name__", "") == "Parameter" and P is not None and not isinstance(ret, P):
        ret = P(ret, ret.requires_grad)
    if state:
        for k, v in (state.items() if isinstance(state, dict) else ()):
            setattr(ret, k, v)
    return ret


def _get_layout(name):
    return name


def _unsupported_rebuild(name):
    def fn(*args, **kwargs):
        raise NotImplementedError(f"jtorch.load: {name} (sparse, quantized, nested or meta tensors) is not "
                                  "supported")
    return fn


def _bytearray(*args):
    """bytearray for the unpickler: from contents only. bytearray(n) of a number from the file
    would allocate (and zero) as many bytes as the file asks for."""
    if args and not isinstance(args[0], (str, bytes, bytearray, list)):
        raise pickle.UnpicklingError(f"jtorch.load: bytearray from {type(args[0]).__name__} refused (a checkpoint "
                                     "holds bytearray contents, never a size)")
    return bytearray(*args)


def _encode(s, encoding="latin1"):
    return codecs.encode(s, encoding)


def _torch_globals():
    """The globals torch's weights-only unpickler allows, mapped onto jtorch."""
    P = _parameter_cls()
    rc = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": P if P is not None else Tensor,
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": Size,
        "torch.Tensor": Tensor,
        "torch.device": dev_mod.device,
        "_codecs.encode": _encode,
        "builtins.bytearray": _bytearray,
        "builtins.set": set,
        "builtins.frozenset": frozenset,
        "builtins.complex": complex,
        "builtins.slice": slice,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._utils._rebuild_device_tensor_from_numpy": _rebuild_device_tensor_from_numpy,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    }
    for n in ("_rebuild_sparse_tensor", "_rebuild_nested_tensor", "_rebuild_meta_tensor_no_storage",
              "_rebuild_qtensor", "_rebuild_wrapper_subclass", "_rebuild_tensor_v3"):
        rc["torch._utils." + n] = _unsupported_rebuild(n)
    for name, d in _dtype._BY_NAME.items():
        rc["torch." + name] = d
    for name in list(_STORAGE) + ["UntypedStorage"]:
        rc["torch." + name] = _StorageType(name)
    rc["torch.storage.UntypedStorage"] = rc["torch.storage.TypedStorage"] = _StorageType("UntypedStorage")
    for layout in ("strided", "sparse_coo", "sparse_csr"):
        rc["torch." + layout] = "torch." + layout
    return rc


_SAFE = {}  # user allowlist (add_safe_globals): "module.name" -> object


def _global_name(obj):
    if isinstance(obj, tuple):
        return obj[1], obj[0]
    return f"{obj.__module__}.{obj.__qualname__}", obj


def add_safe_globals(safe_globals):
    """Allow these globals in weights_only loads (objects, or (object, "module.name") pairs)."""
    for g in safe_globals:
        name, obj = _global_name(g)
        _SAFE[name] = obj


def get_safe_globals():
    return list(_SAFE.values())


def clear_safe_globals():
    _SAFE.clear()


@contextlib.contextmanager
def safe_globals(globals_):
    saved = dict(_SAFE)
    add_safe_globals(globals_)
    try:
        yield
    finally:
        _SAFE.clear()
        _SAFE.update(saved)


_TARGET = [None]  # (map_location) while loading


def _target_device(location):
    ml = _TARGET[0]
    if isinstance(ml, dict):
        location = ml.get(location, location)
    elif ml is not None and not callable(ml):
        location = str(_device(ml)) if not isinstance(ml, str) else ml
    d = _device(location)
    if d.type == "cuda":
        if not any(x.platform == "gpu" for x in jax.devices()):
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() "
                               "is False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")
    return d


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, weights_only, load_storage):
        super().__init__(file, encoding="utf-8")
        self.weights_only = weights_only
        self.load_storage = load_storage
        self.table = _torch_globals()

    def find_class(self, module, name):
        if (module, name) in _compat_pickle.NAME_MAPPING:  # protocol 2 writes Python 2 names
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        full = f"{module}.{name}"
        if full in self.table:
            return self.table[full]
        if full in _SAFE:
            return _SAFE[full]
        if self.weights_only:
            raise pickle.UnpicklingError(
                f"Weights only load failed. Unsupported global: GLOBAL {full} was not an allowed global by "
                f"default. jtorch.load(..., weights_only=False) loads it, but it can run arbitrary code: do "
                f"that only if you trust the file. Or allowlist it with "
                f"`jtorch.serialization.add_safe_globals([{full}])`.")
        if module == "torch" or module.startswith("torch."):
            return _jtorch_global(module, name)
        return super().find_class(module, name)

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or not pid:
            raise pickle.UnpicklingError(f"jtorch.load: malformed persistent id {pid!r}")
        typename, data = pid[0], pid[1:]
        if typename != "storage":
            raise pickle.UnpicklingError(f"Unknown persistent id type {typename!r} (jtorch reads 'storage')")
        if len(data) < 4 or not isinstance(data[1], (str, int)) or not isinstance(data[2], (str, _device)):
            raise pickle.UnpicklingError(f"jtorch.load: malformed storage reference {pid!r}")
        storage_type, key, location, numel = data[:4]
        if isinstance(storage_type, _StorageType):
            dt = storage_type.dtype
        elif isinstance(storage_type, _dtype.dtype):
            dt = storage_type
        else:
            raise pickle.UnpicklingError(f"unknown storage type {storage_type!r}")
        if self.load_storage is None:
            raise pickle.UnpicklingError("jtorch.load: a storage reference where none may appear")
        st = self.load_storage(str(key), dt, numel, str(location))
        if len(data) > 4 and data[4] is not None:  # legacy storage view: (view key, offset, size)
            view = data[4]
            if not isinstance(view, tuple) or len(view) != 3:
                raise pickle.UnpicklingError(f"jtorch.load: malformed storage view {view!r}")
            st = _Deferred(st, ("view", view[1], view[2]))
        return st


def _jtorch_global(module, name):
    cands = ["j" + module]
    if module.startswith("torch.nn."):
        cands.append("jtorch.nn")
    if module.startswith("torch.optim."):
        cands.append("jtorch.optim")
    for m in cands:
        try:
            return getattr(importlib.import_module(m), name)
        except (ImportError, AttributeError):
            continue
    raise pickle.UnpicklingError(f"jtorch.load: jtorch has no equivalent of {module}.{name}")


_DAMAGED = ("The checkpoint is probably damaged: it was not saved completely, was changed in transfer, or was "
            "modified after saving.")


def _zip_error(what):
    return RuntimeError(f"PytorchStreamReader failed {what}. {_DAMAGED}")


def _record_data_offset(fh, info, end):
    """Where a stored record's bytes start in the file; its local header and bytes must lie before `end`."""
    fh.seek(info.header_offset)
    hdr = fh.read(30)
    if len(hdr) != 30 or hdr[:4] != b"PK\x03\x04":
        raise _zip_error(f"reading zip archive: bad local header for record {info.filename}")
    n_name, n_extra = struct.unpack("<HH", hdr[26:30])
    start = info.header_offset + 30 + n_name + n_extra
    if start + info.compress_size > end:
        raise _zip_error(f"reading record {info.filename}: its {info.compress_size} bytes run past the end of the "
                         "archive")
    return start


def _host_buffer(nbytes):
    """Fresh page-aligned memory for nbytes of file data.

    An anonymous mapping rather than np.empty: numpy asks for transparent huge pages on large
    arrays, and on a busy machine each huge-page fault can stall in memory compaction (the first
    load of a 512 MB checkpoint took 2-4x torch's system time). Page-aligned is 64-byte aligned,
    so on CPU the tensors can use this memory as is (jax shares aligned host arrays).
    """
    return np.frombuffer(_mmap.mmap(-1, max(nbytes, 1)), np.uint8, count=nbytes)


def _read_exact(fh, start, numel, npdt):
    """numel elements read from the file straight into a fresh array (no intermediate bytes object)."""
    nbytes = numel * npdt.itemsize
    raw = _host_buffer(nbytes)  # bytes first: bfloat16 has no buffer-protocol code
    fh.seek(start)
    view = memoryview(raw)
    got = 0
    while got < len(view):
        n = fh.readinto(view[got:])
        if not n:
            raise _zip_error(f"reading storage data: the file ends {len(view) - got} bytes early")
        got += n
    raw.flags.writeable = False  # tensors may share this memory
    return raw.view(npdt)


def _open_storage_zip(zf, fh, prefix, mmap_path):
    """The persistent_load callback of a zip checkpoint: storages checked against their records, read once."""
    cache = {}

    def load_storage(key, dt, numel, location):
        if not isinstance(numel, int) or numel < 0:
            raise RuntimeError(f"jtorch.load: invalid element count {numel!r} for storage {key}")
        rec = f"{prefix}data/{key}"
        try:
            info = zf.getinfo(rec)
        except KeyError:
            raise _zip_error(f"locating file data/{key}: file not found") from None
        nbytes = numel * dt.itemsize
        if info.file_size != nbytes:  # checked before anything is allocated: the pickle could claim any size
            raise RuntimeError(f"record size ({info.file_size} bytes) does not match expected size ({nbytes} bytes "
                               f"= {numel} elements * {dt.itemsize} bytes/element) for dtype {dt}")
        st = cache.get(key)
        if st is not None:
            if st.array.dtype != dt.np:  # one record seen as two dtypes: reinterpret its bytes, as torch does
                return _LoadedStorage(st.array.view(dt.np), st.location)
            return st
        npdt = dt.np.newbyteorder("<") if dt.itemsize > 1 else dt.np
        if info.compress_type == zipfile.ZIP_STORED:
            start = _record_data_offset(fh, info, zf.start_dir)
            if numel == 0:
                arr = np.empty(0, npdt)
            elif mmap_path is not None:
                arr = np.memmap(mmap_path, dtype=npdt, mode="r", offset=start, shape=(numel,))
            else:
                arr = _read_exact(fh, start, numel, npdt)
        else:  # compressed by some other writer: zipfile inflates it (bounded by the declared size, crc checked)
            try:
                arr = np.frombuffer(zf.read(rec), dtype=npdt)
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as e:
                raise _zip_error(f"reading record {rec}: {e}") from None
            if arr.size != numel:
                raise _zip_error(f"reading record {rec}: it inflates to {arr.nbytes} bytes, not {nbytes}")
        arr = arr.astype(dt.np, copy=False) if arr.dtype != dt.np else arr
        st = cache[key] = _LoadedStorage(arr, _mapped(arr, location))
        return st

    return load_storage


def _mapped(arr, location):
    """Apply a callable map_location (torch's `lambda storage, loc: ...`); other kinds apply later."""
    ml = _TARGET[0]
    if callable(ml) and not isinstance(ml, (str, _device, dict)):
        res = ml(_LoadedStorage(arr, "cpu"), location)  # torch hands it a CPU storage
        if isinstance(res, _LoadedStorage):
            return res.location
        if isinstance(res, (str, _device)):
            return str(res)
    return location


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """torch.load: read a checkpoint written by torch.save (zip or legacy format) or jtorch.save.

    Tensors become jtorch tensors on the devices `map_location` (str, device, dict or
    callable) says. `weights_only=True` refuses every global outside torch's allowlist.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("jtorch.load: pickle_module other than the standard pickle")
    if weights_only is None:
        weights_only = True
    _TARGET[0] = map_location
    try:
        if isinstance(f, (str, os.PathLike)):
            path = os.fspath(f)
            with open(path, "rb") as fh:
                return _load_stream(fh, weights_only, path if mmap else None)
        if not _seekable(f):  # torch refuses these; zipfile needs to seek, so read it all first
            f = io.BytesIO(f.read())
        return _load_stream(f, weights_only, None)
    finally:
        _TARGET[0] = None


def _is_zip(fh):
    """torch's test: a zip checkpoint starts with a local file header (even if its end is cut off)."""
    start = fh.tell()
    magic = fh.read(4)
    fh.seek(start)
    return magic == b"PK\x03\x04"


def _open_zip(fh):
    try:
        return zipfile.ZipFile(fh)
    except zipfile.BadZipFile as e:
        if "not a zip file" in str(e):  # zipfile's words when the end-of-central-directory record is missing
            raise _zip_error("reading zip archive: failed finding central directory") from None
        raise _zip_error(f"reading zip archive: {e}") from None
    except (EOFError, OSError, ValueError) as e:
        raise _zip_error(f"reading zip archive: {e}") from None


def _seekable(f):
    if not (hasattr(f, "seek") and hasattr(f, "tell")):
        return False
    try:
        return f.seekable() if hasattr(f, "seekable") else (f.seek(f.tell()), True)[1]
    except (OSError, ValueError):
        return False


def _load_stream(fh, weights_only, mmap_path):
    start = fh.tell()
    if not _is_zip(fh):
        if mmap_path is not None:
            raise RuntimeError(f"mmap can only be used with files saved with `torch.save({mmap_path}, "
                               "_use_new_zipfile_serialization=True), please torch.save your checkpoint with this "
                               "option in order to use mmap.")
        return _load_legacy(fh, weights_only)
    with _open_zip(fh) as zf:
        names = zf.namelist()
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if not pkl:
            if "jtorch_jit.json" in names:  # as torch.load does for TorchScript files
                from .jit import load as jit_load
                fh.seek(start)
                return jit_load(fh, map_location=_TARGET[0])
            if any(n.endswith("constants.pkl") or "/code/" in n for n in names):
                raise RuntimeError("jtorch.load: this is a TorchScript archive; jtorch cannot run TorchScript "
                                   "(use jtorch.jit.load on files written by jtorch.jit)")
            raise RuntimeError("jtorch.load: no data.pkl record in this zip file")
        prefix = pkl[0][: -len("data.pkl")]
        try:
            if f"{prefix}byteorder" in names and zf.read(f"{prefix}byteorder") != b"little":
                raise NotImplementedError("jtorch.load: big-endian checkpoints")
            data_pkl = zf.read(pkl[0])
        except (zipfile.BadZipFile, EOFError, zlib.error) as e:
            raise _zip_error(f"reading record {pkl[0]}: {e}") from None
        up = _Unpickler(io.BytesIO(data_pkl), weights_only, _open_storage_zip(zf, fh, prefix, mmap_path))
        return up.load()


# -- legacy (pre-1.6) format ---------------------------------------------------------------

class _Deferred:
    """Legacy files store storage bytes after the pickle: rebuild tensors once they are read."""

    def __init__(self, base, how):
        self.base, self.how = base, how


def _storage_view(base, offset, size):
    """A legacy storage view: `size` elements of `base` from `offset`, checked to lie inside it."""
    offset, size = _ints("storage view", (offset, size))
    if offset < 0 or size < 0 or offset + size > base.array.size:
        raise RuntimeError(f"jtorch.load: storage view of {size} elements at offset {offset} lies outside its "
                           f"storage of {base.array.size} elements")
    return _LoadedStorage(base.array[offset:offset + size], base.location)


def _remaining(fh):
    if not fh.seekable():
        return None
    here = fh.tell()
    end = fh.seek(0, os.SEEK_END)
    fh.seek(here)
    return end - here


def _load_legacy(fh, weights_only):
    def header():  # plain ints and dicts: never needs a global, so always the restricted unpickler
        return _Unpickler(fh, True, None).load()

    magic = header()
    if magic != _MAGIC:
        raise RuntimeError("Invalid magic number; corrupt file?" if isinstance(magic, int) else
                           "jtorch.load: not a torch checkpoint (neither a zip file nor the legacy format)")
    header()  # protocol version
    sys_info = header()
    if isinstance(sys_info, dict) and not sys_info.get("little_endian", True):
        raise NotImplementedError("jtorch.load: big-endian checkpoints")
    storages = {}

    def load_storage(key, dt, numel, location):
        if not isinstance(numel, int) or numel < 0:
            raise RuntimeError(f"jtorch.load: invalid element count {numel!r} for storage {key}")
        if key not in storages:
            storages[key] = _Deferred(None, (key, dt, location, numel))
        return storages[key]

    obj = _Unpickler(fh, weights_only, load_storage).load()
    keys = header()
    if not isinstance(keys, list):
        raise RuntimeError("jtorch.load: corrupt legacy checkpoint (no storage key list after the pickle)")
    data = {}
    for key in keys:
        if key not in storages:
            raise RuntimeError(f"jtorch.load: corrupt legacy checkpoint (storage {key!r} is never referenced)")
        _, dt, location, numel = storages[key].how
        head = fh.read(8)
        if len(head) != 8:
            raise RuntimeError("jtorch.load: the legacy checkpoint ends before its storage data")
        (found,) = struct.unpack("<q", head)
        if found != numel:
            raise RuntimeError(f"storage has wrong byte size: expected {numel * dt.itemsize} got {found * dt.itemsize}")
        nbytes = numel * dt.itemsize
        left = _remaining(fh)
        if left is not None and left < nbytes:  # checked before reading: never allocate what the file lacks
            raise RuntimeError(f"jtorch.load: storage {key} needs {nbytes} bytes but the file holds {left} more")
        raw = fh.read(nbytes)
        if len(raw) != nbytes:
            raise RuntimeError(f"jtorch.load: storage {key} needs {nbytes} bytes but the file ends after {len(raw)}")
        arr = np.frombuffer(raw, dtype=dt.np.newbyteorder("<") if dt.itemsize > 1 else dt.np).astype(dt.np)
        data[key] = _LoadedStorage(arr, _mapped(arr, location))
    return _resolve(obj, data, {})


def _resolve(obj, data, memo):
    if id(obj) in memo:
        return memo[id(obj)]
    if isinstance(obj, _Deferred):
        out = _resolve_deferred(obj, data, memo)
    elif isinstance(obj, (dict, collections.OrderedDict)):
        out = type(obj)()
        memo[id(obj)] = out
        for k, v in obj.items():
            out[k] = _resolve(v, data, memo)
        return out
    elif isinstance(obj, list):
        out = []
        memo[id(obj)] = out
        out.extend(_resolve(v, data, memo) for v in obj)
        return out
    elif isinstance(obj, (tuple, set, frozenset)) and not isinstance(obj, Size):
        out = type(obj)(_resolve(v, data, memo) for v in obj) if not hasattr(obj, "_fields") else \
            type(obj)(*[_resolve(v, data, memo) for v in obj])
    else:
        return obj
    memo[id(obj)] = out
    return out


def _resolve_deferred(d, data, memo):
    how = d.how
    if d.base is None:  # a storage
        if how[0] not in data:
            raise RuntimeError(f"jtorch.load: corrupt legacy checkpoint (storage {how[0]!r} has no data)")
        return data[how[0]]
    base = _resolve_deferred(d.base, data, memo)
    if how[0] == "view":
        return _storage_view(base, how[1], how[2])
    if how[0] == "param":
        return _rebuild_parameter(base, how[1], None, how[2])
    return _rebuild_tensor_v2(base, *how)
