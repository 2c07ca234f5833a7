"""torch's top-level surface beyond the core families: as_strided, view copies and scatters, complex, the
in-place functions torch exports (torch.relu_(x)), and the ops added with them (issue 17).

The in-place functions compare values only: their gradients are their out-of-place ops' (compared in those
ops' entries), and torch has no derivative for several in-place forms (asinh_, acosh_, atanh_, ...)."""
from tests.ops.opinfo import OpInfo, S, arr


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
        m.complex(x, x * 2)))), [S(arr(3, 2))]),
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
]
