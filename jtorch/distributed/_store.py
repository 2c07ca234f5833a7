"""torch.distributed's key-value stores: the rendezvous blackboard ranks share.

HashStore (one process), FileStore (processes sharing a file) and PrefixStore (a namespace over
another store) are complete. TCPStore speaks to jax.distributed's coordinator key-value store,
which exists only once jax.distributed is initialized (init_process_group with several processes).
"""
import datetime
import fcntl
import os
import pickle
import threading
import time

from jax._src import distributed as _jax_distributed

from .distributed_c10d import DistError


class DistStoreError(DistError):
    """torch.distributed.DistStoreError: a store operation failed (most often a wait that timed out)."""


class QueueEmptyError(DistStoreError):
    """torch.distributed.QueueEmptyError: queue_pop on an empty queue without blocking."""


_DEFAULT_TIMEOUT = datetime.timedelta(minutes=5)


def _as_bytes(value):
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (list, tuple)):  # torch also takes a list of byte values
        return bytes(value)
    return bytes(value)


class Store:
    """Base class of the stores; subclasses provide _read() -> dict and _update(fn) (fn mutates the dict
    under the store's lock and returns its result)."""

    def __init__(self):
        self._timeout = _DEFAULT_TIMEOUT

    @property
    def timeout(self):
        return self._timeout

    def set_timeout(self, timeout):
        self._timeout = timeout

    def _poll(self, keys, timeout=None):
        """Block until every key exists; torch's 'Wait timeout' DistStoreError after `timeout`."""
        limit = (timeout or self._timeout).total_seconds()
        deadline = time.monotonic() + limit
        while True:
            data = self._read()
            if all(k in data for k in keys):
                return data
            if time.monotonic() >= deadline:
                raise DistStoreError("Wait timeout")
            time.sleep(0.01)

    def set(self, key, value):
        value = _as_bytes(value)
        self._update(lambda d: d.__setitem__(key, value))

    def get(self, key):
        return self._poll([key])[key]

    def add(self, key, amount):
        def bump(d):
            try:
                current = int(d.get(key, b"0"))
            except ValueError:
                raise ValueError("stoll") from None  # torch's message: C++'s string-to-integer failed
            d[key] = str(current + int(amount)).encode()
            return current + int(amount)
        return self._update(bump)

    def append(self, key, value):
        value = _as_bytes(value)
        self._update(lambda d: d.__setitem__(key, d.get(key, b"") + value))

    def compare_set(self, key, expected_value, desired_value):
        expected, desired = _as_bytes(expected_value), _as_bytes(desired_value)

        def swap(d):
            if key not in d:  # torch: a missing key is set only when `expected` is empty
                if expected:
                    return expected
                d[key] = desired
                return desired
            if d[key] == expected:
                d[key] = desired
            return d[key]
        return self._update(swap)

    def delete_key(self, key):
        return self._update(lambda d: d.pop(key, None) is not None)

    def num_keys(self):
        return len(self._read())

    def check(self, keys):
        data = self._read()
        return all(k in data for k in keys)

    def wait(self, keys, timeout=None):
        self._poll(list(keys), timeout)

    def multi_get(self, keys):
        data = self._poll(list(keys))
        return [data[k] for k in keys]

    def multi_set(self, keys, values):
        pairs = [(k, _as_bytes(v)) for k, v in zip(keys, values)]
        self._update(lambda d: d.update(pairs))

    def has_extended_api(self):
        return True

    def list_keys(self):
        return list(self._read())

    def queue_push(self, key, value):
        value = _as_bytes(value)
        self._update(lambda d: d.setdefault(("queue", key), []).append(value))

    def queue_len(self, key):
        return len(self._read().get(("queue", key), []))

    def queue_pop(self, key, block=True):
        deadline = time.monotonic() + self._timeout.total_seconds()
        while True:
            got = self._update(lambda d: d[("queue", key)].pop(0) if d.get(("queue", key)) else None)
            if got is not None:
                return got
            if not block:
                raise QueueEmptyError(f"queue '{key}' is empty")
            if time.monotonic() >= deadline:
                raise DistStoreError("Wait timeout")
            time.sleep(0.01)


class HashStore(Store):
    """A store in this process's memory (threads of one process share it)."""

    def __init__(self):
        super().__init__()
        self._data = {}
        self._lock = threading.Lock()

    def _read(self):
        with self._lock:
            return {k: v for k, v in self._data.items() if not isinstance(k, tuple)} | \
                {k: list(v) for k, v in self._data.items() if isinstance(k, tuple)}

    def _update(self, fn):
        with self._lock:
            return fn(self._data)

    def num_keys(self):
        return sum(not isinstance(k, tuple) for k in self._read())


