"""jtorch.interop: jtorch modules as pure JAX functions, and JAX functions as jtorch ops.

Tensors and jax arrays cross without copies (`torch.as_tensor(jax_array)`, `jnp.asarray(tensor)`,
DLPack; a Tensor is a jax pytree node). This module adds the two function-level bridges:

- `functional(module)` returns `(params, buffers, apply_fn)`: dicts of jax arrays named as in the
  module's `state_dict`, and a pure function `apply_fn(params, buffers, *args, **kwargs)` for
  `jax.jit`, `jax.grad`, `jax.vmap` and optax. `load_params(module, params)` writes trained arrays
  back into the module.
- `call_jax(fn, *args)` runs a JAX function on jtorch tensors as ONE op of jtorch's lazy graph:
  it fuses into the step's XLA program and `backward()` differentiates through it with JAX's own
  derivative of `fn`. `@jax_op` makes a JAX function a jtorch function once and for all.
- Flax NNX both ways: `from_flax(nnx_module)` is a jtorch `nn.Module`, `to_flax(module)` an
  `nnx.Module`. `save_orbax`/`load_orbax` checkpoint modules and optimizers with orbax.
  `TFDSDataset` reads a prepared tensorflow-datasets dataset for `DataLoader`. flax, orbax and
  tensorflow-datasets are optional: they are imported only inside these functions.

Example::

    params, buffers, apply = jtorch.interop.functional(model)
    loss = lambda p, x, y: optax.softmax_cross_entropy_with_integer_labels(apply(p, buffers, x), y).mean()
    grads = jax.jit(jax.grad(loss))(params, x, y)

    @jtorch.interop.jax_op
    def gelu_tanh(x):
        return jax.nn.gelu(x, approximate=True)

    y = gelu_tanh(torch.randn(3, requires_grad=True)); y.sum().backward()
"""
import functools
import os

import jax
import numpy as np

from . import _dtype, nn
from ._ops import registry
from ._ops.creation import _from_jax_array
from ._tensor import Tensor
from .autograd.grad_mode import no_grad
from .jit._trace import _pure_function, _state_tensors
from .utils import data as _data
from .optim.optimizer import Optimizer
from ._ops.random import default_generator as gen

__all__ = ["FlaxModule", "TFDSDataset", "call_jax", "from_flax", "functional", "jax_op", "load_orbax", "load_params",
           "save_orbax", "to_flax"]


# -- modules as pure functions ----------------------------------------------------------------

def functional(module, *, return_buffers=False):
    """A module as a pure JAX function: `(params, buffers, apply_fn)`.

    params, buffers: dicts name -> jax array (the module's current values, shared, not copied), named
    as in `module.state_dict()` (a tied parameter appears once, under its first name).

    apply_fn(params, buffers, *args, key=None, **kwargs): runs `module(*args, **kwargs)` with those
    values in place of the module's own, on jax arrays (or tracers) in and out. It is pure: the
    module is left as it was, so apply_fn can be jitted, differentiated (`jax.grad` with respect to
    params), vmapped and stepped with optax. `key` (a jax PRNG key) drives the module's random ops
    (dropout) inside the call; without one they draw from jtorch's global generator when traced,
    i.e. one fixed draw baked into a jitted function. With `return_buffers=True` apply_fn returns
    `(output, new_buffers)`: what the call wrote into buffers (BatchNorm's running statistics in
    training mode), which a pure function must hand back rather than store.

    The train/eval mode is the module's when apply_fn traces (call `module.train()`/`.eval()` first).
    This is the function `torch.jit.trace` compiles, given a public signature.
    """
    names, tensors = _state_tensors(module)
    param_ids = {id(p) for p in module.parameters()}
    params, buffers = {}, {}
    for name, t in zip(names, tensors):
        (params if id(t) in param_ids else buffers)[name] = t._jax_value()
    buffer_names = list(buffers)

    def call(args, kwargs, key):
        saved = gen._trace_key, getattr(gen, "_trace_count", 0)
        if key is not None:  # raw key data (uint32[2]), reaching here wrapped as a tensor like every input
            gen._trace_key, gen._trace_count = key._jax_value(), 0
        try:
            out = module(*args, **kwargs)
        finally:
            gen._trace_key, gen._trace_count = saved
        if not return_buffers:
            return out
        now = dict(module.named_buffers())
        # as arrays now: the module's own tensors get their old values back when the call returns
        return out, {n: now[n]._jax_value() for n in buffer_names if n in now}

    pure = _pure_function(call, tensors, type(module).__name__)

    def apply_fn(params, buffers, *args, key=None, **kwargs):
        values = {**buffers, **params}
        missing = [n for n in names if n not in values]
        if missing:
            raise KeyError(f"apply_fn: no value for {', '.join(missing)} of {type(module).__name__} (params and "
                           "buffers must hold every name functional() returned)")
        weights = [values[n] for n in names]
        args, kwargs = _arrays((args, kwargs))
        if key is not None:
            key = jax.random.key_data(key) if jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key) else key
        return pure(weights, args, kwargs, key)

    apply_fn.__name__ = f"{type(module).__name__}_apply"
    apply_fn.__doc__ = f"Pure forward of {type(module).__name__}: apply_fn(params, buffers, *args, key=None, " \
                       "**kwargs)."
    return params, buffers, apply_fn


