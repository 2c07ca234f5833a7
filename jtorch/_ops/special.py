"""Lowerings behind torch.special that torch.* does not already have (filled next)."""
