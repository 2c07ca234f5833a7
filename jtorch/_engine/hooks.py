"""torch.utils.hooks.RemovableHandle: what every register_*_hook returns, for tensors, modules and
optimizers alike, and the hook table it removes itself from.

It lives in the engine because a tensor's hooks are kept here (backward runs them); it is
published as jtorch.utils.hooks.RemovableHandle, the one name torch code imports.
"""
import itertools
import weakref


class Hooks(dict):
    """Hooks by handle id, in registration order (a dict subclass, so a handle can hold it weakly)."""


class RemovableHandle:
    """What register_*_hook returns: `.remove()` unregisters the hook (also a context manager)."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(RemovableHandle._next_id)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in (extra_dict or ()))

    def remove(self):
        d = self.hooks_dict_ref()
        if d is not None and self.id in d:
            del d[self.id]
        for ref in self.extra_dict_ref:
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


RemovableHandle.__module__ = "jtorch.utils.hooks"


def add(hooks, hook):
    """Register `hook` in the table `hooks` (a Hooks); returns its handle."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle
