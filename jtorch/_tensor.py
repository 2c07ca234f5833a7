"""Tensor: a handle on a lazy value, with torch's attributes, dunders and methods.

Methods come from the op table (jtorch._ops); this file holds only what is about the
handle itself: autograd flags, views and in-place rebinding, sync points and conversions.
"""
import typing
import warnings
import weakref

import jax
import numpy as np

from . import _dtype, _strides, _tensor_str
from ._device import META, device as _device_cls, tensor_device
from ._engine import backward as _backward, dispatch, modes, sync
from ._engine.graph import Lazy
from ._engine.modes import CaptureError
from ._shape import wrap_dim


class Size(tuple):
    """torch.Size."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


# torch's words (its C++ Tensor::grad), for users who filter or match on them
_NON_LEAF_GRAD = ("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                  "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
                  "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access "
                  "the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
                  "github.com/pytorch/pytorch/pull/30531 for more information.")


class _GradFn:
    """What `tensor.grad_fn` returns: names the backward node like torch does."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name

    def __repr__(self):
        return f"<{self._name} object at {hex(id(self))}>"


if typing.TYPE_CHECKING:  # the op table's methods, spelled out for checkers (tools/gen_stubs.py writes the stub)
    from ._tensor_methods import _TensorMethods
else:
    _TensorMethods = object


