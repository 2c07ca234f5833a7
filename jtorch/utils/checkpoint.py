"""torch.utils.checkpoint (filled next)."""
