"""Dispatch: one op call becomes a node on the lazy graph (or runs at once while jax traces).

For each call the dispatcher reads this thread's modes once, applies autocast and the device
check, promotes dtypes as torch does (Python scalars become weakly typed input leaves, never
constants), infers the output shapes and dtypes with a cached `jax.eval_shape`, and wraps the
result in Tensor handles. The op table (jtorch._ops) defines the ops; this module only runs them.
"""
import re
from weakref import ref as _weakref

import jax
import numpy as np

from .. import _device, _dtype
from . import loops, metrics, modes
from .graph import Lazy, Node

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
        return (_op_by_name, (self.name,))



def _op_by_name(name):
    return OPS[name]


OPS = {}  # torch name -> OpDef: the op table (jtorch._ops) fills it


_Tensor = None  # jtorch._tensor.Tensor, which installs itself here when it is defined


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
        _device.device_check(opdef, [a._lazy for a in args if isinstance(a, _Tensor)])
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
            outs.append(_handle(lz, eager, mode.live))
        if opdef.view:
            for i, t in enumerate(outs):
                t._make_view(args[0], (opdef, static, i))
        if len(mode.live) >= mode.next_look:  # a long pending graph: a Python loop to cut (loops.py)
            loops.look(mode)
        return tuple(outs)
    shape, dt = out_avals
    rg = requires_grad and (dt.is_floating_point or dt.is_complex)
    lz = Lazy(shape, dt, node=node, requires_grad=rg, grad_fn=grad_fn if rg else None)
    if eager:
        lz.value = res
    out = _handle(lz, eager, mode.live)
    if opdef.view:
        out._make_view(args[0], (opdef, static, None))
    if len(mode.live) >= mode.next_look:
        loops.look(mode)
    return out


def _meta_result(opdef, args, static, out_avals, requires_grad, grad_fn):
    """An op on a meta tensor: outputs with the inferred shapes and dtypes and no values (no graph node)."""
    outs = []
    for shape, dt in (out_avals if isinstance(out_avals, list) else [out_avals]):
        rg = requires_grad and (dt.is_floating_point or dt.is_complex)
        outs.append(_handle(Lazy(shape, dt, value=_device.META, requires_grad=rg, grad_fn=grad_fn if rg else None),
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


def _handle(lz, eager, live):
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
        raise in_torch_words(opdef.name, e, [lz.shape for lz in lazies if lz is not None]) from None
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


def broadcast_shapes(*shapes):
    """The broadcast shape, or torch's RuntimeError naming the first pair of sizes that clash."""
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for s in shapes:
        for i, size in enumerate(s):
            d = n - len(s) + i
            if size != out[d] and size != 1 and out[d] != 1:
                raise RuntimeError(f"The size of tensor a ({out[d]}) must match the size of tensor b ({size}) at "
                                   f"non-singleton dimension {d}")
            if size != 1:
                out[d] = size
    return tuple(out)


_SHAPE = re.compile(r"\(([0-9, ]*)\)")


def in_torch_words(opname, error, input_shapes):
    """The exception to raise for an error jax raised while tracing op `opname`.

    Broadcasting failures get torch's message, from the op's input shapes in argument order
    (as torch reports them) or, when those broadcast, from the shapes jax names. Other
    TypeErrors name the op and its input shapes; any other error is returned unchanged
    (lowerings raise torch's own errors). For the op table's shape inference to raise."""
    msg = str(error)
    if "shapes for broadcasting" in msg.lower():
        named = [tuple(int(v) for v in m.split(",") if v.strip()) for m in _SHAPE.findall(msg.split(":", 1)[-1])]
        for shapes in (input_shapes, named):
            try:
                broadcast_shapes(*shapes)
            except RuntimeError as torch_error:
                return torch_error
    if isinstance(error, TypeError):
        shapes = ", ".join(str(list(s)) for s in input_shapes)
        return RuntimeError(f"{opname}(): invalid arguments for shapes {shapes}: {msg}")
    return error
