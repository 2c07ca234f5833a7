"""jtorch.optim.Optax: any optax GradientTransformation as a torch optimizer.

`Optax(model.parameters(), optax.chain(optax.clip_by_global_norm(1.0), optax.adamw(1e-3)))`
behaves like the built-in optimizers: `step()` records each param group's whole optax update as
ONE lazy op (params, grads, the optax state's leaves and the hyperparameters in; new params and
state out), so forward, backward and update run as a single XLA program with the old buffers
donated. The transformation sees a group's parameters as one list (a pytree), so global
transforms (gradient clipping by global norm, multi-transform masks over list positions) apply
to the group as a whole.

Hyperparameters of `optax.inject_hyperparams(...)` (at any depth of a chain) become param_group
entries under their optax names, with `learning_rate` called `lr` as torch's LR schedulers expect;
each step feeds the group's current values as inputs, so changing them never recompiles. A
hyperparameter driven by an optax schedule follows its schedule and has no group entry.
"""
import jax
import numpy as np

from .._ops import registry
from .._ops.creation import _from_jax_array, zeros_like
from .._ops.registry import op
from .optimizer import Optimizer, _as_jtorch
import optax
from .._dtype import from_np

__all__ = ["Optax"]


def _inject_states():
    return optax.InjectHyperparamsState, optax.InjectStatefulHyperparamsState


def _set_hypers(state, values):
    """The optax state with every inject_hyperparams hyperparameter named in `values` replaced (cast
    to the dtype the state keeps it in)."""
    kinds = _inject_states()

    def put(x):
        if not isinstance(x, kinds):
            return x
        hp = dict(x.hyperparams)
        for k, v in values.items():
            if k in hp and k not in x.hyperparams_states:
                hp[k] = v.astype(hp[k].dtype).reshape(hp[k].shape)
        return x._replace(hyperparams=hp)
    return jax.tree_util.tree_map(put, state, is_leaf=lambda x: isinstance(x, kinds))


def _hyperparams(state):
    """{optax name: value} of the numeric inject_hyperparams hyperparameters found in a state."""
    kinds = _inject_states()
    found = {}
    for x in jax.tree_util.tree_leaves(state, is_leaf=lambda x: isinstance(x, kinds)):
        if isinstance(x, kinds):
            for k, v in x.hyperparams.items():
                if k not in x.hyperparams_states:
                    v = np.asarray(v)
                    found.setdefault(k, v.item() if v.shape == () else v.tolist())
    return found


@op("_optax_update", function=False, method=False, list_input="tensors", differentiable=False)
def _optax_update(*tensors, tx, n, treedef, hyper_names, maximize):
    """Lowering of one group's update: tensors = params, grads, the state's leaves, then one float64
    vector holding the hyperparameters as `hyper_names` ((name, shape), ...) lays them out."""
    params, grads = list(tensors[:n]), list(tensors[n:2 * n])
    state = jax.tree_util.tree_unflatten(treedef, tensors[2 * n:-1])
    if hyper_names:
        packed, at, values = tensors[-1], 0, {}
        for name, shape in hyper_names:
            size = int(np.prod(shape))
            values[name] = packed[at:at + size].reshape(shape)
            at += size
        state = _set_hypers(state, values)
    if maximize:
        grads = [-g for g in grads]
    updates, state = tx.update(grads, state, params)
    new = optax.apply_updates(params, updates)
    new = [q.astype(p.dtype) for p, q in zip(params, new)]
    return tuple(new) + tuple(jax.tree_util.tree_leaves(state))


_LR = "learning_rate"


