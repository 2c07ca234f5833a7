"""Reductions: sums, means, variance, extremes, norms, scans and order statistics."""
import numpy as np

from tests.ops.opinfo import error_text as _err, OpInfo, S, arr, pos

I = dict(dtype="int64", low=-5, high=5)
F64 = dict(dtype="float64")


def distinct(*shape, dtype="float32"):
    """Floats without ties (max/median/sort gradients go to one element)."""
    n = int(np.prod(shape))
    return (np.random.default_rng(n).permutation(n).reshape(shape) * 0.37 - 1.1).astype(dtype)


def _dt(m, k):
    """dtype="float64" in a sample means m.float64 for either library."""
    return dict(k, dtype=getattr(m, k["dtype"])) if "dtype" in k else k


OPS = [
    OpInfo("sum", lambda m, x, *a, **k: m.sum(x, *a, **_dt(m, k)),
           [S(arr(2, 3, 4), (0, -1)), S(arr(3, **I), 0), S(arr(4, dtype="bool")), S(arr(0, 3), 0),
            S(arr(2, 3), -1, True, dtype="float64")]),
    OpInfo("nansum", lambda m, x, *a: m.nansum(x, *a),
           [S(np.array([[1.0, np.nan], [2.0, 3.0]], "float32"), 1), S(arr(3, **I))]),
    OpInfo("prod", lambda m, x, *a, **k: m.prod(x, *a, **_dt(m, k)),
           [S(arr(2, 3), 1), S(arr(3, **I)), S(arr(2, 3), 0, True, dtype="float64"), S(np.array([2.0, 0.0, 3.0]))]),
    OpInfo("mean", lambda m, x, *a, **k: m.mean(x, *a, **_dt(m, k)),
           [S(arr(2, 3, 4), (-1, 0), True), S(arr(3, **F64)), S(arr(3, **I), dtype="float32")]),
    OpInfo("nanmean", lambda m, x, *a: m.nanmean(x, *a),
           [S(np.array([[1.0, np.nan], [2.0, 3.0]], "float32"), 1), S(arr(2, 3))]),
    OpInfo("var", lambda m, x, *a, **k: m.var(x, *a, **k),
           [S(arr(3, 4)), S(arr(3, 4), 1, keepdim=True, correction=0), S(arr(2, 3, 4), (0, 2), False),
            S(arr(5, **F64), unbiased=False)]),
    OpInfo("std", lambda m, x, *a, **k: x.std(*a, **k), [S(arr(3, 4), 0), S(arr(3, 4), dim=-1, correction=2)]),
    OpInfo("var_mean", lambda m, x, *a, **k: (m.var_mean(x, *a, **k), m.std_mean(x, *a, **k)),
           [S(arr(3, 4), 1), S(arr(3, 4), dim=(0, 1), keepdim=True, correction=0)]),
    OpInfo("max", lambda m, x, *a: m.max(x, *a),
           [S(distinct(3, 4)), S(distinct(3, 4), -1), S(distinct(3, 4), 0, True), S(arr(3, **I), 0)]),
    OpInfo("min", lambda m, x, *a: x.min(*a), [S(distinct(3, 4)), S(distinct(3, 4), 1), S(arr(), 0)]),
    OpInfo("max_binary", lambda m, x, y: (m.max(x, y), m.min(x, y)), [S(distinct(2, 3), distinct(3) + 0.1)]),
    OpInfo("max_ties", lambda m, x: (x.max(), x.amax(0), x.amin()),
           [S(np.array([[1.0, 3.0, 3.0], [3.0, 0.0, 1.0]], "float32"))]),
    OpInfo("amax", lambda m, x, *a: (m.amax(x, *a), m.amin(x, *a)),
           [S(distinct(2, 3, 4), (0, 2)), S(distinct(3, 4), -1, True), S(arr(3, **I))]),
    OpInfo("aminmax", lambda m, x, **k: m.aminmax(x, **k), [S(distinct(3, 4)), S(distinct(3, 4), dim=1, keepdim=True)]),
    OpInfo("argmax", lambda m, x, **k: (m.argmax(x, **k), m.argmin(x, **k)),
           [S(distinct(3, 4)), S(distinct(3, 4), dim=-1), S(arr(3, 4, **I), dim=0, keepdim=True),
            S(distinct(3, 4), keepdim=True)], grad=False),
    OpInfo("all_any", lambda m, x, *a: (m.all(x, *a), m.any(x, *a)),
           [S(arr(3, 4, dtype="bool"), 1), S(np.array([[0.0, 1.0], [2.0, 3.0]])), S(arr(3, 4, **I), (0, 1)),
            S(np.array([0, 3], "uint8"))], grad=False),
    OpInfo("logsumexp", lambda m, x, d, *a: m.logsumexp(x, d, *a),
           [S(arr(3, 4), 1), S(arr(2, 3, 4), (0, 2), True), S(arr(3, **I), 0)]),
    OpInfo("norm", lambda m, x, *a, **k: m.norm(x, *a, **k),
           [S(arr(3, 4)), S(arr(3, 4), 1, 1), S(distinct(3, 4), float("inf"), -1, True), S(arr(3, 4), 3, (0, 1)),
            S(np.array([[0.0, 0.0], [3.0, 4.0]], "float32"), 2, 1), S(arr(2, 3), "fro", (0, 1))]),
    OpInfo("norm_method", lambda m, x: (x.norm(), x.norm(p=0), x.norm(p=-float("inf"))), [S(distinct(2, 3))]),
    OpInfo("count_nonzero", lambda m, x, **k: m.count_nonzero(x, **k),
           [S(np.array([[0, 1, 2], [0, 0, 3]])), S(np.array([[0.0, 1.0], [2.0, 0.0]]), dim=0)], grad=False),
    OpInfo("cumsum", lambda m, x, d, **k: m.cumsum(x, d, **_dt(m, k)),
           [S(arr(3, 4), 1), S(arr(3, 4, **I), -2), S(arr(4, dtype="bool"), 0), S(arr(3), 0, dtype="float64")]),
    OpInfo("cumprod", lambda m, x, d, **k: x.cumprod(d, **_dt(m, k)),
           [S(arr(3, 4), 0), S(arr(3, 4, **I), 1), S(np.array([2.0, 0.0, 3.0, 4.0], "float32"), 0)]),
    OpInfo("logcumsumexp", lambda m, x, d: m.logcumsumexp(x, d), [S(arr(3, 4), 1), S(arr(4, **F64), -1)]),
    OpInfo("return_type_repr", lambda m, x: (repr(m.max(x, 0)), str(m.sort(x))), [S(np.array([3.0, 1.0, 2.0]))],
           grad=False),
    OpInfo("quantile", lambda m, x, q, *a, **k: m.quantile(x, q, *a, **k),
           [S(arr(3, 5), 0.3, 1), S(arr(3, 5), np.array([0.25, 0.5, 0.9], "float32"), 0, True),
            S(arr(6, **F64), 0.5), S(arr(2, 4), 0.4, -1, interpolation="lower", grad=False),
            S(arr(3, 4), np.array([0.1, 0.7], "float32"), keepdim=True)]),
    OpInfo("nanquantile", lambda m, x, q, *a: (m.nanquantile(x, q, *a), m.quantile(x, q, *a)),
           [S(np.array([[1.0, 5.0, 2.0, 8.0], [3.0, np.nan, 0.0, 1.0]]), 0.3, 1)], grad=False),
    OpInfo("histc", lambda m, x, **k: m.histc(x, **k),
           [S(np.array([1.0, 2.0, 1.0, 4.0, 2.5, 3.0, -1.0], "float32"), bins=4, min=0, max=3),
            S(np.array([1.0, 2.0, 1.0], "float32"), bins=4), S(arr(20, **F64), bins=7)], grad=False),
    OpInfo("bincount", lambda m, x, *a, **k: m.bincount(x, *a, **k),
           [S(np.array([1, 1, 3])), S(np.array([1, 1, 3]), np.array([0.5, 1.0, 2.0], "float32")),
            S(np.array([0]), minlength=3), S(np.array([2, 0]), np.array([3, 4]))], grad=False),
    OpInfo("cumsum_", lambda m, x: x.clone().cumsum_(0), [S(arr(3, 2))]),
    OpInfo("cummax", lambda m, x, d: (m.cummax(x, d), m.cummin(x, d)),
           [S(distinct(3, 4), 1), S(np.array([1, 3, 3, 2, 5, 0]), 0), S(np.array([1.0, np.nan, 3.0, np.nan]), 0)]),
    OpInfo("median", lambda m, x, *a: m.median(x, *a),
           [S(distinct(3, 4)), S(distinct(3, 4), 1), S(distinct(4, 3), 0, True), S(np.array([1, 5, 2, 7])),
            S(np.array([[1.0, np.nan, 2.0], [3.0, 1.0, 2.0]]), 1, grad=False)]),
    OpInfo("nanmedian", lambda m, x, *a: m.nanmedian(x, *a),
           [S(np.array([[1.0, np.nan, 2.0, 5.0], [np.nan, np.nan, 1.0, 0.0]]), 1, grad=False),
            S(distinct(3, 4))]),
    OpInfo("mode", lambda m, x, *a: m.mode(x, *a),
           [S(np.array([[3, 1, 1, 3], [2, 2, 5, 5]]), 1), S(np.array([1.0, 2.0, 2.0, 1.0, 3.0]), 0),
            S(np.array([[1.0, 2.0], [1.0, 3.0], [0.0, 3.0]]), 0, True)]),
    OpInfo("reduce_0d_empty", lambda m, x, e: (x.sum(), x.mean(0), x.max(0), x.argmax(), e.sum(0), e.prod(1),
                                               e.amax(1), e.mean(0)),
           [S(arr(), arr(0, 3))], check_dtype=True),
    OpInfo("reduce_pos_grad", lambda m, x: (x.prod(), x.log().sum(1)), [S(pos(2, 3))]),
]



OPS.append(OpInfo("errors", lambda m, f, i: (
    _err(lambda: m.mean(i)), _err(lambda: m.std(i)), _err(lambda: m.norm(i)), _err(lambda: m.nanmean(i)),
    _err(lambda: m.max(f[:0])), _err(lambda: m.sum(f, (0, 0))), _err(lambda: m.sum(f, 2)),
    _err(lambda: m.amax(f, -3)), _err(lambda: m.cumsum(f, 1))),
    [S(np.array([1.5, -2.5], "float32"), np.array([3, -2]))], grad=False))
OPS.append(OpInfo("out_kwarg", lambda m, x: (m.max(x, 1, out=(m.empty(2), m.empty(2, dtype=m.int64))),
                                             m.var(x, 0, out=m.empty(3)),
                                             m.median(x, 1, out=(m.empty(0), m.empty(0, dtype=m.int64)))),
                  [S(np.array([[1.5, -2.5, 0.5], [3.0, 1.0, 2.0]], "float32"))], grad=False))
