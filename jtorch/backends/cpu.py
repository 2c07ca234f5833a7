"""torch.backends.cpu."""


def get_cpu_capability():
    """The vector ISA torch's CPU kernels were dispatched to; XLA picks its own code, so "DEFAULT"."""
    return "DEFAULT"
