"""torch.nn.utils.parametrize: express a parameter or buffer as a function of other tensors.

As in torch, the first parametrization of a module swaps its class for a generated subclass
`Parametrized<Name>` that carries one property per parametrized tensor; the originals live in
`module.parametrizations.<name>.original` (or `original0`, `original1`, ... when `right_inverse`
returns several tensors), so state_dict keys match torch's.
"""
import collections
import copyreg
from contextlib import contextmanager
from copy import deepcopy

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..modules.container import ModuleDict, ModuleList
from ..modules.module import Module
from ..parameter import Parameter

__all__ = ["cached", "ParametrizationList", "register_parametrization", "is_parametrized",
           "remove_parametrizations", "type_before_parametrizations", "transfer_parametrizations_and_params"]

_cache_enabled = 0
_cache = {}


@contextmanager
def cached():
    """Compute each parametrized tensor once inside the context (cleared on leaving the outermost one)."""
    global _cache, _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache = {}


def _register_parameter_or_buffer(module, name, X):
    register = module.register_parameter if isinstance(X, Parameter) else module.register_buffer
    register(name, X)


def _maybe_set(dest, src):
    # torch's dest.set_(src): same object (optimizers keep tracking it), new value, shape may change
    if src is not dest:
        dest.data = src.detach() if src.requires_grad else src


class ParametrizationList(ModuleList):
    """Holds the original tensor(s) of a parametrized tensor and the chain of parametrizations."""

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        super().__init__(modules)
        original_shape, original_dtype = original.shape, original.dtype

        # the value to store: right_inverse through the chain, last parametrization first (skipping
        # those that have none or raise NotImplementedError)
        with no_grad():
            new = original
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, (Tensor, collections.abc.Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.unsafe = unsafe
        self.is_tensor = isinstance(new, Tensor)
        if self.is_tensor:
            self.ntensors = 1
            self._adopt_one(original, new)
        else:
            self.ntensors = len(new)
            self._adopt_many(original, new)

        if not self.unsafe:
            Z = self()
            if not isinstance(Z, Tensor):
                raise ValueError(f"A parametrization must return a tensor. Got {type(Z).__name__}.")
            if Z.dtype != original_dtype:
                raise ValueError("Registering a parametrization may not change the dtype of the tensor, unless "
                                 "`unsafe` flag is enabled.\n"
                                 f"unparametrized dtype: {original_dtype}\n"
                                 f"parametrized dtype: {Z.dtype}")
            if Z.shape != original_shape:
                raise ValueError("Registering a parametrization may not change the shape of the tensor, unless "
                                 "`unsafe` flag is enabled.\n"
                                 f"unparametrized shape: {original_shape}\n"
                                 f"parametrized shape: {Z.shape}")

    def _adopt_one(self, original, new):
        for attr in ("dtype", "device"):
            before, after = getattr(original, attr), getattr(new, attr)
            if before != after:
                raise ValueError(f"When `right_inverse` outputs one tensor, it may not change the {attr}.\n"
                                 f"original.{attr}: {before}\n"
                                 f"right_inverse(original).{attr}: {after}")
        # keep the same object, so the optimizer that already holds it keeps working
        with no_grad():
            _maybe_set(original, new)
        _register_parameter_or_buffer(self, "original", original)

    def _adopt_many(self, original, parts):
        # each part becomes original<i>, a Parameter when the original was one, with its requires_grad
        wants_grad, as_parameter = original.requires_grad, isinstance(original, Parameter)
        for i, part in enumerate(parts):
            if not isinstance(part, Tensor):
                raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors "
                                 "(list, tuple...). "
                                 f"Got element {i} of the sequence with type {type(part).__name__}.")
            if as_parameter:
                part = Parameter(part, wants_grad)
            else:
                part.requires_grad_(wants_grad)
            _register_parameter_or_buffer(self, f"original{i}", part)

    def right_inverse(self, value):
        """Store right_inverse(value) (through every parametrization, last first) in the original(s)."""
        with no_grad():
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
                else:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement "
                                       "right_inverse.")
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
                if value.dtype != self.original.dtype:
                    raise ValueError(f"The tensor returned by `right_inverse` has dtype {value.dtype} "
                                     f"while `original` has dtype {self.original.dtype}")
                _maybe_set(self.original, value)
            else:
                if not isinstance(value, collections.abc.Sequence):
                    raise ValueError("'right_inverse' must return a sequence of tensors. "
                                     f"Got {type(value).__name__}.")
                if len(value) != self.ntensors:
                    raise ValueError("'right_inverse' must return a sequence of tensors of length "
                                     f"{self.ntensors}. Got a sequence of length {len(value)}.")
                for i, tensor in enumerate(value):
                    original_i = getattr(self, f"original{i}")
                    if not isinstance(tensor, Tensor):
                        raise ValueError("'right_inverse' must return a sequence of tensors "
                                         "or reference-type opaques. Got element "
                                         f"{i} of type {type(tensor).__name__}.")
                    if original_i.dtype != tensor.dtype:
                        raise ValueError(f"Tensor {i} returned by `right_inverse` has dtype {tensor.dtype} "
                                         f"while `original{i}` has dtype {original_i.dtype}")
                    _maybe_set(original_i, tensor)

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f"original{i}") for i in range(self.ntensors)))
        for i in range(1, len(self)):
            x = self[i](x)
        return x


