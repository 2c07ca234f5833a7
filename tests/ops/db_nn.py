"""torch.nn.functional's elementwise activations, distances, shuffles and the linear maps.

Activations are grouped a few per case (one program each); inputs stay away from the kinks
(0, +-lambd, the clamp bounds) where torch and the lowering may pick different one-sided gradients.
"""
import numpy as np

from tests.ops.opinfo import OpInfo, S, arr, error_text as _err

F64 = dict(dtype="float64")


def away(*shape, dtype="float32"):
    """Floats in (-3, 3) at least 0.1 from every activation's kink (0, +-0.5, +-1, +-3)."""
    a = arr(*shape, dtype=dtype, low=-3.0, high=3.0)
    kinks = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 0.3, 6.0])
    near = np.abs(a[..., None] - kinks).min(-1) < 0.1
    return np.where(near, a + 0.25, a).astype(dtype)


def _f(m):
    return m.nn.functional


OPS = [
    OpInfo("gelu", lambda m, x: (_f(m).gelu(x), _f(m).gelu(x, approximate="tanh"), _f(m).silu(x), _f(m).mish(x),
                                 _f(m).softplus(x), _f(m).softplus(x, beta=2.0, threshold=1.5), _f(m).logsigmoid(x)),
           [S(away(2, 3)), S(away(5, **F64))]),
    OpInfo("elu", lambda m, x: (_f(m).elu(x), _f(m).elu(x, alpha=0.5), _f(m).celu(x, alpha=2.0), m.celu(x),
                                _f(m).selu(x), m.selu(x), _f(m).leaky_relu(x), _f(m).leaky_relu(x, 0.2)),
           [S(away(2, 3)), S(away(5, **F64))]),
    OpInfo("hardtanh", lambda m, x: (_f(m).hardtanh(x), _f(m).hardtanh(x, -0.5, 2.0), _f(m).relu6(x * 3),
                                     _f(m).hardsigmoid(x), _f(m).hardswish(x), _f(m).softsign(x),
                                     _f(m).tanhshrink(x)),
           [S(away(2, 3)), S(away(5, **F64))], atol=1e-5),
    OpInfo("hardshrink", lambda m, x: (_f(m).hardshrink(x), x.hardshrink(1.0), _f(m).softshrink(x),
                                       _f(m).softshrink(x, 1.0), _f(m).threshold(x, 0.5, -2.0),
                                       m.threshold(x, 1.0, 0.0), m.hardshrink(x)),
           [S(away(2, 3)), S(away(5, **F64))]),
    OpInfo("activation_int", lambda m, x: (_f(m).hardtanh(x, -2, 2), _f(m).relu6(x * 4),
                                           _f(m).threshold(x, 1, 7), _f(m).hardshrink(x.float())),
           [S(arr(6, dtype="int64", low=-4, high=4))], grad=False),
    OpInfo("prelu", lambda m, x, w: (_f(m).prelu(x, w), m.prelu(x, w[:1]), x.prelu(w)),
           [S(away(2, 3, 4), arr(3))]),
    OpInfo("glu", lambda m, x, **k: _f(m).glu(x, **k), [S(arr(2, 6)), S(arr(4, 3, **F64), dim=0)]),
    # distances
    OpInfo("normalize", lambda m, x, **k: _f(m).normalize(x, **k),
           [S(arr(2, 3, 4), p=1.0, dim=-1), S(arr(3, 4, **F64), dim=0, eps=0.5)]),
    OpInfo("cosine_similarity", lambda m, x, y, **k: (_f(m).cosine_similarity(x, y, **k), m.cosine_similarity(x, y)),
           [S(arr(3, 4), arr(3, 4)), S(arr(2, 3, **F64), arr(1, 3, **F64), dim=-1, eps=0.1)]),
    OpInfo("pairwise_distance", lambda m, x, y, **k: (_f(m).pairwise_distance(x, y, **k), m.pairwise_distance(x, y)),
           [S(arr(2, 3), arr(3), p=1.0, keepdim=True), S(arr(4, **F64), arr(4, **F64), p=3.0)]),
    # linear maps
    OpInfo("linear", lambda m, x, w, *b: _f(m).linear(x, w, *b),
           [S(arr(2, 2, 3), arr(4, 3), arr(4)), S(arr(3), arr(2, 3), arr(2)), S(arr(2, 3, **F64), arr(1, 3, **F64))]),
    OpInfo("bilinear", lambda m, x, y, w, *b: (_f(m).bilinear(x, y, w, *b), m.bilinear(x, y, w, *b)),
           [S(arr(2, 3), arr(2, 4), arr(5, 3, 4), arr(5)), S(arr(3, 2), arr(3, 2), arr(1, 2, 2))]),
    # shuffles and local response norm
    OpInfo("pixel_shuffle", lambda m, x: (_f(m).pixel_shuffle(x, 2), m.pixel_shuffle(x, 2),
                                          _f(m).pixel_unshuffle(_f(m).pixel_shuffle(x, 2), 2),
                                          m.pixel_unshuffle(x[..., :2, :2], 2)),
           [S(arr(2, 1, 4, 2, 2))]),
    OpInfo("channel_shuffle", lambda m, x, g: (_f(m).channel_shuffle(x, g), m.channel_shuffle(x, g)),
           [S(arr(2, 6, 1, 2), 3)]),
    OpInfo("local_response_norm", lambda m, x, size, **k: _f(m).local_response_norm(x, size, **k),
           [S(arr(1, 5, 2, 2), 3, alpha=0.1, beta=0.5, k=2.0)], atol=1e-5),
    OpInfo("affine_grid_generator", lambda m, t, size, ac: m.affine_grid_generator(t, size, ac),
           [S(arr(2, 2, 3), (2, 1, 3, 4), False), S(arr(1, 3, 4), (1, 1, 2, 2, 3), True)]),
    # errors in torch's words
    OpInfo("nn_errors", lambda m, x: (
        _err(lambda: _f(m).glu(x, 0)), _err(lambda: _f(m).gelu(x, approximate="fast")),
        _err(lambda: _f(m).pixel_shuffle(x[None], 2)), _err(lambda: _f(m).prelu(x[None], m.ones(2))),
        _err(lambda: _f(m).linear(x, m.ones(2, 2)))),
           [S(arr(3, 3))], grad=False),
]