class Tensor(_TensorMethods):
    __slots__ = ("_lazy", "_grad", "_version", "_base", "_view", "_hooks", "_retains", "__weakref__",
                 "__dict__")

    # -- construction ---------------------------------------------------------------------
    # Tensor(...) itself (torch's legacy constructor), to(), in-place rebinding (_assign), .data
    # and pickling are ops: the op table attaches them (jtorch._ops.creation, jtorch._ops.inplace)

    def _init(self, lazy):
        self._lazy = lazy
        self._grad = None
        self._version = 0
        self._base = None
        self._view = None
        self._hooks = None
        self._retains = False

    @classmethod
    def _from_lazy(cls, lazy):
        t = object.__new__(cls)
        t._init(lazy)
        if lazy.value is None:
            sync.track(t)
        return t

    @classmethod
    def _from_value(cls, value, dtype=None, shape=None):
        """A concrete tensor holding `value` (a jax or numpy array; shape and dtype are read from it
        unless given, as they must be for the meta device's placeholder)."""
        t = object.__new__(cls)
        t._init(Lazy(tuple(value.shape) if shape is None else tuple(shape),
                     _dtype.from_np(value.dtype) if dtype is None else dtype, value=value))
        return t

    # -- views and in-place rebinding -----------------------------------------------------
    def _make_view(self, src, step):
        """Record that self is src viewed through `step` (op, static, output index)."""
        base, chain = (src._base, src._view[0] + (step,)) if src._base is not None else (src, (step,))
        self._base = base
        self._view = (chain, base._version)

    def _fresh_lazy(self):
        """The current value; a view whose base was written since recomputes from it."""
        base = self._base
        if base is None or self._view[1] == base._version:
            return self._lazy
        chain = self._view[0]
        t = base
        for op, static, index in chain:
            t = dispatch.dispatch(op, (t,), tuple(v for k, v in static if k != "_dtype"))
            if index is not None:
                t = t[index]
        self._lazy = t._lazy
        self._view = (chain, base._version)
        return self._lazy

    def _rebind(self, new, old):
        """Point self at a new value; a leaf stays a leaf (same .grad owner)."""
        if old.grad_fn is None and new.grad_fn is None and old.requires_grad:
            new.requires_grad = True
            new.owner = old.owner
        self._lazy = new
        self._version += 1
        if new.value is None:
            sync.track(self)

    # -- autograd flags -------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._fresh_lazy().requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        lz = self._fresh_lazy()
        if lz.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to "
                                   "use a computed variable in a subgraph that doesn't require differentiation "
                                   "use var_no_grad = var.detach().")
            return self
        if requires_grad and not (lz.dtype.is_floating_point or lz.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        lz.requires_grad = bool(requires_grad)
        lz.owner = weakref.ref(self) if requires_grad else None
        return self

    @property
    def is_leaf(self):
        return self._fresh_lazy().grad_fn is None

    @property
    def grad_fn(self):
        name = self._fresh_lazy().grad_fn
        return None if name is None else _GradFn(name)

    @property
    def grad(self):
        if self._grad is None and not self._retains and not self.is_leaf:  # the usual slip: y.grad for x.grad
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None and value.shape != self.shape:
            raise RuntimeError(f"assigned grad has data of a different size: {list(value.shape)} vs "
                               f"{list(self.shape)}")
        self._grad = value

    def retain_grad(self):
        if self.is_leaf:
            return
        self._retains = True
        _backward.cut(self).retains = True

    @property
    def retains_grad(self):
        return self._retains

    def register_hook(self, hook):
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        return _backward.register_hook(self, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if self._lazy.value is META:  # meta results keep no graph to differentiate
            raise NotImplementedError("jtorch: backward() through meta tensors is not supported")
        _backward.entry(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach_(self):
        lz = self._fresh_lazy()
        self._lazy = Lazy(lz.shape, lz.dtype, value=lz.value, node=lz.node, index=lz.index)
        if lz.value is None:
            sync.track(self)
        return self

    @property
    def data(self):
        return dispatch.dispatch(dispatch.OPS["_alias"], (self,), ())

    @data.setter
    def data(self, value):
        self._lazy = Lazy(value._lazy.shape, value._lazy.dtype, value._lazy.value, value._lazy.node,
                          value._lazy.index, self._lazy.requires_grad and self.is_leaf)
        if self._lazy.requires_grad:
            self._lazy.owner = weakref.ref(self)
        if self._lazy.value is None:
            sync.track(self)
        self._version += 1

    # -- metadata -------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._lazy.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._lazy.shape)
        return self._lazy.shape[wrap_dim(dim, len(self._lazy.shape))]

    @property
    def dtype(self):
        return self._lazy.dtype

    @property
    def ndim(self):
        return len(self._lazy.shape)

    def dim(self):
        return len(self._lazy.shape)

    ndimension = dim

    def numel(self):
        n = 1
        for s in self._lazy.shape:
            n *= s
        return n

    nelement = numel

    def element_size(self):
        return self._lazy.dtype.itemsize

    @property
    def itemsize(self):
        return self._lazy.dtype.itemsize

    @property
    def nbytes(self):
        return self.numel() * self._lazy.dtype.itemsize

    @property
    def device(self):
        return tensor_device(self._lazy)

    @property
    def is_meta(self):
        return self._lazy.value is META

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def get_device(self):
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def is_floating_point(self):
        return self._lazy.dtype.is_floating_point

    def is_complex(self):
        return self._lazy.dtype.is_complex

    def stride(self, dim=None):
        strides = _strides.layout(self)[1]
        if dim is None:
            return strides
        return strides[wrap_dim(dim, self.dim())]

    def storage_offset(self):
        return _strides.layout(self)[2]

    def data_ptr(self):
        """A stand-in address with torch's relations: views of one tensor share its storage (so
        `x[1:].data_ptr() == x.data_ptr() + x.stride(0) * x.element_size()`), in-place ops keep it,
        copies get their own. There is no memory behind it."""
        if self._lazy.value is META:
            return 0  # as torch: no memory behind a meta tensor
        base = self if self._base is None else self._base
        return (id(base) << 4) + self.storage_offset() * self.element_size()

    def is_contiguous(self, memory_format=None):
        if memory_format in (_strides.channels_last, _strides.channels_last_3d):
            return _strides.is_channels_last(*_strides.layout(self)[:2])
        return self._base is None or _strides.is_contiguous(*_strides.layout(self)[:2])

    def is_signed(self):
        return self._lazy.dtype.is_signed

    @property
    def is_sparse(self):
        return False

    @property
    def layout(self):
        return "torch.strided"

    def __len__(self):
        if not self._lazy.shape:
            raise TypeError("len() of a 0-d tensor")
        return self._lazy.shape[0]

    # -- sync points ----------------------------------------------------------------------
    def _value(self, reason="value"):
        lz = self._fresh_lazy()
        if lz.value is None:
            sync.materialize([lz], reason)
        v = lz.value
        if v is META:
            raise _no_data(reason)
        if isinstance(v, jax.core.Tracer):
            raise CaptureError(
                f"jtorch: {reason} needs a concrete value, but this tensor is being traced by jtorch.compile "
                "(data-dependent Python control flow or a .item() inside the compiled function); move it out "
                "of the compiled function")
        return v

    def numpy(self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        return np.asarray(self._value("numpy"))

    def __array__(self, dtype=None, copy=None):
        v = self._value("numpy")
        if copy is False:
            # numpy's contract: copy=False must share memory or raise; a device buffer or a cast cannot
            dev = self.device
            if dev.type != "cpu" or (dtype is not None and np.dtype(dtype) != np.dtype(v.dtype)):
                raise ValueError(f"Unable to avoid copy while creating an array as requested (a {self.dtype} "
                                 f"tensor on {dev}{'' if dtype is None else ' cast to ' + str(np.dtype(dtype))}).")
        a = np.asarray(v)
        if dtype is not None and np.dtype(dtype) != a.dtype:
            return a.astype(dtype)  # already a fresh, writable array
        # jax's host view is read-only: copy=True asks for memory the caller may write
        return np.array(a, copy=True) if copy else a

    # -- JAX interop ----------------------------------------------------------------------
    def _jax_value(self):
        """The value as JAX sees it: pending values are computed; a tracer (inside jax.jit or
        jax.grad of a function over tensors) is returned as is."""
        lz = self._fresh_lazy()
        if lz.value is None:
            sync.materialize([lz], "jax")
        if lz.value is META:
            raise _no_data("jax")
        return lz.value

    def __jax_array__(self):
        """jnp.asarray(t), jnp.sin(t): the tensor's own jax array, without a copy."""
        v = self._jax_value()
        return jax.numpy.asarray(v) if isinstance(v, np.ndarray) else v

    def __dlpack__(self, *, stream=-1, max_version=None, dl_device=None, copy=None):
        if self.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        kwargs = {"max_version": max_version, "dl_device": dl_device, "copy": copy}
        if stream is not None and stream != -1:
            kwargs["stream"] = stream
        return self.__jax_array__().__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self.__jax_array__().__dlpack_device__()

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return np.asarray(self._value("item")).reshape(()).item()

    def tolist(self):
        return np.asarray(self._value("tolist")).tolist()

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(np.asarray(self._value("bool")).reshape(()))

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __index__(self):
        if self._lazy.dtype.is_floating_point or self._lazy.dtype.is_complex or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        lz = self._fresh_lazy()
        if isinstance(lz.value, jax.core.Tracer):
            return f"tensor(<traced {list(lz.shape)} {lz.dtype}>)"
        if lz.value is META:
            return self._meta_repr(lz)
        arr = np.asarray(self._value("repr"))
        suffixes = []
        dev = self.device
        if dev.type != "cpu":
            suffixes.append(f"device='{dev}'")
        if lz.grad_fn is not None:
            suffixes.append(f"grad_fn=<{lz.grad_fn}>")
        elif lz.requires_grad:
            suffixes.append("requires_grad=True")
        return _tensor_str.tensor_repr(arr, repr(lz.dtype), default_dtype_name=repr(_dtype.get_default_dtype()),
                                       suffixes=suffixes, prefix=self._repr_prefix())

    def _meta_repr(self, lz):
        """torch's form for a tensor without values: tensor(..., device='meta', size=(2, 3))."""
        parts = ["...", "device='meta'", f"size={tuple(lz.shape)}"]
        if lz.dtype is not _dtype.get_default_dtype():
            parts.append(f"dtype={lz.dtype!r}")
        if lz.grad_fn is not None:
            parts.append(f"grad_fn=<{lz.grad_fn}>")
        elif lz.requires_grad:
            parts.append("requires_grad=True")
        return self._repr_prefix() + ", ".join(parts) + ")"

    def _repr_prefix(self):
        return "tensor("

    __str__ = __repr__

    def __format__(self, spec):
        if self.dim() == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __iter__(self):
        if not self._lazy.shape:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __reversed__(self):
        return iter(self.flip(0).unbind(0))

    def __contains__(self, element, /):
        return bool((self == element).any())

    # -- copying and pickling -------------------------------------------------------------
    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.")
        value = self._lazy.value if self._lazy.value is META else self._value("deepcopy")
        new = type(self)._from_value(value, self._lazy.dtype, self._lazy.shape)
        if self.requires_grad:
            new.requires_grad_(True)
        new.__dict__.update(self.__dict__)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def __getstate__(self):
        raise TypeError("Tensor pickles through __reduce_ex__")

    # -- conversions ----------------------------------------------------------------------
    def cpu(self, memory_format=None):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        return self.to(_device_cls("cuda" if device is None else device if not isinstance(device, int)
                                   else f"cuda:{device}"))

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return _dtype.tensor_type_name(self.dtype)
        if isinstance(dtype, str):
            dtype = _dtype.from_tensor_type_name(dtype)
        return self.to(dtype)

    def float(self):
        return self.to(_dtype.float32)

    def double(self):
        return self.to(_dtype.float64)

    def half(self):
        return self.to(_dtype.float16)

    def bfloat16(self):
        return self.to(_dtype.bfloat16)

    def long(self):
        return self.to(_dtype.int64)

    def int(self):
        return self.to(_dtype.int32)

    def short(self):
        return self.to(_dtype.int16)

    def char(self):
        return self.to(_dtype.int8)

    def byte(self):
        return self.to(_dtype.uint8)

    def bool(self):
        return self.to(_dtype.bool)

    def type_as(self, other):
        return self.to(other.dtype)

    def contiguous(self, memory_format=None):
        """self when its layout is row-major already, else a copy (values are never strided
        here, so other memory formats are accepted and give the row-major copy)."""
        if self._base is None or _strides.is_contiguous(*_strides.layout(self)[:2]):
            return self
        return self.clone()

    def pin_memory(self):
        return self

    def share_memory_(self):
        return self

    def is_pinned(self):
        return False

    # -- small attributes torch code probes ------------------------------------------------
    __array_priority__ = 1000  # numpy defers to the tensor's reflected operators (ndarray + tensor)

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    is_xpu = property(lambda self: self.device.type == "xpu")
    is_mps = property(lambda self: self.device.type == "mps")
    is_mtia = property(lambda self: self.device.type == "mtia")
    is_maia = property(lambda self: self.device.type == "maia")
    is_ipu = property(lambda self: self.device.type == "ipu")
    is_vulkan = property(lambda self: self.device.type == "vulkan")
    # torch's is_xla means a torch_xla device; jtorch's devices are cpu/cuda/meta even though XLA runs them
    is_xla = property(lambda self: self.device.type == "xla")
    # no quantized, mkldnn, nested or compressed-sparse tensors exist here
    is_quantized = property(lambda self: False)
    is_mkldnn = property(lambda self: False)
    is_nested = property(lambda self: False)
    is_sparse_csr = property(lambda self: False)

    @property
    def name(self):
        return None  # named tensors: no dimension carries a name

    @property
    def volatile(self):
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    @property
    def grad_dtype(self):
        return self._lazy.dtype  # .grad always has the tensor's own dtype here

    @property
    def output_nr(self):
        """Which output of the op that made this tensor it is (0 for leaves and single-output ops)."""
        lz = self._fresh_lazy()
        return lz.index or 0 if lz.grad_fn is not None else 0

    def is_inference(self):
        return False  # tensors made under inference_mode are not marked apart here

    def is_shared(self):
        return False  # no tensor lives in shared memory: values are jax arrays

    def is_nonzero(self):
        n = self.numel()
        if n != 1:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous" if n == 0 else
                               "Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def is_same_size(self, other):
        return tuple(self.shape) == tuple(other.shape)

    def is_set_to(self, tensor):
        """True when both name the same elements of the same storage (same base, offset, sizes, strides)."""
        if not isinstance(tensor, Tensor):
            raise TypeError(f"is_set_to(): argument 'tensor' (position 1) must be Tensor, not {type(tensor).__name__}")
        mine = self if self._base is None else self._base
        theirs = tensor if tensor._base is None else tensor._base
        return mine is theirs and _strides.layout(self) == _strides.layout(tensor)

    def const_data_ptr(self):
        return self.data_ptr()

    def dim_order(self, *, ambiguity_check=False):
        """Dimensions from outermost to innermost in memory (largest stride first)."""
        if not isinstance(ambiguity_check, (bool, list)):
            raise TypeError("The ambiguity_check argument must be a bool or a list of memory formats.")
        strides = self.stride()
        return tuple(sorted(range(self.dim()), key=lambda d: -strides[d]))

    def as_subclass(self, cls):
        """The same value (and autograd history) as an instance of `cls`, a Tensor subclass."""
        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError(f"as_subclass(): argument 'cls' must be a subclass of torch.Tensor, not {cls!r}")
        t = object.__new__(cls)
        t._init(self._fresh_lazy())
        if t._lazy.value is None:
            sync.track(t)
        return t

    def cfloat(self):
        return self.to(_dtype.complex64)

    def cdouble(self):
        return self.to(_dtype.complex128)

    def chalf(self):
        raise RuntimeError("jtorch has no torch.complex32 (chalf): XLA has no half-precision complex type; use "
                           "cfloat() instead")

    def module_load(self, other, assign=False):
        """What nn.Module.load_state_dict swaps in for self when loading `other`."""
        return other.detach() if assign else self.copy_(other).detach()

    def __delitem__(self, key, /):
        raise TypeError("Tensor does not support deleting items")

    def __long__(self):
        return int(self)

    def __nonzero__(self):
        return bool(self)

    # dense answers for layout accessors: every jtorch tensor is strided (no sparse/quantized/mkldnn kinds)
    def to_dense(self, dtype=None, *, masked_grad=None):
        return self if dtype is None else self.to(dtype)

    def dense_dim(self):
        return self.dim()

    def sparse_dim(self):
        return 0

    def dequantize(self):
        return self  # a float tensor is its own dequantized value

    def is_distributed(self):
        return False

    def record_stream(self, stream):
        """torch marks memory as used by another CUDA stream; XLA orders its own work, so nothing to mark."""

    def smm(self, mat2):
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors")

    def sspaddmm(self, mat1, mat2, *, beta=1, alpha=1):
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors")

    def to_sparse_coo(self):
        raise RuntimeError("Tensor.to_sparse_coo: jtorch has no sparse tensors (every tensor is dense, torch.strided)")

    def index(self, positions, dims):
        raise NotImplementedError("Tensor.index binds dimensions to first-class dims (functorch.dim), which jtorch "
                                  "does not have")

    def __setstate__(self, state):
        """Old pickles' states: 4 fields (storage, offset, size, stride) for a tensor, 5 for a Variable (its data
        first, requires_grad fourth), 3 (requires_grad first) otherwise; backward hooks are not restored."""
        if not self.is_leaf:
            raise RuntimeError("__setstate__ can be only called on leaf Tensors")
        fields = len(state)
        if fields == 4:
            source, offset, size, stride = state
            self.set_(source, offset, size, stride)
            return
        if fields == 5:
            self.data = state[0]
        self.requires_grad = state[3] if fields == 5 else state[0]

    @property
    def __cuda_array_interface__(self):
        if self.device.type == "cuda":  # the jax array on the GPU describes its own buffer
            return self._jax_value().__cuda_array_interface__
        raise AttributeError(f"Can't get __cuda_array_interface__ on non-CUDA tensor type: {self.type()} If CUDA "
                             f"data is required use tensor.cuda() to copy tensor to device memory.")

    def reinforce(self, reward):
        raise RuntimeError("reinforce() was removed. Use torch.distributions instead "
                           "(see https://pytorch.org/docs/main/distributions.html).")

    def eig(self, eigenvectors=False):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. Use "
                           "torch.linalg.eig (or torch.linalg.eigvals) instead.")

    def symeig(self, eigenvectors=False):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. Use "
                           "torch.linalg.eigh (or torch.linalg.eigvalsh) instead.")

    def solve(self, other):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. Use "
                           "torch.linalg.solve instead (note its arguments come in the reverse order).")

    def lstsq(self, other):
        raise RuntimeError("This function was deprecated since version 1.9 and is now removed. Use "
                           "torch.linalg.lstsq instead (note its arguments come in the reverse order).")

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise dispatch.missing("torch.Tensor", name)


_type_name = _dtype.scalar_name


def _no_data(reason):
    """torch's error for reading the values of a meta tensor (which has none)."""
    if reason in ("item", "bool"):
        return RuntimeError("Tensor.item() cannot be called on meta tensors")
    if reason == "numpy":
        return TypeError("can't convert meta device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
                         "host memory first.")
    return NotImplementedError("Cannot copy out of meta tensor; no data!")


def _tree_flatten(t):
    """A Tensor is a pytree node over its jax array (computed if pending), so jax.jit, jax.grad and
    jax.tree_util take tensors; requires_grad comes back on a concrete rebuilt tensor."""
    lz = t._fresh_lazy()
    leaf = lz.value if lz.dtype is None else t._jax_value()
    return (leaf,), (lz.requires_grad and lz.dtype is not None)


def _tree_unflatten(cls, requires_grad, children):
    leaf = children[0]
    try:
        lz = Lazy(tuple(leaf.shape), _dtype.from_np(leaf.dtype), value=leaf)
    except (AttributeError, TypeError):
        # jax rebuilds trees with placeholders (None, in_axes numbers, sentinels): hold one as is
        lz = Lazy((), None, value=leaf)
    t = object.__new__(cls)
    t._init(lz)
    if requires_grad and lz.dtype is not None and not isinstance(leaf, jax.core.Tracer) and \
            (lz.dtype.is_floating_point or lz.dtype.is_complex):
        t.requires_grad_(True)
    return t


def _register_pytree(cls):
    jax.tree_util.register_pytree_node(cls, _tree_flatten, lambda aux, ch: _tree_unflatten(cls, aux, ch))


def _init_subclass(cls, **kwargs):
    _register_pytree(cls)  # jax registers exact types: every subclass (Parameter, Buffer, users') too


Tensor.__init_subclass__ = classmethod(_init_subclass)

def _strided_only(name, wanted):
    def fn(self, *args, **kwargs):
        raise RuntimeError(f"{name} expected {wanted} tensor layout but got Strided")
    fn.__name__ = fn.__qualname__ = name
    return fn


def _no_dense_kernel(name):
    def fn(self, *args, **kwargs):
        raise NotImplementedError(f"Could not run 'aten::{name}' with arguments from the 'CPU' backend: it runs only "
                                  f"on sparse, quantized or nested tensors, which jtorch does not have.")
    fn.__name__ = fn.__qualname__ = name
    return fn


def _no_layout(name, layout):
    def fn(self, *args, **kwargs):
        raise RuntimeError(f"Tensor.{name}: jtorch has no {layout} tensors (every tensor is dense, torch.strided)")
    fn.__name__ = fn.__qualname__ = name
    return fn


def _no_device(name, error, text):
    def fn(self, device=None, non_blocking=False, memory_format=None):
        raise error(text)
    fn.__name__ = fn.__qualname__ = name
    return fn


for _name, _wanted in (("is_coalesced", "sparse coordinate"), ("coalesce", "sparse coordinate"),
                       ("indices", "sparse coordinate"), ("values", "sparse"),
                       ("crow_indices", "sparse row compressed"), ("col_indices", "sparse row compressed"),
                       ("ccol_indices", "sparse column compressed"), ("row_indices", "sparse column compressed")):
    setattr(Tensor, _name, _strided_only(_name, _wanted))
for _name in ("int_repr", "q_scale", "q_zero_point", "q_per_channel_scales", "q_per_channel_zero_points",
              "q_per_channel_axis", "qscheme", "to_padded_tensor", "sparse_mask", "sparse_resize_",
              "sparse_resize_and_clear_", "resize_as_sparse_"):
    setattr(Tensor, _name, _no_dense_kernel(_name))
for _name in ("to_sparse", "to_sparse_csr", "to_sparse_csc", "to_sparse_bsr", "to_sparse_bsc"):
    setattr(Tensor, _name, _no_layout(_name, "sparse"))
Tensor.to_mkldnn = _no_layout("to_mkldnn", "mkldnn")
Tensor.ipu = _no_device("ipu", RuntimeError, "PyTorch is not linked with support for ipu devices")
Tensor.xpu = _no_device("xpu", AssertionError, "Torch not compiled with XPU enabled")
Tensor.mtia = _no_device("mtia", AssertionError, "Torch not compiled with MTIA enabled")
del _name, _wanted
_register_pytree(Tensor)

dispatch._Tensor = Tensor
