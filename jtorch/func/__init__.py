"""torch.func: function transforms (vmap, grad, vjp, jvp, jacrev, jacfwd, hessian) on jax's.

Each transform converts its jtorch Tensor arguments to jax arrays, runs the user's function
inside the matching jax transform on Tensors wrapping the jax tracers (ops execute at once
while tracing, as in jtorch.compile), and wraps the results back as Tensors. There are no
derivative rules here; transforms nest because jax's do (a Tensor over a tracer is just
another input to the inner transform).

Outside jtorch.compile the function runs op by op on jax's eager path, so a transform is
exact but not fast there; inside a compiled step it is traced into the step's program.
Results are not connected to jtorch's autograd graph (they are new leaves).
"""
import collections
import functools
from collections.abc import Sequence

import jax
import jax.numpy as jnp

from .._engine import modes, program, sync
from .._ops import random as _random, registry
from .._engine.backward import _conj
from ..autograd.function import _Eager, _wrap
from ..nn.utils import stateless
from .._tensor import Size
from ..nn.modules.batchnorm import _BatchNorm
from .._compile import _find_state, _referenced

__all__ = ["vmap", "grad", "grad_and_value", "vjp", "jvp", "linearize", "jacrev", "jacfwd", "hessian",
           "functional_call", "stack_module_state", "functionalize", "replace_all_batch_norm_modules_"]


# -- Tensor <-> jax array ------------------------------------------------------------------

def _is_tensor(x):
    return isinstance(x, registry._Tensor)


def _flush():
    """Make pending tensors concrete before tracing: the function may read any of them (closures,
    module parameters) and eager ops need values."""
    if modes.get().tracing:
        return  # already tracing: every tensor made since holds a value
    for ref in modes.get().live:
        t = ref()
        if t is not None and t._lazy.value is None:
            sync.materialize([t._lazy], "func")
            return


class _Guard:
    """Catches writes into tensors from outside the transformed function (in-place updates of captured
    tensors, e.g. BatchNorm running stats in training mode): they would leave a dead tracer behind,
    so the old value is restored and torch-style RuntimeError raised. It also marks the
    forward-mode transforms, whose ops must lower without reverse-only rules."""
    FORWARD = ("jvp", "linearize", "jacfwd")

    def __init__(self, api, func, args, kwargs=None):
        self.api = api
        self.tensors = _find_state([args, kwargs or {}] + _referenced(func), set(), [])
        self.lazies = [t._lazy for t in self.tensors]

    def __enter__(self):
        if self.api in self.FORWARD:
            modes.get().forward_mode += 1
        return self

    def __exit__(self, exc_type, *exc):
        if self.api in self.FORWARD:
            modes.get().forward_mode -= 1
        written = False
        for t, lz in zip(self.tensors, self.lazies):
            if t._lazy is not lz and isinstance(t._lazy.value, jax.core.Tracer):
                t._lazy, written = lz, True
        if written and exc_type is None:
            raise RuntimeError(f"jtorch.func.{self.api}: the function wrote in place into a tensor created outside "
                               "the transform (e.g. a buffer such as BatchNorm's running stats in training mode); "
                               "jtorch cannot keep that update: compute it as an output, or use module.eval()")


def _array(t):
    """A Tensor's value as a jax array (or the tracer of an enclosing transform)."""
    lz = t._fresh_lazy()
    if lz.value is None:
        sync.materialize([lz], "func")
    return lz.value


def _flatten(tree):
    """(leaves, rebuild(new leaves) -> the structure) over tuples, lists, namedtuples and dicts.

    Unlike jax's pytrees this keeps dict order (torch's results keep the caller's key order)
    and treats None as a leaf, as torch's pytrees do."""
    leaves = []

    def walk(x):
        if isinstance(x, (tuple, list)) and not _is_tensor(x):
            return type(x), [walk(v) for v in x]
        if isinstance(x, dict):
            return type(x), [(k, walk(v)) for k, v in x.items()]
        leaves.append(x)
        return None

    spec = walk(tree)

    def rebuild(new):
        it = iter(new)

        def build(s):
            if s is None:
                return next(it)
            kind, kids = s
            if issubclass(kind, dict):
                return kind((k, build(c)) for k, c in kids)
            vals = [build(c) for c in kids]
            return kind(*vals) if hasattr(kind, "_fields") else kind(vals)
        return build(spec)

    return leaves, rebuild


