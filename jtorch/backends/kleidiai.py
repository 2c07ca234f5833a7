"""torch.backends.kleidiai: no KleidiAI kernels in jtorch."""


def is_available():
    return False
