"""torch.distributed.algorithms."""
from .join import Join as Join, JoinHook as JoinHook, Joinable as Joinable  # noqa: F401
