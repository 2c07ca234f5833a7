"""Optimizer: torch's param_groups / state / state_dict API over one fused update op.

`step()` records each param group's whole update as ONE lazy op (`_optimizer_update`)
whose inputs are the params, their pending grads, the state tensors and the
hyperparameters as scalar inputs; the params and state are rebound to its outputs and
one sync then computes forward + backward + update as a single XLA program. The
hyperparameters are read from param_groups at every step and fed as float64 scalar
leaves, so a scheduler changing `lr` never recompiles; only structural flags (nesterov,
amsgrad, maximize, ...) and which params have grads are static.

A subclass says how one parameter's state starts (`_init_state`, numpy arrays, so the
first step already has its final program structure) and updates (a pure jnp/optax
function registered with `rule`), like MLX's optimizers.
"""
import copy
from collections import defaultdict

import jax.numpy as jnp
import numpy as np

from .. import _dtype
from .._engine import hooks as _hooks, sync
from .._engine.graph import Lazy
from .._ops.creation import _concrete
from .._ops import registry
from .._ops.registry import op
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from .._ops.creation import zeros_like
import warnings

_RULES = {}  # rule name -> per-parameter update fn(p, g, state, hyper, i, **config) -> (p, state)


def rule(name):
    """Register a per-parameter update function under `name` (the op's static rule)."""
    def deco(fn):
        _RULES[name] = fn
        return fn
    return deco


@op("_optimizer_update", function=False, method=False, list_input="tensors", differentiable=False)
def _optimizer_update(*tensors, rule, n, state_names, hyper_names, config):
    """Lowering of one param group's update: tensors = params, grads, states by name, then one
    float64 vector of the hyperparameters laid out as `hyper_names` ((name, shape), ...) says."""
    params, grads = tensors[:n], tensors[n:2 * n]
    k = 2 * n
    states = []
    for name in state_names:
        states.append(tensors[k:k + n])
        k += n
    hyper, packed, at = {}, tensors[k], 0
    for name, shape in hyper_names:  # one float64 vector holds every hyperparameter
        size = int(np.prod(shape))
        hyper[name] = packed[at] if shape == () else packed[at:at + size].reshape(shape)
        at += size
    fn, cfg = _RULES[rule], dict(config)
    new_params, new_states = [], [[] for _ in state_names]
    for i in range(n):
        p0 = params[i]
        st = {name: states[j][i] for j, name in enumerate(state_names)}
        if jnp.iscomplexobj(p0):
            # torch updates complex params through view_as_real: each component on its own
            cplx = {k for k, v in st.items() if jnp.iscomplexobj(v)}
            st = {k: _as_real(v) for k, v in st.items()}
            p, st = fn(_as_real(p0), _as_real(grads[i]), st, hyper, i, **cfg)
            p, st = _as_complex(p), {k: _as_complex(v) if k in cplx else v for k, v in st.items()}
        else:
            p, st = fn(p0, grads[i], st, hyper, i, **cfg)
        new_params.append(p.astype(p0.dtype))
        for j, name in enumerate(state_names):
            new_states[j].append(st[name].astype(states[j][i].dtype))
    return tuple(new_params) + tuple(x for s in new_states for x in s)


def _as_real(x):
    return jnp.stack([jnp.real(x), jnp.imag(x)], -1) if jnp.iscomplexobj(x) else x


def _as_complex(x):
    return x[..., 0] + 1j * x[..., 1]


_PLAIN_HYPER = (float, int, bool)


def _hyper_key(hyper):
    """A hashable key for a dict of plain-number (or list-of-number) hyperparameters, else None."""
    key = []
    for k, v in hyper.items():
        if type(v) is list:
            if not all(type(x) in _PLAIN_HYPER for x in v):
                return None
            v = tuple(v)
        elif type(v) not in _PLAIN_HYPER or v != v:  # tensors, numpy values, nan: packed afresh
            return None
        key.append((k, v))
    return tuple(key)


def hyper_tensor(value):
    """A float64 array as an input leaf: fed to the program, never baked into it."""
    arr = registry.scalar_value(value, np.float64)
    return Tensor._from_value(arr, _dtype.float64, arr.shape)


