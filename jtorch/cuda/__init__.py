"""torch.cuda on JAX's GPU backend ('cuda' devices are jax's 'gpu' platform)."""
import jax

from .. import _device


def _gpus():
    try:
        return jax.devices("gpu")
    except RuntimeError:
        return []


def is_available():
    return bool(_gpus())


def device_count():
    return len(_gpus())


def current_device():
    if not is_available():
        raise RuntimeError("Found no NVIDIA driver on your system: JAX has no GPU backend here")
    return 0


def get_device_name(device=None):
    d = _device.jax_device(_device.device("cuda") if device is None else
                           _device.device(f"cuda:{device}") if isinstance(device, int) else _device.device(device))
    return d.device_kind


def get_device_capability(device=None):
    d = _device.jax_device("cuda" if device is None else device)
    cc = getattr(d, "compute_capability", "0.0")
    major, minor = str(cc).split(".")[:2]
    return int(major), int(minor)


def synchronize(device=None):
    """Wait for all queued device work (jax dispatch is asynchronous)."""
    (jax.device_put(0.0) + 0).block_until_ready()


def manual_seed(seed):
    from .._ops.random import manual_seed as _seed
    _seed(seed)


manual_seed_all = manual_seed


def _stats(device=None):
    if not is_available():
        return {}
    d = _device.jax_device("cuda" if device is None else device)
    return d.memory_stats() or {}


def memory_allocated(device=None):
    return int(_stats(device).get("bytes_in_use", 0))


def max_memory_allocated(device=None):
    return int(_stats(device).get("peak_bytes_in_use", 0))


def memory_reserved(device=None):
    return int(_stats(device).get("bytes_reserved", _stats(device).get("bytes_limit", 0)))


def empty_cache():
    pass


def set_device(device):
    pass


def is_bf16_supported():
    return is_available()