def load_params(module, params, buffers=None, *, strict=True):
    """Write arrays (e.g. trained by JAX code) into the module's parameters and buffers by name.

    The module's tensors keep their identity (an optimizer holding them keeps working) and take the
    arrays' values without a copy; shapes must match, dtypes are cast to the module's.
    `strict=True` (default) requires every parameter (and, when `buffers` is given, every buffer of
    the state_dict) to be given, as load_state_dict does.
    """
    targets = dict(module.named_parameters())
    given = dict(params)
    if buffers is not None:  # the buffers state_dict holds (non-persistent ones are not part of the state)
        saved = module.state_dict(keep_vars=True)
        targets.update((k, v) for k, v in module.named_buffers() if k in saved)
        given.update(buffers)
    unexpected = [k for k in given if k not in targets]
    missing = [k for k in targets if k not in given] if strict else []
    if unexpected or missing:
        raise RuntimeError(f"Error(s) in loading params for {type(module).__name__}: missing keys {missing}, "
                           f"unexpected keys {unexpected}")
    with no_grad():
        for name, value in given.items():
            t = targets[name]
            new = value if isinstance(value, Tensor) else _from_jax_array(jax.numpy.asarray(value))
            if tuple(new.shape) != tuple(t.shape):
                raise RuntimeError(f"size mismatch for {name}: copying a param with shape {list(new.shape)}, the "
                                   f"shape in current model is {list(t.shape)}")
            if new.dtype is not t.dtype:
                new = new.to(t.dtype)
            t.data = new
    return module


def _arrays(tree):
    """Tensors in a tree of arguments as their jax arrays (apply_fn takes either)."""
    return jax.tree_util.tree_map(lambda x: x._jax_value() if isinstance(x, Tensor) else x, tree,
                                  is_leaf=lambda x: isinstance(x, Tensor))


# -- JAX functions as jtorch ops ---------------------------------------------------------------

def _lower(*arrays, fn, spec, kwspec):
    """The op's lowering: the user's function on the input arrays; its output pytree, flattened."""
    return tuple(jax.tree_util.tree_leaves(_unflat_call(fn, spec, kwspec, arrays)))


def _opdef(name):
    return registry.OpDef(name, _lower, (), ("fn", "spec", "kwspec"), None, False,
                          registry._camel(name.rpartition(".")[2].rpartition(":")[2]) + "Backward0", True)


_CALL_JAX = _opdef("call_jax")
registry.OPS[_CALL_JAX.name] = _CALL_JAX
_out_trees = {}  # (fn, spec, kwspec, input avals) -> output treedef


