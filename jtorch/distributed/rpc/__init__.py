"""torch.distributed.rpc: not available in jtorch (is_available() says so, as torch builds without RPC do)."""


def is_available():
    return False


def _unavailable(*args, **kwargs):
    raise RuntimeError("torch.distributed.rpc is not available in jtorch: its processes talk only through "
                       "collectives every process runs together (jax.distributed)")


init_rpc = rpc_sync = rpc_async = remote = shutdown = get_worker_info = _unavailable
