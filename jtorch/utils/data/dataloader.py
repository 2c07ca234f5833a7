"""DataLoader: batches from a dataset, in the main process or in parallel worker processes.

Workers are real processes (fork on Linux, like torch); they read, transform and collate in
numpy and send host tensors back, which stay host (CPU) tensors here, as batches made in this
process do. In-memory datasets with `_batch_fetch` batch by indexing whole arrays at once.
"""
import gc
import itertools
import multiprocessing
import pickle
import queue
import signal
import sys
import time
import warnings

from ._utils import numpy_rng
from ._utils import collate as _collate
from ._utils import worker as _worker
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from ..._device import device
import jax
from ..._tensor import Tensor
from jax._src import xla_bridge
from math import ceil

default_collate = _collate.default_collate
default_convert = _collate.default_convert


class _InfiniteConstantSampler:
    def __iter__(self):
        while True:
            yield None


def _prepare_for_workers(ds, seen=None):
    """Let datasets (and the ones they wrap) ready their host copies before workers fork."""
    seen = set() if seen is None else seen
    if id(ds) in seen:
        return
    seen.add(id(ds))
    prep = getattr(ds, "_prepare_for_workers", None)
    if callable(prep):
        prep()
    inner = getattr(ds, "dataset", None)
    if inner is not None:
        _prepare_for_workers(inner, seen)
    inner = getattr(ds, "datasets", None)
    if isinstance(inner, dict):
        inner = list(inner.values())
    if isinstance(inner, (list, tuple)):
        for d in inner:
            _prepare_for_workers(d, seen)


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers):
    """torch's checks of the worker options, in its words; returns the prefetch factor in use."""
    if num_workers < 0:
        raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                         "multiprocessing.")
    if timeout < 0:
        raise ValueError("timeout option should be non-negative")
    if prefetch_factor is None:
        prefetch_factor = 2 if num_workers else None
    elif num_workers == 0:
        raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers "
                         "> 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
    elif prefetch_factor < 0:
        raise ValueError("prefetch_factor option should be non-negative")
    if num_workers == 0 and persistent_workers:
        raise ValueError("persistent_workers option needs num_workers > 0")
    return prefetch_factor


def _check_iterable_options(shuffle, sampler, batch_sampler):
    """An IterableDataset orders its own items: no shuffle, sampler or batch_sampler."""
    for name, value in (("shuffle", shuffle if shuffle else None), ("sampler", sampler),
                        ("batch_sampler", batch_sampler)):
        if value is not None:
            raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, but got "
                             f"{name}={value}")


def _samplers(dataset, iterable, batch_size, shuffle, sampler, batch_sampler, drop_last, generator):
    """(sampler, batch_sampler, batch_size, drop_last) as torch derives them from the arguments."""
    if shuffle and sampler is not None:
        raise ValueError("sampler option is mutually exclusive with shuffle")
    if batch_sampler is not None:
        if shuffle or drop_last or sampler is not None or batch_size != 1:
            raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                             "and drop_last")
        batch_size, drop_last = None, False
    elif drop_last and batch_size is None:
        raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                         "drop_last")
    if sampler is None:
        if iterable:
            sampler = _InfiniteConstantSampler()
        else:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
    if batch_sampler is None and batch_size is not None:
        batch_sampler = BatchSampler(sampler, batch_size, drop_last)
    return sampler, batch_sampler, batch_size, drop_last


class DataLoader:
    """torch.utils.data.DataLoader.

    torch pins host memory so the copy to the GPU can overlap the step; here `pin_memory=True`
    moves each batch to the accelerator (or to `pin_memory_device`) one batch ahead of use,
    so that copy runs while the previous step computes. Without an accelerator it warns as
    torch does and batches stay on the host.

    Workers may call jtorch ops: in a worker every sync is computed with numpy (see
    `_host_eval`), which works after a fork of a process already running JAX."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        prefetch_factor = _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers)
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            _check_iterable_options(shuffle, sampler, batch_sampler)
        else:
            shuffle = bool(shuffle)
        sampler, batch_sampler, batch_size, drop_last = _samplers(
            dataset, iterable, batch_size, shuffle, sampler, batch_sampler, drop_last, generator)
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        vars(self).update(
            dataset=dataset, batch_size=batch_size, drop_last=drop_last, sampler=sampler,
            batch_sampler=batch_sampler, generator=generator, collate_fn=collate_fn, num_workers=num_workers,
            prefetch_factor=prefetch_factor, persistent_workers=persistent_workers, pin_memory=pin_memory,
            pin_memory_device=pin_memory_device, timeout=timeout, worker_init_fn=worker_init_fn,
            multiprocessing_context=multiprocessing_context, in_order=in_order, _is_iterable=iterable,
            _iterator=None)

    # one sample per index when batch_sampler is None (batch_size=None): no collation into batches
    _auto_collation = property(lambda self: self.batch_sampler is not None)
    _index_sampler = property(lambda self: self.sampler if self.batch_sampler is None else self.batch_sampler)

    def __iter__(self):
        it = self._batches()
        device = _pin_device(self)
        return it if device is None else _DevicePrefetch(it, device)

    def _batches(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._iterator is None:
                self._iterator = _MultiProcessingIter(self)
            else:
                self._iterator._reset(self)
            return self._iterator
        return _MultiProcessingIter(self)

    def __len__(self):
        if self._is_iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)


def _pin_device(loader):
    """The device batches go to ahead of use, or None (pin_memory off, or no accelerator)."""
    if not loader.pin_memory:
        return None
    if loader.pin_memory_device:
        return device(loader.pin_memory_device)
    if jax.default_backend() == "cpu":
        if not loader.__dict__.get("_warned_pin"):
            loader._warned_pin = True
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.", UserWarning, stacklevel=3)
        return None
    d = jax.devices()[0]
    return device(f"{'cuda' if d.platform == 'gpu' else d.platform}:{d.id}")


_END = object()


class _DevicePrefetch:
    """Yields batch i while batch i + 1 is already on its way to the device (device_put is
    asynchronous, so the copy overlaps the caller's work on batch i)."""

    def __init__(self, batches, device):
        self._batches = batches
        self._device = device
        self._next = None

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._batches)

    def _fetch(self):
        try:
            return _to_device(next(self._batches), self._device)
        except StopIteration:
            return _END

    def __next__(self):
        if self._next is None:
            self._next = self._fetch()
        if self._next is _END:
            raise StopIteration
        out, self._next = self._next, self._fetch()
        return out


