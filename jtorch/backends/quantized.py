"""torch.backends.quantized: the engine torch's quantized kernels use. jtorch has no quantized
kernels; the setting is kept (and checked) so that code choosing an engine runs."""
import sys
import types

_ENGINES = ["qnnpack", "onednn", "x86", "fbgemm"]


class _QuantizedModule(types.ModuleType):
    _engine = "x86"

    @property
    def supported_engines(self):
        return list(_ENGINES)

    @property
    def engine(self):
        return type(self)._engine

    @engine.setter
    def engine(self, value):
        if value not in _ENGINES:
            raise RuntimeError(f"{value} is not a valid value for quantized engine")
        type(self)._engine = value


sys.modules[__name__].__class__ = _QuantizedModule
