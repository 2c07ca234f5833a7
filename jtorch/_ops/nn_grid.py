"""Sampling grids: affine_grid and grid_sample (spatial transformer networks)."""
