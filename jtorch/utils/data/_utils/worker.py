"""The worker process loop. Workers run dataset reads, transforms and collation in numpy and
return host tensors; they never call JAX (it is not fork-safe)."""
import collections
import math
import pickle
import queue
import random
import sys
import traceback

import jax
import numpy as np

from . import collate as _collate
from .. import _utils
from ...._engine import program
from ...._ops.creation import _rebuild
from ...._tensor import Tensor
from ...._ops.random import default_generator


class WorkerInfo:
    """What get_worker_info() returns inside a worker: id, num_workers, seed, dataset."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs.keys())
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        items = [f"{k}={getattr(self, k)}" for k in self.__keys]
        return f"{self.__class__.__name__}({', '.join(items)})"


def get_worker_info():
    """Information about the current DataLoader worker, or None in the main process."""
    return _utils._worker_info


class ExceptionWrapper:
    """An exception raised in a worker, carried to the main process with its traceback."""

    def __init__(self, exc_info, where):
        try:
            pickle.dumps(exc_info[0])
            self.exc_type = exc_info[0]
        except Exception:  # a local exception class cannot travel between processes
            self.exc_type = RuntimeError
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = _VerbatimMessage(msg)  # KeyError prints repr(arg): keep the traceback's lines readable
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _VerbatimMessage(str):
    def __repr__(self):
        return str(self)


class _IterableDatasetStopIteration:
    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeIteration:
    pass


def fetch(dataset, kind_iterable, dataset_iter, auto_collation, collate_fn, drop_last, index):
    """One batch (or item): the shared fetch logic of the main process and the workers."""
    if kind_iterable:
        if auto_collation:
            data = []
            for _ in index:
                try:
                    data.append(next(dataset_iter))
                except StopIteration:
                    break
            if len(data) == 0 or (drop_last and len(data) < len(index)):
                raise StopIteration
        else:
            data = next(dataset_iter)
        return collate_fn(data)
    if auto_collation:
        if collate_fn is _collate.default_collate:
            fast = getattr(dataset, "_batch_fetch", None)
            if fast is not None:
                out = fast(index)
                if out is not None:
                    return _collate.convert_arrays(out)
        if hasattr(dataset, "__getitems__") and dataset.__getitems__:
            data = dataset.__getitems__(index)
        else:
            data = [dataset[idx] for idx in index]
    else:
        data = dataset[index]
    return collate_fn(data)


class _Slot:
    """Stands for the i-th pending tensor of a deferred batch (see defer)."""

    __slots__ = ("i", "cls")

    def __init__(self, i, cls):
        self.i, self.cls = i, cls

    def __reduce__(self):
        return _Slot, (self.i, self.cls)


class PendingBatch:
    """A batch whose jtorch values a worker recorded but did not compute: its structure with
    `_Slot`s, and the program (op entries, leaf shapes and dtypes, outputs) with its leaf values.

    A worker evaluates programs with numpy, op by op; the main process runs one compiled XLA
    program per batch structure instead, which costs far less CPU than the numpy evaluation did
    (the same program a batch made in the main process would run). Only when the main process's
    JAX runs on CPU: the results stay host tensors there, as torch's loader gives CPU tensors."""

    __slots__ = ("data", "avals", "code", "outputs", "leaves")

    def __init__(self, data, avals, code, outputs, leaves):
        self.data, self.avals, self.code, self.outputs, self.leaves = data, avals, code, outputs, leaves

    def __reduce__(self):
        return PendingBatch, (self.data, self.avals, self.code, self.outputs, self.leaves)


