"""torch.nn.attention: choosing scaled_dot_product_attention's kernel, and flex attention.

jtorch has one attention lowering (XLA picks its own fusion), so choosing a kernel only changes speed in
torch and is accepted here without effect; asking for a kernel by a name torch does not have is an error.
"""
import contextlib
import enum

__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS", "register_flash_attention_impl",
           "activate_flash_attention_impl", "list_flash_attention_impls", "current_flash_attention_impl",
           "restore_flash_attention_impl"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.IntEnum):
    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority=False):
    """Pick scaled_dot_product_attention's kernels inside the block (all give torch's math result here)."""
    for b in backends if isinstance(backends, (list, tuple)) else [backends]:
        if not isinstance(b, SDPBackend):
            raise AssertionError("Backend must be an instance of SDPBackend")
    yield {}


_flash = {"registered": {}, "active": None}


def register_flash_attention_impl(impl, *, register_fn):
    _flash["registered"][impl] = register_fn


def activate_flash_attention_impl(impl):
    if impl not in _flash["registered"]:
        raise ValueError(f"Unknown flash attention impl '{impl}'. Available implementations: "
                         f"{sorted(_flash['registered'])}")
    _flash["active"] = impl


def list_flash_attention_impls():
    return sorted(_flash["registered"])


def current_flash_attention_impl():
    return _flash["active"]


def restore_flash_attention_impl(_raise_warn=True):
    _flash["active"] = None
