"""torch.distributed.utils: helpers DistributedDataParallel and FSDP share for their forward arguments."""
__all__ = []


def _pack_kwargs(*args, **kwargs):
    """(args + kwarg values, kwarg names): a flat tuple plus what rebuilds the kwargs."""
    return tuple(args) + tuple(kwargs.values()), tuple(kwargs)


def _unpack_kwargs(flat_args, kwarg_keys):
    if not kwarg_keys:
        return tuple(flat_args), {}
    split = len(flat_args) - len(kwarg_keys)
    return tuple(flat_args[:split]), dict(zip(kwarg_keys, flat_args[split:]))
