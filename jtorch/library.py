"""torch.library: Python-defined operators, callable as torch.ops.<namespace>.<name>.

A custom op's Python body runs on jtorch tensors like any other code (it joins the lazy graph, so its shapes
are known without a fake implementation: register_fake is recorded and not needed). register_autograd gives it
its own backward through torch.autograd.Function. Kernels written for torch's dispatcher (C++ or Triton) have
no meaning on JAX and raise.
"""
import inspect
from .autograd.function import Function
from ._ops import registry as _registry

__all__ = ["Library", "impl", "define", "fallthrough_kernel", "impl_abstract", "register_autocast", "register_fake",
           "register_torch_dispatch", "register_vmap", "get_ctx", "get_kernel", "custom_op", "triton_op",
           "wrap_triton", "infer_schema"]

_OPS = {}  # "ns::name" -> CustomOpDef


def _qualname(op):
    if isinstance(op, CustomOpDef):
        return op._qualname
    if not isinstance(op, str) or "::" not in op:
        raise ValueError(f"expected an operator name of the form 'namespace::name', got {op!r}")
    return op


class CustomOpDef:
    """What custom_op returns: call it like the function it wraps."""

    def __init__(self, qualname, fn, schema=None):
        self._qualname = qualname
        self._namespace, self._name = qualname.split("::", 1)
        self._init_fn = fn
        self._schema = schema
        self._abstract_fn = None
        self._backward_fn = None
        self._setup_context_fn = None
        self._vmap_fn = None
        self.__name__ = self._name
        self.__doc__ = fn.__doc__

    def __call__(self, *args, **kwargs):
        if self._backward_fn is None:
            return self._init_fn(*args, **kwargs)
        return self._autograd_function().apply(*args, **kwargs)

    def _autograd_function(self):
        op = self

        class _CustomOp(Function):
            @staticmethod
            def forward(ctx, *args):
                out = op._init_fn(*args)
                if op._setup_context_fn is not None:
                    op._setup_context_fn(ctx, args, out)
                return out

            @staticmethod
            def backward(ctx, *grads):
                res = op._backward_fn(ctx, *grads)
                return res if isinstance(res, tuple) else (res,)

        _CustomOp.__name__ = f"{self._name}_backward"
        return _CustomOp

    def register_fake(self, fn=None, /):
        return _register(lambda f: setattr(self, "_abstract_fn", f), fn)

    def register_autograd(self, backward, /, *, setup_context=None):
        self._backward_fn = backward
        self._setup_context_fn = setup_context

    def register_kernel(self, device_types, fn=None, /):
        return _register(lambda f: None, fn)  # one kernel serves every device here

    def register_vmap(self, fn=None, /):
        return _register(lambda f: setattr(self, "_vmap_fn", f), fn)

    def register_autocast(self, device_type, cast_inputs):
        """jtorch's autocast casts inside the ops the custom op calls."""

    def __repr__(self):
        return f"<CustomOpDef({self._qualname})>"


def _register(store, fn):
    if fn is None:
        def deco(f):
            store(f)
            return f
        return deco
    store(fn)
    return fn


def custom_op(name, fn=None, /, *, mutates_args, device_types=None, schema=None, tags=None):
    """Define `name` ("namespace::op") from a Python function; also reachable as torch.ops.namespace.op."""
    def make(f):
        op = CustomOpDef(_qualname(name), f, schema)
        _OPS[op._qualname] = op
        return op
    return make if fn is None else make(fn)


def triton_op(name, fn=None, /, *, mutates_args, schema=None):
    return custom_op(name, fn, mutates_args=mutates_args, schema=schema)


def wrap_triton(triton_kernel, /):
    raise NotImplementedError("jtorch cannot run Triton kernels (torch.library.wrap_triton): write the op with "
                              "torch operations")


def register_fake(op, func=None, /, *, lib=None, _stacklevel=1, allow_override=True):
    return _op(op).register_fake(func)


def register_autograd(op, backward, /, *, setup_context=None, lib=None):
    _op(op).register_autograd(backward, setup_context=setup_context)


def register_kernel(op, device_types, func=None, /, *, lib=None):
    return _op(op).register_kernel(device_types, func)


def register_vmap(op, func=None, /, *, lib=None):
    return _op(op).register_vmap(func)


def register_autocast(op, device_type, cast_inputs, /, *, lib=None):
    _op(op).register_autocast(device_type, cast_inputs)


