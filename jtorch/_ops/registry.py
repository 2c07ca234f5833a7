"""The op table: every op is one pure jnp lowering registered under its torch name.

`@op(...)` turns a lowering `def add(input, other, *, alpha=1)` into the public torch
function with the same signature. Calling it records a node on the lazy graph (or runs
at once when the inputs are tracers, inside `jtorch.compile` or a custom function);
the same function object serves as the Tensor method, and `name_` forms are generated
for in-place variants.
"""
import inspect
from weakref import ref as _weakref

import jax
import numpy as np

from .. import _device, _dtype
from .._engine import metrics, modes, sync
from .._engine.graph import Lazy, Node
from . import _checks

OPS = {}        # torch name -> OpDef
FUNCTIONS = {}  # names exported as jtorch.<name>
METHODS = {}    # names installed on Tensor


class OpDef:
    """One op: its lowering and what the dispatcher needs to know about it."""

    __slots__ = ("name", "fn", "tensors", "static_names", "promote", "view", "grad_name", "differentiable",
                 "_avals", "__weakref__")

    def __init__(self, name, fn, tensors, static_names, promote, view, grad_name, differentiable):
        self.name = name
        self.fn = fn
        self.tensors = tensors
        self.static_names = static_names
        self.promote = promote
        self.view = view
        self.grad_name = grad_name
        self.differentiable = differentiable
        self._avals = {}

    def lower(self, *arrays, _dtype=None, **static):
        if _dtype is not None:
            arrays = [a if a is None or a.dtype == _dtype else a.astype(_dtype) for a in arrays]
        return self.fn(*arrays, **static)

    def __repr__(self):
        return f"<op {self.name}>"

    def __reduce__(self):
        return (OPS.__getitem__, (self.name,))


def _camel(name):
    return "".join(p[:1].upper() + p[1:] for p in name.strip("_").split("_"))


def op(name=None, *, tensors=("input",), promote=None, method=True, function=True, inplace=False,
       view=False, grad_name=None, differentiable=True, list_input=None):
    """Register a lowering as a torch op.

    tensors: parameter names that take tensors (a Python scalar there becomes an input
      leaf, so changing it never recompiles); every other parameter is static.
    promote: None (lowering sees inputs as given), "same" (cast to torch's result type),
      "float" (like "same", but integer results become the default float dtype),
      "compare" (cast to the common type; the lowering returns bool).
    list_input: name of a parameter taking a sequence of tensors (cat, stack, ...).
    """
    def deco(fn):
        opname = name or fn.__name__
        if opname in OPS:
            raise RuntimeError(f"jtorch op {opname!r} is registered twice")
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        if list_input:
            static_names = tuple(p.name for p in params if p.kind is not p.VAR_POSITIONAL)
        else:
            static_names = tuple(p.name for p in params if p.name not in tensors)
        opdef = OpDef(opname, fn, tensors, static_names, promote, view,
                      grad_name or _camel(opname) + "Backward0", differentiable)
        OPS[opname] = opdef
        public = _make_public(opdef, params, list_input)
        public.op = opdef
        if function:
            FUNCTIONS[opname] = public
        if method:
            METHODS[opname] = public
        if inplace:
            METHODS[opname + "_"] = _make_inplace(public, opname + "_")
        return public
    return deco


def public(name=None, *, method=True, function=True):
    """Register a hand-written torch function (argument parsing on top of an `op`)."""
    def deco(fn):
        n = name or fn.__name__
        if function:
            FUNCTIONS[n] = fn
        if method:
            METHODS[n] = fn
        return fn
    return deco


def _make_public(opdef, params, list_input):
    """Generate `def name(<torch signature>): return _dispatch(...)` for speed and exact signatures."""
    sig_parts, seen_kwonly = [], False
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            sig_parts.append(list_input)
            continue
        if p.kind is p.KEYWORD_ONLY and not seen_kwonly:
            sig_parts.append("*")
            seen_kwonly = True
        sig_parts.append(p.name if p.default is p.empty else f"{p.name}={p.name}__d")
    if list_input:
        tensor_expr = f"tuple({list_input})"
    else:
        tensor_expr = "(" + "".join(t + ", " for t in opdef.tensors) + ")"
    static_expr = "(" + "".join(f"_st({s}), " for s in opdef.static_names) + ")"
    src = (f"def {opdef.name}({', '.join(sig_parts)}):\n"
           f"    return _dispatch(_op, {tensor_expr}, {static_expr})\n")
    ns = {"_dispatch": dispatch, "_op": opdef, "_st": _static}
    ns.update({f"{p.name}__d": p.default for p in params if p.default is not p.empty})
    exec(src, ns)  # noqa: S102 - generated from our own signatures
    fn = ns[opdef.name]
    fn.__doc__ = opdef.fn.__doc__
    fn.__qualname__ = fn.__name__ = opdef.name
    fn.__module__ = "jtorch"
    return fn


