"""no_grad, enable_grad, set_grad_enabled, inference_mode: context managers and decorators.

The modes are per thread (jtorch._engine.modes), as in torch: `no_grad` in one thread leaves
recording on in the others. Each class works as `with cls():`, as `@cls()` and, where torch
allows it, as a bare `@cls` decorator.
"""
import functools

from .._engine import modes


def is_grad_enabled():
    return modes.get().grad_enabled


def is_inference_mode_enabled():
    return modes.get().inference


class _Switch:
    """Sets this thread's modes on enter and puts the previous ones back on exit."""

    def _target(self):  # (grad_enabled, inference) inside the block
        raise NotImplementedError

    def __new__(cls, *args, **kwargs):
        # `@no_grad` without parentheses: the one argument is the function to decorate
        if cls._bare_ok and len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], bool):
            return cls()(args[0])
        return super().__new__(cls)

    _bare_ok = True

    def __enter__(self):
        st = modes.get()
        self._saved = (st.grad_enabled, st.inference)
        st.grad_enabled, st.inference = self._target()

    def __exit__(self, *exc):
        modes.get().grad_enabled, modes.get().inference = self._saved
        return False

    def __call__(self, fn):
        make = self.clone

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with make():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_Switch):
    def _target(self):
        return False, modes.get().inference


class enable_grad(_Switch):
    def _target(self):
        return True, modes.get().inference


class set_grad_enabled(_Switch):
    _bare_ok = False

    def __init__(self, mode):
        self._mode = bool(mode)
        # torch switches at construction, so `torch.set_grad_enabled(False)` works as a plain call
        self._before = modes.get().grad_enabled
        modes.get().grad_enabled = self._mode

    def _target(self):
        return self._mode, modes.get().inference

    def __enter__(self):
        st = modes.get()
        self._saved = (self._before, st.inference)

    def __call__(self, fn):
        modes.get().grad_enabled = self._before  # used as a decorator: the construction switched nothing
        return super().__call__(fn)

    def clone(self):
        return set_grad_enabled(self._mode)


class inference_mode(_Switch):
    def __init__(self, mode=True):
        self._mode = bool(mode)

    def _target(self):  # torch: grad mode is the opposite of inference mode inside either block
        return not self._mode, self._mode

    def clone(self):
        return inference_mode(self._mode)
