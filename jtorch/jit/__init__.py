"""torch.jit on jax: trace/script by tracing, save/load as jax.export StableHLO + weights."""
from ._serialization import load as load
from ._trace import Error as Error, ScriptModule as ScriptModule, is_tracing as is_tracing, script as script
from ._trace import trace as trace

TracedModule = RecursiveScriptModule = ScriptFunction = ScriptModule


def save(m, f, _extra_files=None):
    """torch.jit.save(m, f): same as m.save(f)."""
    if not isinstance(m, ScriptModule):
        raise TypeError(f"jtorch.jit.save expects a module from jtorch.jit.trace/script, got {type(m).__name__}")
    m.save(f, _extra_files)


def is_scripting():
    return False


def ignore(drop=False, **kwargs):
    """torch.jit.ignore: a no-op (tracing runs the Python function)."""
    if callable(drop):
        return drop
    return lambda fn: fn


unused = export = ignore


def annotate(the_type, the_value):
    return the_value


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    return mod


def optimize_for_inference(mod, other_methods=None):
    return mod


def fork(func, *args, **kwargs):
    return _Future(func(*args, **kwargs))


def wait(future):
    return future.value()


class _Future:
    def __init__(self, value):
        self._v = value

    def value(self):
        return self._v


class Final:
    """typing marker torch.jit.Final[...]"""

    def __class_getitem__(cls, item):
        return item
