"""torch.special: special mathematical functions (filled next)."""
