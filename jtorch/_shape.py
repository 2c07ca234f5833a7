"""Facts about shapes that every layer needs: wrapping a possibly negative dimension index."""


def wrap_dim(dim, ndim):
    """`dim` in [0, ndim): negative dims count from the end, as in torch; a 0-d tensor takes
    dim 0 and -1. Out of range raises torch's IndexError."""
    n = ndim if ndim > 0 else 1
    dim = int(dim)
    if dim < -n or dim >= n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n
