"""torch.distributed._composable: the per-module (composable) distributed APIs."""
