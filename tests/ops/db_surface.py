"""torch's top-level surface beyond the core families: as_strided, view copies and scatters, complex, the
in-place functions torch exports (torch.relu_(x)), and the ops added with them (issue 17).

The in-place functions compare values only: their gradients are their out-of-place ops' (compared in those
ops' entries), and torch has no derivative for several in-place forms (asinh_, acosh_, atanh_, ...)."""
import numpy as np

from tests.ops.opinfo import OpInfo, S, arr


def _spd(n):
    a = arr(n, n)
    return (a @ a.T + n * np.eye(n)).astype(np.float32)


def _chol(m, a):
    return m.linalg.cholesky(a)


def _lu_pieces(m, a):
    LU, piv = m.linalg.lu_factor(a)
    return m.lu_unpack(LU, piv)


def _lu_solve(m, a, b):
    LU, piv = m.linalg.lu_factor(a)
    return m.lu_solve(b, LU, piv)


def _from_file(m, x, size):
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        x.detach().numpy().tofile(f.name)
        return m.from_file(f.name, size=size, dtype=x.dtype)


def _renormed(m, w, idx):
    w = w * 1
    m.embedding_renorm_(w, idx, 1.5, 2.0)
    return w


def _householder(m, a, c, **k):
    g = m.geqrf(a)
    return m.ormqr(g.a, g.tau, c, **k)