def register_torch_dispatch(op, torch_dispatch_class, func=None, /, *, lib=None):
    raise NotImplementedError("jtorch has no __torch_dispatch__ (torch.library.register_torch_dispatch)")


def _op(op):
    q = _qualname(op)
    if q not in _OPS:
        raise ValueError(f"register: operator {q} does not exist (define it with torch.library.custom_op)")
    return _OPS[q]


def impl_abstract(qualname, func=None, *, lib=None, _stacklevel=1):
    """The older name of register_fake."""
    return register_fake(qualname, func, lib=lib)


def get_ctx():
    raise NotImplementedError("jtorch runs no fake implementations, so there is no fake context "
                              "(torch.library.get_ctx)")


def get_kernel(op, dispatch_key):
    return _op(op)._init_fn


def infer_schema(prototype_function, /, *, mutates_args, op_name=None, tags=()):
    """The schema string torch would infer, from the annotations: "(Tensor x, int n) -> Tensor"."""
    names = {"Tensor": "Tensor", "int": "SymInt", "float": "float", "bool": "bool", "str": "str"}
    sig = inspect.signature(prototype_function)

    def spell(ann):
        text = ann if isinstance(ann, str) else getattr(ann, "__name__", str(ann))
        return names.get(text, text)
    params = ", ".join(f"{spell(p.annotation)} {p.name}" for p in sig.parameters.values())
    ret = sig.return_annotation
    return f"({params}) -> {spell(ret) if ret is not inspect.Signature.empty else '()'}"


class Library:
    """Library(ns, kind): a namespace to define() schemas in and impl() Python kernels for."""

    def __init__(self, ns, kind, dispatch_key=""):
        if kind not in ("IMPL", "DEF", "FRAGMENT"):
            raise ValueError("Unsupported kind: ", kind)
        self.ns, self.kind, self.dispatch_key = ns, kind, dispatch_key

    def define(self, schema, alias_analysis="", *, tags=()):
        name = schema.split("(", 1)[0].strip()
        _OPS.setdefault(f"{self.ns}::{name}", CustomOpDef(f"{self.ns}::{name}", _undefined(self.ns, name), schema))
        return name

    def impl(self, op_name, fn, dispatch_key="", *, with_keyset=False, allow_override=False):
        name = op_name if isinstance(op_name, str) else op_name.__name__
        q = name if "::" in name else f"{self.ns}::{name.split('.')[0]}"
        if q in _OPS:
            _OPS[q]._init_fn = fn
        else:
            _OPS[q] = CustomOpDef(q, fn)

    def fallback(self, fn, dispatch_key="", *, with_keyset=False):
        raise NotImplementedError("jtorch has no dispatcher fallbacks (torch.library.Library.fallback)")

    def _destroy(self):
        pass


def _undefined(ns, name):
    def kernel(*args, **kwargs):
        raise NotImplementedError(f"{ns}::{name} was defined but has no implementation (torch.library.impl)")
    return kernel


def define(qualname, schema, *, lib=None, tags=()):
    ns, name = _qualname(qualname).split("::", 1)
    _OPS.setdefault(qualname, CustomOpDef(qualname, _undefined(ns, name), schema))


def impl(qualname, types, func=None, *, lib=None):
    def store(f):
        q = _qualname(qualname)
        if q in _OPS:
            _OPS[q]._init_fn = f
        else:
            _OPS[q] = CustomOpDef(q, f)
        return f
    return store if func is None else store(func)


def fallthrough_kernel():
    raise NotImplementedError("fallthrough_kernel is a dispatcher marker; jtorch has no dispatcher")


class _Namespace:
    """torch.ops.<ns>: its custom ops by name (torch.ops.aten.<op> is jtorch's own op of that name)."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        op = _OPS.get(f"{self._ns}::{name}")
        if op is not None:
            return op
        if self._ns == "aten":  # torch's own ops: the op table's functions
            fn = _registry.FUNCTIONS.get(name)
            if fn is None:
                raise _registry.missing("torch.ops.aten", name)
            return fn
        raise AttributeError(f"'_OpNamespace' '{self._ns}' object has no attribute '{name}'")


class _Ops:
    """torch.ops."""

    def __getattr__(self, ns):
        if ns.startswith("__"):
            raise AttributeError(ns)
        return _Namespace(ns)

    def load_library(self, path):
        raise NotImplementedError(f"jtorch cannot load compiled torch operator libraries (torch.ops.load_library "
                                  f"{path!r})")


ops = _Ops()
