"""jtorch.compile / torch.compile: trace a whole Python function once under jax.jit.

The lazy engine already fuses each step into one XLA program, but it still pays Python
for every op on every call. `compile` removes that: the function runs once on tensors
holding jax tracers (ops execute at once while tracing), with the state it touches -
module parameters and buffers, optimizer state, gradients, the random generator - passed
in and out as arrays, so later calls are one cached jax.jit call.

The first call runs on the lazy path (it creates optimizer state and the like); later
calls are traced. A function that needs a concrete value while traced (`.item()`, `if
loss > 0:` on a tensor) cannot be captured: it warns once and stays on the lazy path.
"""
import functools
import math
import sys
import warnings
import weakref

import jax
import numpy as np

from ._engine import metrics as _metrics, modes, sync as _sync
from ._engine.graph import Lazy
from ._ops import random as _random, registry


CaptureError = modes.CaptureError  # raised inside a traced function that needs a concrete value


def _find_state(objs, seen, found):
    """Tensors reachable from args, modules (params/buffers) and optimizers (params/state)."""
    stack = list(objs)
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        kind = _KINDS.get(type(o))
        if kind is None:
            kind = _KINDS[type(o)] = _kind(o)
        if kind == "tensor":
            found.append(o)
        elif kind == "seq":
            stack.extend(o)
        elif kind == "dict":
            stack.extend(o.values())
        elif kind == "module":
            stack.extend(o._parameters.values())
            stack.extend(o._buffers.values())
            stack.extend(o._modules.values())
        elif kind == "optimizer":
            for g in o.param_groups:
                stack.extend(g["params"])
            stack.extend(o.state.values())
    return found


_KINDS = {}  # type -> what _find_state does with its instances (called every step: hasattr is slow)


def _kind(o):
    if isinstance(o, registry._Tensor):
        return "tensor"
    if isinstance(o, (list, tuple, set, frozenset)):
        return "seq"
    if isinstance(o, dict):
        return "dict"
    if isinstance(o, type) or callable(o) and not hasattr(o, "_modules"):
        return "other"  # classes, functions, builtins: never state (a Module instance is callable)
    if hasattr(o, "_parameters") and hasattr(o, "_buffers") and hasattr(o, "_modules"):
        return "module"
    if hasattr(o, "param_groups") and hasattr(o, "state"):
        return "optimizer"
    return "other"


