"""Constant/zero/reflection/replication/circular padding layers."""
from .. import functional as F
from .conv import _ntuple
from .module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d", "ZeroPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]


class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]

    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ModePadNd(Module):
    __constants__ = ["padding"]
    _mode = None

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


def _make(base, name, nd, mode=None, zero=False):
    to_tuple = _ntuple(2 * nd)

    if base is _ConstantPadNd:
        if zero:
            def __init__(self, padding):
                _ConstantPadNd.__init__(self, 0.0)
                self.padding = to_tuple(padding)

            def extra_repr(self):
                return f"{self.padding}"
            ns = {"__init__": __init__, "extra_repr": extra_repr}
        else:
            def __init__(self, padding, value):
                _ConstantPadNd.__init__(self, value)
                self.padding = to_tuple(padding)
            ns = {"__init__": __init__}
    else:
        def __init__(self, padding):
            Module.__init__(self)
            self.padding = to_tuple(padding)
        ns = {"__init__": __init__, "_mode": mode}
    ns["__module__"] = __name__
    return type(name, (base,), ns)


ConstantPad1d = _make(_ConstantPadNd, "ConstantPad1d", 1)
ConstantPad2d = _make(_ConstantPadNd, "ConstantPad2d", 2)
ConstantPad3d = _make(_ConstantPadNd, "ConstantPad3d", 3)
ZeroPad1d = _make(_ConstantPadNd, "ZeroPad1d", 1, zero=True)
ZeroPad2d = _make(_ConstantPadNd, "ZeroPad2d", 2, zero=True)
ZeroPad3d = _make(_ConstantPadNd, "ZeroPad3d", 3, zero=True)
ReflectionPad1d = _make(_ModePadNd, "ReflectionPad1d", 1, "reflect")
ReflectionPad2d = _make(_ModePadNd, "ReflectionPad2d", 2, "reflect")
ReflectionPad3d = _make(_ModePadNd, "ReflectionPad3d", 3, "reflect")
ReplicationPad1d = _make(_ModePadNd, "ReplicationPad1d", 1, "replicate")
ReplicationPad2d = _make(_ModePadNd, "ReplicationPad2d", 2, "replicate")
ReplicationPad3d = _make(_ModePadNd, "ReplicationPad3d", 3, "replicate")
CircularPad1d = _make(_ModePadNd, "CircularPad1d", 1, "circular")
CircularPad2d = _make(_ModePadNd, "CircularPad2d", 2, "circular")
CircularPad3d = _make(_ModePadNd, "CircularPad3d", 3, "circular")
