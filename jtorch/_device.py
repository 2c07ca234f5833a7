"""torch.device on jax devices: 'cpu', 'cuda[:N]' (jax's gpu backend), 'tpu[:N]'."""
import jax

_JAX_PLATFORM = {"cpu": "cpu", "cuda": "gpu", "tpu": "tpu"}


class device:
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and index is None:
            type, index = "cuda", type
        if ":" in type:
            if index is not None:
                raise ValueError(f"type (string) must not include an index because index was passed explicitly: {type}")
            type, idx = type.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type == "gpu":
            type = "cuda"
        if type not in ("cpu", "cuda", "tpu", "mps", "meta", "xla"):
            raise RuntimeError(
                f"Expected one of cpu, cuda, tpu, mps, meta device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (str(self),))


def jax_device(d):
    """The jax.Device for a torch device (or None for 'whatever jax uses by default')."""
    d = device(d) if not isinstance(d, device) else d
    if d.type == "mps":
        raise RuntimeError("jtorch has no 'mps' device: JAX has no Metal backend here. Use 'cpu', 'cuda' or 'tpu'.")
    if d.type == "meta":
        raise NotImplementedError("jtorch has no 'meta' device")
    platform = _JAX_PLATFORM.get(d.type, d.type)
    try:
        devs = jax.devices(platform)
    except RuntimeError:
        raise RuntimeError(f"Found no {d.type} device: JAX has no '{platform}' backend on this machine "
                           f"(available: {sorted({x.platform for x in jax.devices()})})") from None
    index = d.index or 0
    if index >= len(devs):
        raise RuntimeError(f"{d.type}:{index} is not available: JAX sees {len(devs)} {d.type} device(s)")
    return devs[index]


_cpu = device("cpu")


def device_of(value):
    """The torch device a concrete value lives on (cpu for host scalars and pending values)."""
    devs = getattr(value, "devices", None)
    if devs is None:
        return _cpu
    try:
        (d,) = devs()
    except (ValueError, TypeError):
        return _cpu
    if d.platform == "cpu":
        return _cpu
    return device("cuda" if d.platform == "gpu" else d.platform, d.id)