class FileStore(Store):
    """A store in a file that every process of the group opens (the file lock orders their updates)."""

    def __init__(self, file_name, world_size=-1):
        super().__init__()
        self.path = file_name
        self.world_size = world_size
        open(file_name, "ab").close()

    def _locked(self, fn, write):
        with open(self.path, "r+b") as f:
            fcntl.flock(f, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            raw = f.read()
            data = pickle.loads(raw) if raw else {}
            result = fn(data)
            if write:
                f.seek(0)
                f.truncate()
                f.write(pickle.dumps(data))
            return result

    def _read(self):
        return self._locked(dict, write=False)

    def _update(self, fn):
        return self._locked(fn, write=True)

    def num_keys(self):
        return sum(not isinstance(k, tuple) for k in self._read())

    def get(self, key):
        try:
            return super().get(key)
        except DistStoreError:  # torch's FileStore names the key in its timeout
            ms = int(self._timeout.total_seconds() * 1000)
            raise DistStoreError(f"Timeout waiting for key: {key} after {ms} ms") from None

    def delete_key(self, key):  # torch's FileStore answers True whether or not the key was there
        self._update(lambda d: d.pop(key, None))
        return True


class PrefixStore(Store):
    """Every key of `store` seen under `prefix + '/'`: one namespace of a shared store."""

    def __init__(self, prefix, store):
        super().__init__()
        self._prefix = prefix + "/"
        self.underlying_store = store

    def _key(self, key):
        return self._prefix + key

    def set(self, key, value):
        self.underlying_store.set(self._key(key), value)

    def get(self, key):
        return self.underlying_store.get(self._key(key))

    def add(self, key, amount):
        return self.underlying_store.add(self._key(key), amount)

    def append(self, key, value):
        self.underlying_store.append(self._key(key), value)

    def compare_set(self, key, expected_value, desired_value):
        return self.underlying_store.compare_set(self._key(key), expected_value, desired_value)

    def delete_key(self, key):
        return self.underlying_store.delete_key(self._key(key))

    def num_keys(self):  # torch counts the whole underlying store
        return self.underlying_store.num_keys()

    def check(self, keys):
        return self.underlying_store.check([self._key(k) for k in keys])

    def wait(self, keys, timeout=None):
        self.underlying_store.wait([self._key(k) for k in keys], timeout)

    def multi_get(self, keys):
        return self.underlying_store.multi_get([self._key(k) for k in keys])

    def multi_set(self, keys, values):
        self.underlying_store.multi_set([self._key(k) for k in keys], values)

    @property
    def timeout(self):
        return self.underlying_store.timeout

    def set_timeout(self, timeout):
        self.underlying_store.set_timeout(timeout)


class TCPStore(Store):
    """torch's TCP store, served here by jax.distributed's coordinator key-value store: usable once
    jax.distributed is initialized (init_process_group with several processes), an error before."""

    def __init__(self, host_name, port, world_size=None, is_master=False, timeout=_DEFAULT_TIMEOUT,
                 wait_for_workers=True, multi_tenant=False, master_listen_fd=None, use_libuv=True):
        super().__init__()
        client = _jax_distributed.global_state.client
        if client is None:
            raise RuntimeError("jtorch's TCPStore uses jax.distributed's key-value store: call "
                               "init_process_group with several processes (or jax.distributed.initialize) first; "
                               "HashStore or FileStore serve a single process")
        self._client, self.host, self.port, self._timeout = client, host_name, port, timeout
        self.libuvBackend = use_libuv

    def _ms(self, timeout=None):
        return int((timeout or self._timeout).total_seconds() * 1000)

    def set(self, key, value):
        self._client.key_value_set_bytes("jtorch/" + key, _as_bytes(value), allow_overwrite=True)

    def get(self, key):
        try:
            return self._client.blocking_key_value_get_bytes("jtorch/" + key, self._ms())
        except Exception as e:  # jax reports DEADLINE_EXCEEDED
            raise DistStoreError("Wait timeout") from e

    def wait(self, keys, timeout=None):
        for k in keys:
            try:
                self._client.blocking_key_value_get_bytes("jtorch/" + k, self._ms(timeout))
            except Exception as e:
                raise DistStoreError("Wait timeout") from e

    def check(self, keys):
        return all(self._client.key_value_try_get_bytes("jtorch/" + k) is not None for k in keys)

    def delete_key(self, key):
        present = self.check([key])
        self._client.key_value_delete("jtorch/" + key)
        return present

    def _unsupported(self, name):
        raise NotImplementedError(f"jtorch's TCPStore.{name}: jax's key-value store has no atomic "
                                  "read-modify-write; use FileStore for counters shared by processes")

    def add(self, key, amount):
        self._unsupported("add")

    def compare_set(self, key, expected_value, desired_value):
        self._unsupported("compare_set")

    def append(self, key, value):
        self._unsupported("append")

    def num_keys(self):
        return len(self._client.key_value_dir_get_bytes("jtorch/"))