def _make_inplace(public, name):
    def inplace(self, *args, **kwargs):
        return self._assign(public(self, *args, **kwargs), name)
    inplace.__name__ = inplace.__qualname__ = name
    return inplace


_PLAIN = frozenset((int, float, bool, str, type(None)))


def _static(v):
    """Static arguments must be hashable: lists become tuples."""
    if type(v) in _PLAIN:
        return v
    if isinstance(v, list):
        return tuple(_static(x) for x in v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, tuple):
        if all(type(x) in _PLAIN for x in v):
            return v
        return tuple(_static(x) for x in v)
    if isinstance(v, _Tensor):
        if v.numel() == 1 and not v.dtype.is_floating_point:
            return int(v.item())
        raise TypeError("expected a Python number or tuple, got a Tensor in a shape/dim argument")
    return v


# -- dispatch ----------------------------------------------------------------------------

_Tensor = None       # set by jtorch._tensor (avoids an import cycle)


_scalars = {}  # exact bits + dtype -> device array: a scalar fed every step is transferred once


def scalar_value(value, np_dtype):
    """A device array holding `value` (a Python number or numpy array) as `np_dtype`.

    Calling a jitted program with device arrays is much cheaper than with numpy scalars,
    and learning rates and constant factors repeat from step to step, so they are cached
    (by exact bits, so -0.0 and nan are kept apart). The cache is bounded.
    """
    # a non-zero Python number is its own key (0.0 and -0.0, nan and nan go by their bits)
    fast = (type(value), value, np_dtype) if type(value) in (float, int) and value and value == value else None
    out = _scalars.get(fast) if fast is not None else None
    if out is not None:
        return out
    arr = np.asarray(value, dtype=np_dtype)
    key = fast or (arr.dtype.str, arr.shape, arr.tobytes())
    out = _scalars.get(key)
    if out is None:
        if len(_scalars) >= 4096:
            _scalars.clear()
        out = jax.device_put(arr)
        if isinstance(out, jax.core.Tracer):  # inside a jax.jit trace: a constant there, never cached
            return arr
        _scalars[key] = out
    return out


def _scalar_lazy(value, dt):
    return Lazy((), dt, value=scalar_value(value, dt.np))


def _promote_kinds(args):
    kinds = []
    for a in args:
        if isinstance(a, _Tensor):
            kinds.append((a.dtype, 0 if a._lazy.shape else 1))
        elif a is not None and not isinstance(a, (str, type(Ellipsis))):
            kinds.append((_dtype.scalar_dtype(a), 2))
    kinds = tuple(kinds)
    out = _promoted.get(kinds)
    if out is None:
        out = _promoted[kinds] = _dtype.result_type(*kinds)
    return out


_promoted = {}  # operand kinds -> torch's result dtype (few distinct kinds occur)


def _same_dtype(args):
    """The dtype all tensor arguments share when there are no Python scalars (the usual case:
    then torch's promotion is that dtype), else None."""
    dt = None
    for a in args:
        if a is None:
            continue
        if not isinstance(a, _Tensor):
            return None
        if dt is None:
            dt = a._lazy.dtype
        elif a._lazy.dtype is not dt:
            return None
    return dt


