"""The op table: every op is one pure jnp lowering registered under its torch name.

`@op(...)` turns a lowering `def add(input, other, *, alpha=1)` into the public torch
function with the same signature. Calling it records a node on the lazy graph (or runs
at once when the inputs are tracers, inside `jtorch.compile` or a custom function);
the same function object serves as the Tensor method, and `name_` forms are generated
for in-place variants.
"""
import inspect

import numpy as np

from .._engine.dispatch import (  # noqa: F401  (the dispatcher's names, as the op files use them)
    OPS, MissingOp, OpDef, _promote_kinds, _scalars, dispatch, missing, scalar_value,
)
from .._engine.tracebacks import trimmed
from .._tensor import Tensor as _Tensor
from . import torch_function as _torch_function

FUNCTIONS = {}  # names exported as jtorch.<name>
METHODS = {}    # names installed on Tensor


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
    # the try costs nothing until an op fails; then the user's traceback ends at their own line
    src = (f"def {opdef.name}({', '.join(sig_parts)}):\n"
           f"    try:\n"
           f"        return _dispatch(_op, {tensor_expr}, {static_expr})\n"
           f"    except Exception as e:\n"
           f"        _e = e\n"
           # a failed call may be one for a __torch_function__ type (or mode): only then is that asked
           f"    _r = _tf_call(_self, _spec, ({''.join(p.name + ', ' for p in params)}))\n"
           f"    if _r is _not_mine:\n"
           f"        raise _trimmed(_e)\n"
           f"    return _r\n")
    spec = tuple((p.name, p.kind is p.KEYWORD_ONLY, p.default) for p in params)
    ns = {"_dispatch": _entry_dispatch, "_op": opdef, "_st": _static, "_trimmed": trimmed, "_tf_call": _tf_call,
          "_spec": spec, "_not_mine": _torch_function._NOT_MINE}
    ns.update({f"{p.name}__d": p.default for p in params if p.default is not p.empty})
    exec(compile(src, f"<jtorch op {opdef.name}>", "exec"), ns)  # noqa: S102 - generated from our own signatures
    ns["_self"] = ns[opdef.name]
    _ENTRY_NAMESPACES.append(ns)
    fn = ns[opdef.name]
    fn.__doc__ = opdef.fn.__doc__
    fn.__qualname__ = fn.__name__ = opdef.name
    fn.__module__ = "jtorch"
    return fn


# -- __torch_function__: reached only by calls that failed the ordinary path ----------------------

_ENTRY_NAMESPACES = []  # the generated entries' globals: `_dispatch` is swapped once the protocol may apply
_entry_dispatch = dispatch


class _ModeCall(Exception):
    """Raised by the entries' checking dispatcher: the call goes to a TorchFunctionMode or a Tensor subclass."""


def _checking_dispatch(opdef, args, static):
    """The dispatcher while a TorchFunctionMode is active or after a Tensor subclass overriding
    __torch_function__ was defined: such calls go through the protocol, the rest run as usual."""
    if _torch_function._modes_active():
        raise _ModeCall(opdef.name)
    if not _torch_function._state.disabled_subclass:
        for a in args:
            t = type(a)
            if t is not _Tensor and isinstance(a, _Tensor) and _torch_function._overrides(t):
                raise _ModeCall(opdef.name)
    return dispatch(opdef, args, static)


def _protocol_changed(needed):
    global _entry_dispatch
    _entry_dispatch = _checking_dispatch if needed else dispatch
    for ns in _ENTRY_NAMESPACES:
        ns["_dispatch"] = _entry_dispatch


_torch_function.on_modes_changed = _protocol_changed


def _tf_call(fn, spec, values):
    """The __torch_function__ protocol for a failed op call, or _NOT_MINE when it does not apply.
    Positional parameters go as args (trailing defaults left off), keyword-only ones as kwargs."""
    args, kwargs = [], {}
    for (name, kw_only, default), v in zip(spec, values):
        if kw_only:
            if v is not default:
                kwargs[name] = v
        else:
            args.append((v, default))
    while args and args[-1][0] is args[-1][1]:
        args.pop()
    return _torch_function._defer(fn, tuple(a for a, _ in args), kwargs)


def _make_inplace(public, name):
    def inplace(self, *args, **kwargs):
        try:
            return self._assign(public(self, *args, **kwargs), name)
        except Exception as e:
            raise trimmed(e)
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
    if _torch_function._overrides(type(v)):  # a Tensor-like in a shape/dim argument: the op defers to it
        raise TypeError(f"a {type(v).__name__} (which defines __torch_function__) is no static argument")
    return v
