"""torch.distributed.autograd: distributed autograd over RPC, which jtorch does not provide."""


def is_available():
    return False


def _unavailable(*args, **kwargs):
    raise RuntimeError("torch.distributed.autograd needs torch.distributed.rpc, which jtorch does not provide")


backward = get_gradients = _unavailable


class context:  # noqa: N801 - torch's name
    def __enter__(self):
        _unavailable()

    def __exit__(self, *exc):
        return False