def _split(tree):
    """(arrays of the Tensors in a nested structure, rebuild(new values for them) -> the structure)."""
    leaves, rebuild_all = _flatten(tree)
    idx = [i for i, x in enumerate(leaves) if _is_tensor(x)]

    def rebuild(values):
        new = list(leaves)
        for i, v in zip(idx, values):
            new[i] = v
        return rebuild_all(new)

    return [_array(leaves[i]) for i in idx], rebuild


def _structure(tree):
    """A comparable description of a nested structure (types, keys, lengths)."""
    if isinstance(tree, (tuple, list)) and not _is_tensor(tree):
        return type(tree), tuple(_structure(v) for v in tree)
    if isinstance(tree, dict):
        return type(tree), tuple((k, _structure(v)) for k, v in tree.items())
    return None


def _diff_args(args, argnums, floating=True):
    """Split the differentiated positional arguments into flat arrays.

    Returns (nums, is_int, flat arrays, [(start, stop, rebuild)] per differentiated argument)."""
    is_int = isinstance(argnums, int)
    nums = (argnums,) if is_int else tuple(argnums)
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for n in nums:
        if not isinstance(n, int):
            raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(n)}")
        if not -len(args) <= n < len(args):
            raise RuntimeError(f"Got argnum={n}, but only {len(args)} positional inputs")
    nums = tuple(n % len(args) for n in nums)
    flat, spans = [], []
    for n in nums:
        for x in _flatten(args[n])[0]:
            if not _is_tensor(x):
                raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
            if floating and not (x.dtype.is_floating_point or x.dtype.is_complex):
                raise RuntimeError("only Tensors of floating point dtype can require gradients")
        arrays, rebuild = _split(args[n])
        spans.append((len(flat), len(flat) + len(arrays), rebuild))
        flat.extend(arrays)
    return nums, is_int, flat, spans


def _call_with(func, args, kwargs, nums, spans, flat):
    """func(*args) with the differentiated arguments rebuilt from `flat` (arrays or tracers)."""
    new = list(args)
    for n, (a, b, rebuild) in zip(nums, spans):
        new[n] = rebuild([_wrap(v) for v in flat[a:b]])
    with _Eager():
        return func(*new, **kwargs)


def _take_aux(out, has_aux, api):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{api}(f)(*args): output of function f should be a tuple: (output, aux) if has_aux "
                           "is True")
    return out


class _Box:
    """Carries Python structure (rebuild functions) out of a function jax traces."""
    rebuild = aux = None


def _aux_arrays(aux, box):
    for x in _flatten(aux)[0]:
        if not _is_tensor(x) and aux is not None:  # None: no aux asked for
            raise RuntimeError(f"Expected tensors, got unsupported type {type(x)}")
    arrays, box.aux = _split(aux)
    return arrays


def _aux_result(box, arrays):
    return box.aux([_wrap(v) for v in arrays])


# -- grad ----------------------------------------------------------------------------------

def grad_and_value(func, argnums=0, has_aux=False):
    """torch.func.grad_and_value: (gradient w.r.t. argnums, value) of a function returning a scalar."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _flush()
        nums, is_int, flat, spans = _diff_args(args, argnums)
        box = _Box()

        def f(*xs):
            out, aux = _take_aux(_call_with(func, args, kwargs, nums, spans, xs), has_aux, "grad_and_value")
            if not _is_tensor(out):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got {type(out)}")
            if out.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs "
                                   "instead?")
            return _array(out), _aux_arrays(aux, box)

        with _Guard("grad", func, args, kwargs):
            value, pullback, aux = jax.vjp(f, *flat, has_aux=True)
        grads = [_conj(g) for g in pullback(jnp.ones((), value.dtype))]
        per_arg = tuple(rebuild([_wrap(g) for g in grads[a:b]]) for a, b, rebuild in spans)
        g = per_arg[0] if is_int else per_arg
        value = _wrap(value)
        return (g, (value, _aux_result(box, aux))) if has_aux else (g, value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """torch.func.grad: the gradient of a function returning a scalar Tensor w.r.t. argument(s) argnums."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


# -- vjp / jvp -----------------------------------------------------------------------------

