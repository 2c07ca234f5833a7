"""torch.distributed.algorithms.join: training with uneven inputs across ranks.

In one process there is no other rank to wait for, so Join runs its block as written. Across processes,
jtorch's DistributedDataParallel has no shadow collectives for ranks that ran out of data, so entering a Join
there raises, naming the reason, instead of hanging in a collective.
"""
from .. import distributed_c10d as _c10d
from ..._device import get_default_device

__all__ = ["JoinHook", "Joinable", "Join"]


class JoinHook:
    def main_hook(self):
        """Called while other ranks still have inputs."""

    def post_hook(self, is_last_joiner):
        """Called once every rank has joined."""


class Joinable:
    def join_hook(self, **kwargs):
        return JoinHook()

    @property
    def join_device(self):
        return get_default_device()

    @property
    def join_process_group(self):
        return _c10d.group.WORLD


class Join:
    def __init__(self, joinables, enable=True, throw_on_early_termination=False, **kwargs):
        if len(joinables) == 0:
            raise ValueError("The join context manager requires at least one joinable")
        self._joinables = joinables
        self._enable = enable
        self._hooks = [j.join_hook(**kwargs) for j in joinables] if hasattr(joinables[0], "join_hook") else []

    def __enter__(self):
        if self._enable and _c10d._multi():
            raise NotImplementedError("jtorch has no uneven-input joining across processes "
                                      "(torch.distributed.algorithms.Join): give every rank the same number of "
                                      "batches")
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._enable and exc_type is None:
            for h in self._hooks:
                h.post_hook(True)
        return False

    @staticmethod
    def notify_join_context(joinable):
        return None