def defer(data):
    """`data` with its pending tensors left to the main process (a PendingBatch), or `data` itself
    when nothing is pending. Tensors that need gradients, and containers other than tuples, lists
    and dicts, are computed here as before."""
    pending = []

    def walk(x):
        if isinstance(x, Tensor):
            lz = x._fresh_lazy()
            if lz.value is None and lz.grad_fn is None and not lz.requires_grad:
                pending.append(lz)
                return _Slot(len(pending) - 1, type(x))
            return x
        kind = type(x)
        if kind in (dict, collections.OrderedDict):
            return kind((k, walk(v)) for k, v in x.items())
        if kind in (list, tuple):
            return kind(walk(v) for v in x)
        if isinstance(x, tuple) and hasattr(x, "_fields") and type(x).__new__ is not tuple.__new__:
            return kind(*(walk(v) for v in x))  # a namedtuple
        return x

    out = walk(data)
    if not pending:
        return data
    prog, leaves, _ = program.build(pending)
    values = [np.asarray(lz.value) if isinstance(lz.value, jax.Array) else lz.value for lz in leaves]
    # the inputs travel instead of the results: worth it unless they are much larger (items indexed
    # out of a whole dataset array would send that array with every batch)
    sent = sum(np.asarray(v).nbytes for v in values)
    made = sum(math.prod(lz.shape) * np.dtype(lz.dtype.np).itemsize for lz in pending)
    if sent > max(2 * made, _DEFER_SLACK):
        return data
    return PendingBatch(out, prog.leaf_avals, prog.code, prog.outputs, values)


_DEFER_SLACK = 1 << 20  # bytes of inputs a deferred batch may send beyond twice its results


def finish(data):
    """In the main process: compute a PendingBatch with one compiled program; other data as it is."""
    if not isinstance(data, PendingBatch):
        return data
    prog = program.Program(data.avals, data.code, data.outputs)  # hashed here: op identities differ by process
    fn, _ = program.executable(prog)
    values = [_rebuild(Tensor, np.asarray(v), False, True) for v in fn(*data.leaves)]

    def fill(x):
        if isinstance(x, _Slot):
            t = values[x.i]
            return t if x.cls is Tensor else t.as_subclass(x.cls)
        kind = type(x)
        if kind in (dict, collections.OrderedDict):
            return kind((k, fill(v)) for k, v in x.items())
        if kind in (list, tuple):
            return kind(fill(v) for v in x)
        if isinstance(x, tuple) and hasattr(x, "_fields"):
            return kind(*(fill(v) for v in x))
        return x
    return fill(data.data)


def _deferred(data, worker_id):
    try:
        return defer(data)
    except Exception:
        return ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")


def _dumps(data, worker_id):
    """Pickle here, not in the queue's feeder thread, so an unpicklable batch becomes an error
    in the main process instead of a silent hang."""
    try:
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        wrapped = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id} while sending a batch")
        return pickle.dumps(wrapped, protocol=pickle.HIGHEST_PROTOCOL)


def worker_loop(kind_iterable, dataset, index_queue, data_queue, done_event, auto_collation, collate_fn,
                drop_last, base_seed, init_fn, worker_id, num_workers, defer_to_main=False):
    try:
        seed = base_seed + worker_id
        random.seed(seed)
        np.random.seed(seed % 2 ** 32)
        default_generator.manual_seed(seed)  # plain integers: no JAX
        _utils.defer_pending = defer_to_main
        _utils._worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_exception = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            dataset_iter = iter(dataset) if kind_iterable else None
        except Exception:
            init_exception = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
        exhausted = False
        while True:
            try:
                r = index_queue.get(timeout=5.0)
            except queue.Empty:
                if done_event.is_set():
                    break
                continue
            if r is None:
                break
            if isinstance(r, _ResumeIteration):
                data_queue.put((r, None))
                exhausted = False
                if kind_iterable:
                    dataset_iter = iter(dataset)
                continue
            if done_event.is_set() or exhausted:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetch(dataset, kind_iterable, dataset_iter, auto_collation, collate_fn, drop_last, index)
                except StopIteration:
                    if kind_iterable:
                        data = _IterableDatasetStopIteration(worker_id)
                        exhausted = True
                    else:
                        data = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
                except Exception:
                    data = ExceptionWrapper(sys.exc_info(), f"in DataLoader worker process {worker_id}")
                else:
                    if defer_to_main:
                        data = _deferred(data, worker_id)
            data_queue.put((idx, _dumps(data, worker_id)))
    except KeyboardInterrupt:
        pass
    if not done_event.is_set():
        return
    # shutting down: do not block on flushing what the main process will never read
    data_queue.cancel_join_thread()
    data_queue.close()
