"""torch.types: the type aliases torch's signatures use."""
import os
from typing import IO, Union

from ._device import device as _device

__all__ = ["Number", "Device", "FileLike", "Storage"]

Number = Union[int, float, bool]
Device = Union[_device, str, int, None]
FileLike = Union[str, os.PathLike, IO[bytes]]


class Storage:
    """The type a tensor's storage has (typing only: jtorch tensors hold jax arrays)."""