def _referenced(fn):
    """Objects a function can reach through globals it names and its closure."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return [fn]
    out = [fn.__globals__[n] for n in code.co_names if n in fn.__globals__]
    out.extend(c.cell_contents for c in (fn.__closure__ or ()) if _has_contents(c))
    if hasattr(fn, "__self__"):
        out.append(fn.__self__)
    return out


def _has_contents(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _sig(x):
    if isinstance(x, registry._Tensor):
        lz = x._fresh_lazy()
        return ("T", lz.shape, lz.dtype, lz.requires_grad)
    if isinstance(x, (list, tuple)):
        return (type(x).__name__,) + tuple(_sig(v) for v in x)
    if isinstance(x, dict):
        return ("dict",) + tuple((k, _sig(v)) for k, v in x.items())
    try:
        hash(x)
    except TypeError:
        return ("id", id(x))
    return ("C", type(x).__name__, x)


def _state_sig(t):
    lz = t._fresh_lazy()
    return lz.shape, lz.dtype, lz.requires_grad, t._grad is not None


class _Compiled:
    def __init__(self, fn):
        self.fn = fn
        self.calls = 0
        self.lazy_only = False
        self._cache = {}
        functools.update_wrapper(self, fn)

    def __get__(self, obj, objtype=None):
        return self if obj is None else functools.partial(self.__call__, obj)

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 1 or self.lazy_only:
            return self.fn(*args, **kwargs)
        # every tensor the call can reach (in its arguments, in modules and optimizers, in the
        # function's globals and closure) goes in, and comes back where the call changed it
        state = _find_state([args, kwargs] + _referenced(self.fn), set(), [])
        key = (tuple(_state_sig(t) for t in state), _sig(args), _sig(kwargs))
        entry = self._cache.get(key)
        try:
            if entry is None:
                _metrics.count("compiles")
                entry = self._cache[key] = self._trace(state, args, kwargs)
            else:
                _metrics.count("cache_hits")
            return entry(state)
        except CaptureError as e:
            self.lazy_only = True
            warnings.warn(f"jtorch.compile: {getattr(self.fn, '__name__', self.fn)} cannot be captured as one "
                          f"program ({e}); it keeps running on the lazy path.", RuntimeWarning, stacklevel=2)
            return self.fn(*args, **kwargs)

    def _trace(self, state, args, kwargs):
        """The call as a function of the state's values, jitted once per donation mask. Later calls
        pass their own state: the same structure (the cache key), so the same positions."""
        T = registry._Tensor
        gen = _random.default_generator
        outs_of = {}  # donation mask -> what the traced program returns (filled while tracing)

        def pure(mask, state_vals, grad_vals, key):
            saved = [(t, t._lazy, t._grad) for t in state]
            for t, v in zip(state, state_vals):
                _bind(t, v)
            for t, g in zip(state, grad_vals):
                t._grad = None if g is None else T._from_value(g, t.dtype, g.shape)
            modes.get().tracing += 1
            gen._trace_seed, gen._trace_count = key, 0
            try:
                result = self.fn(*args, **kwargs)
                flat, rebuild = _flatten(result)
                # a value comes back where the call changed it, or where its input was donated
                # (an unchanged one then costs nothing: XLA aliases the output to the input)
                new = [t._fresh_lazy().value for t in state]
                new = [v if m or v is not old else None for v, old, m in zip(new, state_vals, mask)]
                grads = [None if t._grad is None else t._grad._fresh_lazy().value for t in state]
                grads = [_SAME if g is old else g for g, old in zip(grads, grad_vals)]
                outs_of[mask] = (rebuild, [(t._lazy.shape, t.dtype) for t in flat], gen._trace_count,
                                 [v is not None for v in new], [g is _SAME for g in grads])
                return [t._lazy.value for t in flat], new, [None if g is _SAME else g for g in grads]
            finally:
                modes.get().tracing -= 1
                gen._trace_seed = None
                for t, lz, g in saved:
                    t._lazy, t._grad = lz, g

        programs = {}  # donation mask -> jitted program (the state values it may overwrite differ)

        def program(mask):
            fn = programs.get(mask)
            if fn is None:
                def split(donated, kept, grad_vals, key):
                    d, k = iter(donated), iter(kept)
                    return pure(mask, [next(d) if m else next(k) for m in mask], grad_vals, key)
                fn = programs[mask] = jax.jit(split, donate_argnums=(0,))
            return fn

        def run(state_now):
            key = np.array([gen._seed & 0xFFFF_FFFF_FFFF_FFFF, gen._counter], np.uint64)
            vals = [t._value("compile") for t in state_now]
            mask = _donation_mask(state_now, vals)
            outs, new_state, new_grads = program(mask)(
                [v for v, m in zip(vals, mask) if m], [v for v, m in zip(vals, mask) if not m],
                [None if t._grad is None else t._grad._value("compile") for t in state_now], key)
            del vals
            rebuild, avals, draws, returned, same_grad = outs_of[mask]
            gen._counter += draws
            for t, v, r, same, g in zip(state_now, new_state, returned, same_grad, new_grads):
                if r:
                    t._rebind(_concrete_like(t, v), t._lazy)
                if not same:
                    # a gradient has its parameter's shape (read from the Lazy: jax.Array.shape is slow)
                    t._grad = None if g is None else T._from_value(g, t.dtype, t._lazy.shape)
            return rebuild([T._from_value(v, dt, shape) for v, (shape, dt) in zip(outs, avals)])

        return run


_SAME = object()  # marks a gradient the traced call left as it was


def _donation_mask(tensors, values):
    """Which state values the program may overwrite: those only their own tensor can reach
    (the same proof as the lazy engine's donation, see _engine/sync.py)."""
    min_size = _sync._min_donation_size()
    mask = []
    for i in range(len(values)):
        # references to the array: `values`, the tensor's Lazy and getrefcount's argument;
        # to the Lazy: the tensor and getrefcount's argument (no pending node reads it)
        mask.append(isinstance(values[i], jax.Array) and math.prod(tensors[i]._lazy.shape) >= min_size
                    and tensors[i]._base is None and sys.getrefcount(values[i]) == 3
                    and sys.getrefcount(tensors[i]._lazy) == 2)
    return tuple(mask)


def _bind(t, value):
    old = t._lazy
    lz = Lazy(old.shape, old.dtype, value=value, requires_grad=old.requires_grad)
    if old.requires_grad:
        lz.owner = weakref.ref(t)
    t._lazy = lz


def _concrete_like(t, value):
    return Lazy(t._lazy.shape, t._lazy.dtype, value=value, requires_grad=t._lazy.requires_grad and t.is_leaf)


def _flatten(result):
    """Tensors in a (nested) result, and a function rebuilding the result from new tensors."""
    T = registry._Tensor
    tensors = []

    def walk(x):
        if isinstance(x, T):
            tensors.append(x)
            return ("T", len(tensors) - 1)
        if isinstance(x, (list, tuple)):
            return (type(x), [walk(v) for v in x])
        if isinstance(x, dict):
            return (dict, {k: walk(v) for k, v in x.items()})
        return ("C", x)

    spec = walk(result)

    def rebuild(new, s=spec):
        kind, v = s
        if kind == "T":
            return new[v]
        if kind == "C":
            return v
        if kind is dict:
            return {k: rebuild(new, x) for k, x in v.items()}
        return kind(rebuild(new, x) for x in v)

    return tensors, rebuild


def compile(model=None, *, fullgraph=False, dynamic=None, backend="jax", mode=None, options=None,  # noqa: A001
            disable=False):
    """torch.compile: returns `model` (a function or Module) compiled as one jax.jit program per call."""
    if model is None:
        return functools.partial(compile, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                 options=options, disable=disable)
    if disable:
        return model
    if hasattr(model, "_modules") and hasattr(model, "forward"):
        model.forward = _Compiled(model.forward)
        return model
    return _Compiled(model)