def _arrays_fn(func, args, kwargs, nums, spans, has_aux, box, name, api):
    """func as a function of the flat differentiated arrays: (output arrays, aux arrays); the
    output structure is kept in box.rebuild."""
    def f(*xs):
        out, aux = _take_aux(_call_with(func, args, kwargs, nums, spans, xs), has_aux, name)
        arrays, box.rebuild = _output_arrays(out, api)
        return arrays, _aux_arrays(aux, box)
    return f


def _output_arrays(out, api):
    for x in _flatten(out)[0]:
        if not _is_tensor(x):
            raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output that is a Tensor or "
                               f"a (nested) structure of Tensors, got {type(x)}")
    return _split(out)


def vjp(func, *primals, has_aux=False):
    """torch.func.vjp: (func(*primals), vjp_fn[, aux]); vjp_fn(cotangents) gives a tuple over primals."""
    _flush()
    nums, _, flat, spans = _diff_args(primals, tuple(range(len(primals)))) if primals else ((), False, [], [])
    box = _Box()

    f = _arrays_fn(func, primals, {}, nums, spans, has_aux, box, "vjp", "vjp(f, *primals)")

    with _Guard("vjp", func, primals):
        outs, pullback, aux = jax.vjp(f, *flat, has_aux=True)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        cots, _ = _split(cotangents)
        if len(cots) != len(outs):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree structure of "
                               "outputs to the function")
        for i, (c, o) in enumerate(zip(cots, outs)):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {_size(c.shape)} and "
                                   f"output[{i}] has a shape of {_size(o.shape)}.")
        grads = [_conj(g) for g in pullback([_conj(jnp.asarray(c).astype(o.dtype)) for c, o in zip(cots, outs)])]
        return tuple(rebuild([_wrap(g) for g in grads[a:b]]) for a, b, rebuild in spans)

    out = box.rebuild([_wrap(o) for o in outs])
    return (out, vjp_fn, _aux_result(box, aux)) if has_aux else (out, vjp_fn)


def _size(shape):
    return Size(tuple(shape))


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp: (func(*primals), the Jacobian times tangents[, aux])."""
    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    if not isinstance(tangents, tuple) or len(tangents) != len(primals) or \
            _structure(primals) != _structure(tangents):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, tangents also must be.")
    _flush()
    nums, _, flat, spans = _diff_args(primals, tuple(range(len(primals))), floating=False)
    tflat = _diff_args(tangents, tuple(range(len(tangents))), floating=False)[2]
    for p, t in zip(flat, tflat):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same shape, "
                               f"got {_size(p.shape)} and {_size(t.shape)}")
    box = _Box()

    f = _arrays_fn(func, primals, {}, nums, spans, has_aux, box, "jvp", "jvp(f, primals, tangents)")

    with _Guard("jvp", func, primals):
        outs, touts, aux = jax.jvp(f, tuple(flat), tuple(t.astype(p.dtype) for p, t in zip(flat, tflat)),
                                   has_aux=True)
    res = (box.rebuild([_wrap(o) for o in outs]), box.rebuild([_wrap(t) for t in touts]))
    return res + (_aux_result(box, aux),) if has_aux else res


def linearize(func, *primals):
    """torch.func.linearize: (func(*primals), jvp_fn) where jvp_fn(*tangents) is the Jacobian times tangents."""
    _flush()
    nums, _, flat, spans = _diff_args(primals, tuple(range(len(primals))))
    box = _Box()

    def f(*xs):
        arrays, box.rebuild = _output_arrays(_call_with(func, primals, {}, nums, spans, xs), "linearize")
        return arrays

    with _Guard("linearize", func, primals):
        outs, lin = jax.linearize(f, *flat)

    def jvp_fn(*tangents):
        tflat = _diff_args(tangents, tuple(range(len(tangents))), floating=False)[2]
        if len(tflat) != len(flat):
            raise RuntimeError(f"Expected {len(flat)} tangents, got {len(tflat)}")
        return box.rebuild([_wrap(t) for t in lin(*[t.astype(p.dtype) for p, t in zip(flat, tflat)])])

    return box.rebuild([_wrap(o) for o in outs]), jvp_fn


# -- Jacobians -----------------------------------------------------------------------------

def _jac(transform, func, argnums, has_aux):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        _flush()
        nums, is_int, flat, spans = _diff_args(args, argnums)
        box = _Box()

        f = _arrays_fn(func, args, kwargs, nums, spans, has_aux, box, transform.__name__, transform.__name__)

        with _Guard(transform.__name__, func, args, kwargs):
            jac, aux = transform(f, argnums=tuple(range(len(flat))), has_aux=True)(*flat)
        per_out = []
        for row in jac:  # one row per output Tensor: a tuple over the flat inputs
            per_arg = tuple(rebuild([_wrap(j) for j in row[a:b]]) for a, b, rebuild in spans)
            per_out.append(per_arg[0] if is_int else per_arg)
        out = box.rebuild(per_out)
        return (out, _aux_result(box, aux)) if has_aux else out
    return wrapper


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """torch.func.jacrev: the Jacobian of func w.r.t. argument(s) argnums by reverse mode (jax.jacrev)."""
    return _jac(jax.jacrev, func, argnums, has_aux)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch.func.jacfwd: the Jacobian of func w.r.t. argument(s) argnums by forward mode (jax.jacfwd)."""
    return _jac(jax.jacfwd, func, argnums, has_aux)