def _inject_new_class(module):
    """Swap the module's class for a `Parametrized<Name>` subclass that can carry properties."""
    cls = module.__class__

    def default_deepcopy(self, memo):
        # copies __dict__ and slots directly: the injected __getstate__ refuses to serialize
        done = memo.get(id(self))
        if done is not None:
            return done
        twin = memo[id(self)] = self.__new__(type(self))
        twin.__dict__ = deepcopy(self.__dict__, memo)
        for slot in [name for name in copyreg._slotnames(type(self)) if hasattr(self, name)]:
            setattr(twin, slot, deepcopy(getattr(self, slot), memo))
        return twin

    def getstate(self):
        raise RuntimeError("Serialization of parametrized modules is only supported through state_dict(). See:\n"
                           "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
                           "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training")

    dct = {"__getstate__": getstate}
    # deepcopy would otherwise go through __getstate__ and fail
    if not hasattr(cls, "__deepcopy__"):
        dct["__deepcopy__"] = default_deepcopy
    module.__class__ = type(f"Parametrized{cls.__name__}", (cls,), dct)


def _inject_property(module, tensor_name):
    """A property `tensor_name` on the generated class: get evaluates the parametrization, set calls
    right_inverse."""
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if _cache_enabled:
            key = (id(self), tensor_name)  # self: a deepcopy shares this property, not the cache entry
            tensor = _cache.get(key)
            if tensor is None:
                tensor = _cache[key] = parametrization()
            return tensor
        return parametrization()

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def _check_stacked(module, tensor_name, parametrization):
    """A parametrization added on top of existing ones must keep module.<tensor_name>'s dtype and shape,
    and so must its right_inverse (when it has a working one)."""
    current = getattr(module, tensor_name)
    result = parametrization(current)
    if not isinstance(result, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(result).__name__}.")
    for attr in ("dtype", "shape"):
        want, got = getattr(current, attr), getattr(result, attr)
        if got != want:
            raise ValueError(f"Registering a parametrization may not change the {attr} of the tensor, unless the "
                             "`unsafe` flag is enabled.\n"
                             f"module.{tensor_name}.{attr}: {want}\n"
                             f"parametrization(module.{tensor_name}).{attr}: {got}")
    if not hasattr(parametrization, "right_inverse"):
        return
    try:
        back = parametrization.right_inverse(result)
    except NotImplementedError:
        return
    if not isinstance(back, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(back).__name__}")
    for attr in ("dtype", "shape"):
        want, got = getattr(current, attr), getattr(back, attr)
        if got != want:
            raise ValueError("The tensor returned by parametrization.right_inverse must have the same "
                             f"{attr} as module.{tensor_name}, unless the `unsafe` flag is enabled.\n"
                             f"module.{tensor_name}.{attr}: {want}\n"
                             f"returned {attr}: {got}")


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make `module.<tensor_name>` return `parametrization(original)`; the original moves to
    `module.parametrizations.<tensor_name>.original`."""
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            _check_stacked(module, tensor_name, parametrization)
        chain = module.parametrizations[tensor_name]
        chain.append(parametrization)
        chain.unsafe |= unsafe
        return module
    if tensor_name not in module._buffers and tensor_name not in module._parameters:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a "
                         f"parametrized element with name '{tensor_name}'")
    # built first, so a bad parametrization leaves the module untouched
    chain = ParametrizationList([parametrization], getattr(module, tensor_name), unsafe=unsafe)
    first = not is_parametrized(module)
    delattr(module, tensor_name)
    if first:
        _inject_new_class(module)
        module.parametrizations = ModuleDict()
    _inject_property(module, tensor_name)
    module.parametrizations[tensor_name] = chain
    return module


def is_parametrized(module, tensor_name=None):
    """Whether `module` has a parametrization (on `tensor_name`, or on any tensor when None)."""
    table = getattr(module, "parametrizations", None)
    if not isinstance(table, ModuleDict):
        return False
    return len(table) > 0 if tensor_name is None else tensor_name in table


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo register_parametrization: `module.<tensor_name>` becomes a plain parameter/buffer again,
    holding the parametrized value (leave_parametrized=True) or the original."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with no_grad():
                t = getattr(module, tensor_name)
                # same object as before: the optimizer needs no update
                _maybe_set(original, t)
    else:
        if leave_parametrized:
            # not under no_grad: whether it is a Parameter follows whether the originals require grad
            t = getattr(module, tensor_name)
            original = Parameter(t.detach()) if t.requires_grad else t
        else:
            raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
                             "that is parametrized in terms of a sequence of tensors.")
    delattr(type(module), tensor_name)  # the injected property
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):  # the last one: back to the class it had before
        plain = type(module).__bases__[0]
        delattr(module, "parametrizations")
        module.__class__ = plain
    return module


def type_before_parametrizations(module):
    """The module's class before parametrizations were registered."""
    if is_parametrized(module):
        return module.__class__.__bases__[0]
    return type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Register `from_module`'s parametrizations (of `tensor_name`, or all) on `to_module`, sharing the
    original tensors."""
    if is_parametrized(from_module):
        names = from_module.parametrizations if tensor_name is None else [tensor_name]
        for parameter_name in names:
            if not hasattr(to_module, parameter_name):
                setattr(to_module, parameter_name, Parameter(getattr(from_module, parameter_name)))
            for param_func in from_module.parametrizations[parameter_name]:
                register_parametrization(to_module, parameter_name, param_func)
            src = from_module.parametrizations[parameter_name]
            dst = to_module.parametrizations[parameter_name]
            if hasattr(src, "original"):
                dst.original = src.original
            else:
                num = 0
                while hasattr(src, f"original{num}"):
                    setattr(dst, f"original{num}", getattr(src, f"original{num}"))
                    num += 1
    return to_module
