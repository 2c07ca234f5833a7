"""Names torch keeps for old code: NestedIOFunction, variable(), and two switches whose effect in
torch is only on its own engine (threads, gradient strides): here they are accepted and do nothing."""
from .function import Function
import functools


def variable(*args, **kwargs):
    raise RuntimeError("torch.autograd.variable(...) is deprecated, use torch.tensor(...) instead")


class _NoEffect:
    """A context manager / decorator that only records its argument (torch's effect has no counterpart:
    jax runs the backward pass as one program, and gradients take their parameter's layout)."""

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__(self.mode)


class set_multithreading_enabled(_NoEffect):
    """torch: whether backward runs on its per-device worker threads."""

    def __init__(self, mode):
        super().__init__(mode)


class enforce_grad_layout_policy(_NoEffect):
    """torch: whether accumulated gradients copy their parameter's strides."""

    def __init__(self, enable=True):
        super().__init__(enable)


for _cls in (set_multithreading_enabled, enforce_grad_layout_policy):
    _cls.__module__ = "torch.autograd.grad_mode"


class NestedIOFunction(Function):
    """The legacy instance-style Function: subclass, define forward_extended / backward_extended on
    the instance, and call the instance on tensors."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def __call__(self, *args):
        return _Nested.apply(self, *args)

    def save_for_backward(self, *args):
        self._ctx.save_for_backward(*args)

    @property
    def saved_tensors(self):
        return self._ctx.saved_tensors

    def mark_dirty(self, *args, **kwargs):
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args, **kwargs):
        self.non_differentiable = args

    def forward_extended(self, *input):
        raise NotImplementedError

    def backward_extended(self, *grad_output):
        raise NotImplementedError


class _Nested(Function):
    @staticmethod
    def forward(ctx, fn, *args):
        ctx.nested = fn
        fn._ctx = ctx
        return fn.forward_extended(*args)

    @staticmethod
    def backward(ctx, *grads):
        fn = ctx.nested
        fn._ctx = ctx
        result = fn.backward_extended(*grads)
        return (None,) + (result if isinstance(result, tuple) else (result,))
