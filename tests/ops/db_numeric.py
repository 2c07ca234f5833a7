"""Numeric helpers: cdist, diff, cov/corrcoef, trapezoid rules, vander, combinations, fill_diagonal_, renorm."""
import numpy as np

from tests.ops.opinfo import error_text as _err, OpInfo, S, arr, pos

I = dict(dtype="int64", low=-5, high=5)
INF = float("inf")



OPS = [
    OpInfo("cdist", lambda m, a, b, *p, **k: m.cdist(a, b, *p, **k),
           [S(arr(3, 4), arr(2, 4)), S(arr(2, 3, 4), arr(1, 5, 4), 1.0), S(arr(3, 2), arr(2, 2), INF),
            S(arr(3, 4), arr(2, 4), 0.0), S(arr(3, 4), arr(2, 4), 3.0), S(arr(3, 4), arr(2, 4), 0.5),
            S(arr(2, 3), arr(2, 3), compute_mode="use_mm_for_euclid_dist")]),
    # coincident points: torch defines the gradient there as 0 (p=2 and p<1), sign(0)=0 (p=1, inf)
    OpInfo("cdist_zero", lambda m, a, p: m.cdist(a, a, p),
           [S(np.array([[0.0, 1.0], [2.0, 1.0]], "float32"), p) for p in (2.0, 1.0, INF, 0.5, 3.0)]),
    # ties under p=inf (torch gives each tied coordinate the full gradient); > 25 rows takes torch's matmul path
    OpInfo("cdist_tie_mm", lambda m, a, b, *p: m.cdist(a, b, *p),
           [S(np.array([[0.0, 0.0], [1.0, -1.0]], "float32"), np.array([[0.0, 0.0]], "float32"), INF),
            S(arr(30, 3), arr(4, 3))]),
    OpInfo("diff", lambda m, x, *a, **k: m.diff(x, *a, **k),
           [S(arr(3, 4)), S(arr(3, 4), 2, 0), S(arr(5, **I), 7), S(arr(4, dtype="bool")),
            S(arr(2, 3), 1, -1, prepend=arr(2, 1), append=arr(2, 2, dtype="float64"))]),
    OpInfo("diff_method", lambda m, x: x.diff(dim=0, n=0), [S(arr(2, 3))]),
    OpInfo("cov", lambda m, x, **k: m.cov(x, **k),
           [S(arr(3, 5)), S(arr(5), correction=0), S(arr(2, 4, **I)),
            S(arr(2, 4), fweights=np.array([1, 2, 0, 3]), aweights=pos(4, dtype="float64")),
            S(arr(3, 4), correction=2, aweights=pos(4)), S(arr(2, 4), fweights=np.array([1, 2, 1, 3]))]),
    OpInfo("corrcoef", lambda m, x: (m.corrcoef(x), x.cov(correction=0)), [S(arr(3, 5)), S(arr(4))]),
    OpInfo("corrcoef_int", lambda m, x: x.corrcoef(), [S(np.array([[1, 2, 4], [3, 1, 0]]))]),
    OpInfo("trapezoid", lambda m, y, *a, **k: m.trapezoid(y, *a, **k),
           [S(arr(3, 4)), S(arr(3, 4), dx=0.5, dim=0), S(arr(3, 4), arr(4)), S(arr(3, 4), arr(3, 4), dim=0),
            S(arr(3, 4, **I)), S(arr(2, 3, **I), np.array([0, 1, 3])), S(arr(3, 0)), S(arr(2, 4), arr(1, 4))]),
    OpInfo("trapz", lambda m, y, *a, **k: m.trapz(y, *a, **k), [S(arr(3, 4), dx=2.0), S(arr(2, 3), arr(3))]),
    OpInfo("cumulative_trapezoid", lambda m, y, *a, **k: m.cumulative_trapezoid(y, *a, **k),
           [S(arr(3, 4)), S(arr(3, 4), dx=0.5, dim=0), S(arr(3, 4), arr(4)), S(arr(4, **I)),
            S(arr(2, 3, **I), np.array([0, 2, 3])), S(arr(3, 0))]),
    OpInfo("vander", lambda m, x, *a, **k: m.vander(x, *a, **k),
           [S(arr(3)), S(arr(3), 5, True), S(arr(4, **I), N=3), S(arr(3, dtype="bool")), S(arr(3), 0),
            S(np.array([0.0, 2.0, -1.5], "float32"), 4)], grad=False),  # torch's own vander backward raises
    OpInfo("combinations", lambda m, x, *a, **k: m.combinations(x, *a, **k),
           [S(arr(4)), S(arr(4), 3), S(arr(3), with_replacement=True), S(arr(1)), S(arr(3), 0), S(arr(3, **I), 2)]),
    OpInfo("fill_diagonal_", lambda m, x, v, **k: (x * 1).fill_diagonal_(v, **k),
           [S(arr(3, 3), 2.0), S(arr(7, 3), -1.0, wrap=True), S(arr(7, 3), -1.0), S(arr(2, 2, 2), 0.5),
            S(arr(3, 5), 4), S(arr(3, 3, **I), 1.5)]),
    OpInfo("renorm", lambda m, x, *a: (m.renorm(x, *a), x.renorm(*a), (x * 1).renorm_(*a)),
           [S(arr(3, 4), 2, 0, 1.0), S(arr(2, 3, 4), 1, -1, 2.5), S(arr(3, 4), INF, 1, 0.5),
            S(arr(3, 4), 3, 0, 0.0), S(np.array([[0.0, 0.0], [3.0, 4.0]], "float32"), 2, 0, 1.0)]),
]

