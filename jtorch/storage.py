"""torch.UntypedStorage: a flat run of bytes.

jtorch tensors hold jax arrays, not storages; an UntypedStorage is host bytes (a numpy uint8 buffer, memory
mapped when read from a file) that torch.asarray / torch.frombuffer turn into tensors. safetensors' torch
loader reads checkpoints this way: UntypedStorage.from_file, a slice, torch.asarray(..., dtype=torch.uint8).
"""
import numpy as np
from ._dtype import uint8

__all__ = ["UntypedStorage"]


class UntypedStorage:
    def __init__(self, size=0, *, device=None):
        self._bytes = np.zeros(int(size), dtype=np.uint8) if not isinstance(size, np.ndarray) else size
        self.device = device or "cpu"

    @classmethod
    def from_file(cls, filename, shared=False, nbytes=0):
        """The file's first `nbytes` bytes (memory mapped; `shared` writes would reach the file)."""
        mode = "r+" if shared else "c"
        return cls(np.memmap(filename, dtype=np.uint8, mode=mode, shape=(int(nbytes),)) if nbytes
                   else np.memmap(filename, dtype=np.uint8, mode=mode))

    @classmethod
    def from_buffer(cls, buffer, byte_order="native", count=-1, offset=0, dtype=None):
        return cls(np.frombuffer(buffer, dtype=np.uint8, count=count, offset=offset))

    def nbytes(self):
        return int(self._bytes.size)

    def size(self):
        return self.nbytes()

    def __len__(self):
        return self.nbytes()

    def element_size(self):
        return 1

    @property
    def dtype(self):
        return uint8

    def tolist(self):
        return self._bytes.tolist()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return UntypedStorage(self._bytes[index], device=self.device)
        return int(self._bytes[index])

    def __array__(self, dtype=None, copy=None):
        return self._bytes if dtype is None else self._bytes.astype(dtype)

    def data_ptr(self):
        return self._bytes.ctypes.data

    def is_shared(self):
        return False

    def cpu(self):
        return self

    def untyped(self):
        return self

    def __repr__(self):
        return f" {' '.join(str(b) for b in self._bytes[:20].tolist())}\n[torch.storage.UntypedStorage(device=" \
               f"{self.device}) of size {self.nbytes()}]"
