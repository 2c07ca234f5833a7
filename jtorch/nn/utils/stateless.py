"""torch.nn.utils.stateless.functional_call (deprecated in torch for torch.func.functional_call)."""
import contextlib
import warnings

from ..._tensor import Tensor

__all__ = ["functional_call"]

_MISSING = object()


def _untie_named_tensors_map(module, parameters_and_buffers):
    """Give every name of a tied tensor the value passed for any of its names (several different values
    for one tied tensor are an error, as in torch)."""
    all_named_tensors = dict(module.named_parameters(remove_duplicate=False))
    all_named_tensors.update(module.named_buffers(remove_duplicate=False))
    by_id = {}
    for name, tensor in all_named_tensors.items():
        by_id.setdefault(id(tensor), set()).add(name)
    tied_names_map = {n: names for names in by_id.values() if len(names) > 1 for n in names}
    given = {n for n in parameters_and_buffers if n in tied_names_map}
    for name in given:
        tied_names = tied_names_map[name]
        if (len(tied_names & given) > 1
                and len({id(parameters_and_buffers[n]) for n in tied_names if n in given}) != 1):
            raise ValueError(f"functional_call got multiple values for keys {sorted(tied_names)}, "
                             "which are tied. Consider using tie_weights=False")
    untied = dict(parameters_and_buffers)
    for name in given:
        for tied_name in tied_names_map[name]:
            untied[tied_name] = parameters_and_buffers[name]
    return untied


def _swap_tensor(module, name, tensor):
    """Put `tensor` under `name` (a parameter, buffer or plain attribute) and return what was there."""
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of torch.Tensor")
    for store in (module._parameters, module._buffers):
        if name in store:
            orig = store[name]
            if tensor is _MISSING:
                del store[name]
            else:
                store[name] = tensor
            return orig
    orig = getattr(module, name) if hasattr(module, name) else _MISSING
    if orig is not _MISSING and orig is not None and not isinstance(orig, Tensor):
        raise TypeError(f"attribute `{name}`: {orig} is not an instance of torch.Tensor")
    if tensor is _MISSING:
        if hasattr(module, name):  # the name goes away again
            delattr(module, name)
    else:
        setattr(module, name, tensor)
    return orig


def _swap_all(module, values):
    orig = {}
    for name, tensor in values.items():
        path, _, attr = name.rpartition(".")
        orig[name] = _swap_tensor(module.get_submodule(path), attr, tensor)
    return orig


@contextlib.contextmanager
def _reparametrize_module(module, parameters_and_buffers, tie_weights=False, strict=False):
    values = _untie_named_tensors_map(module, parameters_and_buffers) if tie_weights else parameters_and_buffers
    if strict:
        current = {k for k, _ in module.named_parameters(remove_duplicate=False)}
        current.update(k for k, _ in module.named_buffers(remove_duplicate=False))
        missing, unexpected = sorted(current - set(values)), sorted(set(values) - current)
        error_msgs = []
        if unexpected:
            error_msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            error_msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if error_msgs:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(error_msgs)))
    orig = {}
    try:
        for name, tensor in values.items():  # one at a time, so a failure restores what was swapped
            orig.update(_swap_all(module, {name: tensor}))
        yield
    finally:
        new = _swap_all(module, orig)
        # what the call rebound (e.g. buffers replaced by a module) goes back to the caller's dict
        parameters_and_buffers.update({k: new[k] for k in parameters_and_buffers if k in new})


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """module(*args, **kwargs) with the named parameters/buffers replaced for this call only (restored
    afterwards, also on error)."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
                  "removed in a future version of PyTorch. Please use `torch.func.functional_call` instead "
                  "which is a drop-in replacement.", FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict)


def _functional_call(module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False):
    from ..parallel import DataParallel
    if isinstance(module, DataParallel):
        raise RuntimeError("The stateless API can't be used with nn.DataParallel module")
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights, strict=strict):
        return module(*args, **kwargs)
