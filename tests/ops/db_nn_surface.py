"""nn.functional's pooling extras, distances and composed losses (issue 17): max unpooling, Lp and fractional
pooling, adaptive max pooling with indices, pdist, conv_tbc, multilabel margin, triplet margin with a distance
function and linear cross-entropy. Samples are small; ties are avoided so both sides pick the same maximum."""
import numpy as np

from tests.ops.opinfo import OpInfo, S, arr, error_text as _err

F64 = dict(dtype="float64")


def _f(m):
    return m.nn.functional


def _distinct(*shape, dtype="float32"):
    """Distinct values (a shuffled ramp): max pooling has one maximum per window."""
    n = int(np.prod(shape))
    return (np.random.default_rng(7).permutation(n).reshape(shape) / n * 4 - 2).astype(dtype)


def _unpool(m, x):
    v2, i2 = _f(m).max_pool2d(x, 2, return_indices=True)
    v1, i1 = _f(m).max_pool1d(x[0], 3, 2, 1, return_indices=True)
    return (_f(m).max_unpool2d(v2, i2, 2), _f(m).max_unpool2d(v2, i2, 2, output_size=[5, 7]),
            _f(m).max_unpool1d(v1, i1, 3, 2, 1, output_size=[6]))


def _fractional(m, x, x3):
    s2 = m.tensor(np.random.default_rng(1).random((2, 2, 2)), dtype=x.dtype)
    s3 = m.tensor(np.random.default_rng(2).random((1, 2, 3)), dtype=x.dtype)
    return (_f(m).fractional_max_pool2d(x, 2, output_size=(3, 4), _random_samples=s2),
            _f(m).fractional_max_pool2d_with_indices(x, (2, 3), output_size=(2, 3), _random_samples=s2),
            _f(m).fractional_max_pool3d(x3, 2, output_size=(2, 3, 2), return_indices=True, _random_samples=s3))


