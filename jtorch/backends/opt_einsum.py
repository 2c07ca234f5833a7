"""torch.backends.opt_einsum: contraction-order search for torch.einsum. XLA orders contractions itself, so
the switches are recorded (they change speed only)."""
import importlib.util

enabled = True
strategy = "auto"


def is_available():
    return importlib.util.find_spec("opt_einsum") is not None


def get_opt_einsum():
    if not is_available():
        return None
    import opt_einsum
    return opt_einsum
