"""torch.autograd: backward, grad, grad modes and custom Functions."""
from .._engine import backward as _backward
from .function import Function as Function, FunctionCtx as FunctionCtx
from .grad_mode import (enable_grad as enable_grad, inference_mode as inference_mode,
                        is_grad_enabled as is_grad_enabled, no_grad as no_grad,
                        set_grad_enabled as set_grad_enabled)
from .._engine import modes
from . import anomaly_mode
from .anomaly_mode import detect_anomaly as detect_anomaly, set_detect_anomaly as set_detect_anomaly
from .variable import Variable as Variable
# after the submodule import above: torch.autograd.variable is the function, as in torch
from ._legacy import (NestedIOFunction as NestedIOFunction, enforce_grad_layout_policy as enforce_grad_layout_policy,
                      set_multithreading_enabled as set_multithreading_enabled, variable as variable)
from .._engine.graph import Lazy
from .._ops import registry
from .._ops.creation import ones_like
from .._tensor import Tensor
from .._engine import sync
from .._engine import program
from .._ops.creation import zeros_like
import warnings


def _as_list(x):
    if x is None:
        return None
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _cotangents(outputs, grad_outputs):
    cots = []
    for i, out in enumerate(outputs):
        g = grad_outputs[i] if grad_outputs is not None else None
        if g is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not out.shape:  # the usual loss: a cached device scalar, no op recorded
                cots.append(Lazy((), out.dtype, value=registry.scalar_value(1, out.dtype.np)))
                continue
            g = ones_like(out)
        elif g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                               f"has a shape of {out.shape}.")
        cots.append(g._fresh_lazy())
    return cots


def _check_outputs(outputs):
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's .grad (pending until the next sync).

    Non-leaf tensors with hooks or retain_grad() cut the graph: gradients are computed
    down to them, their hooks run (and may replace the gradient), and the result is
    propagated further, latest tensor first, so every hook sees its full gradient.
    """
    if grad_variables is not None:  # torch's old name for grad_tensors
        warnings.warn("`grad_variables` is deprecated. Use `grad_tensors` instead.", FutureWarning, stacklevel=2)
        if grad_tensors is not None:
            raise RuntimeError("`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                               "`backward()`. Please only use `grad_tensors`.")
        grad_tensors = grad_variables
    outputs = _as_list(tensors)
    _check_outputs(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    cots = _cotangents(outputs, _as_list(grad_tensors))
    roots = [o._fresh_lazy() for o in outputs]
    _backward.check_roots(roots)
    targets = _as_list(inputs)
    cut_lazies = sorted((lz for lz in list(_backward._cuts.keys()) if lz.grad_fn is not None and lz.node is not None),
                        key=lambda lz: lz.serial, reverse=True) if _backward._cuts else []
    cuts = [_backward._cuts[lz] for lz in cut_lazies]
    graph = anomaly_mode.snapshot(roots)
    with _grad_for(create_graph):
        if targets is not None:
            leaf_wrt = [t._fresh_lazy() for t in targets]
        elif cuts:  # leaves behind a cut are only found by a full traversal
            leaf_wrt = [lz for lz in _all_leaves(roots) if lz.requires_grad and lz.owner is not None]
        else:
            leaf_wrt = None
        wrt, grads, nodes = _backward.run_vjp(roots, cots, None if leaf_wrt is None else leaf_wrt + cut_lazies,
                                              create_graph, () if retain_graph else _held(roots))
        if leaf_wrt is None:
            leaf_wrt = wrt
        if targets is None:
            targets = [None if lz.owner is None else lz.owner() for lz in leaf_wrt]
        n = len(leaf_wrt)
        acc = {id(lz): g for lz, g in zip(wrt, grads)}  # leaves and cuts alike, by lazy id
        all_nodes = list(nodes)
        for k, (c, lz) in enumerate(zip(cuts, cut_lazies)):  # latest first: its gradient is complete here
            g = acc.pop(id(lz), None)
            if g is None:
                continue
            g = _run_hooks(c.hooks, Tensor._from_lazy(g))
            t = c.tensor()
            if c.retains and t is not None:
                t._grad = g if t._grad is None else t._grad + g
            below = leaf_wrt + cut_lazies[k + 1:]
            _, more, nodes = _backward.run_vjp([lz], [g._fresh_lazy()], below, create_graph)
            all_nodes.extend(nodes)
            for lz, mg in zip(below, more):
                if mg is not None:
                    acc[id(lz)] = mg if acc.get(id(lz)) is None else _add(acc[id(lz)], mg)
        anomaly_mode.check(graph, cots, list(acc.values()))
        if not retain_graph:
            _backward.free(roots, all_nodes)
        for t, lz in zip(targets, leaf_wrt[:n]):
            g = acc.get(id(lz))
            if t is None or g is None:
                continue
            g = Tensor._from_lazy(g)
            if t._hooks:
                g = _run_hooks(t._hooks, g)
            t._grad = g if t._grad is None else t._grad + g


def _held(roots):
    """The roots and the pending values of every tensor the user still holds."""
    return list(sync.held_pending({id(lz): lz for lz in roots}).values())


def _all_leaves(roots):
    # a released value (node None) stops the walk too; run_vjp then raises torch's error for it
    return program.build(roots, lambda lz: lz.grad_fn is None or lz.node is None)[1]


def _add(a, b):
    return (Tensor._from_lazy(a) + Tensor._from_lazy(b))._lazy


def _run_hooks(hooks, g):
    for hook in list((hooks or {}).values()):
        r = hook(g)
        if r is not None:
            g = r
    return g


class _grad_for:
    """Gradient ops are recorded with grad mode on only when create_graph asks for it."""

    def __init__(self, create_graph):
        self._mode = bool(create_graph)

    def __enter__(self):
        self._prev = modes.get().grad_enabled
        modes.get().grad_enabled = self._mode and self._prev

    def __exit__(self, *exc):
        modes.get().grad_enabled = self._prev


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """torch.autograd.grad: gradients of outputs w.r.t. inputs, returned (not accumulated)."""
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    _check_outputs(outputs)
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    cots = _cotangents(outputs, _as_list(grad_outputs))
    roots = [o._fresh_lazy() for o in outputs]
    graph = anomaly_mode.snapshot(roots)
    with _grad_for(create_graph):
        _, grads, nodes = _backward.run_vjp(roots, cots, [t._fresh_lazy() for t in inputs], create_graph,
                                            () if retain_graph else _held(roots))
        anomaly_mode.check(graph, cots, grads)
        if not retain_graph:
            _backward.free(roots, nodes)
    result = []
    for i, (t, g) in enumerate(zip(inputs, grads)):
        if g is None:
            if not (allow_unused or materialize_grads):
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
            result.append(zeros_like(t) if materialize_grads else None)
        else:
            result.append(Tensor._from_lazy(g))
    return tuple(result)


_backward.entry = backward  # Tensor.backward() calls it

__all__ = ["Function", "NestedIOFunction", "Variable", "backward", "detect_anomaly", "enable_grad",
           "enforce_grad_layout_policy", "grad", "gradcheck", "gradgradcheck", "inference_mode", "no_grad",
           "set_detect_anomaly", "set_grad_enabled", "set_multithreading_enabled", "variable"]
from . import graph as graph  # noqa: E402
from . import gradcheck as _gradcheck_module  # noqa: E402
from .gradcheck import gradcheck as gradcheck, gradgradcheck as gradgradcheck  # noqa: E402