def _to_device(batch, device):
    if isinstance(batch, Tensor):
        return batch.to(device)
    if isinstance(batch, dict):
        return type(batch)((k, _to_device(v, device)) for k, v in batch.items())
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # named tuple
        return type(batch)(*(_to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(_to_device(v, device) for v in batch)
    return batch


class _BaseIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._is_iterable = loader._is_iterable
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._collate_fn = loader.collate_fn
        self._timeout = loader.timeout
        self._generator = loader.generator
        self._reset_sampler(loader)

    def _reset_sampler(self, loader):
        # the workers' base seed first, then the shuffle: the same order with or without workers
        self._base_seed = int(numpy_rng(loader.generator).integers(0, 2 ** 62))
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0

    def _next_index(self):
        return next(self._sampler_iter)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._index_sampler)


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._dataset_iter = iter(self._dataset) if self._is_iterable else None

    def __next__(self):
        index = self._next_index()
        data = _worker.fetch(self._dataset, self._is_iterable, self._dataset_iter, self._auto_collation,
                             self._collate_fn, self._drop_last, index)
        self._num_yielded += 1
        return data


def _mp_context(name):
    if name is None:
        name = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(name) if isinstance(name, str) else name


def _jax_survives(ctx):
    """Whether JAX may still compile in a worker started by `ctx`: not in a fork of a process
    whose XLA runtime has started (its thread pools stay behind in the parent)."""
    if ctx.get_start_method() != "fork":
        return True
    return not xla_bridge.backends_are_initialized()


def _defer_to_main():
    """Whether workers leave their pending jtorch values to this process (worker.defer): when its
    JAX runs on CPU, where one compiled program per batch costs less than the workers' numpy."""
    return xla_bridge.backends_are_initialized() and jax.default_backend() == "cpu"


def _worker_main(jax_ok, *args):
    from . import _host_eval
    _host_eval.install(jax_ok)
    _worker.worker_loop(*args)


def _exit_reason(w):
    """torch's words for how worker process `w` ended."""
    code = w.exitcode
    if code is not None and code < 0:
        return f"DataLoader worker (pid {w.pid}) is killed by signal: {signal.strsignal(-code)}. "
    return (f"DataLoader worker (pid {w.pid}) exited unexpectedly with exit code {code}. Details are lost due "
            "to multiprocessing. Rerunning with num_workers=0 may give better error trace.")


class _MultiProcessingIter(_BaseIter):
    _POLL_S = 0.1   # how often a waiting main process checks that its workers are alive
    _JOIN_S = 5.0   # how long a worker gets to finish at shutdown before it is terminated

    def __init__(self, loader):
        super().__init__(loader)
        self._prefetch_factor = loader.prefetch_factor
        self._num_workers = loader.num_workers
        self._persistent = loader.persistent_workers
        self._in_order = loader.in_order
        self._index_queues, self._workers = [], []
        self._shutdown_done = False
        try:
            self._start_workers(loader)
            self._prime(first_iter=True)
        except BaseException:
            self._shutdown(force=True)  # now: at interpreter exit, queues can no longer be used
            raise

    def _start_workers(self, loader):
        ctx = _mp_context(loader.multiprocessing_context)
        _prepare_for_workers(self._dataset)
        jax_ok = _jax_survives(ctx)
        self._worker_result_queue = ctx.Queue()
        self._workers_done_event = ctx.Event()
        # the collector would walk (and so copy, page by page) every object a forked worker shares
        # with this process; frozen ones are left alone there (unless someone else froze: theirs)
        forking = ctx.get_start_method() == "fork" and gc.get_freeze_count() == 0
        if forking:
            gc.freeze()
        try:
            self._fork_or_spawn(ctx, loader, jax_ok)
        finally:
            if forking:
                gc.unfreeze()

    def _fork_or_spawn(self, ctx, loader, jax_ok):
        defer = _defer_to_main()
        with warnings.catch_warnings():
            # JAX warns on every fork; forked workers never run XLA (see _host_eval)
            warnings.filterwarnings("ignore", message=r".*os\.fork\(\) was called.*")
            warnings.filterwarnings("ignore", category=DeprecationWarning, message=r".*fork.*")
            for i in range(self._num_workers):
                iq = ctx.Queue()
                iq.cancel_join_thread()
                w = ctx.Process(target=_worker_main, daemon=True, args=(
                    jax_ok, self._is_iterable, self._dataset, iq, self._worker_result_queue,
                    self._workers_done_event, self._auto_collation, self._collate_fn, self._drop_last,
                    self._base_seed, loader.worker_init_fn, i, self._num_workers, defer))
                self._index_queues.append(iq)
                w.start()
                self._workers.append(w)

    def _reset(self, loader):
        """A new epoch on persistent workers."""
        self._reset_sampler(loader)
        self._prime(first_iter=False)

    def _prime(self, first_iter):
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._tasks_outstanding = 0
        self._workers_status = [True] * self._num_workers
        self._worker_queue_idx_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:
            for iq in self._index_queues:
                iq.put(_worker._ResumeIteration())
            remaining = self._num_workers
            while remaining > 0:
                idx, _ = self._get_data()
                if isinstance(idx, _worker._ResumeIteration):
                    remaining -= 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        if self._tasks_outstanding >= self._prefetch_factor * self._num_workers:
            return
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            wid = next(self._worker_queue_idx_cycle)
            if self._workers_status[wid]:
                break
        else:
            return
        self._index_queues[wid].put((self._send_idx, index))
        self._task_info[self._send_idx] = (wid,)
        self._tasks_outstanding += 1
        self._send_idx += 1

    def _get_data(self):
        """The next (idx, data) from the workers; raises as torch does when one died or the timeout passed."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else None
        while True:
            wait = self._POLL_S if deadline is None else min(self._POLL_S, deadline - time.monotonic())
            try:
                return self._worker_result_queue.get(timeout=max(wait, 0))
            except queue.Empty:
                pass
            dead = [w for w in self._workers if w.exitcode is not None]
            if dead:
                self._shutdown(force=True)
                pids = ", ".join(str(w.pid) for w in dead)
                raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly") from RuntimeError(
                    _exit_reason(dead[0]))
            if deadline is not None and time.monotonic() >= deadline:
                self._shutdown(force=True)
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def __next__(self):
        while True:
            while self._rcvd_idx < self._send_idx:
                info = self._task_info[self._rcvd_idx]
                if len(info) == 2 or self._workers_status[info[0]]:
                    break
                del self._task_info[self._rcvd_idx]  # that worker is exhausted (iterable dataset)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:
                data = self._task_info.pop(self._rcvd_idx)[1]
                self._rcvd_idx += 1
                return self._process(data)
            idx, data = self._get_data()
            data = _worker.finish(pickle.loads(data))  # workers send pickled bytes (see worker._dumps)
            self._tasks_outstanding -= 1
            if isinstance(data, _worker._IterableDatasetStopIteration):
                self._workers_status[data.worker_id] = False
                self._try_put_index()
                continue
            if idx != self._rcvd_idx:
                self._task_info[idx] += (data,)
            else:
                del self._task_info[idx]
                self._rcvd_idx += 1
                return self._process(data)

    def _process(self, data):
        self._try_put_index()
        self._num_yielded += 1
        if isinstance(data, _worker.ExceptionWrapper):
            if not self._persistent:
                self._shutdown()
            data.reraise()
        return data

    def _shutdown(self, force=False):
        """Stop the workers. `force` (an error, or the interpreter exiting) terminates them at once
        instead of asking through the queues: a queue's feeder thread cannot start at exit."""
        if self.__dict__.get("_shutdown_done", True):
            return
        self._shutdown_done = True
        force = force or sys.is_finalizing()
        done = self.__dict__.get("_workers_done_event")
        try:
            if done is not None:
                done.set()
        except (AttributeError, OSError, ValueError):  # at exit multiprocessing may be half torn down
            force = True
        if not force:
            for iq in self._index_queues:
                try:
                    iq.put(None)
                except (OSError, ValueError):
                    pass
        for w in self._workers:
            if force:
                w.terminate()
            w.join(timeout=self._POLL_S if force else self._JOIN_S)
            if w.is_alive():
                w.kill()
                w.join(timeout=self._POLL_S)
        for q in self._index_queues + [self.__dict__.get("_worker_result_queue")]:
            if q is not None:
                q.cancel_join_thread()
                q.close()

    def __del__(self):
        try:
            self._shutdown()
        except Exception:  # noqa: BLE001 - at exit modules are half torn down; daemon workers die with us
            pass
