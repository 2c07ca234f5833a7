"""The __torch_function__ protocol (torch.overrides re-exports it; the op entries call `_defer`).

A torch function called with an argument whose type defines `__torch_function__` (and is not a
plain jtorch Tensor) hands the call to that type. jtorch finds such arguments only where the
ordinary path fails: an op whose argument is neither a Tensor nor a number raises inside the
dispatcher, and the op's generated entry (jtorch._ops.registry) asks `_defer` here whether a
torch-function type was the reason. Calls with Tensors and numbers never reach this module.

Tensor subclasses made with `as_subclass` / `_make_subclass` keep their type through Tensor
methods and operators: a subclass gets, when it is defined, method entries that go through its
`__torch_function__` (the default one converts results to the subclass, as torch's does). Plain
Tensors and the library's own subclasses (Parameter, Buffer) keep the direct entries.
"""
import contextlib
import functools
import threading
import warnings

from .._tensor import Tensor as _Tensor


class _State(threading.local):
    def __init__(self):
        self.disabled_all = 0       # inside torch._C.DisableTorchFunction
        self.disabled_subclass = 0  # inside torch._C.DisableTorchFunctionSubclass
        self.modes = []             # the TorchFunctionMode stack, innermost last


_state = _State()


def _tensor_cls():
    return _Tensor


def _disabled_torch_function_impl(func, types, args=(), kwargs=None):
    """A `__torch_function__` that takes part in nothing: the call runs as for a plain Tensor."""
    return func(*args, **(kwargs or {}))


def _overrides(t):
    """Whether instances of type t take over torch calls through __torch_function__."""
    tf = getattr(t, "__torch_function__", None)
    if tf is None or _state.disabled_all:
        return False
    T = _tensor_cls()
    if t is T:
        return False
    if issubclass(t, T):
        # Parameter, Buffer and the other library subclasses behave as plain Tensors, as torch's do (DTensor,
        # marked `_library_torch_function`, keeps its type through ops as torch's does)
        if _state.disabled_subclass or (t.__module__.startswith("jtorch.") and
                                        not t.__dict__.get("_library_torch_function", False)):
            return False
    return getattr(tf, "__func__", tf) is not _disabled_torch_function_impl


def _walk(args, out):
    for a in args:
        t = type(a)
        if t is list or t is tuple:
            _walk(a, out)
        elif t is dict:
            _walk(a.values(), out)
        elif _overrides(t):
            out.append(a)
    return out


def _get_overloaded_args(relevant_args, get_type_fn=None):
    """The arguments whose types override, one per type, subclasses before their superclasses."""
    get_type = get_type_fn or type
    types, out = [], []
    for a in relevant_args:
        t = get_type(a)
        if t in types or not _overrides(t):
            continue
        at = len(out)
        for i, seen in enumerate(types):
            if issubclass(t, seen):
                at = i
                break
        types.insert(at, t)
        out.insert(at, a)
    return out


def has_torch_function(relevant_args):
    """Whether any argument (or element of a list/tuple argument) overrides torch functions."""
    return bool(_walk(relevant_args, []) or _modes_active())


def has_torch_function_unary(arg):
    return _overrides(type(arg)) or _modes_active()


def has_torch_function_variadic(*args):
    return has_torch_function(args)


def is_tensor_like(inp):
    """True for a Tensor and for any object whose type defines __torch_function__."""
    return type(inp) is _tensor_cls() or hasattr(inp, "__torch_function__")


def resolve_name(f):
    """The torch name of a function or Tensor method, e.g. 'torch.add' or 'torch.Tensor.add'."""
    owner = getattr(f, "__objclass__", None) or getattr(f, "__self__", None)
    if owner is _tensor_cls() or (isinstance(owner, type) and issubclass(owner, _tensor_cls())):
        return f"torch.Tensor.{f.__name__}"
    name = getattr(f, "__name__", None)
    if name is None:
        return None
    module = getattr(f, "__module__", None) or "torch"
    return f"{module.replace('jtorch', 'torch', 1) if module.startswith('jtorch') else module}.{name}"


