"""torch.distributed.nn: RemoteModule (needs RPC, absent in jtorch)."""


class RemoteModule:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("torch.distributed.nn.RemoteModule needs torch.distributed.rpc, which jtorch does not "
                           "provide")
