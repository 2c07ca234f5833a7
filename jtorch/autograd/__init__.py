"""torch.autograd: backward, grad, grad modes and custom Functions."""
from . import _backward
from .function import Function as Function, FunctionCtx as FunctionCtx
from .grad_mode import (enable_grad as enable_grad, inference_mode as inference_mode,
                        is_grad_enabled as is_grad_enabled, no_grad as no_grad,
                        set_grad_enabled as set_grad_enabled)
from .._ops import registry


def _as_list(x):
    if x is None:
        return None
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _cotangents(outputs, grad_outputs):
    from .._ops.creation import ones_like
    cots = []
    for i, out in enumerate(outputs):
        g = grad_outputs[i] if grad_outputs is not None else None
        if g is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
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


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's .grad (pending until the next sync)."""
    from .._tensor import Tensor
    outputs = _as_list(tensors)
    _check_outputs(outputs)
    grad_outputs = _as_list(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    cots = _cotangents(outputs, grad_outputs)
    roots = [o._fresh_lazy() for o in outputs]
    targets = _as_list(inputs)
    wrt = None if targets is None else [t._fresh_lazy() for t in targets]
    taps = [t._lazy for t in list(_backward._tapped.values())]
    with _grad_for(create_graph):
        wrt, grads, tap_grads = _backward.run_vjp(roots, cots, wrt, retain_graph, create_graph, taps)
        if targets is None:
            targets = [lz.owner() for lz in wrt]
        for t in list(_backward._tapped.values()):
            g = tap_grads.get(id(t._lazy))
            if g is not None:
                g = Tensor._from_lazy(g)
                _run_hooks(t, g, leaf=False)
                if t._retains:
                    t._grad = g if t._grad is None else t._grad + g
        for t, g in zip(targets, grads):
            if t is None or g is None:
                continue
            g = _run_hooks(t, Tensor._from_lazy(g), leaf=True)
            t._grad = g if t._grad is None else t._grad + g


def _run_hooks(t, g, leaf):
    for hook in list((t._hooks or {}).values()):
        r = hook(g)
        if r is not None:
            if not leaf:
                raise NotImplementedError(
                    "jtorch: a hook on a non-leaf tensor that returns a new gradient is not supported yet; "
                    "register it on the leaf instead")
            g = r
    return g


class _grad_for:
    """Gradient ops are recorded with grad mode on only when create_graph asks for it."""

    def __init__(self, create_graph):
        self._mode = bool(create_graph)

    def __enter__(self):
        self._prev = registry._grad_enabled[0]
        registry._grad_enabled[0] = self._mode and self._prev

    def __exit__(self, *exc):
        registry._grad_enabled[0] = self._prev


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """torch.autograd.grad: gradients of outputs w.r.t. inputs, returned (not accumulated)."""
    from .._ops.creation import zeros_like
    from .._tensor import Tensor
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
    with _grad_for(create_graph):
        _, grads, _ = _backward.run_vjp(roots, cots, [t._fresh_lazy() for t in inputs], retain_graph,
                                        create_graph, [])
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


__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode"]