def hessian(func, argnums=0):
    """torch.func.hessian: jacfwd(jacrev(func)), as torch computes it."""
    return jacfwd(jacrev(func, argnums), argnums)


# -- vmap ----------------------------------------------------------------------------------

def _flat_dims(dims, tree, out):
    """Broadcast an in_dims/out_dims prefix over `tree`'s leaves (in _flatten's order); False on mismatch."""
    if dims is None or isinstance(dims, int):
        out.extend([dims] * len(_flatten(tree)[0]))
        return True
    if isinstance(dims, (tuple, list)) and isinstance(tree, (tuple, list)) and len(dims) == len(tree):
        return all(_flat_dims(d, t, out) for d, t in zip(dims, tree))
    if isinstance(dims, dict) and isinstance(tree, dict) and set(dims) == set(tree):
        return all(_flat_dims(dims[k], tree[k], out) for k in tree)
    return False


def _draws():
    gen = _random.default_generator
    return gen._counter, getattr(gen, "_trace_count", 0)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap on jax.vmap: maps func over dimension in_dims of its Tensor arguments.

    randomness='same' draws the same numbers for every batch element; 'different' gives each element
    its own key (as jtorch.compile does for a whole step, the random ops derive from a traced key).
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got "
                           f"{randomness}")
    name = getattr(func, "__name__", repr(func))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not isinstance(in_dims, (int, tuple)):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
                             f"(potentially nested) tuple matching the structure of inputs, got: {type(in_dims)}.")
        leaves, rebuild = _flatten(args)
        dims = []
        if not _flat_dims(in_dims if isinstance(in_dims, int) else tuple(in_dims), args, dims):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the "
                             "structure of `inputs`.")
        mapped, axes = [], []
        for i, (x, d) in enumerate(zip(leaves, dims)):
            if d is None:
                continue
            if not _is_tensor(x):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                                 f"the input is of type {type(x)}. We cannot vmap over non-Tensor arguments, please "
                                 "use None as the respective in_dim")
            if not -max(x.dim(), 1) <= d < max(x.dim(), 1) or x.dim() == 0:
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, "
                                 f"but that input is a Tensor of dimensionality {x.dim()} so expected in_dim to "
                                 f"satisfy -{x.dim()} <= in_dim < {x.dim()}.")
            mapped.append(i)
            axes.append(d % x.dim())
        if not mapped:
            raise ValueError("vmap: Expected at least one Tensor to vmap over")
        sizes = [leaves[i].shape[a] for i, a in zip(mapped, axes)]
        if len(set(sizes)) > 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        _flush()

        box = _Box()
        gen = _random.default_generator
        arrays = [_array(leaves[i]) for i in mapped]
        if randomness == "different":  # one key per batch element, split from one draw of the generator
            base = jax.random.wrap_key_data(gen._key_leaf()._lazy.value)
            arrays.append(jax.random.key_data(jax.random.split(base, sizes[0])))
            axes.append(0)

        def f(*xs):
            new = list(leaves)
            for i, x in zip(mapped, xs):
                new[i] = _wrap(x)
            before = _draws()
            saved = gen._trace_key, getattr(gen, "_trace_count", 0)
            if randomness == "different":
                gen._trace_key, gen._trace_count = xs[-1], 0
            try:
                with _Eager():
                    out = func(*rebuild(new), **kwargs)
            finally:
                if randomness == "different":
                    gen._trace_key, gen._trace_count = saved
            if randomness == "error" and _draws() != before:
                raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use "
                                   "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                                   "operation out of vmap")
            box.leaves, box.rebuild = _flatten(out)
            box.dims = []
            if not _flat_dims(out_dims, out, box.dims):
                raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
                                 "with the structure of `outputs`.")
            for x, d in zip(box.leaves, box.dims):
                if not _is_tensor(x) and d is not None:
                    raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(x)}. "
                                     "Did you mean to set out_dims= to None for output?")
            tensors = [(_array(x), d) for x, d in zip(box.leaves, box.dims) if _is_tensor(x)]
            return [a for a, d in tensors if d is not None], [a for a, d in tensors if d is None]

        # outputs with an out_dim come back batched at dim 0 (jax broadcasts unbatched ones) and move to it; those
        # with None go to out_axes None, a prefix jax matches after tracing, so it checks they are unbatched
        with _Guard("vmap", func, args, kwargs):
            try:
                batched, unbatched = map(iter, jax.vmap(f, in_axes=tuple(axes), out_axes=(0, None))(*arrays))
            except ValueError as e:
                if "got axis spec None" not in str(e):
                    raise
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is "
                                 "None") from None
        outs = []
        for x, d in zip(box.leaves, box.dims):
            if not _is_tensor(x):
                outs.append(x)
            else:
                outs.append(_wrap(next(unbatched) if d is None else jnp.moveaxis(next(batched), 0, d)))
        return box.rebuild(outs)
    return wrapper


