"""torch.jit.trace / script on jax tracing; ScriptModule runs one jax.jit'ed pure function.

The model's forward runs once on jax tracers through jtorch's eager mode (every op executes
at once on the tracer), with its parameters and buffers swapped for tracer inputs. The
result is a pure function (weights, *inputs) -> outputs: jax.jit runs it, jax.export
serializes it (see _serialization.py). Python control flow on tensor values cannot be
captured this way; it raises jtorch.jit.Error naming the problem.
"""
import collections
import contextlib

import jax
import numpy as np

from .._engine.graph import Lazy
from .._tensor import Tensor
from .._dtype import from_np
from ..autograd.grad_mode import no_grad
from ..autograd.function import _Eager

__all__ = ["Error", "ScriptModule", "trace", "script", "is_tracing"]


class Error(RuntimeError):
    """torch.jit.Error: tracing or running a jit module failed."""


_TRACING = [0]

_CONTROL_FLOW = ("jtorch.jit could not trace {what}: its forward uses the VALUE of a tensor in Python (`.item()`, "
                 "`bool(t)`, `if t:`, `int(t)`, `.tolist()` or a data-dependent shape), which tracing cannot "
                 "capture because the traced tensors have no values. Make the control flow depend only on shapes "
                 "or non-tensor arguments, or use tensor ops (torch.where) instead. Original error: {err}")


def is_tracing():
    return _TRACING[0] > 0


def _state_tensors(model):
    """(names, tensors) of a module's parameters and buffers, in state_dict order."""
    sd = getattr(model, "state_dict", None)
    if sd is None:
        return [], []
    try:
        state = sd(keep_vars=True)
    except TypeError:
        state = sd()
    names, tensors, seen = [], [], set()
    for k, v in state.items():
        if isinstance(v, Tensor) and id(v) not in seen:
            seen.add(id(v))
            names.append(k)
            tensors.append(v)
    return names, tensors


def _as_array(x):
    if isinstance(x, Tensor):
        return x._value("jit input")
    return x


def _wrap(v):
    if isinstance(v, (jax.Array, np.ndarray)) or isinstance(v, jax.core.Tracer):
        return Tensor._from_value(v)
    return v


def _is_leaf(x):
    return isinstance(x, Tensor)


@contextlib.contextmanager
def _swapped(tensors, values):
    """Temporarily make each tensor hold a (traced) value; restores the originals after."""
    saved = [(t._lazy, t._base) for t in tensors]
    try:
        for t, v in zip(tensors, values):
            t._lazy = Lazy(t._lazy.shape, t._lazy.dtype, value=v)
            t._base = None
        yield
    finally:
        for t, (lz, base) in zip(tensors, saved):
            t._lazy, t._base = lz, base


def _pure_function(call, tensors, what):
    """(weights, *inputs) -> outputs as arrays, for jax.jit / jax.export."""
    def fn(weights, *inputs):
        _TRACING[0] += 1
        try:
            with _swapped(tensors, weights), _Eager(), _no_grad():
                args = jax.tree_util.tree_map(_wrap, inputs)
                out = call(*args)
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError,
                jax.errors.TracerIntegerConversionError, jax.errors.TracerArrayConversionError) as e:
            raise Error(_CONTROL_FLOW.format(what=what, err=e)) from None
        except RuntimeError as e:
            if "being traced" in str(e) or "needs a concrete value" in str(e):
                raise Error(_CONTROL_FLOW.format(what=what, err=e)) from None
            raise
        finally:
            _TRACING[0] -= 1
        return jax.tree_util.tree_map(lambda t: t._fresh_lazy().value if isinstance(t, Tensor) else t, out,
                                      is_leaf=_is_leaf)
    return fn


