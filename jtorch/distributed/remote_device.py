"""torch.distributed.remote_device: a device on a named worker ("worker0/cuda:0") or rank ("rank:1/cpu")."""
from .._device import device as _device


class _remote_device:  # noqa: N801 - torch's name
    def __init__(self, remote_device):
        if isinstance(remote_device, _remote_device):
            remote_device = str(remote_device)
        if not isinstance(remote_device, str):
            raise TypeError(f"Invalid type for remote_device: {type(remote_device)}")
        where, sep, dev = remote_device.partition("/")
        if not sep:  # a bare device, or a bare worker name
            where, dev = (None, remote_device) if _is_device(remote_device) else (remote_device, "cpu")
        self._worker_name, self._rank = None, None
        if where is not None and where.startswith("rank:"):
            self._rank = int(where[len("rank:"):])
        else:
            self._worker_name = where
        if not _is_device(dev):
            raise ValueError(f"Could not parse remote_device: {remote_device}")
        self._device = _device(dev)

    def worker_name(self):
        return self._worker_name

    def rank(self):
        return self._rank

    def device(self):
        return self._device

    def __str__(self):
        if self._worker_name is not None:
            return f"{self._worker_name}/{self._device}"
        if self._rank is not None:
            return f"rank:{self._rank}/{self._device}"
        return str(self._device)

    def __repr__(self):
        return self.__str__()

    def __eq__(self, other):
        return isinstance(other, _remote_device) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


def _is_device(text):
    try:
        _device(text)
    except (RuntimeError, ValueError, TypeError):
        return False
    return True
