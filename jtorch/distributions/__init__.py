"""torch.distributions (filled next)."""
