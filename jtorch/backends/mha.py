"""torch.backends.mha: nn.MultiheadAttention's inference fast path (a speed switch; recorded)."""
_fastpath = [True]


def get_fastpath_enabled():
    return _fastpath[0]


def set_fastpath_enabled(value):
    _fastpath[0] = bool(value)
