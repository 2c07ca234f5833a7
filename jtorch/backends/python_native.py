"""torch.backends.python_native: switches for torch's Python-DSL kernels (Triton, CuTe DSL). jtorch's
kernels are XLA's, so no DSL is available; the switches keep their state for code that reads it."""


class _DSLController:
    def __init__(self, name):
        self.name, self.enabled = name, True

    available = property(lambda self: False)

    def __repr__(self):
        return f"DSLController({self.name}, unavailable, {'enabled' if self.enabled else 'disabled'})"


cutedsl = _DSLController("cutedsl")
triton = _DSLController("triton")
all_dsls = ["cutedsl", "triton"]
available_dsls = []
_disabled_ops, _disabled_keys = set(), set()


def get_dsl_operations(dsl_name):
    if dsl_name not in all_dsls:
        raise ValueError(f"Unknown DSL: {dsl_name}")
    return []


def is_dsl_disabled(dsl_name):
    return not globals()[dsl_name].enabled if dsl_name in all_dsls else True


def is_operation_disabled(op_symbol):
    return op_symbol in _disabled_ops


def disable_operations(*op_symbols):
    _disabled_ops.update(op_symbols)


def enable_operations(*op_symbols):
    _disabled_ops.difference_update(op_symbols)


def disable_dispatch_keys(*dispatch_keys):
    _disabled_keys.update(dispatch_keys)


def enable_dispatch_keys(*dispatch_keys):
    _disabled_keys.difference_update(dispatch_keys)


class operations_disabled:
    """Context manager: the named operations are disabled inside it."""

    def __init__(self, *op_symbols):
        self.ops = set(op_symbols) - _disabled_ops

    def __enter__(self):
        _disabled_ops.update(self.ops)

    def __exit__(self, *exc):
        _disabled_ops.difference_update(self.ops)
        return False
