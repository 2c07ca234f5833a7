"""torch.device on jax devices: 'cpu', 'cuda[:N]' (jax's gpu backend), 'tpu[:N]'."""
import threading
import weakref

import jax
from jax.sharding import NamedSharding, PartitionSpec

# None until a tensor lands off the default device; then the dispatcher calls it with
# (opdef, args) to raise torch's mixed-device error (a setting for the process, not a mode)
device_check = None

_JAX_PLATFORM = {"cpu": "cpu", "cuda": "gpu", "tpu": "tpu"}


_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
          "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone", "tpu")


class device:
    """torch.device(type, index=None): a device type ('cpu', 'cuda', 'tpu', 'mps', ...) and optional index.

    As in torch, a device never equals a string (`torch.device('cpu') == 'cpu'` is False); compare
    `.type` or `str(device)`. 'tpu' is jtorch's name for jax's TPU backend.
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's argument name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and index is None:
            type, index = _accelerator_type(), type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({_typename(type)})")
        if ":" in type:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed explicitly: {type}")
            t, idx = type.split(":", 1)
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            type, index = t, int(idx)
        if type == "gpu":
            type = "cuda"
        if type not in _TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: {type}")
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        """`with torch.device(d):` new tensors land on d inside the block (jax.default_device, per thread);
        under 'meta' factories make meta tensors (shape and dtype, no values)."""
        global meta_made
        if self.type == "meta":
            meta_made = True
            ctx = _META_CONTEXT
        else:
            ctx = jax.default_device(jax_device(self))
            ctx.__enter__()
        _device_contexts.stack.append(ctx)
        return self

    def __exit__(self, *exc):
        ctx = _device_contexts.stack.pop()
        if ctx is not _META_CONTEXT:
            ctx.__exit__(*exc)
        return False


class _DeviceContexts(threading.local):
    """Per thread, the jax.default_device contexts `with torch.device(...)` entered, innermost last."""

    def __init__(self):
        self.stack = []


_device_contexts = _DeviceContexts()

# -- the meta device --------------------------------------------------------------------------
# A meta tensor is a Lazy whose value is META: shape and dtype only, never computed. Dispatch gives
# ops on one meta results without a graph node, so no program ever sees META.


class _NoData:
    __slots__ = ()

    def __repr__(self):
        return "<meta: no data>"


META = _NoData()
meta_made = False        # set once meta tensors can exist: until then dispatch never looks for them
_META_CONTEXT = object()  # what `with torch.device('meta')` puts on the context stack
_meta_default = False    # torch.set_default_device('meta')


def default_is_meta():
    """Whether factories without a device make meta tensors here (innermost `with torch.device` wins)."""
    stack = _device_contexts.stack
    return stack[-1] is _META_CONTEXT if stack else _meta_default


def wants_meta(d):
    """Whether a factory's `device` argument (None: the default device) asks for a meta tensor."""
    if d is None:
        return meta_made and default_is_meta()
    return d == "meta" or (isinstance(d, device) and d.type == "meta") or \
        (isinstance(d, str) and d.startswith("meta:"))


def meta_inputs(name, lazies):
    """Whether the inputs of op `name` include a meta value; torch's error when they mix one with real
    tensors that are not 0-dim (those join ops on any device). copy_ crosses devices: its result is meta
    and writing it into a real tensor raises."""
    meta = real = None
    for lz in lazies:
        if lz is None:
            continue
        if lz.value is META:
            meta = lz
        elif lz.shape and real is None:
            real = lz
    if meta is not None and real is not None and name != "_copy":
        raise RuntimeError(f"Tensor on device {tensor_device(real)} is not on the expected device meta!")
    return meta is not None


def _typename(x):
    return type(x).__name__


def _accelerator_type():
    """The device type a bare index names (torch.device(1)): the accelerator jax has."""
    platform = jax.default_backend()
    if platform == "cpu":
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return "cuda" if platform == "gpu" else platform


def jax_device(d):
    """The jax.Device for a torch device (or None for 'whatever jax uses by default')."""
    d = device(d) if not isinstance(d, device) else d
    if d.type == "mps":
        raise RuntimeError("jtorch has no 'mps' device: JAX has no Metal backend, so torch.backends.mps."
                           "is_available() is False. Use 'cpu', 'cuda' or 'tpu'.")
    if d.type == "meta":
        raise NotImplementedError("a meta tensor has no jax device: it holds no values")
    platform = _JAX_PLATFORM.get(d.type, d.type)
    try:
        devs = jax.devices(platform)
    except RuntimeError:  # torch without that backend asserts it; jtorch's cause is jax's install
        raise AssertionError(f"Torch not compiled with {d.type.upper()} enabled (jtorch: found no {d.type} device, "
                             f"JAX has no '{platform}' backend on this machine; available: "
                             f"{sorted({x.platform for x in jax.devices()})})") from None
    index = d.index or 0
    if index >= len(devs):
        raise RuntimeError(f"{d.type}:{index} is not available: JAX sees {len(devs)} {d.type} device(s)")
    _note_placement(devs[index])
    return devs[index]


_cpu = device("cpu")
_meta = device("meta")