# convolution, pooling and normalisation as torch.* functions (torch.nn.functional's where torch has no torch.*)
OPS += [
    OpInfo("conv", lambda m, x1, w1, x2, w2, x3, w3, b: (
        m.conv1d(x1, w1, b, padding=1), m.conv2d(x2, w2, stride=2), m.conv3d(x3, w3, b),
        m.conv_transpose1d(x1, w1.transpose(0, 1), b, stride=2), m.conv_transpose2d(x2, w2.transpose(0, 1)),
        m.conv_transpose3d(x3, w3.transpose(0, 1), b, output_padding=0)),
           [S(arr(1, 2, 5), arr(3, 2, 2), arr(1, 2, 4, 4), arr(3, 2, 2, 2), arr(1, 2, 3, 3, 3), arr(3, 2, 2, 2, 2),
              arr(3))], atol=1e-4, grad_atol=1e-3),
    OpInfo("pool", lambda m, x1, x2, x3: (
        m.avg_pool1d(x1, 2), _f(m).avg_pool2d(x2, 2, stride=1), _f(m).avg_pool3d(x3, 2),
        m.max_pool1d(x1, 2), m.max_pool2d(x2, 3, stride=1, padding=1), m.max_pool3d(x3, 2),
        m.adaptive_avg_pool1d(x1, 3), _f(m).adaptive_avg_pool2d(x2, (2, 3)), _f(m).adaptive_avg_pool3d(x3, 1),
        _f(m).adaptive_max_pool1d(x1, 3), _f(m).adaptive_max_pool2d(x2, 2, return_indices=True),
        _f(m).adaptive_max_pool3d(x3, 2)),
           [S(arr(1, 2, 6), arr(1, 2, 4, 5), arr(1, 1, 4, 4, 4))]),
    OpInfo("norms", lambda m, x, w, b, rm, rv: (
        m.batch_norm(x, w, b, rm.detach().clone(), rv.detach().clone(), True, 0.1, 1e-5, False),
        m.batch_norm(x, w, b, rm.detach(), rv.detach(), False, 0.1, 1e-5, False), m.group_norm(x, 1, w, b),
        _f(m).instance_norm(x, weight=w, bias=b), m.layer_norm(x, (3, 4)),
        m.rms_norm(x, (4,)), m.rms_norm(x, (3, 4), eps=1e-3)),
           [S(arr(2, 3, 4), arr(3), arr(3), arr(3), arr(3, low=0.5, high=2.0))],
           atol=1e-5, grad_atol=1e-3),
    OpInfo("dropout_off", lambda m, x: (m.dropout(x, 0.5, False), m.dropout(x, 0.0, True)), [S(arr(2, 3))]),
]
