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
           f"        raise _trimmed(e)\n")
    ns = {"_dispatch": dispatch, "_op": opdef, "_st": _static, "_trimmed": trimmed}
    ns.update({f"{p.name}__d": p.default for p in params if p.default is not p.empty})
    exec(compile(src, f"<jtorch op {opdef.name}>", "exec"), ns)  # noqa: S102 - generated from our own signatures
    fn = ns[opdef.name]
    fn.__doc__ = opdef.fn.__doc__
    fn.__qualname__ = fn.__name__ = opdef.name
    fn.__module__ = "jtorch"
    return fn


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
    return v