def _from_jax(d):
    """The torch device of a jax.Device (jax's cpu device k > 0 is 'cpu:k', reachable only in tests that
    force several host devices)."""
    if d.platform == "cpu":
        return _cpu if d.id == 0 else device("cpu", d.id)
    return device("cuda" if d.platform == "gpu" else d.platform, d.id)


def default_device():
    """Where jax puts uncommitted arrays: its default backend's first device."""
    return _from_jax(jax.devices()[0])


def device_of(value):
    """The torch device a concrete value lives on (cpu for host values; an array sharded over a
    device mesh reports its first device, as torch reports DataParallel outputs on device_ids[0])."""
    devs = getattr(value, "devices", None)
    if devs is None:
        return _cpu
    try:
        ds = devs()
    except (ValueError, TypeError):
        return _cpu
    if not ds:
        return _cpu
    return _from_jax(min(ds, key=_device_id) if len(ds) > 1 else next(iter(ds)))


def _device_id(d):
    return d.id


# -- same-device checks -------------------------------------------------------------------
# Checking every op costs time, so dispatch checks only once some tensor was committed to a
# device other than jax's default one (`.to('cuda:1')`, `.cpu()` on a GPU machine).
_pending_devices = weakref.WeakKeyDictionary()
_MISSING = object()


def _committed(value):
    """The torch device of a value committed to a device, or None (host values and uncommitted
    jax arrays follow whatever they are combined with, as in jax)."""
    if not isinstance(value, jax.Array) or not getattr(value, "_committed", True):
        return None
    return device_of(value)


def lazy_device(lz):
    """The committed device a Lazy's value comes from (first committed leaf of a pending graph), or None."""
    v = lz.value
    if v is not None:
        return _committed(v)
    hit = _pending_devices.get(lz, _MISSING)
    if hit is not _MISSING:
        return hit
    found, stack, seen = None, [lz], set()
    while stack:
        x = stack.pop()
        if x.value is not None:
            found = _committed(x.value)
            if found is not None:
                break
            continue
        hit = _pending_devices.get(x, _MISSING)
        if hit is not _MISSING:
            if hit is not None:
                found = hit
                break
            continue
        if id(x) in seen or x.node is None:
            continue
        seen.add(id(x))
        stack.extend(i for i in reversed(x.node.inputs) if i is not None)
    _pending_devices[lz] = found
    return found


def tensor_device(lz):
    """Tensor.device: a concrete value's device; a pending value's inputs' device, else the default."""
    v = lz.value
    if v is not None:
        return _meta if v is META else device_of(v)
    d = lazy_device(lz)
    return default_device() if d is None else d


def check_same_device(opdef, lazies):
    """torch's error for an op whose (non-scalar) tensor arguments live on different devices
    (`lazies`: the values of the op's tensor arguments, in order)."""
    first = None
    for lz in lazies:
        if not lz.shape:
            continue  # torch lets 0-dim CPU tensors join ops on any device
        d = lazy_device(lz)
        if d is None:
            continue
        if first is None:
            first = d
        elif d != first:
            raise RuntimeError("Expected all tensors to be on the same device, but found at least two "
                               f"devices, {first} and {d}!")


def _note_placement(jdev):
    """Turn on the dispatcher's same-device check once a tensor lands off the default device."""
    if jdev is not jax.devices()[0]:
        global device_check
        device_check = check_same_device


def reconcile(values):
    """Leaf arrays for one program whose committed devices jax rejected as incompatible.

    0-dim arrays join any device (torch lets CPU scalars into CUDA ops); arrays on one device
    of a mesh other leaves are sharded over are replicated onto it (a DataParallel output
    meets a target on device_ids[0]); any other mix raises torch's error."""

    def committed(v):
        return isinstance(v, jax.Array) and getattr(v, "_committed", True)

    meshes = [v.sharding.mesh for v in values if committed(v) and isinstance(v.sharding, NamedSharding)
              and len(v.sharding.device_set) > 1]
    singles = sorted({d for v in values if committed(v) and v.ndim and len(v.sharding.device_set) == 1
                      for d in v.sharding.device_set}, key=_device_id)
    if meshes:
        mesh = meshes[0]
        stray = [d for d in singles if d not in set(mesh.devices.flat)]
        if stray:
            raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                               f"{_from_jax(mesh.devices.flat[0])} and {_from_jax(stray[0])}!")
        target = NamedSharding(mesh, PartitionSpec())
    elif len(singles) > 1:
        raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                           f"{_from_jax(singles[0])} and {_from_jax(singles[1])}!")
    elif singles:
        target = singles[0]
    else:
        target = jax.devices()[0]
    return [jax.device_put(v, target) if committed(v) and len(v.sharding.device_set) == 1 else v for v in values]


def get_default_device():
    """torch.get_default_device: where factory functions put new tensors (jax's default device here)."""
    if meta_made and default_is_meta():
        return _meta
    chosen = jax.config.jax_default_device
    if chosen is None:
        return default_device()
    return _from_jax(chosen) if not isinstance(chosen, str) else device(chosen)


def set_default_device(device):
    """torch.set_default_device: new tensors land on `device` (jax's default device is set to it); None resets."""
    global _meta_default, meta_made
    _meta_default = device is not None and wants_meta(device)
    if _meta_default:
        meta_made = True
        return
    jax.config.update("jax_default_device", None if device is None else jax_device(device))