def dispatch(opdef, args, static):
    """Record (or run) one op call; returns a Tensor or a tuple of Tensors."""
    mode = modes.get()
    if mode.autocast is not None:
        args = _autocast_args(opdef, args, mode.autocast)
    if _device.device_check is not None:
        _device.device_check(opdef, args)
    promote = opdef.promote
    common = same = None
    if promote is not None:
        same = _same_dtype(args)
        common = same or _promote_kinds(args)
        if promote == "float" and not (common.is_floating_point or common.is_complex):
            common = _dtype.get_default_dtype()
    lazies = []
    requires_grad = False
    eager = mode.tracing > 0
    for a in args:
        if isinstance(a, _Tensor):
            lz = a._fresh_lazy()
            requires_grad = requires_grad or lz.requires_grad
        elif a is None:
            lz = None
        else:
            if isinstance(a, (list, tuple)):
                raise TypeError(f"{opdef.name}(): expected a Tensor, got {type(a).__name__}")
            lz = _scalar_lazy(a, common or _dtype.scalar_dtype(a))
        lazies.append(lz)
    static = tuple(zip(opdef.static_names, static))
    if common is not None and common is not same:
        for lz in lazies:
            if lz is not None and lz.dtype is not common:
                static += (("_dtype", common.np),)
                break
    requires_grad = requires_grad and mode.grad_enabled and opdef.differentiable
    out_avals = _infer(opdef, static, lazies)
    grad_fn = opdef.grad_name if requires_grad else None
    if _device.meta_made and _device.meta_inputs(opdef.name, lazies):
        return _meta_result(opdef, args, static, out_avals, requires_grad, grad_fn)
    node = Node(opdef, static, tuple(lazies))
    metrics.count("ops")
    if eager:
        res = opdef.lower(*[None if lz is None else lz.value for lz in lazies], **dict(static))
    elif opdef.name == "_alias" and lazies[0].value is not None:
        eager, res = True, lazies[0].value  # detach()/.data of a concrete value: no program needed
    if isinstance(out_avals, list):
        outs = []
        for i, (shape, dt) in enumerate(out_avals):
            rg = requires_grad and (dt.is_floating_point or dt.is_complex)
            lz = Lazy(shape, dt, node=node, index=i, requires_grad=rg, grad_fn=grad_fn if rg else None)
            if eager:
                lz.value = res[i]
            outs.append(_wrap(lz, eager, mode.live))
        if opdef.view:
            for i, t in enumerate(outs):
                t._make_view(args[0], (opdef, static, i))
        return tuple(outs)
    shape, dt = out_avals
    rg = requires_grad and (dt.is_floating_point or dt.is_complex)
    lz = Lazy(shape, dt, node=node, requires_grad=rg, grad_fn=grad_fn if rg else None)
    if eager:
        lz.value = res
    out = _wrap(lz, eager, mode.live)
    if opdef.view:
        out._make_view(args[0], (opdef, static, None))
    return out


def _meta_result(opdef, args, static, out_avals, requires_grad, grad_fn):
    """An op on a meta tensor: outputs with the inferred shapes and dtypes and no values (no graph node)."""
    outs = []
    for shape, dt in (out_avals if isinstance(out_avals, list) else [out_avals]):
        rg = requires_grad and (dt.is_floating_point or dt.is_complex)
        outs.append(_wrap(Lazy(shape, dt, value=_device.META, requires_grad=rg, grad_fn=grad_fn if rg else None),
                          True, None))
    if opdef.view:
        for i, t in enumerate(outs):
            t._make_view(args[0], (opdef, static, i if isinstance(out_avals, list) else None))
    return tuple(outs) if isinstance(out_avals, list) else outs[0]


def _autocast_args(opdef, args, policy):
    """Cast floating tensor inputs to the dtype torch.autocast's op lists give this op."""
    target = policy(opdef.name)
    if target is None:
        return args
    out = []
    for a in args:
        # torch's autocast leaves float64 alone
        if isinstance(a, _Tensor) and a.dtype.is_floating_point and a.dtype is not target \
                and a.dtype is not _dtype.float64:
            a = a.to(target)
        out.append(a)
    return tuple(out)


def _wrap(lz, eager, live):
    t = object.__new__(_Tensor)
    t._init(lz)
    if not eager:
        live.append(_weakref(t))  # sync.track, with this thread's list already in hand
    return t


def _infer(opdef, static, lazies):
    """Output (shape, dtype), or a list of them, via a cached jax.eval_shape."""
    key = (static, tuple([None if lz is None else (lz.shape, lz.dtype) for lz in lazies]))
    cache = opdef._avals
    hit = cache.get(key)
    if hit is not None:
        return hit
    structs = [None if lz is None else jax.ShapeDtypeStruct(lz.shape, lz.dtype.np) for lz in lazies]
    kw = dict(static)
    try:
        out = jax.eval_shape(lambda *a: opdef.lower(*a, **kw), *structs)
    except (IndexError, RuntimeError, NotImplementedError) as e:
        raise type(e)(*e.args) from None
    except (TypeError, ValueError) as e:  # jax's words: torch's where the shapes say what went wrong
        raise _checks.in_torch_words(opdef.name, e, [lz.shape for lz in lazies if lz is not None]) from None
    if isinstance(out, (tuple, list)):
        hit = [(tuple(o.shape), _dtype.from_np(o.dtype)) for o in out]
    else:
        hit = (tuple(out.shape), _dtype.from_np(out.dtype))
    cache[key] = hit
    return hit


class MissingOp(AttributeError, NotImplementedError):
    """An attribute torch has and jtorch lacks: an AttributeError (so hasattr() is False)
    that is also a NotImplementedError naming the op."""


def missing(owner, name):
    return MissingOp(f"jtorch has no lowering for {owner}.{name} yet")