def _split(value, tensors):
    """('T', None) for a tensor argument (appended to tensors), ('C', value) for a static one."""
    if isinstance(value, jax.Array) and not isinstance(value, Tensor):
        value = _from_jax_array(value)
    if isinstance(value, Tensor):
        tensors.append(value)
        return "T", None
    value = registry._static(value)
    try:
        hash(value)
    except TypeError:
        raise TypeError(f"call_jax: a non-tensor argument must be hashable (it is part of the compiled "
                        f"program's key), got {type(value).__name__}") from None
    return "C", value


def _call(opdef, fn, args, kwargs):
    tensors = []
    spec = tuple(_split(a, tensors) for a in args)
    kwspec = tuple((k,) + _split(v, tensors) for k, v in kwargs.items())
    static = (fn, spec, kwspec)
    key = static + (tuple((t.shape, t.dtype) for t in tensors),)
    tree = _out_trees.get(key)
    if tree is None:
        structs = [jax.ShapeDtypeStruct(tuple(t.shape), t.dtype.np) for t in tensors]
        out = jax.eval_shape(lambda *xs: _unflat_call(fn, spec, kwspec, xs), *structs)
        tree = _out_trees[key] = jax.tree_util.tree_structure(out)
        if len(_out_trees) > 4096:
            _out_trees.clear()
    outs = registry.dispatch(opdef, tuple(tensors), static)
    return jax.tree_util.tree_unflatten(tree, list(outs))


def _unflat_call(fn, spec, kwspec, xs):
    """fn(*args, **kwargs) with the tensor arguments taken, in order, from the arrays xs."""
    it = iter(xs)
    args = [next(it) if kind == "T" else value for kind, value in spec]
    kwargs = {k: next(it) if kind == "T" else value for k, kind, value in kwspec}
    return fn(*args, **kwargs)


def call_jax(fn, *args, **kwargs):
    """Run the JAX function `fn` on jtorch tensors (or jax arrays) as one differentiable op.

    Tensor arguments reach `fn` as jax arrays; any other argument is static (it must be hashable,
    and a new value compiles a new program). The result has fn's output structure with its arrays
    as tensors. The op is recorded on jtorch's lazy graph like any built-in one: it fuses into the
    step's program, and `backward()` differentiates through it with JAX's derivative of `fn`
    (custom_vjp rules included). Pass the same function object each step (not a fresh lambda):
    the function is part of the compiled program's key.
    """
    return _call(_CALL_JAX, fn, args, kwargs)


def jax_op(fn=None, *, name=None):
    """Decorator: make a JAX function a jtorch function (each call one op, as `call_jax`).

    `name` (default: the function's module and qualified name) names the op, in error messages and
    in `grad_fn` (`<NameBackward0>`).
    """
    def deco(f):
        opdef = _opdef("jax_op::" + (name or f"{f.__module__}.{f.__qualname__}"))
        registry.OPS[opdef.name] = opdef  # a later definition under the same name replaces it

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            return _call(opdef, f, args, kwargs)
        wrapper.op = opdef
        return wrapper
    return deco if fn is None else deco(fn)


# -- Flax NNX ----------------------------------------------------------------------------------

def _to_state(treedef, order, impls, arrays):
    """An NNX state from arrays in slot order (slot k holds state leaf order[k]; keys as raw data)."""
    leaves = [None] * len(order)
    for a, i, impl in zip(arrays, order, impls):
        leaves[i] = a if impl is None else jax.random.wrap_key_data(a, impl=impl)
    return jax.tree_util.tree_unflatten(treedef, leaves)


def _flax_call(graphdef, treedef, order, impls, n_param, *arrays, **kwargs):
    """The pure function a FlaxModule records: merge the state, call, return (output, new buffer values)."""
    from flax import nnx
    n = len(order)
    model = nnx.merge(graphdef, _to_state(treedef, order, impls, arrays[:n]))
    out = model(*arrays[n:], **kwargs)
    new = jax.tree_util.tree_leaves(nnx.split(model)[1])
    new = [new[i] if impl is None else jax.random.key_data(new[i]) for i, impl in zip(order, impls)]
    return out, new[n_param:]