def handle_torch_function(public_api, relevant_args, *args, **kwargs):
    """Call the `__torch_function__` of the active mode, then of each overriding argument type in
    torch's order, until one gives something other than NotImplemented."""
    overloaded = _get_overloaded_args(_flat(relevant_args))
    types = tuple(type(a) for a in overloaded)
    if _modes_active():
        # the innermost mode decides, and runs with itself off (what it calls goes to the modes below it)
        with _pop_mode_temporarily() as innermost:
            handled = innermost.__torch_function__(public_api, types, args, kwargs)
        if handled is not NotImplemented:
            return handled
    for a in overloaded:
        method = a.__torch_function__
        if getattr(method, "__self__", None) is a:
            warnings.warn("Defining your `__torch_function__` as a plain method is deprecated and will be an error "
                          "in future, please define it as a classmethod.", DeprecationWarning)
        result = method(public_api, types, args, kwargs)
        if result is not NotImplemented:
            return result
    lines = "".join(f"\n  - tensor subclass {t}" for t in types)
    raise TypeError(f"Multiple dispatch failed for '{resolve_name(public_api)}'; all __torch_function__ handlers "
                    f"returned NotImplemented:\n{lines}\n\nFor more information, try re-running with "
                    "TORCH_LOGS=not_implemented")


def _flat(args):
    out = []
    for a in args:
        if type(a) in (list, tuple):
            out.extend(_flat(a))
        else:
            out.append(a)
    return out


def _defer(public_api, args, kwargs):
    """Called by an op entry whose call failed: the result of the __torch_function__ protocol, or
    _NOT_MINE when no argument overrides and no mode is active (the failure is the user's)."""
    if not (_modes_active() or _walk(args, []) or _walk(kwargs.values(), [])):
        return _NOT_MINE
    return handle_torch_function(public_api, _flat(list(args) + list(kwargs.values())), *args, **kwargs)


_NOT_MINE = object()


# -- modes ----------------------------------------------------------------------------------------

def _modes_active():
    return bool(_state.modes) and not _state.disabled_all


class TorchFunctionMode:
    """Intercepts every torch function called inside `with mode:` through its __torch_function__."""

    def __init__(self):
        super().__init__()

    def __enter__(self):
        return _push_mode(self)

    def __exit__(self, exc_type, exc_val, exc_tb):
        if not (_state.modes and _state.modes[-1] is self):
            raise AssertionError("TorchFunctionMode exited out of order")
        _pop_mode()

    def __torch_function__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    @classmethod
    def push(cls, *args, **kwargs):
        warnings.warn("`Mode.push()` is no longer necessary and can be replaced with just `with Mode()`")
        return cls(*args, **kwargs)


