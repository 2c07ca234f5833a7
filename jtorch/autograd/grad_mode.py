"""no_grad, enable_grad, set_grad_enabled, inference_mode: context managers and decorators."""
import functools

from .._ops import registry


def is_grad_enabled():
    return registry._grad_enabled[0]


class _GradMode:
    """Base: sets grad mode on enter, restores it on exit; usable as a decorator."""

    _mode = True

    def __enter__(self):
        self._prev = registry._grad_enabled[0]
        registry._grad_enabled[0] = self._mode
        return self

    def __exit__(self, *exc):
        registry._grad_enabled[0] = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradMode):
    _mode = False


class enable_grad(_GradMode):
    _mode = True


class set_grad_enabled(_GradMode):
    def __init__(self, mode):
        self._mode = bool(mode)
        self._prev = registry._grad_enabled[0]
        registry._grad_enabled[0] = self._mode  # torch applies it at construction too

    def __enter__(self):
        return self

    def __call__(self, fn):
        registry._grad_enabled[0] = self._prev
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper


class inference_mode(_GradMode):
    def __init__(self, mode=True):
        self._mode = not mode

    def __call__(self, fn):
        mode = not self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)
        return wrapper


def is_inference_mode_enabled():
    return False