class FlaxModule(nn.Module):
    """A Flax NNX module as a jtorch ``nn.Module`` (see `from_flax`).

    Its ``nnx.Param`` variables are jtorch Parameters and every other variable (batch statistics,
    RNG keys and counts) a buffer, named by the variable's path (``lin.kernel``, ``layers.0.bias``),
    so optimizers, ``state_dict`` and ``.to()`` see them. ``forward`` runs the NNX module as one
    op (`call_jax`): gradients reach the parameters through ``backward()``, and what the call
    writes into variables (running statistics, RNG counts) is stored back into the buffers.
    ``train()``/``eval()`` also switch the NNX module's own mode.
    """

    def __init__(self, flax_module):
        super().__init__()
        from flax import nnx
        graphdef, state = nnx.split(flax_module)
        flat = list(nnx.to_flat_state(state))
        leaves, self._treedef = jax.tree_util.tree_flatten(state)
        if len(leaves) != len(flat) or any(x is not v.get_value() for x, (_, v) in zip(leaves, flat)):
            raise RuntimeError(f"from_flax: the state of {type(flax_module).__name__} does not flatten to its "
                               "variables' values in path order")
        # parameters first: the call's trailing outputs are the buffers, slot by slot
        self._order = tuple(sorted(range(len(flat)), key=lambda i: not isinstance(flat[i][1], nnx.Param)))
        impls, self._slots = [], []
        for i in self._order:
            path, var = flat[i]
            value, impl = leaves[i], None
            if jax.dtypes.issubdtype(value.dtype, jax.dtypes.prng_key):
                impl, value = jax.random.key_impl(value), jax.random.key_data(value)
            t = _from_jax_array(jax.numpy.asarray(value))
            owner = self
            for part in map(str, path[:-1]):
                if part not in owner._modules:
                    owner.add_module(part, nn.Module())
                owner = owner._modules[part]
            name = str(path[-1])
            if isinstance(var, nnx.Param):
                owner.register_parameter(name, nn.Parameter(t, requires_grad=t.is_floating_point()))
            else:
                owner.register_buffer(name, t)
            impls.append(impl)
            self._slots.append((owner, name))
        self._impls = tuple(impls)
        self._n_param = sum(isinstance(var, nnx.Param) for _, var in flat)
        self._set_graph(graphdef)

    def _set_graph(self, graphdef):
        self._graphdef = graphdef
        # one function object per graph: it is the op's static key, so each step reuses one program
        self._fn = functools.partial(_flax_call, graphdef, self._treedef, self._order, self._impls, self._n_param)

    def _variables(self):
        return [getattr(owner, name) for owner, name in self._slots]

    def forward(self, *args, **kwargs):
        out, new = call_jax(self._fn, *self._variables(), *args, **kwargs)
        with no_grad():
            for buf, value in zip(self._variables()[self._n_param:], new):
                buf.copy_(value)
        return out

    def train(self, mode=True):
        super().train(mode)
        from flax import nnx
        model = self.flax_module()
        model.train() if mode else model.eval()
        self._set_graph(nnx.split(model)[0])
        return self

    def flax_module(self):
        """A new NNX module holding the current values (what jtorch trained shows in it)."""
        from flax import nnx
        arrays = [t._jax_value() for t in self._variables()]
        return nnx.merge(self._graphdef, _to_state(self._treedef, self._order, self._impls, arrays))


def from_flax(module):
    """Wrap a Flax NNX module as a jtorch ``nn.Module`` (a `FlaxModule`); flax is imported only here."""
    from flax import nnx
    if not isinstance(module, nnx.Module):
        raise TypeError(f"from_flax expects a flax.nnx.Module, got {type(module).__name__}")
    return FlaxModule(module)


_EXPORTED = []  # the nnx.Module subclass to_flax builds, made once flax is imported


