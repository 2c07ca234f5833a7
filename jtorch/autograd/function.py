"""torch.autograd.Function on jax.custom_vjp.

`MyFn.apply(*args)` records one op whose lowering is a jax.custom_vjp function: the
user's `forward` and `backward` run on tensors wrapping jax tracers (ops execute at once
while tracing), so they are traced once per structure and compiled with the step.
"""
import jax

from .._engine import modes
from .._ops import registry
from .grad_mode import no_grad
from .._engine.graph import Lazy
from .._tensor import Tensor
from .._dtype import from_np


class FunctionCtx:
    def save_for_backward(self, *tensors):
        self.to_save = tensors

    @property
    def saved_tensors(self):
        return self._saved

    def mark_non_differentiable(self, *tensors):
        self._non_diff = tensors

    def set_materialize_grads(self, value):
        self.materialize_grads = value

    def mark_dirty(self, *tensors):
        pass


_Eager = modes.tracing


def _wrap(value):
    return Tensor._from_value(value)


def _function_lower(*arrays, cls, spec, needs_grad):
    def call_forward(xs):
        ctx = FunctionCtx()
        ctx.needs_input_grad = needs_grad
        it = iter(xs)
        args = [_wrap(next(it)) if kind == "T" else (None if kind == "N" else v) for kind, v in spec]
        with _Eager(), no_grad():
            out = cls.forward(ctx, *args)
        state["single"] = not isinstance(out, tuple)
        outs = (out,) if state["single"] else out
        return ctx, tuple(o._lazy.value for o in outs)

    state = {}

    @jax.custom_vjp
    def f(*xs):
        return call_forward(xs)[1]

    def fwd(*xs):
        ctx, outs = call_forward(xs)
        state["ctx"] = ctx
        saved = tuple(t._lazy.value for t in getattr(ctx, "to_save", ()))
        return outs, saved

    def bwd(saved, gs):
        ctx = state["ctx"]
        ctx._saved = tuple(_wrap(v) for v in saved)
        with _Eager(), no_grad():
            grads = cls.backward(ctx, *[_wrap(g) for g in gs])
        if not isinstance(grads, tuple):
            grads = (grads,)
        res = []
        gi = 0
        for (kind, _), x in zip(spec, grads):
            if kind == "T":
                res.append(jax.numpy.zeros(xs_avals[gi].shape, xs_avals[gi].dtype) if x is None else x._lazy.value)
                gi += 1
        return tuple(res)

    f.defvjp(fwd, bwd)
    xs_avals = arrays
    outs = f(*arrays)
    return outs[0] if state["single"] else tuple(outs)


FUNCTION = registry.OpDef("autograd_function", _function_lower, (), ("cls", "spec", "needs_grad"), None, False,
                          "FunctionBackward", True)
registry.OPS[FUNCTION.name] = FUNCTION


class Function:
    """Subclass with static forward(ctx, ...) and backward(ctx, *grads); call with .apply(...)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args):
        tensors, spec = [], []
        for a in args:
            if isinstance(a, Tensor):
                tensors.append(a)
                spec.append(("T", None))
            elif a is None:
                spec.append(("N", None))
            else:
                spec.append(("C", a))
        needs = tuple(a.requires_grad if isinstance(a, Tensor) else False for a in args)
        name = cls.__name__ + "Backward"
        FUNCTION.grad_name = name
        return registry.dispatch(FUNCTION, tuple(tensors), (cls, tuple(spec), needs))
