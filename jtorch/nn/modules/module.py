"""nn.Module: parameter/buffer/submodule registration, state_dict, hooks, conversions, repr."""
import collections
import itertools
import warnings
import weakref

import numpy as np

from ... import _dtype
from ..._engine.hooks import Hooks as _Hooks, RemovableHandle as RemovableHandle
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter
from ..._ops.creation import tensor
from ..._ops.creation import _parse_to
from ..._ops.creation import empty_like
from ..._ops.elementwise import positive
from ..._ops.creation import zeros_like

__all__ = ["Module"]

_EXTRA_STATE_KEY_SUFFIX = "_extra_state"  # the state_dict key of get_extra_state() (libraries read it)


class _IncompatibleKeys(collections.namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    __slots__ = ()

    def __repr__(self):
        if self.missing_keys or self.unexpected_keys:
            return super().__repr__()
        return "<All keys matched successfully>"

    __str__ = __repr__


class _WithModule:
    """A hook called with its module first; holds the module weakly (no cycle), but pickles and
    deep-copies it strongly, so a copied module's hook gets the copy."""

    def __init__(self, hook, module):
        self.hook, self.module = hook, weakref.ref(module)

    def __call__(self, *args, **kwargs):
        return self.hook(self.module(), *args, **kwargs)

    def __getstate__(self):
        return {"hook": self.hook, "module": self.module()}

    def __setstate__(self, state):
        self.hook, self.module = state["hook"], weakref.ref(state["module"])


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(type(obj), "__module__", "")
    name = type(obj).__qualname__
    return name if module in ("builtins", "", None) else f"{module}.{name}"


def _addindent(s_, num_spaces):
    """Indent every line of s_ but the first by num_spaces (a child's repr nested in its parent's)."""
    first, *rest = s_.split("\n")
    pad = "\n" + " " * num_spaces
    return first + "".join(pad + line for line in rest)


def _forget(name, *stores):
    """Remove `name` from each dict or set in `stores` (an attribute changing kind)."""
    for store in stores:
        if isinstance(store, dict):
            store.pop(name, None)
        else:
            store.discard(name)


def _register(table, hook, prepend=False, marks=()):
    """Add `hook` to `table` under a new handle; for each (side_table, on) in `marks`, the hook's id is
    recorded in side_table when `on` (and the handle removes it from there too)."""
    handle = RemovableHandle(table, extra_dict=tuple(side for side, _ in marks))
    table[handle.id] = hook
    for side, on in marks:
        if on:
            side[handle.id] = True
    if prepend:
        _move_to_front(table, handle.id)
    return handle


def _to_tensor(value):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray) or np.isscalar(value):
        return tensor(np.asarray(value))
    return value


