"""torch.distributed's record and handle classes: collective options, Work, ProcessGroup, debug levels.

The option records carry torch's fields and defaults (a timeout of -1 ms means 'the group's default');
jtorch's collectives take their arguments directly, so the records matter to code that builds them.
"""
import datetime
import enum
import os

from .distributed_c10d import ProcessGroup, ReduceOp

_UNSET = datetime.timedelta(milliseconds=-1)


class _Options:
    _fields = {}

    def __init__(self):
        self.timeout = _UNSET
        self.asyncOp = True
        for name, default in self._fields.items():
            setattr(self, name, default() if callable(default) else default)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class AllreduceOptions(_Options):
    _fields = {"reduceOp": ReduceOp.SUM}


class AllreduceCoalescedOptions(AllreduceOptions):
    pass


class ReduceOptions(_Options):
    _fields = {"reduceOp": ReduceOp.SUM, "rootRank": 0, "rootTensor": 0}


class ReduceScatterOptions(_Options):
    _fields = {"reduceOp": ReduceOp.SUM}


class BroadcastOptions(_Options):
    _fields = {"rootRank": 0, "rootTensor": 0}


class GatherOptions(_Options):
    _fields = {"rootRank": 0}


class ScatterOptions(_Options):
    _fields = {"rootRank": 0}


class AllToAllOptions(_Options):
    pass


class BarrierOptions(_Options):
    _fields = {"device": None, "device_ids": list}


class DebugLevel(enum.Enum):
    OFF = 0
    INFO = 1
    DETAIL = 2


_debug = {"level": None}


def set_debug_level(level):
    _debug["level"] = DebugLevel(level)


def set_debug_level_from_env():
    name = os.environ.get("TORCH_DISTRIBUTED_DEBUG", "OFF").upper()
    if name not in DebugLevel.__members__:
        raise ValueError(f"The value of TORCH_DISTRIBUTED_DEBUG must be OFF, INFO, or DETAIL, but is {name}")
    _debug["level"] = DebugLevel[name]


def get_debug_level():
    if _debug["level"] is None:
        set_debug_level_from_env()
    return _debug["level"]


class BuiltinCommHookType(enum.Enum):
    ALLREDUCE = 0
    FP16_COMPRESS = 1


class ProcessGroupGloo(ProcessGroup):
    """torch.distributed.ProcessGroupGloo: jtorch's one CPU backend (XLA's gloo collectives)."""


class BackendConfig:
    """torch.distributed.BackendConfig: device type -> backend name."""

    def __init__(self, backend):
        name = str(backend).lower()
        if ":" in name:
            self._map = dict(pair.split(":") for pair in name.split(","))
        elif name == "undefined":
            self._map = {"cpu": "gloo", "cuda": "nccl"}
        else:
            self._map = {"cpu": name, "cuda": name}

    def get_device_backend_map(self):
        return dict(self._map)

    def __repr__(self):
        return ",".join(f"{d}:{b}" for d, b in self._map.items())


class GroupName(str):
    """torch.distributed.GroupName: a process group's registered name."""


def _no_reducer(what):
    raise NotImplementedError(f"torch.distributed.{what} is DistributedDataParallel's C++ gradient bucketing; "
                              "jtorch's DistributedDataParallel reduces gradients through XLA and has none")


class GradBucket:
    def __init__(self, *args, **kwargs):
        _no_reducer("GradBucket")


class Reducer:
    def __init__(self, *args, **kwargs):
        _no_reducer("Reducer")


class Logger:
    def __init__(self, *args, **kwargs):
        _no_reducer("Logger")
