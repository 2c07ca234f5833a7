"""torch.optim.SparseAdam: needs sparse gradients, which jtorch does not have."""
from .optimizer import Optimizer


class SparseAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        raise NotImplementedError("jtorch: torch.optim.SparseAdam is not supported (jtorch has no sparse gradients; "
                                  "embedding gradients are dense). Use Adam or AdamW instead")
