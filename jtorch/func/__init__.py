"""torch.func: function transforms on jtorch functions (filled next)."""
