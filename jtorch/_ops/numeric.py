"""Numerical helpers over whole tensors: distances, differences, statistics, quadrature."""
