"""torch.testing: assert_close and make_tensor (filled next)."""