class Optax(Optimizer):
    """An optax ``GradientTransformation`` as a torch optimizer.

    Args:
        params: iterable of parameters or of param-group dicts (a group may override hyperparameters
            found in ``tx``, e.g. ``{"params": ..., "lr": 1e-4}``).
        tx: the optax transformation; every group gets its own state from ``tx.init``.
        maximize: ascend the objective (the gradients are negated before ``tx``).

    Example:
        >>> tx = optax.inject_hyperparams(optax.adamw)(learning_rate=1e-3, weight_decay=1e-2)
        >>> opt = torch.optim.Optax(model.parameters(), tx)
        >>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10)  # changes group["lr"]

    A parameter without a gradient at a step gets a zero gradient (the transformation updates the
    group as one tree). ``state_dict()`` holds each group's optax state under its first parameter
    as ``{"optax_state": [leaves...]}``; it loads back into an ``Optax`` with the same ``tx``.
    """

    _rule = "optax"

    def __init__(self, params, tx, *, maximize=False):
        if not (hasattr(tx, "init") and hasattr(tx, "update")):
            raise TypeError(f"Optax expects an optax GradientTransformation, got {type(tx).__name__}")
        self.tx = tx
        defaults = {("lr" if k == _LR else k): v for k, v in _hyperparams(_init_empty(tx)).items()}
        defaults["maximize"] = maximize
        super().__init__(params, defaults)

    def __getstate__(self):
        # the transformation travels with a copy (copy.deepcopy); pickling needs it picklable, so save
        # state_dict() instead, as with any optimizer
        return {**super().__getstate__(), "tx": self.tx}

    def _state_key(self, group):
        return group["params"][0]

    def _template(self, group):
        """The state tx.init gives this group (its structure and leaf dtypes)."""
        return self.tx.init([p._jax_value() for p in group["params"]])

    def _update_group(self, group):
        params = group["params"]
        if all(p._grad is None for p in params):
            return []
        st = self.state[self._state_key(group)]
        if "optax_state" not in st:
            init = self._template(group)
            # a leaf tx.init shares with a parameter is copied: each leaf's buffer is its own to donate
            ids = {id(p._lazy.value) for p in params}
            st["optax_state"] = [_leaf_tensor(x, copy=id(x) in ids) for x in jax.tree_util.tree_leaves(init)]
            st["_treedef"] = jax.tree_util.tree_structure(init)
        leaves, treedef = st["optax_state"], st["_treedef"]
        grads = [p._grad if p._grad is not None else zeros_like(p) for p in params]
        names = [k for k in self.defaults if k != "maximize"]
        hyper = {(_LR if k == "lr" else k): group[k] for k in names}
        layout, packed = self._packed_hyper(hyper)
        tensors = list(params) + grads + list(leaves) + [packed]
        outs = registry.dispatch(_optax_update.op, tensors,
                                 (self.tx, len(params), treedef, layout, bool(group.get("maximize", False))))
        return self._take_update(params, leaves, outs)

    def state_dict(self):
        out = super().state_dict()
        # the tree structure is rebuilt from tx on load; only the leaves are data
        out["state"] = {k: {n: v for n, v in s.items() if n != "_treedef"} for k, s in out["state"].items()}
        return out

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            st = self.state.get(self._state_key(group))
            if not st or "optax_state" not in st:
                continue
            template = self._template(group)
            want = jax.tree_util.tree_leaves(template)
            got = _as_jtorch(list(st["optax_state"]), cast=False)
            if len(got) != len(want):
                raise ValueError(f"loaded optax state has {len(got)} leaves; this optimizer's transformation "
                                 f"makes {len(want)} for its parameter group")
            leaves = []
            for g, w in zip(got, want):
                if tuple(g.shape) != tuple(np.shape(w)):
                    raise ValueError(f"loaded optax state has a leaf of shape {list(g.shape)} where the "
                                     f"transformation has {list(np.shape(w))}")
                leaves.append(g if g.dtype.np == np.dtype(w.dtype) else g.to(_dtype_of(w)))
            st["optax_state"] = leaves
            st["_treedef"] = jax.tree_util.tree_structure(template)


def _init_empty(tx):
    """tx's state for an empty parameter list (its hyperparameters, no parameter-sized buffers)."""
    try:
        return tx.init([])
    except Exception:  # noqa: BLE001 - a transformation that needs parameters to init: no group entries
        return None


def _leaf_tensor(x, copy=False):
    arr = jax.numpy.asarray(x)
    if copy:
        arr = jax.numpy.array(arr, copy=True)
    return _from_jax_array(arr)


def _dtype_of(x):
    return from_np(np.dtype(x.dtype))
