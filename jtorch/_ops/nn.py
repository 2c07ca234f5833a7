"""Neural-network ops (torch.nn.functional's core), defined once for F.* and Tensor methods."""
