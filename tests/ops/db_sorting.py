"""Sorting and searching: sort, argsort, topk, kthvalue, unique, msort, searchsorted, bucketize."""
import numpy as np

from tests.ops.opinfo import error_text as _err, OpInfo, S

TIES = np.array([[3, 1, 2, 1, 3], [0, 0, 5, -1, 0]])  # stable order of equal keys is checked


def distinct(*shape, dtype="float32"):
    n = int(np.prod(shape))
    return (np.random.default_rng(n + 7).permutation(n).reshape(shape) * 0.41 - 1.3).astype(dtype)


OPS = [
    OpInfo("sort", lambda m, x, *a, **k: m.sort(x, *a, **k),
           [S(distinct(3, 4)), S(distinct(3, 4), 0, True), S(TIES, stable=True), S(TIES, descending=True,
                                                                                   stable=True)]),
    OpInfo("sort_nan", lambda m, x: (x.sort(), x.sort(descending=True)),
           [S(np.array([1.0, np.nan, -np.inf, 0.5, np.inf]))], grad=False),
    OpInfo("argsort", lambda m, x, *a, **k: m.argsort(x, *a, **k),
           [S(distinct(3, 4), dim=0), S(TIES, stable=True), S(TIES, descending=True, stable=True),
            S(np.array([True, False, True]), stable=True)], grad=False),
    OpInfo("msort", lambda m, x: m.msort(x), [S(distinct(3, 2))]),
    OpInfo("topk", lambda m, x, k, *a, **kw: m.topk(x, k, *a, **kw),
           [S(distinct(3, 5), 2), S(distinct(3, 5), 2, 0, largest=False), S(np.array([4, 1, 9, 7]), 3)]),
    OpInfo("kthvalue", lambda m, x, k, *a: m.kthvalue(x, k, *a),
           [S(distinct(3, 5), 2), S(distinct(3, 5), 3, 0, True), S(np.array([4, 1, 9, 7]), 1)]),
    OpInfo("unique", lambda m, x, **k: m.unique(x, **k),
           [S(np.array([3, 1, 3, 2, 1])), S(np.array([[2.0, 1.0], [1.0, 2.0]]), return_inverse=True,
                                             return_counts=True),
            S(np.array([[1, 2], [1, 2], [0, 5]]), dim=0, return_inverse=True, return_counts=True)], grad=False),
    OpInfo("unique_consecutive", lambda m, x, **k: m.unique_consecutive(x, **k),
           [S(np.array([1, 1, 2, 2, 3, 1, 1]), return_inverse=True, return_counts=True)], grad=False),
    OpInfo("searchsorted", lambda m, s, x, **k: m.searchsorted(s, x, **k),
           [S(np.array([1, 3, 5, 7]), np.array([[3, 6], [0, 9]])), S(np.array([1.0, 3.0, 5.0]), np.array([3.0]),
                                                                     right=True),
            S(np.array([[1, 3, 5], [2, 4, 6]]), np.array([[3], [3]]), side="right"),
            S(np.array([1, 3, 5]), 4, out_int32=True)], grad=False),
    OpInfo("bucketize", lambda m, x, b, **k: m.bucketize(x, b, **k),
           [S(np.array([[1, 3, 6], [0, 5, 7]]), np.array([1, 3, 5])),
            S(np.array([1.0, 3.0, 6.0]), np.array([1.0, 3.0, 5.0]), right=True)], grad=False),
]



OPS.append(OpInfo("errors", lambda m, f: (
    _err(lambda: m.topk(f, 3)), _err(lambda: m.kthvalue(f, 0)), _err(lambda: m.sort(f, 1)),
    _err(lambda: m.bucketize(f, f[None])), _err(lambda: m.searchsorted(f, f, side="middle"))),
    [S(np.array([1.5, -2.5], "float32"))], grad=False))
OPS.append(OpInfo("out_kwarg", lambda m, x: (m.sort(x, out=(m.empty(3), m.empty(3, dtype=m.int64))),
                                             m.topk(x, 2, out=(m.empty(2), m.empty(2, dtype=m.int64)))),
                  [S(np.array([1.5, -2.5, 0.5], "float32"))], grad=False))