def _exported_class():
    if _EXPORTED:
        return _EXPORTED[0]
    from flax import nnx

    class JtorchModule(nnx.Module):
        """A jtorch module as a Flax NNX module (see `to_flax`)."""

        def __init__(self, module):
            params, buffers, apply = functional(module, return_buffers=True)
            self.params = nnx.Dict({k: nnx.Param(v) for k, v in params.items()})
            self.buffers = nnx.Dict({k: nnx.BatchStat(v) for k, v in buffers.items()})
            self.apply_fn = apply
            self.module_name = type(module).__name__

        def __call__(self, *args, key=None, **kwargs):
            out, new = self.apply_fn({k: v[...] for k, v in self.params.items()},
                                     {k: v[...] for k, v in self.buffers.items()}, *args, key=key, **kwargs)
            for k, v in new.items():
                self.buffers[k][...] = v
            return out

    _EXPORTED.append(JtorchModule)
    return JtorchModule


def to_flax(module):
    """Export a jtorch module as a Flax NNX module.

    Parameters become ``nnx.Param`` and buffers ``nnx.BatchStat`` variables in the dicts ``params`` and
    ``buffers`` (keys as in ``state_dict``; values shared, not copied); calling it runs `functional`'s
    pure forward, so ``nnx.jit``, ``nnx.grad`` and ``nnx.Optimizer`` work on it. Buffers the call
    writes (running statistics) are stored in its variables. ``key=`` passes a PRNG key to the
    module's random ops. The jtorch module's train/eval mode is the one it has when the call is
    traced. ``load_params(module, {k: v[...] for k, v in m.params.items()})`` brings trained values back.
    """
    return _exported_class()(module)


# -- orbax checkpoints ---------------------------------------------------------------------------