OPS.append(OpInfo("cdist_numeric_errors", lambda m, f, i, b: (
    _err(lambda: m.cdist(i, i)), _err(lambda: m.cdist(f[0], f[0])), _err(lambda: m.cdist(f, f[:, :2])),
    _err(lambda: m.cdist(f, f, p=-1)), _err(lambda: m.cdist(f, f.double())), _err(lambda: m.cdist(f, f, 2, "x")),
    _err(lambda: m.cdist(f.expand(2, 3, 4), f.expand(3, 3, 4))),
    _err(lambda: m.diff(f[0, 0])), _err(lambda: m.diff(f, n=-1)), _err(lambda: m.diff(f, prepend=f[0])),
    _err(lambda: m.diff(f, prepend=f[:2])), _err(lambda: m.diff(f, dim=3)), _err(lambda: m.diff(f, 0, 5, f)),
    _err(lambda: m.cov(f.expand(2, 3, 4))), _err(lambda: m.cov(b)), _err(lambda: m.cov(f, fweights=f[0])),
    _err(lambda: m.cov(f, fweights=i[0, :3])), _err(lambda: m.cov(f, fweights=i[:1])),
    _err(lambda: m.cov(f, aweights=i[0])), _err(lambda: m.cov(f, aweights=f[0, :3])),
    _err(lambda: m.corrcoef(f.expand(2, 3, 4))),
    _err(lambda: m.trapezoid(b)), _err(lambda: m.trapezoid(b, f[0])), _err(lambda: m.trapezoid(f, f[:, 0])),
    _err(lambda: m.trapezoid(f, f[:2])), _err(lambda: m.trapezoid(f, dx=True)), _err(lambda: m.trapezoid(f, dim=2)),
    _err(lambda: m.trapz(f, f[:, 0])), _err(lambda: m.cumulative_trapezoid(f, f[:, 0])),
    _err(lambda: m.cumulative_trapezoid(b)), _err(lambda: m.cumulative_trapezoid(b, f[0])),
    _err(lambda: m.vander(f)), _err(lambda: m.vander(f[0], N=-1)),
    _err(lambda: m.combinations(f)), _err(lambda: m.combinations(f[0], r=-1)),
    _err(lambda: f[0].clone().fill_diagonal_(1)), _err(lambda: m.ones(2, 3, 3).fill_diagonal_(1)),
    _err(lambda: m.renorm(f, 0, 0, 1)), _err(lambda: m.renorm(f, 1, 0, -1)), _err(lambda: m.renorm(f[0], 1, 0, 1)),
    _err(lambda: m.renorm(i, 1, 0, 1)), _err(lambda: m.renorm(f, 1, 2, 1)), _err(lambda: m.renorm(f, 1j, 0, 1))),
    [S(arr(3, 4), arr(3, 4, **I), arr(3, 4, dtype="bool"))], grad=False))