OPS = [
    OpInfo("max_unpool", _unpool, [S(_distinct(2, 2, 4, 6)), S(_distinct(1, 3, 4, 6, **F64))]),
    OpInfo("lp_pool", lambda m, x1, x2, x3: (
        _f(m).lp_pool1d(x1, 2, 3, 2), _f(m).lp_pool2d(x2, 3.0, 2), _f(m).lp_pool2d(x2, 1, (2, 3), ceil_mode=True),
        _f(m).lp_pool3d(x3, 2, 2), _f(m).lp_pool1d(x1, float("inf"), 2)),
           [S(arr(2, 7, low=0.2), arr(1, 2, 4, 5, low=0.2), arr(1, 1, 4, 4, 4, low=0.2))]),
    OpInfo("fractional_max_pool", _fractional, [S(_distinct(2, 2, 6, 7), _distinct(1, 2, 5, 6, 4))]),
    OpInfo("adaptive_max_pool_with_indices", lambda m, x, x3: (
        _f(m).adaptive_max_pool1d_with_indices(x[0], 3), _f(m).adaptive_max_pool2d_with_indices(x, (2, 3)),
        _f(m).adaptive_max_pool3d(x3, (2, None, 3), return_indices=True)),
           [S(_distinct(2, 3, 5, 7), _distinct(1, 2, 5, 4, 7))]),
    OpInfo("pdist", lambda m, x, **k: _f(m).pdist(x, **k),
           [S(arr(5, 3)), S(arr(4, 2), p=1.0), S(arr(4, 3, **F64), p=3.0), S(arr(3, 2), p=float("inf"))]),
    OpInfo("conv_tbc", lambda m, x, w, b, **k: _f(m).conv_tbc(x, w, b, **k),
           [S(arr(5, 2, 3), arr(3, 3, 4), arr(4)), S(arr(4, 1, 2, **F64), arr(2, 2, 3, **F64), arr(3, **F64), pad=1)],
           atol=1e-4),
    OpInfo("multilabel_margin_loss", lambda m, x, t, **k: _f(m).multilabel_margin_loss(x, t, **k),
           [S(arr(3, 4), np.array([[3, 0, -1, 1], [0, 1, 2, 3], [1, -1, 2, 2]])),
            S(arr(3, 4, **F64), np.array([[2, -1, 0, 0], [3, 3, -1, 1], [0, 1, 2, -1]]), reduction="none"),
            S(arr(4), np.array([1, 2, -1, 0]), reduction="sum")]),
    OpInfo("triplet_margin_with_distance_loss", lambda m, a, p, n, **k: (
        _f(m).triplet_margin_with_distance_loss(a, p, n, **k),
        _f(m).triplet_margin_with_distance_loss(a, p, n, distance_function=lambda x, y: (x - y).abs().sum(-1),
                                                 margin=2.0, reduction="sum")),
           [S(arr(4, 5), arr(4, 5), arr(4, 5)), S(arr(3, 2, **F64), arr(3, 2, **F64), arr(3, 2, **F64), swap=True,
                                                   reduction="none")]),
    OpInfo("linear_cross_entropy", lambda m, x, w, b, t, **k: _f(m).linear_cross_entropy(x, w, t, linear_bias=b, **k),
           [S(arr(4, 3), arr(5, 3), arr(5), np.array([0, 4, 2, 1])),
            S(arr(4, 3), arr(5, 3), arr(5), np.array([0, 4, -100, 1]), ignore_index=-100, label_smoothing=0.2,
              reduction="none"),
            S(arr(2, 3, **F64), arr(4, 2, 3, **F64), arr(4, 2, **F64), np.array([[0, 3], [2, 1]]), reduction="sum")]),
    OpInfo("nn_surface_errors", lambda m, x: (
        _err(lambda: _f(m).pdist(x[0])), _err(lambda: _f(m).pdist(x, -1.0)),
        _err(lambda: _f(m).fractional_max_pool2d(x[None, None], 2)),
        _err(lambda: _f(m).conv_tbc(x[None], m.ones(1, 4, 2), m.ones(2))),
        _err(lambda: _f(m).max_unpool1d(x[None], m.zeros(1, 3, 3, dtype=m.int64), 2, output_size=[20])),
        _err(lambda: _f(m).triplet_margin_with_distance_loss(x, x, x, margin=0.0)),
        _err(lambda: _f(m).triplet_margin_loss(x, x, x, margin=-1.0)),
        _err(lambda: _f(m).linear_cross_entropy(x, m.ones(2, 5), m.zeros(3, dtype=m.int64)))),
           [S(arr(3, 3))], grad=False),
]

# torch's words for bad pooling / loss arguments (input ranks, output sizes, index dtypes)
OPS += [
    OpInfo("pool_arg_errors", lambda m, x: (
        _err(lambda: _f(m).fractional_max_pool2d(x[0, 0], 2, output_size=2)),
        _err(lambda: _f(m).fractional_max_pool3d(x[0, 0], 2, output_size=2)),
        _err(lambda: _f(m).fractional_max_pool2d(x[None], 2, output_size=2)),
        _err(lambda: _f(m).max_unpool2d(x, m.zeros(x.shape), 2)),
        _err(lambda: _f(m).multilabel_margin_loss(x[0], m.zeros(x[0].shape, dtype=m.int64))),
        _err(lambda: _f(m).multilabel_margin_loss(x[0, 0], m.zeros(x[0, 0].shape))),
        _err(lambda: _f(m).adaptive_max_pool2d(x, (2, 2, 2))), _err(lambda: _f(m).adaptive_max_pool3d(x[0], 2)),
        _err(lambda: _f(m).adaptive_max_pool1d(x[0, 0, 0], 2)), _err(lambda: _f(m).adaptive_max_pool2d(x[0, 0], 2)),
        _err(lambda: _f(m).adaptive_avg_pool1d(x[0, 0, 0], 2)), _err(lambda: _f(m).adaptive_avg_pool2d(x[0, 0, 0], 2)),
        _err(lambda: _f(m).adaptive_avg_pool3d(x[0, 0], 2)), _err(lambda: _f(m).adaptive_avg_pool3d(x[0], (2, 2))),
        _err(lambda: _f(m).adaptive_max_pool1d(x[0], (2, 2))), _err(lambda: _f(m).adaptive_avg_pool2d(x, (2,)))),
           [S(arr(1, 2, 4, 4))], grad=False),
]