class _RequiredParameter:
    """Singleton class representing a required parameter for an Optimizer."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _as_jtorch(value, like=None, cast=True):
    """Values from a loaded state dict (jtorch, torch or numpy) as jtorch tensors."""
    if isinstance(value, Tensor):
        t = value
    elif hasattr(value, "__array__") and not isinstance(value, (int, float)):
        arr = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
        t = _concrete(np.array(arr))
    elif isinstance(value, list):
        return [_as_jtorch(v, like, cast) for v in value]
    elif isinstance(value, tuple):
        return tuple(_as_jtorch(v, like, cast) for v in value)
    elif isinstance(value, dict):
        return {k: _as_jtorch(v, like, cast) for k, v in value.items()}
    else:
        return value
    if cast and like is not None and like.is_floating_point() and t.is_floating_point() and t.dtype != like.dtype:
        t = t.to(like.dtype)
    return t


class Optimizer:
    """Base class for all optimizers (torch.optim.Optimizer)."""

    _rule = None  # name of the registered per-parameter update, for fused optimizers

    def __init__(self, params, defaults):
        if defaults.get("differentiable") and self._rule is not None:
            raise NotImplementedError(f"jtorch: {type(self).__name__}(differentiable=True) is not supported; the "
                                      "update runs under no_grad")
        self.defaults = defaults
        self._optimizer_step_pre_hooks = _hooks.Hooks()
        self._optimizer_step_post_hooks = _hooks.Hooks()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        # a plain list of tensors is one group; each group dict is copied so the caller's stays untouched
        for group in groups if isinstance(groups[0], dict) else [{"params": groups}]:
            self.add_param_group(dict(group))

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.__dict__.setdefault("_optimizer_step_pre_hooks", _hooks.Hooks())
        self.__dict__.setdefault("_optimizer_step_post_hooks", _hooks.Hooks())

    def __repr__(self):
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            settings = "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
            text += f"\nParameter Group {i}\n" + settings
        return text + ")"

    # -- param groups -----------------------------------------------------------------------
    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            param_group["params"] = list(params)
        names, tensors = [], []
        for p in param_group["params"]:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(p))
            if not self.defaults.get("differentiable", None) and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = {id(p) for p in tensors}
        if len(ids) != len(tensors):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        for group in self.param_groups:
            if not ids.isdisjoint(id(p) for p in group["params"]):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)
        # pending params (a module's lazy init) are computed now, so that the first step
        # already has the program of every later step
        pending = [p._fresh_lazy() for p in tensors if p._fresh_lazy().pending]
        if pending:
            sync.materialize(pending, "optimizer init")

    # -- gradients --------------------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    g = p.grad
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    with no_grad():
                        g._assign(zeros_like(g))

    # -- hooks ------------------------------------------------------------------------------
    def register_step_pre_hook(self, hook):
        return _hooks.add(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        return _hooks.add(self._optimizer_step_post_hooks, hook)

    # -- the fused step ---------------------------------------------------------------------
    def step(self, closure=None):
        if self._rule is None:
            raise NotImplementedError(f"{type(self).__name__}.step() is not implemented")
        for hook in list(self._optimizer_step_pre_hooks.values()):
            hook(self, (), {})
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            new = []
            for group in self.param_groups:
                new.extend(self._update_group(group))
            if new:
                sync.materialize(new, "optimizer.step")
        for hook in list(self._optimizer_step_post_hooks.values()):
            hook(self, (), {})
        return loss

    def _update_group(self, group):
        params = [p for p in group["params"] if p._grad is not None]
        if not params:
            return []
        for p in params:
            if p._grad.is_sparse:
                raise RuntimeError(f"{type(self).__name__} does not support sparse gradients")
        # torch's `fresh`-style flags are read before the state exists
        hyper = self._hyper(group, params)
        buckets = {}
        for p in params:
            st = self.state[p]
            if len(st) == 0:
                for k, v in self._init_state(p, group).items():
                    st[k] = v if isinstance(v, Tensor) else _concrete(np.asarray(v))
            names = self._param_state_names(group, p)
            for k in names:
                if not isinstance(st[k], Tensor):  # e.g. a Python float 'step' from an old checkpoint
                    st[k] = _concrete(np.asarray(st[k], np.float32))
            buckets.setdefault(names, []).append(p)
        lazies = []
        # one op for the group (several only when params keep differently named state, as Adafactor's)
        for names, bucket in buckets.items():
            h = hyper if len(buckets) == 1 else self._hyper(group, bucket)
            lazies.extend(self._record(group, bucket, names, h))
        return lazies

    def _record(self, group, params, names, hyper):
        states = [self.state[p][k] for k in names for p in params]
        layout, packed = self._packed_hyper(hyper)
        tensors = list(params) + [p.grad for p in params] + states + [packed]
        # straight to the dispatcher: these static arguments are already hashable tuples
        outs = registry.dispatch(_optimizer_update.op, tensors,
                                 (self._rule, len(params), names, layout, tuple(self._config(group))))
        return self._take_update(params, states, outs)

    @staticmethod
    def _take_update(params, states, outs):
        """Rebind parameters and state tensors to the update op's outputs (parameters first, in
        order); returns their new Lazies for the step's sync."""
        n = len(params)
        lazies = []
        for p, out in zip(params, outs[:n]):
            if p._base is None:
                p._rebind(out._lazy, p._fresh_lazy())
            else:  # a view writes through to its base
                p._assign(out)
            lazies.append(p._fresh_lazy())
        for s, out in zip(states, outs[n:]):
            s._rebind(out._lazy, s._lazy)
            lazies.append(out._lazy)
        return lazies

    def _packed_hyper(self, hyper):
        """(layout, input tensor): every hyperparameter (lr, betas, per-parameter flags) in one
        float64 input, so changing values never recompile and each step feeds one input. The
        same values give the same tensor (steps usually repeat them)."""
        key = _hyper_key(hyper)
        cache = self.__dict__.setdefault("_packed_hypers", {})
        hit = None if key is None else cache.get(key)
        if hit is None:
            values = [np.asarray(v.item() if isinstance(v, Tensor) else v, np.float64) for v in hyper.values()]
            layout = tuple((k, v.shape) for k, v in zip(hyper, values))
            hit = layout, hyper_tensor(np.concatenate([v.ravel() for v in values]) if values else np.zeros(0))
            if key is not None:
                if len(cache) >= 64:  # a scheduler changes lr every step: keep the cache small
                    cache.clear()
                cache[key] = hit
        return hit

    # subclasses of fused optimizers define these
    def _state_names(self, group):
        """Names of the tensor state entries the update reads and writes (torch's order)."""
        return ()

    def _param_state_names(self, group, p):
        """The state names of one parameter (the group's, unless they depend on the parameter)."""
        return tuple(self._state_names(group))

    def _init_state(self, p, group):
        """Initial state of one parameter: {name: numpy array or Tensor}, concrete."""
        return {}

    def _hyper(self, group, params):
        """{name: float} fed to the update as scalar inputs (never static)."""
        return {}

    def _config(self, group):
        """Static (structural) configuration: tuple of (name, hashable)."""
        return ()

    # -- state dict -------------------------------------------------------------------------
    def state_dict(self):
        index, packed_groups, start = {}, [], 0
        for group in self.param_groups:
            for i, p in enumerate(group["params"], start):
                if id(p) not in index:
                    index[id(p)] = i
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            packed_groups.append(packed)
        state = {index[id(p)]: v for p, v in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        state_dict = dict(state_dict)
        groups = self.param_groups
        saved_groups = [dict(g) for g in state_dict["param_groups"]]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = {old: p for g, s in zip(groups, saved_groups) for old, p in zip(s["params"], g["params"])}
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = {key: _as_jtorch(val, p, cast=key != "step") for key, val in v.items()} \
                    if isinstance(v, dict) else _as_jtorch(v, p)
            else:
                state[k] = v
        new_groups = []
        for g, s in zip(groups, saved_groups):
            s = copy.deepcopy({k: v for k, v in s.items() if k != "params"})
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            new_groups.append(s)
        self.__setstate__({"state": state, "param_groups": new_groups})


def _typename(x):
    """torch.typename: 'torch.FloatTensor' for tensors, the qualified class name otherwise."""
    if isinstance(x, Tensor):
        return x.type()
    t = type(x)
    return t.__qualname__ if t.__module__ == "builtins" else t.__module__ + "." + t.__qualname__


def cast(x, like):
    """A float64 hyperparameter expression as the dtype of `like` (no upcast of the state)."""
    return x.astype(like.dtype)


def lerp(start, end, weight):
    """torch.lerp with a scalar weight, with torch's two formulas (exact at weight 0 and 1)."""
    w = cast(weight, start)
    return jnp.where(weight < 0.5, start + w * (end - start), end - (end - start) * cast(1 - weight, start))


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:  # not `lr < 0`: nan is rejected too
        raise ValueError(f"Invalid learning rate: {lr}")


def check_betas(betas):
    for i in (0, 1):
        check(0.0 <= betas[i] < 1.0, f"Invalid beta parameter at index {i}: {betas[i]}")


def check(ok, message):
    if not ok:
        raise ValueError(message)


def step_state(p):
    """torch's `state['step']`: a float32 scalar tensor."""
    return np.zeros((), np.float32)


def zeros(p, fill=0.0):
    return np.full(tuple(p.shape), fill, dtype=p.dtype.np)