class Module:
    """Base class for all neural network modules (torch.nn.Module)."""

    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but "
                            f"{len(args) + 1} were given" if args else
                            f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        sa = object.__setattr__
        sa(self, "training", True)
        sa(self, "_parameters", {})
        sa(self, "_buffers", {})
        sa(self, "_non_persistent_buffers_set", set())
        sa(self, "_modules", {})
        sa(self, "_forward_hooks", _Hooks())
        sa(self, "_forward_hooks_with_kwargs", _Hooks())
        sa(self, "_forward_hooks_always_called", _Hooks())
        sa(self, "_forward_pre_hooks", _Hooks())
        sa(self, "_forward_pre_hooks_with_kwargs", _Hooks())
        sa(self, "_backward_hooks", _Hooks())
        sa(self, "_backward_pre_hooks", _Hooks())
        sa(self, "_state_dict_hooks", _Hooks())
        sa(self, "_state_dict_pre_hooks", _Hooks())
        sa(self, "_load_state_dict_pre_hooks", _Hooks())
        sa(self, "_load_state_dict_post_hooks", _Hooks())

    def forward(self, *input):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # -- registration ----------------------------------------------------------------------------
    def register_buffer(self, name, tensor, persistent=True):
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == "":
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' (torch Tensor or None "
                            "required)")
        self._buffers[name] = tensor
        transient = self._non_persistent_buffers_set
        (transient.discard if persistent else transient.add)(name)

    def register_parameter(self, name, param):
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == "":
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' (torch.nn.Parameter or "
                            "None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                             f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                             "the forward() method.")
        self._parameters[name] = param

    def add_module(self, name, module):
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    def register_module(self, name, module):
        self.add_module(name, module)

    def get_submodule(self, target):
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def get_parameter(self, target):
        module_path, _, param_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, param_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + param_name + "`")
        param = getattr(mod, param_name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + param_name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        module_path, _, buffer_name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, buffer_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + buffer_name + "`")
        if buffer_name not in mod._buffers:
            raise AttributeError("`" + buffer_name + "` is not a buffer")
        return getattr(mod, buffer_name)

    def get_extra_state(self):
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called.")

    def set_extra_state(self, state):
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called.")

    # -- attribute protocol --------------------------------------------------------------------------
    def __getattr__(self, name):
        d = self.__dict__
        if "_parameters" in d and name in d["_parameters"]:
            return d["_parameters"][name]
        if "_buffers" in d and name in d["_buffers"]:
            return d["_buffers"][name]
        if "_modules" in d and name in d["_modules"]:
            return d["_modules"][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        # Parameters, child modules and buffers go to their own tables; a name keeps its kind while it is
        # reassigned (None allowed); anything else is a plain attribute.
        state = self.__dict__
        params = state.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _forget(name, state, self._buffers, self._modules, self._non_persistent_buffers_set)
            return self.register_parameter(name, value)
        if params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' (torch.nn.Parameter or "
                                "None expected)")
            return self.register_parameter(name, value)
        children = state.get("_modules")
        if isinstance(value, Module):
            if children is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _forget(name, state, self._parameters, self._buffers, self._non_persistent_buffers_set)
            children[name] = value
            return None
        if children is not None and name in children:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' (torch.nn.Module "
                                "or None expected)")
            children[name] = value
            return None
        buffers = state.get("_buffers")
        marked = isinstance(value, Tensor) and getattr(value, "_is_buffer", False)  # an nn.Buffer
        if not marked and (buffers is None or name not in buffers):
            return object.__setattr__(self, name, value)
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' (torch.nn.Buffer, "
                            "torch.Tensor or None expected)")
        if not marked:
            buffers[name] = value
            return None
        persistent = value.__dict__.pop("persistent", True)
        value.__dict__.pop("_is_buffer", None)
        _forget(name, state, self._parameters, self._modules)
        return self.register_buffer(name, value, persistent)

    def __delattr__(self, name):
        for table in (self._parameters, self._buffers, self._modules):
            if name in table:
                del table[name]
                self._non_persistent_buffers_set.discard(name)  # holds buffer names only
                return
        object.__delattr__(self, name)

    def __dir__(self):
        module_attrs = dir(self.__class__)
        attrs = list(self.__dict__.keys())
        keys = module_attrs + attrs + list(self._parameters) + list(self._modules) + list(self._buffers)
        keys = [key for key in keys if not key[0].isdigit()]
        return sorted(set(keys))

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_backward_hook_tensors", None)  # this call's autograd intermediates are not state
        return state

    # attributes added after some modules were pickled: set to these values when an unpickled module
    # lacks them (a subclass lists its own)
    _unpickle_defaults = {}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name, value in type(self)._unpickle_defaults.items():
            if not hasattr(self, name):
                setattr(self, name, value)

    # -- iteration ------------------------------------------------------------------------------------
    def _named_members(self, get_members_fn, prefix="", recurse=True, remove_duplicate=True):
        memo = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for k, v in get_members_fn(module):
                if v is None or (remove_duplicate and id(v) in memo):
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield module_prefix + ("." if module_prefix else "") + k, v

    def parameters(self, recurse=True):
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._parameters.items(), prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._buffers.items(), prefix, recurse, remove_duplicate)

    def children(self):
        for _, module in self.named_children():
            yield module

    def named_children(self):
        memo = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in memo:
                memo.add(id(module))
                yield name, module

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        seen = set() if memo is None else memo
        if self in seen:
            return
        if remove_duplicate:
            seen.add(self)
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(seen, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    __hash__ = object.__hash__

    # -- modes -------------------------------------------------------------------------------------------
    def train(self, mode=True):
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for child in self.children():
            child.train(mode)  # each child's own train(), which a subclass may override
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        for p in self.parameters():
            if p.grad is not None:
                if set_to_none:
                    p.grad = None
                else:  # zeroed in place, as torch: whoever holds the grad tensor sees the zeros
                    with no_grad():
                        g = p.grad
                        if g.grad_fn is not None:
                            g.detach_()
                        g._assign(zeros_like(g), "zero_")

    def apply(self, fn):
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- conversions ---------------------------------------------------------------------------------------
    def _apply(self, fn, recurse=True):
        """Convert every parameter and buffer; Parameters stay the same objects (their data is replaced)."""
        if recurse:
            for module in self.children():
                module._apply(fn)
        for key, param in self._parameters.items():
            if param is None:
                continue
            with no_grad():
                param_applied = fn(param)
            if param_applied is not param:
                param.data = param_applied.detach() if param_applied.requires_grad else param_applied
            if param.grad is not None:
                with no_grad():
                    grad_applied = fn(param.grad)
                if grad_applied is not param.grad:
                    param._grad = grad_applied
        for key in [k for k, b in self._buffers.items() if b is not None]:
            self._buffers[key] = fn(self._buffers[key])
        return self

    def to(self, *args, **kwargs):
        device, dtype = _parse_to(args, dict(kwargs))
        if dtype is not None:
            dtype = _dtype.to_dtype(dtype)
            if not (dtype.is_floating_point or dtype.is_complex):
                raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                f"dtype={dtype}")

        def convert(t):
            if dtype is not None and (t.is_floating_point() or t.is_complex()):
                return t.to(device, dtype) if device is not None else t.to(dtype)
            return t.to(device) if device is not None else t
        try:
            return self._apply(convert)
        except NotImplementedError as e:
            if str(e) != "Cannot copy out of meta tensor; no data!":
                raise
            raise NotImplementedError(f"{e} Please use torch.nn.Module.to_empty() instead of torch.nn.Module.to() "
                                      "when moving module from meta to a different device.") from None

    def cuda(self, device=None):
        return self._apply(lambda t: t.cuda(device))

    def cpu(self):
        return self._apply(lambda t: t.cpu())

    def xpu(self, device=None):
        raise NotImplementedError("jtorch has no XPU backend")

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def float(self):
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self):
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    def to_empty(self, *, device=None, recurse=True):
        """New storage on `device` for every parameter and buffer, values not copied (a meta model's
        values never existed); jtorch's uninitialised memory is zeros."""
        return self._apply(lambda t: empty_like(t, device=device), recurse)

    def share_memory(self):
        return self

    # -- calling and hooks -----------------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        return _register(self._forward_pre_hooks, hook, prepend, [(self._forward_pre_hooks_with_kwargs, with_kwargs)])

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        return _register(self._forward_hooks, hook, prepend, [(self._forward_hooks_with_kwargs, with_kwargs),
                                                              (self._forward_hooks_always_called, always_call)])

    def register_full_backward_hook(self, hook, prepend=False):
        """hook(module, grad_input, grad_output) -> None or new grad_input, called during backward."""
        return _register(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook):
        warnings.warn("Using a non-full backward hook when the forward contains multiple autograd Nodes is "
                      "deprecated and will be removed in future versions.", FutureWarning, stacklevel=2)
        return self.register_full_backward_hook(hook)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """hook(module, grad_output) -> None or new grad_output, called before the module's input grads."""
        return _register(self._backward_pre_hooks, hook, prepend)

    def _forward_with_backward_hooks(self, args, kwargs):
        """Route gradients through hooks: inputs pass an identity op (so their grad is this module's share),
        outputs get tensor hooks collecting grad_output."""
        args = list(args)
        in_idx = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        n_in = sum(1 for a in args if isinstance(a, Tensor))
        state = {"grad_output": None, "grad_input": {}}
        full_hooks = list(self._backward_hooks.values())
        pre_hooks = list(self._backward_pre_hooks.values())

        def run_full_hooks(grad_input):
            for h in full_hooks:
                res = h(self, grad_input, state["grad_output"])
                if res is not None:
                    grad_input = res if isinstance(res, tuple) else (res,)
            return grad_input

        def input_hook(pos):
            def hook(grad):
                state["grad_input"][pos] = grad
                if len(state["grad_input"]) < len(in_idx):
                    return None
                order = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
                grad_input = tuple(state["grad_input"].get(i) for i in order)
                new = run_full_hooks(grad_input)
                if new is not grad_input:
                    if len(in_idx) != 1:
                        raise NotImplementedError("jtorch: a full backward hook may replace grad_input only for "
                                                  "modules with one input that requires grad")
                    return new[order.index(pos)]
                return None
            return hook

        if full_hooks:
            for i in in_idx:
                args[i] = positive(args[i])
                args[i].register_hook(input_hook(i))
        result = self.forward(*args, **kwargs)
        outputs = result if isinstance(result, tuple) else (result,)
        out_idx = [j for j, o in enumerate(outputs) if isinstance(o, Tensor) and o.requires_grad]
        grads_out = {}

        def output_hook(pos):
            def hook(grad):
                grads_out[pos] = grad
                if len(grads_out) < len(out_idx):
                    return None
                grad_output = tuple(grads_out.get(j) for j in range(len(outputs)))
                for h in pre_hooks:
                    res = h(self, grad_output)
                    if res is not None:
                        grad_output = res if isinstance(res, tuple) else (res,)
                state["grad_output"] = grad_output
                if full_hooks and not in_idx:
                    warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                                  "outputs since no inputs require gradients. See https://docs.pytorch.org/docs/main/"
                                  "generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more "
                                  "details.", UserWarning, stacklevel=2)
                    run_full_hooks((None,) * n_in)
                return grad_output[pos] if grad_output[pos] is not grad else None
            return hook

        for j in out_idx:
            outputs[j].register_hook(output_hook(j))
        # autograd keeps hooked intermediates only while something holds them: the module does, for its
        # recent calls (an output consumed by the next layer would otherwise be collected before backward)
        keep = self.__dict__.get("_backward_hook_tensors")
        if keep is None:
            keep = collections.deque(maxlen=16)
            object.__setattr__(self, "_backward_hook_tensors", keep)
        keep.append([args[i] for i in in_idx] + [outputs[j] for j in out_idx])
        return result

    def _call_impl(self, *args, **kwargs):
        if not (self._forward_hooks or self._forward_pre_hooks or self._backward_hooks or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                res = hook(self, args, kwargs)
                if res is not None:
                    if isinstance(res, tuple) and len(res) == 2:
                        args, kwargs = res
                    else:
                        raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                                           f"but got {res}.")
            else:
                res = hook(self, args)
                if res is not None:
                    args = res if isinstance(res, tuple) else (res,)
        if self._backward_hooks or self._backward_pre_hooks:
            result = self._forward_with_backward_hooks(args, kwargs)
        else:
            result = self.forward(*args, **kwargs)
        for hook_id, hook in list(self._forward_hooks.items()):
            if hook_id in self._forward_hooks_with_kwargs:
                res = hook(self, args, kwargs, result)
            else:
                res = hook(self, args, result)
            if res is not None:
                result = res
        return result

    __call__ = _call_impl

    # -- state dict --------------------------------------------------------------------------------------------
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        transient = self._non_persistent_buffers_set
        saved = itertools.chain(self._parameters.items(),
                                ((k, b) for k, b in self._buffers.items() if k not in transient))
        for name, value in saved:
            if value is not None:
                destination[prefix + name] = value if keep_vars else value.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + "_extra_state"] = self.get_extra_state()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        if args:
            warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                          "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                          " for details.", FutureWarning, stacklevel=2)
            destination = args[0] if len(args) > 0 and destination is None else destination
            prefix = args[1] if len(args) > 1 and prefix == "" else prefix
            keep_vars = args[2] if len(args) > 2 and keep_vars is False else keep_vars
        if destination is None:
            destination = collections.OrderedDict()
            destination._metadata = collections.OrderedDict()
        local_metadata = {"version": self._version}  # this module's entry, keyed by its dotted path
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = local_metadata
        for before in self._state_dict_pre_hooks.values():
            before(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=f"{prefix}{name}.", keep_vars=keep_vars)
        for after in self._state_dict_hooks.values():
            replaced = after(self, destination, prefix, local_metadata)
            destination = destination if replaced is None else replaced
        return destination

    def register_state_dict_pre_hook(self, hook):
        return _register(self._state_dict_pre_hooks, hook)

    def register_state_dict_post_hook(self, hook):
        return _register(self._state_dict_hooks, hook)

    _register_state_dict_hook = register_state_dict_post_hook

    def register_load_state_dict_pre_hook(self, hook):
        """hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)."""
        return self._register_load_state_dict_pre_hook(hook, with_module=True)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        """As torch: without `with_module` the hook does not take the module first."""
        return _register(self._load_state_dict_pre_hooks, _WithModule(hook, self) if with_module else hook)

    def register_load_state_dict_post_hook(self, hook):
        return _register(self._load_state_dict_post_hooks, hook)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs, assign=False):
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent_buffers = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(), persistent_buffers.items())
                       if v is not None}
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            input_param = _to_tensor(state_dict[key])
            if not isinstance(input_param, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                                  f"object from checkpoint but received {type(input_param)}")
                continue
            if input_param.shape != param.shape:
                error_msgs.append(f"size mismatch for {key}: copying a param with shape {input_param.shape} from "
                                  f"checkpoint, the shape in current model is {param.shape}.")
                continue
            try:
                with no_grad():
                    if assign:
                        if isinstance(param, Parameter):
                            new = input_param if isinstance(input_param, Parameter) else \
                                Parameter(input_param, requires_grad=param.requires_grad)
                            self._parameters[name] = new
                        else:
                            self._buffers[name] = input_param
                    else:
                        if input_param.device != param.device:
                            input_param = input_param.to(param.device)
                        param._assign(input_param.detach(), "copy_")
            except Exception as ex:  # noqa: BLE001 - reported like torch
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                                  f"{param.shape} and whose dimensions in the checkpoint are {input_param.shape}, an "
                                  f"exception occurred : {ex.args}.")
        extra_key = prefix + "_extra_state"
        keeps_extra = type(self).set_extra_state is not Module.set_extra_state
        if keeps_extra and extra_key in state_dict:
            self.set_extra_state(state_dict[extra_key])
        elif keeps_extra and strict:
            missing_keys.append(extra_key)
        if not strict:
            return
        for key in state_dict.keys():
            if not key.startswith(prefix) or key == extra_key:
                continue
            # "a.b..." must name a child "a"; a bare "a" must be one of this module's own entries
            head, dot, _ = key[len(prefix):].partition(".")
            if head not in (self._modules if dot else local_state):
                unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        if not isinstance(state_dict, collections.abc.Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, "_metadata", None)
        state_dict = collections.OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state_dict, prefix=""):
            local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
            module._load_from_state_dict(local_state_dict, prefix, local_metadata, True, missing_keys,
                                         unexpected_keys, error_msgs, assign)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_state_dict = {k: v for k, v in local_state_dict.items() if k.startswith(child_prefix)}
                    load(child, child_state_dict, child_prefix)
            incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
            for hook in module._load_state_dict_post_hooks.values():
                hook(module, incompatible)

        load(self, state_dict)
        del load
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self.__class__.__name__, "\n\t".join(error_msgs)))
        return _IncompatibleKeys(missing_keys, unexpected_keys)

    # -- printing ----------------------------------------------------------------------------------------------
    def _get_name(self):
        return self.__class__.__name__

    def extra_repr(self):
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        own = extra.split("\n") if extra else []
        children = [f"({name}): {_addindent(repr(child), 2)}" for name, child in self._modules.items()]
        if not children and len(own) <= 1:  # short form: Name() or Name(<one line>)
            return f"{self._get_name()}({''.join(own)})"
        body = "\n  ".join(own + children)
        return f"{self._get_name()}(\n  {body}\n)"


def _move_to_front(d, key):
    value = d.pop(key)
    items = list(d.items())
    d.clear()
    d[key] = value
    d.update(items)