# -- modules -------------------------------------------------------------------------------

def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """torch.func.functional_call: module(*args, **kwargs) with parameters/buffers replaced by the given
    tensors for the duration of the call (restored afterwards, also on error). A single dict is handed on as
    is, so what the call rebinds (e.g. a buffer) comes back in it, as in torch."""
    if isinstance(parameter_and_buffer_dicts, dict):
        parameters_and_buffers = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if any(not isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts = collections.Counter(k for d in parameter_and_buffer_dicts for k in d)
        repeated_keys = [k for k, n in counts.items() if n > 1]
        if repeated_keys:
            raise ValueError(f"{repeated_keys} appeared in multiple dictionaries; behavior of functional call is "
                             "ambiguous")
        parameters_and_buffers = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(parameter_and_buffer_dicts)}")
    return stateless._functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights,
                                      strict=strict)


def replace_all_batch_norm_modules_(root):
    """torch.func.replace_all_batch_norm_modules_: BatchNorm modules in root stop tracking running stats (so
    vmap/grad over them write into no buffer); in place, returns root."""
    for m in root.modules():
        if isinstance(m, _BatchNorm) and m.track_running_stats:
            m.running_mean = m.running_var = m.num_batches_tracked = None
            m.track_running_stats = False
    return root


def functionalize(func, *, remove="mutations"):
    """torch.func.functionalize: jtorch already turns in-place ops and views into pure ones, so func as is."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}. "
                           "Valid options are:\n     remove='mutations': all inplace and out= operators will be "
                           "removed from the program, and replaced with their out-of-place equivalents.\n     "
                           "remove='mutations_and_views': In addition to the above, all aliasing operators {view} "
                           "will be replaced with their non-aliasing counterparts, {view}_copy.\n")
    return func


def stack_module_state(models):
    """torch.func.stack_module_state: (params, buffers) dicts of the models' states stacked on a new dim 0
    (for vmap over functional_call); stacked parameters are new leaves."""
    stack = registry.FUNCTIONS["stack"]
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or not any(m.training for m in models)):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    t0 = type(models[0])
    if not all(type(m) is t0 for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    params = {k: stack([dict(m.named_parameters())[k] for m in models]).detach().requires_grad_(p.requires_grad)
              for k, p in models[0].named_parameters()}
    buffers = {k: stack([dict(m.named_buffers())[k] for m in models]) for k, _ in models[0].named_buffers()}
    return params, buffers


def debug_unwrap(tensor, *, recurse=True):
    """torch.func.debug_unwrap: the plain tensor under functorch's wrappers. jtorch's transforms do
    not wrap tensors (a transformed function sees jtorch tensors over jax tracers), so it is the
    tensor itself."""
    return tensor


from ._rearrange import rearrange as rearrange  # noqa: E402
__all__ += ["debug_unwrap", "rearrange"]