class BaseTorchFunctionMode(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        return func(*args, **(kwargs or {}))


def _push_mode(mode):
    _state.modes.append(mode)
    _registry_modes_changed()
    return mode


def _pop_mode():
    if not _state.modes:
        raise AssertionError("Trying to pop from an empty mode stack")
    mode = _state.modes.pop()
    _registry_modes_changed()
    return mode


@contextlib.contextmanager
def _pop_mode_temporarily():
    # the entries keep the mode-aware dispatcher meanwhile: it finds the stack shorter by itself
    if not _state.modes:
        raise AssertionError("Trying to pop from an empty mode stack")
    mode = _state.modes.pop()
    try:
        yield mode
    finally:
        _state.modes.append(mode)


def _get_current_function_mode():
    return _state.modes[-1] if _state.modes else None


def _get_current_function_mode_stack():
    return list(_state.modes)


def _len_torch_function_stack():
    return len(_state.modes)


def _is_torch_function_mode_enabled():
    return _modes_active()


on_modes_changed = None  # set by the op table: swaps its entries' dispatcher for a checking one
_subclass_defined = [False]  # a Tensor subclass overriding __torch_function__ exists: every op checks its args


def _registry_modes_changed():
    if on_modes_changed is not None:
        on_modes_changed(bool(_state.modes) or _subclass_defined[0])


class DisableTorchFunctionSubclass:
    """Inside, Tensor subclasses' __torch_function__ is not called (other Tensor-likes still are)."""

    def __enter__(self):
        _state.disabled_subclass += 1

    def __exit__(self, *exc):
        _state.disabled_subclass -= 1

    def __call__(self, fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            with DisableTorchFunctionSubclass():
                return fn(*args, **kwargs)
        return inner


class DisableTorchFunction(DisableTorchFunctionSubclass):
    """Inside, no __torch_function__ (nor mode) is called."""

    def __enter__(self):
        _state.disabled_all += 1
        _state.disabled_subclass += 1

    def __exit__(self, *exc):
        _state.disabled_all -= 1
        _state.disabled_subclass -= 1


def _is_torch_function_enabled():
    return not _state.disabled_all


@contextlib.contextmanager
def _enable_torch_function():
    saved = _state.disabled_all, _state.disabled_subclass
    _state.disabled_all = _state.disabled_subclass = 0
    try:
        yield
    finally:
        _state.disabled_all, _state.disabled_subclass = saved


@contextlib.contextmanager
def enable_reentrant_dispatch():
    """torch's guard for re-entering the dispatcher from a __torch_dispatch__; jtorch has one dispatcher level."""
    yield


def redispatch_function(func, types, args, kwargs):
    return func(*args, **(kwargs or {}))


# -- the default protocol of Tensor subclasses --------------------------------------------------

def _convert(value, cls):
    T = _tensor_cls()
    if cls is T:
        return value
    if isinstance(value, T) and not isinstance(value, cls):
        return value.as_subclass(cls)
    if type(value) in (tuple, list):
        return type(value)(_convert(v, cls) for v in value)
    return value


def _tensor_torch_function(cls, func, types, args=(), kwargs=None):
    """Tensor.__torch_function__: run func with subclass handling off, then give the result `cls`
    (what torch's default does, so `as_subclass` types survive ops)."""
    if not all(issubclass(cls, t) for t in types):
        return NotImplemented
    with DisableTorchFunctionSubclass():
        result = func(*args, **(kwargs or {}))
        if func in get_default_nowrap_functions():
            return result
        return _convert(result, cls)


def get_default_nowrap_functions():
    """Functions whose results the default __torch_function__ leaves as they are."""
    T = _tensor_cls()
    return {T._base.__get__, T.grad.__get__} if hasattr(T, "_base") else set()


def _install_subclass_methods(cls):
    """Give a Tensor subclass that overrides __torch_function__ method entries that go through it."""
    T = _tensor_cls()
    if not _overrides(cls):
        return
    if not _subclass_defined[0]:
        _subclass_defined[0] = True
        _registry_modes_changed()
    for name, fn in _tensor_methods().items():
        if name in cls.__dict__ or name in _NO_WRAP or getattr(cls, name, None) is not getattr(T, name, None):
            continue
        setattr(cls, name, _method_entry(fn, name))


_NO_WRAP = frozenset(("__init__", "__new__", "__init_subclass__", "__torch_function__", "__repr__", "__hash__",
                      "__getattribute__", "__setattr__", "__getattr__", "__reduce_ex__", "__reduce__",
                      "__class__", "__dir__", "__sizeof__", "__subclasshook__", "_init", "as_subclass",
                      "__array__", "__array_priority__", "__deepcopy__", "__format__", "__str__",
                      "__setstate__", "__getstate__", "__bool__", "__len__", "__iter__", "__index__",
                      "__int__", "__float__", "__complex__", "__contains__", "__weakref__", "__dict__",
                      "__slots__", "__module__", "__doc__", "__qualname__", "__eq__", "__ne__"))


def _tensor_methods():
    T = _tensor_cls()
    out = {}
    for klass in reversed(T.__mro__[:-1]):
        for name, v in vars(klass).items():
            if callable(v) and not isinstance(v, (type, staticmethod, classmethod, property)):
                if not name.startswith("_") or (name.startswith("__") and name.endswith("__")):
                    out[name] = v
    return out


def _method_entry(fn, name):
    def method(self, *args, **kwargs):
        if _state.disabled_subclass or _state.disabled_all:
            return fn(self, *args, **kwargs)
        return handle_torch_function(fn, (self,) + args + tuple(kwargs.values()), self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(fn, "__doc__", None)
    return method


def _make_subclass(cls, data, require_grad=False, dispatch_sizes_strides_policy=None, dispatch_device=False,
                   dispatch_layout=False, _extra_dispatch_keys=None, storage_size=None):
    """Tensor._make_subclass: data's value, detached, as a leaf instance of cls."""
    if not (isinstance(cls, type) and issubclass(cls, _Tensor)):
        raise TypeError(f"_make_subclass(): argument 'cls' must be a subclass of torch.Tensor, not {cls!r}")
    out = data.detach().as_subclass(cls)
    if require_grad:
        out.requires_grad_(True)
    return out


def install(tensor_cls):
    """Tensor.__torch_function__ (the default protocol), Tensor._make_subclass, and the hook giving
    subclasses their entries."""
    tensor_cls.__torch_function__ = classmethod(_tensor_torch_function)
    if "_make_subclass" not in tensor_cls.__dict__:
        tensor_cls._make_subclass = staticmethod(_make_subclass)
    previous = tensor_cls.__dict__.get("__init_subclass__")

    def init_subclass(cls, **kwargs):
        if previous is not None:
            previous.__get__(None, cls)(**kwargs)
        _install_subclass_methods(cls)
    tensor_cls.__init_subclass__ = classmethod(init_subclass)