def _state_tree(obj):
    """Modules and optimizers as their state_dicts, through dicts, lists and tuples."""
    if isinstance(obj, (nn.Module, Optimizer)):
        return obj.state_dict()
    if isinstance(obj, dict):
        return {k: _state_tree(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_state_tree(v) for v in obj)
    return obj


def _encode(obj, path, arrays, specs):
    """A JSON skeleton of a state tree; its tensors go to `arrays` (and their path, shape and dtype to specs)."""
    if isinstance(obj, Tensor):
        value = obj._jax_value()
        arrays[f"t{len(specs)}"] = value
        specs.append([path, list(obj.shape), obj.dtype.name])
        return {"T": len(specs) - 1, "grad": bool(obj.requires_grad)}
    if isinstance(obj, dict):
        for k in obj:
            if not isinstance(k, (str, int)):
                raise TypeError(f"save_orbax: dict keys must be str or int, got {type(k).__name__} at {path or '/'}")
        return {"D": [[k, _encode(v, f"{path}/{k}", arrays, specs)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {"L" if isinstance(obj, list) else "U": [_encode(v, f"{path}/{i}", arrays, specs)
                                                        for i, v in enumerate(obj)]}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"V": obj}
    if isinstance(obj, np.generic):
        return {"V": obj.item()}
    raise TypeError(f"save_orbax: cannot store a {type(obj).__name__} at {path or '/'} (tensors, numbers, strings, "
                    "None and dicts/lists/tuples of them can be stored)")


def _decode(node, restored):
    if "T" in node:
        t = _from_jax_array(restored[f"t{node['T']}"])
        return t.requires_grad_(True) if node["grad"] else t
    if "D" in node:
        return {k: _decode(v, restored) for k, v in node["D"]}
    if "L" in node:
        return [_decode(v, restored) for v in node["L"]]
    if "U" in node:
        return tuple(_decode(v, restored) for v in node["U"])
    return node["V"]


def save_orbax(directory, state, *, force=False):
    """Save a state with orbax: a module, an optimizer, a state_dict, or a dict/list of them
    (``{"model": model, "optim": optimizer, "epoch": 3}``).

    Tensors are written by orbax from the device, each with its sharding (a tensor sharded over a
    device mesh is written shard by shard); everything else (hyperparameters, the structure) goes into
    the checkpoint's metadata. An existing directory raises orbax's ValueError unless `force=True`
    (then it is overwritten). orbax is imported only here.
    """
    import orbax.checkpoint as ocp
    arrays, specs = {}, []
    skeleton = _encode(_state_tree(state), "", arrays, specs)
    with ocp.StandardCheckpointer() as ckptr:
        ckptr.save(os.path.abspath(directory), arrays, force=force,
                   custom_metadata={"jtorch": {"skeleton": skeleton, "tensors": specs}})


def load_orbax(directory, into=None):
    """Read a checkpoint written by `save_orbax`; returns the saved state (state_dicts of tensors).

    `into` (optional; the same kind of object that was saved: a module, an optimizer, or a dict/list of
    them) receives the state through its `load_state_dict`, and each tensor is read straight into
    the sharding and device of the tensor it replaces, so sharded state stays sharded. Without
    `into`, tensors land on the default device.
    """
    import orbax.checkpoint as ocp
    path = os.path.abspath(directory)
    with ocp.StandardCheckpointer() as ckptr:
        meta = (ckptr.metadata(path).custom_metadata or {}).get("jtorch")
        if meta is None:
            raise RuntimeError(f"load_orbax: {directory} is not a checkpoint written by jtorch.interop.save_orbax")
        places = {}
        if into is not None:  # where each tensor goes: the array it replaces, found by its path
            like_arrays, like_specs = {}, []
            _encode(_state_tree(into), "", like_arrays, like_specs)
            places = {spec[0]: like_arrays[f"t{i}"] for i, spec in enumerate(like_specs)}
        default = jax.sharding.SingleDeviceSharding(jax.devices()[0])
        abstract = {}
        for i, (where, shape, dtype) in enumerate(meta["tensors"]):
            like = places.get(where)
            sharding = like.sharding if like is not None and tuple(like.shape) == tuple(shape) else default
            abstract[f"t{i}"] = jax.ShapeDtypeStruct(tuple(shape), _dtype.to_dtype(dtype).np, sharding=sharding)
        restored = ckptr.restore(path, abstract) if abstract else {}
    state = _decode(meta["skeleton"], restored)
    if into is not None:
        _load_into(into, state)
    return state


def _load_into(obj, state):
    if isinstance(obj, (nn.Module, Optimizer)):
        obj.load_state_dict(state)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k in state:
                _load_into(v, state[k])
    elif isinstance(obj, (list, tuple)):
        for v, s in zip(obj, state):
            _load_into(v, s)


# -- tensorflow-datasets -------------------------------------------------------------------------

class TFDSDataset(_data.Dataset):
    """A tensorflow-datasets dataset prepared on disk, as a map-style torch ``Dataset``.

    Reads through ``tfds.data_source`` (ArrayRecord files, random access, no TensorFlow needed), so
    ``DataLoader`` shuffles and batches it like any dataset: each item is the example's feature dict
    of numpy arrays and numbers (``transform`` is applied to it when given), which the default
    collate turns into a dict of batched tensors.

    Args:
        name: the tfds dataset name (``"mnist"``, ``"my_dataset:1.0.0"``).
        split: the split (``"train"``, ``"test[:10%]"``).
        data_dir: where the prepared dataset lives (tfds's default directory when None).
        download: prepare the dataset first when it is missing (False, the default: nothing is fetched,
            and a dataset that is not on disk raises tfds's error).
        transform: a function applied to each example.

    The dataset must be prepared with ``file_format="array_record"`` (tfds's builders take it in
    ``download_and_prepare``); tensorflow-datasets is imported only here.
    """

    def __init__(self, name, split="train", data_dir=None, *, download=False, transform=None):
        import tensorflow_datasets as tfds
        self.source = tfds.data_source(name, split=split, data_dir=data_dir, download=download)
        self.transform = transform

    def __len__(self):
        return len(self.source)

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for a dataset of {len(self)} examples")
        example = self.source[index % len(self)]
        return example if self.transform is None else self.transform(example)