OPS = [
    OpInfo("as_strided", lambda m, x, *a: m.as_strided(x, *a),
           [S(arr(12), (2, 2), (1, 2)), S(arr(3, 4), (3, 3), (4, 1), 1), S(arr(6), (2, 3), (0, 2))]),
    OpInfo("as_strided_of_view", lambda m, x: m.as_strided(x[2:], (2, 2), (1, 2)), [S(arr(12))]),
    OpInfo("complex", lambda m, a, b: m.view_as_real(m.complex(a, b)),
           [S(arr(3), arr(3)), S(arr(2, 1, dtype="float64"), arr(3, dtype="float64"))]),
    OpInfo("diagonal_scatter", lambda m, x, s, *a: m.diagonal_scatter(x, s, *a),
           [S(arr(3, 3), arr(3)), S(arr(3, 4), arr(3), 1), S(arr(2, 3, 3), arr(2, 3), 0, 1, 2)]),
    OpInfo("select_scatter", lambda m, x, s, *a: m.select_scatter(x, s, *a),
           [S(arr(3, 4), arr(4), 0, 1), S(arr(3, 4), arr(3), 1, -1)]),
    OpInfo("slice_scatter", lambda m, x, s, **k: m.slice_scatter(x, s, **k),
           [S(arr(6, 3), arr(2, 3), start=4), S(arr(4, 6), arr(4, 2), dim=1, start=1, end=5, step=2)]),
    OpInfo("as_strided_scatter", lambda m, x, s, *a: m.as_strided_scatter(x, s, *a),
           [S(arr(3, 3), arr(2), (2,), (4,)), S(arr(4, 4), arr(2, 2), (2, 2), (4, 1), 5)],
           grad=False),  # torch 2.13's gradient for `input` keeps the scattered positions and drops the rest
    OpInfo("view_copies", lambda m, x: (m.diagonal_copy(x), m.permute_copy(x, (1, 0)), m.select_copy(x, 0, 1),
                                        m.t_copy(x), m.transpose_copy(x, 0, 1), m.unsqueeze_copy(x, 1),
                                        m.expand_copy(x[:1], (2, 3)), m.squeeze_copy(x[:1]),
                                        m.slice_copy(x, 1, 0, 2), m.view_copy(x, (3, 2)),
                                        m.alias_copy(x), m.unfold_copy(x, 1, 2, 1),
                                        m.as_strided_copy(x, (2,), (2,))),
           [S(arr(2, 3))]),
    OpInfo("detach_copy", lambda m, x: m.detach_copy(x), [S(arr(2, 3))], grad=False),
    OpInfo("split_copies", lambda m, x: (m.split_copy(x, 2), m.split_with_sizes_copy(x, [1, 3]), m.unbind_copy(x),
                                         m.unsafe_split(x, 3), m.unsafe_chunk(x, 2),
                                         m.unsafe_split_with_sizes(x, [3, 1])),
           [S(arr(4, 2))]),
    OpInfo("complex_view_copies", lambda m, x: m.view_as_real(m.view_as_complex_copy(m.view_as_real_copy(
        m.complex(x, x * 2)))), [S(arr(3, 2))], grad=False),  # torch: no autograd through view_as_complex_copy
    OpInfo("slice_inverse", lambda m, x: m.slice_inverse(x[2:4], x, 0, 2, 4, 1), [S(arr(8))]),
    OpInfo("inplace_functions", lambda m, x: tuple(getattr(m, n)(x * 1) for n in (
        "abs_", "exp_", "sigmoid_", "tanh_", "relu_", "neg_", "negative_", "square_", "sin_", "cos_", "floor_",
        "ceil_", "round_", "trunc_", "fix_", "frac_", "zero_", "reciprocal_", "rad2deg_", "deg2rad_", "erf_",
        "erfc_", "expm1_", "exp2_", "sinc_", "atan_", "arctan_", "asinh_", "arcsinh_", "sinh_", "cosh_", "tan_",
        "selu_", "celu_", "conj_physical_", "nan_to_num_")), [S(arr(5))], grad=False),
    OpInfo("inplace_functions_args", lambda m, x: (m.clamp_(x * 1, -0.5, 0.5), m.clip_(x * 1, max=0.1),
                                                   m.clamp_min_(x * 1, 0.2), m.clamp_max_(x * 1, 0.2),
                                                   m.threshold_(x * 1, 0.1, 20.0), m.fill_(x * 1, 3.0),
                                                   m.xlogy_(x * 1, 2.0), m.ldexp_(x * 1, x * 0 + 2),
                                                   m.logit_(x.sigmoid(), 1e-3)),
           [S(arr(6))], grad=False),
    OpInfo("inplace_functions_domain", lambda m, x: tuple(getattr(m, n)(x * 1) for n in (
        "sqrt_", "rsqrt_", "log_", "log2_", "log10_", "log1p_", "acosh_", "arccosh_")), [S(arr(4, low=1.5, high=3.0))],
           grad=False),
    OpInfo("inplace_functions_unit", lambda m, x: tuple(getattr(m, n)(x * 1) for n in (
        "asin_", "acos_", "arcsin_", "arccos_", "atanh_", "arctanh_", "i0_")), [S(arr(4, low=-0.9, high=0.9))],
           grad=False),
    OpInfo("inplace_functions_int", lambda m, x, y: (m.gcd_(x * 1, y), m.lcm_(x * 1, y)),
           [S(arr(5, dtype="int64", low=1, high=20), arr(5, dtype="int64", low=1, high=20))]),
    OpInfo("addmv_inplace_function", lambda m, b, a, v: m.addmv_(b * 1, a, v), [S(arr(3), arr(3, 4), arr(4))]),
    OpInfo("cholesky_solve", lambda m, a, b, **k: m.cholesky_solve(b, _chol(m, a), **k),
           [S(_spd(3), arr(3, 2)), S(_spd(3), arr(2, 3, 1))]),
    OpInfo("cholesky_solve_upper", lambda m, a, b: m.cholesky_solve(b, _chol(m, a).mT, upper=True),
           [S(_spd(3), arr(3, 2))]),
    OpInfo("cholesky_inverse", lambda m, a: (m.cholesky_inverse(_chol(m, a)), m.cholesky_inverse(_chol(m, a).mT,
                                                                                               True)),
           [S(_spd(3))]),
    OpInfo("lu_unpack", _lu_pieces, [S(_spd(4)), S(arr(3, 3)), S(arr(2, 3, 3))], grad=False),
    OpInfo("lu_solve", _lu_solve, [S(arr(3, 3) + 3 * np.eye(3, dtype=np.float32), arr(3, 2))], grad=False),
    OpInfo("triangular_solve", lambda m, a, b, **k: m.triangular_solve(b, m.tril(a) + 3 * m.eye(3), **k),
           [S(arr(3, 3), arr(3, 2), upper=False), S(arr(3, 3), arr(3, 2), upper=False, transpose=True),
            S(arr(3, 3), arr(3, 2), upper=False, unitriangular=True)]),
    OpInfo("geqrf", lambda m, a: m.geqrf(a), [S(arr(4, 3)), S(arr(3, 3))], grad=False),
    OpInfo("ormqr", _householder, [S(arr(4, 3), arr(4, 2)), S(arr(4, 3), arr(4, 2), transpose=True),
                                   S(arr(3, 3), arr(2, 3), left=False)], grad=False),
    OpInfo("addr", lambda m, x, a, b, **k: m.addr(x, a, b, **k),
           [S(arr(3, 2), arr(3), arr(2)), S(arr(2), arr(3), arr(2), beta=2, alpha=0.5),
            S(arr(3, 2), arr(3), arr(2), beta=0)]),
    OpInfo("addr_int", lambda m, x, a, b: (m.addr(x, a, b, beta=2, alpha=3), x.addr(a, b)),
           [S(arr(2, 2, dtype="int64"), arr(2, dtype="int64"), arr(2, dtype="int64"))]),
    OpInfo("addr_method_inplace", lambda m, x, a, b: (x * 1).addr_(a, b, alpha=2), [S(arr(2, 3), arr(2), arr(3))]),
    OpInfo("inner", lambda m, x, y: m.inner(x, y),
           [S(arr(3), arr(3)), S(arr(2, 3), arr(4, 3)), S(arr(), arr(3)), S(arr(2, 3), arr(3))]),
    OpInfo("dist", lambda m, x, y, *p: m.dist(x, y, *p),
           [S(arr(3, 2), arr(2)), S(arr(4), arr(4), 1), S(arr(4), arr(4), 3.5), S(arr(4), arr(4), float("inf"))]),
    OpInfo("nuclear_frobenius_norm", lambda m, x: (m.nuclear_norm(x[0]), m.nuclear_norm(x, (1, 2), True),
                                                   m.frobenius_norm(x, (0, 2))), [S(arr(2, 3, 3))]),
    OpInfo("windows", lambda m: tuple(f(n, periodic) for f in (m.hann_window, m.hamming_window, m.blackman_window,
                                                               m.bartlett_window, m.kaiser_window)
                                      for n in (0, 1, 5, 8) for periodic in (True, False)), [S()], atol=1e-6),
    OpInfo("windows_args", lambda m: (m.hamming_window(6, True, 0.5, 0.5), m.kaiser_window(7, False, 4.0),
                                      m.hann_window(4, dtype=m.float64)), [S()], atol=1e-6),
    OpInfo("stft", lambda m, x, **k: m.view_as_real(m.stft(x, 8, window=m.hann_window(8), return_complex=True, **k)),
           [S(arr(2, 20)), S(arr(20), hop_length=3, center=False), S(arr(2, 20), normalized=True, onesided=False),
            S(arr(2, 20), pad_mode="constant")], atol=1e-4),
    OpInfo("stft_window_shorter", lambda m, x: m.stft(x, 8, hop_length=2, win_length=6, window=m.hamming_window(6),
                                                      return_complex=False), [S(arr(16))], atol=1e-4),
    OpInfo("istft", lambda m, x, **k: m.istft(m.stft(x, 8, window=m.hann_window(8), return_complex=True), 8,
                                              window=m.hann_window(8), **k),
           [S(arr(2, 20)), S(arr(20), length=18), S(arr(2, 20), length=24)], atol=1e-4),
    OpInfo("index_reduce", lambda m, x, s, r, **k: m.index_reduce(x, 0, m.tensor([0, 2, 0]), s, r, **k),
           [S(arr(4, 2), arr(3, 2), "prod"), S(arr(4, 2), arr(3, 2), "mean"),
            S(arr(4, 2), arr(3, 2), "mean", include_self=False), S(arr(4, 2), arr(3, 2), "prod", include_self=False)]),
    OpInfo("index_reduce_extremes", lambda m, x, s, r, **k: x.index_reduce(1, m.tensor([1, 1, 0]), s, r, **k),
           [S(arr(2, 3), arr(2, 3), "amax"), S(arr(2, 3), arr(2, 3), "amin", include_self=False),
            S(arr(2, 3, dtype="int64", low=-5, high=5), arr(2, 3, dtype="int64", low=-5, high=5), "mean")],
           grad=False),
    OpInfo("index_reduce_inplace", lambda m, x, s: (x * 1).index_reduce_(0, m.tensor([1, 1]), s, "amax"),
           [S(arr(3, 2), arr(2, 2))], grad=False),
    OpInfo("nonzero_static", lambda m, x, **k: m.nonzero_static(x, **k),
           [S(arr(6, dtype="int64", low=0, high=2), size=4), S(arr(2, 3, dtype="int64", low=0, high=2), size=2,
                                                               fill_value=-5), S(arr(3, dtype="bool"), size=0)]),
    OpInfo("unravel_index", lambda m, i, s: m.unravel_index(i, s),
           [S(arr(5, dtype="int64", low=-8, high=16), (2, 4)), S(arr(2, 3, dtype="int64", low=0, high=24),
                                                                  (2, 3, 4)), S(arr(4, dtype="int64", low=0, high=5),
                                                                                5)]),
    OpInfo("frexp", lambda m, x: m.frexp(x), [S(arr(6, low=-100, high=100)), S(np.array([0.0, -0.0, 1.0, 0.5,
                                                                                        np.inf, -np.inf],
                                                                                       dtype=np.float32)),
                                            S(arr(3, dtype="float64"))], grad=False),
    OpInfo("sum_to_size", lambda m, x, *s: x.sum_to_size(*s),
           [S(arr(2, 3), 1, 3), S(arr(2, 3), (3,)), S(arr(4, 2, 3), (2, 1)), S(arr(2, 3), 2, 3)]),
    OpInfo("fill", lambda m, x, v: m.fill(x, v), [S(arr(2, 3), 2.5), S(arr(3, dtype="int64"), 2.7),
                                                   S(arr(2), np.array(4.0, dtype=np.float32))]),
    OpInfo("empty_factories_shape", lambda m: (m.empty_strided((2, 3), (1, 2)).shape,
                                               m.empty_permuted((2, 3, 4), (0, 2, 1)).shape,
                                               m.ones(2).new_empty_strided((2, 2), (2, 1)).shape,
                                               str(m.empty_strided((2,), (1,), dtype=m.float64).dtype)), [S()]),
    OpInfo("hash_tensor", lambda m, x, *a, **k: m.hash_tensor(x, *a, **k),
           [S(arr(3, 4)), S(arr(3, 4), 1), S(arr(2, 3, dtype="int64", low=-9, high=9), (0, 1), keepdim=True),
            S(arr(4, dtype="bool"))], grad=False),
    OpInfo("tensor_method_spellings", lambda m, x: (x.split(2, dim=1), x.unflatten(dim=1, sizes=(2, 2)),
                                                    x.unique(sorted=True, return_counts=True),
                                                    x.unique_consecutive(return_inverse=True),
                                                    m.view_as_real(x.reshape(-1).stft(4, window=m.hann_window(4),
                                                                                      return_complex=True))),
           [S(arr(3, 4, dtype="int64", low=0, high=3).astype("float32"))], grad=False, atol=1e-5),
    OpInfo("from_file", _from_file, [S(arr(6), 4), S(arr(3, dtype="int64"), 3)], grad=False),
    OpInfo("convolution", lambda m, x, w, b, *a: m.convolution(x, w, b, *a),
           [S(arr(1, 2, 6), arr(3, 2, 3), arr(3), [1], [1], [1], False, [0], 1),
            S(arr(1, 2, 5, 5), arr(2, 2, 3, 3), None, [2, 2], [0, 0], [1, 1], True, [1, 1], 1)]),
    OpInfo("conv_tbc", lambda m, x, w, b, p: m.conv_tbc(x, w, b, p), [S(arr(5, 2, 3), arr(2, 3, 4), arr(4), 1)]),
    OpInfo("constant_pad_nd", lambda m, x, p, *v: m.constant_pad_nd(x, p, *v),
           [S(arr(2, 3), [1, 2]), S(arr(2, 3), [1, 1, 0, 2], 2.5)]),
    OpInfo("max_pool1d_with_indices", lambda m, x, *a: m.max_pool1d_with_indices(x, *a),
           [S(arr(1, 2, 6), [2]), S(arr(2, 7), [3], [2], [1])]),
    OpInfo("grid_sampler_2d_3d", lambda m, x, g, y, h: (m.grid_sampler_2d(x, g, 0, 0, False),
                                                        m.grid_sampler_3d(y, h, 1, 1, True)),
           [S(arr(1, 2, 4, 4), arr(1, 3, 3, 2, low=-1, high=1), arr(1, 1, 3, 3, 3), arr(1, 2, 2, 2, 3, low=-1,
                                                                                          high=1))]),
    OpInfo("native_norms", lambda m, x, w, b: (m.native_layer_norm(x, [5], w, b, 1e-5),
                                               m.native_group_norm(x.reshape(2, 6, 5), None, None, 2, 6, 5, 3, 1e-5),
                                               m.native_batch_norm(x.reshape(2, 6, 5), None, None, None, None, True,
                                                                   0.1, 1e-5),
                                               m.norm_except_dim(x, 2, 1),
                                               m.norm_except_dim(x, 2, -1)),
           [S(arr(4, 3, 5), arr(5), arr(5))], atol=1e-4),
    OpInfo("native_batch_norm_eval", lambda m, x, rm, rv: m.native_batch_norm(x, None, None, rm, rv, False, 0.1,
                                                                                1e-5),
           [S(arr(4, 3), arr(3), arr(3, low=0.5, high=2.0))], grad=False),
    OpInfo("pdist", lambda m, x, *p: m.pdist(x, *p), [S(arr(4, 3)), S(arr(5, 2), 1.0), S(arr(3, 3), 3.0)],
           grad_atol=1e-3),
    OpInfo("embedding_aten", lambda m, w, i, *a: m.embedding(w, i, *a),
           [S(arr(5, 3), np.array([[0, 4], [1, 1]]), 1), S(arr(5, 3), np.array([3, 0]))]),
    OpInfo("channel_shuffle_native", lambda m, x: m.native_channel_shuffle(x, 2), [S(arr(1, 4, 3))],
           grad=False),  # torch has no derivative for native_channel_shuffle
    OpInfo("rnn_cells", lambda m, x, h, c, wi, wh, bi, bh, gi, gh, ri, rh: (
        m.lstm_cell(x, (h, c), wi, wh, bi, bh), m.gru_cell(x, h, gi, gh), m.rnn_tanh_cell(x, h, ri, rh),
        m.rnn_relu_cell(x, h, ri, rh)),
           [S(arr(2, 3), arr(2, 4), arr(2, 4), arr(16, 3), arr(16, 4), arr(16), arr(16), arr(12, 3), arr(12, 4),
              arr(4, 3), arr(4, 4))], atol=1e-5),
    OpInfo("rnn_layers", lambda m, x, h, c, wi, wh, bi, bh, gi, gh: (
        m.lstm(x, (h, c), [wi, wh, bi, bh], True, 1, 0.0, False, False, False),
        m.gru(x.transpose(0, 1), h, [gi, gh], False, 1, 0.0, False, False, True),
        m.rnn_tanh(x, h, [gi[:4], gh[:4]], False, 1, 0.0, False, False, False),
        m.rnn_relu(x, h, [gi[:4], gh[:4]], False, 1, 0.0, False, False, False)),
           [S(arr(5, 2, 3), arr(1, 2, 4), arr(1, 2, 4), arr(16, 3), arr(16, 4), arr(16), arr(16), arr(12, 3),
              arr(12, 4))], atol=1e-5, grad_atol=1e-3),
    OpInfo("histogram", lambda m, x, *b, **k: m.histogram(x, *b, **k),
           [S(arr(20)), S(arr(20), 5, range=(-1.0, 1.0)), S(arr(20), 4, density=True),
            S(arr(8), np.array([-2.0, -0.5, 0.0, 2.0], dtype=np.float32), weight=arr(8, low=0, high=1))],
           grad=False),
    OpInfo("histogramdd", lambda m, x, b, **k: m.histogramdd(x, b, **k),
           [S(arr(10, 2), [2, 3]), S(arr(10, 2), 2, range=[-1.0, 1.0, -2.0, 2.0], density=True),
            S(arr(6, 2), [np.array([-2.0, 0.0, 2.0], dtype=np.float32), np.array([-2.0, 2.0], dtype=np.float32)])],
           grad=False),
    OpInfo("aten_losses", lambda m, x, y, t, s: (
        m.kl_div(x.log_softmax(-1), y.softmax(-1), 1), m.kl_div(x, y, log_target=True),
        m.binary_cross_entropy_with_logits(x, t, None, None, 2), m.cosine_embedding_loss(x, y, s, 0.1, 1),
        m.hinge_embedding_loss(x, s.unsqueeze(-1).expand(3, 4), 1.0, 0), m.margin_ranking_loss(x[:, 0], y[:, 0], s),
        m.hinge_embedding_loss(x, s.unsqueeze(-1).expand(3, 4)), m.cosine_embedding_loss(x, y, s),
        m.poisson_nll_loss(x, t, True, False, 1e-8, 1), m.triplet_margin_loss(x, y, x * 2, 1.0, 2.0, 1e-6, True, 2)),
           [S(arr(3, 4), arr(3, 4), arr(3, 4, low=0, high=1), np.array([1.0, -1.0, 1.0], dtype=np.float32))],
           atol=1e-5),
    # the random forms in eval mode (train=False): the input itself; the random draws are tested in
    # tests/ops/test_surface_ops.py (their streams differ from torch's)
    OpInfo("dropout_variants_eval", lambda m, x: (
        m.alpha_dropout(x, 0.5, False), m.feature_dropout(x, 0.5, False), m.feature_alpha_dropout(x, 0.5, False),
        m.alpha_dropout_(x * 1, 0.5, False), m.feature_dropout_(x * 1, 0.5, False),
        m.feature_alpha_dropout_(x * 1, 0.5, False), m.native_dropout(x, 0.5, False),
        m.rrelu(x), m.rrelu_(x * 1, 0.1, 0.3)), [S(arr(2, 3))]),
    OpInfo("embedding_renorm_", _renormed, [S(arr(5, 3), np.array([1, 3, 1]))], grad=False),
    OpInfo("gradient", lambda m, x, **k: m.gradient(x, **k),
           [S(arr(5)), S(arr(5), spacing=2.0), S(arr(5), edge_order=2), S(arr(3, 4), dim=1),
            S(arr(3, 4), spacing=[2.0, 3.0]), S(arr(3, 4), spacing=2.0, dim=(0, 1), edge_order=2),
            S(arr(5), spacing=(np.array([0.0, 1.0, 3.0, 4.0, 7.0], dtype=np.float32),)),
            S(arr(3, 4), spacing=[np.array([0.0, 1.0, 3.0], dtype=np.float32)], dim=0, edge_order=2),
            S(arr(5, dtype="int64", low=-5, high=5))], atol=1e-4, grad_atol=1e-3),
    OpInfo("lobpcg_eigenvalues", lambda m, a, **k: m.lobpcg(a @ a.mT, **k)[0],
           [S(arr(9, 9), k=2), S(arr(9, 9), k=1, largest=False)], atol=1e-3, grad=False),
]