class ScriptModule:
    """What trace/script/load return: a callable module over one compiled pure function.

    forward(*inputs) == model(*inputs); state_dict() holds the weights (loading new ones
    changes the outputs without retracing); save(path) writes a portable artifact that
    jtorch.jit.load runs without the model's Python code.
    """

    def __init__(self, fn, names, weights, model=None, example=None, exported=None, name="Module"):
        self._fn = fn                      # pure (weights, *inputs) -> outputs
        self._jitted = jax.jit(fn)
        self._names = list(names)
        self._weights = list(weights)      # Tensors (the live model's, or loaded ones)
        self._model = model
        self._example = example            # ShapeDtypeStructs of the traced inputs (for save)
        self._exported = exported
        self._name = name
        self.training = bool(getattr(model, "training", False))

    # -- calling ---------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if kwargs:
            raise NotImplementedError("jtorch.jit modules take positional inputs only")
        arrays = jax.tree_util.tree_map(_as_array, args, is_leaf=_is_leaf)
        if self._example is None:
            self._example = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(np.shape(a), a.dtype), arrays)
        weights = [w._value("jit weight") for w in self._weights]
        out = self._jitted(weights, *arrays)
        return jax.tree_util.tree_map(_wrap, out)

    forward = __call__

    # -- module-like API -------------------------------------------------------------------
    def state_dict(self, destination=None, prefix="", keep_vars=False):
        out = collections.OrderedDict() if destination is None else destination
        for n, w in zip(self._names, self._weights):
            out[prefix + n] = w if keep_vars else w.detach()
        return out

    def load_state_dict(self, state_dict, strict=True):
        missing = [n for n in self._names if n not in state_dict]
        unexpected = [k for k in state_dict if k not in self._names]
        if strict and (missing or unexpected):
            raise RuntimeError(f"Error(s) in loading state_dict for {self._name}: missing keys {missing}, "
                               f"unexpected keys {unexpected}")
        for i, n in enumerate(self._names):
            if n in state_dict:
                w = self._weights[i]
                new = state_dict[n]
                if tuple(new.shape) != tuple(w.shape):
                    raise RuntimeError(f"size mismatch for {n}: copying a param with shape {list(new.shape)}, "
                                       f"the shape in current model is {list(w.shape)}")
                with _no_grad():
                    w._assign(new, "copy_")  # in place, as torch: a live model sees it too
        return collections.namedtuple("IncompatibleKeys", "missing_keys unexpected_keys")(missing, unexpected)

    def parameters(self, recurse=True):
        return iter(w for w in self._weights if w.requires_grad or type(w).__name__ == "Parameter")

    def named_parameters(self, prefix="", recurse=True):
        return iter((prefix + n, w) for n, w in zip(self._names, self._weights)
                    if w.requires_grad or type(w).__name__ == "Parameter")

    def eval(self):
        return self.train(False)

    def train(self, mode=True):
        # the traced graph is fixed (dropout/batchnorm behaviour is what it was when traced), as in torch
        self.training = mode
        return self

    def to(self, *args, **kwargs):
        self._weights = [w.to(*args, **kwargs) for w in self._weights]
        return self

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None):
        return self.to("cuda" if device is None else device)

    @property
    def code(self):
        """The StableHLO text of the traced function (needs one call or example inputs)."""
        return self._export(dynamic=False).mlir_module()

    graph = code

    def __repr__(self):
        return f"RecursiveScriptModule(original_name={self._name})"

    # -- export ----------------------------------------------------------------------------
    def _export(self, dynamic=True):
        if self._exported is not None:
            return self._exported
        if self._example is None:
            raise Error("jtorch.jit: this module has not seen an input yet; call it once or pass example_inputs "
                        "before saving")
        from ._serialization import export
        return export(self._fn, [w._value("jit weight") for w in self._weights], self._example, dynamic)

    def save(self, f, _extra_files=None):
        """Write a portable artifact: serialized StableHLO (symbolic batch) plus the weights."""
        from ._serialization import save
        save(self, f, _extra_files)


def _no_grad():
    return no_grad()


def _examples(example_inputs):
    if isinstance(example_inputs, (Tensor, dict)):
        return (example_inputs,)
    return tuple(example_inputs)


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None, check_tolerance=1e-5,
          strict=True, _force_outplace=False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs=True):
    """torch.jit.trace: run `func` once on `example_inputs` and return a ScriptModule."""
    if example_kwarg_inputs is not None:
        raise NotImplementedError("jtorch.jit.trace: example_kwarg_inputs")
    if example_inputs is None:
        raise ValueError("jtorch.jit.trace needs example_inputs")
    if isinstance(func, ScriptModule):
        return func
    call = func  # a module's __call__ (so its hooks run) or a plain function
    names, tensors = _state_tensors(func)
    what = getattr(func, "__name__", type(func).__name__)
    sm = ScriptModule(_pure_function(call, tensors, what), names, tensors, model=func, name=what)
    sm(*_examples(example_inputs))  # traces and compiles now, so tracing errors surface here
    return sm


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """torch.jit.script, by tracing: control flow on shapes and Python values is fine; control flow
    on tensor values raises jtorch.jit.Error when the module is first called (or here, with
    example_inputs)."""
    if isinstance(obj, ScriptModule):
        return obj
    if isinstance(obj, type):
        raise NotImplementedError("jtorch.jit.script on a class: script an instance (a module) instead")
    names, tensors = _state_tensors(obj)
    what = getattr(obj, "__name__", type(obj).__name__)
    sm = ScriptModule(_pure_function(obj, tensors, what), names, tensors, model=obj, name=what)
    if example_inputs:
        sm(*_examples(example_inputs[0] if isinstance(example_inputs, list) else example_inputs))
    return sm
