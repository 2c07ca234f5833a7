"""torch.fx.proxy: the tracer and the values it traces with."""

import math

__all__ = ["Proxy", "Tracer", "TracerBase", "ProxyableClassMeta", "Attribute"]

_WHY = ("jtorch has no symbolic tracing ({}): torch's tracer needs every torch function to accept Proxy "
        "objects through __torch_function__, which jtorch does not dispatch")


class TracerBase:
    pass


class Tracer(TracerBase):
    """Subclassable (libraries define their tracers at import time); trace() raises, naming the reason."""

    def __init__(self, autowrap_modules=(math,), autowrap_functions=(), param_shapes_constant=False):
        self.autowrap_modules = autowrap_modules
        self.autowrap_functions = autowrap_functions
        self.param_shapes_constant = param_shapes_constant

    def is_leaf_module(self, m, module_qualified_name):
        return type(m).__module__.startswith(("torch.nn", "jtorch.nn")) and not type(m).__name__ == "Sequential"

    def trace(self, root, concrete_args=None):
        raise NotImplementedError(_WHY.format("torch.fx.Tracer.trace"))


class Proxy:
    def __init__(self, node, tracer=None):
        raise NotImplementedError(_WHY.format("torch.fx.Proxy"))


class Attribute(Proxy):
    pass


class ProxyableClassMeta(type):
    """Metaclass marking classes whose construction a tracer records; plain construction here."""
