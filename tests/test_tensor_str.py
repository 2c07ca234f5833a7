"""Parity of jtorch._tensor_str.tensor_repr against real torch's repr."""

import contextlib

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
ml_dtypes = pytest.importorskip("ml_dtypes")

from jtorch import _tensor_str as ts  # noqa: E402

rng = np.random.default_rng(0)


def _rand(shape, scale=1.0, dtype=np.float32):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def _ints(shape, lo, hi, dtype):
    return rng.integers(lo, hi, size=shape).astype(dtype)


# (id, numpy array, bfloat16?) -- bf16 cases are given as float32 and
# converted on both sides (torch .to(bfloat16), numpy .astype(bfloat16)).
ARRAYS = [
    ("f32_vec", np.array([1.0, 2.0, 3.0], np.float32), False),
    ("f32_scalar_int", np.array(4.0, np.float32), False),
    ("f32_scalar_frac", np.array(3.14159, np.float32), False),
    ("f32_scalar_big", np.array(1e10, np.float32), False),
    ("f32_scalar_nan", np.array(np.nan, np.float32), False),
    ("f32_scalar_neginf", np.array(-np.inf, np.float32), False),
    ("f32_scalar_negzero", np.array(-0.0, np.float32), False),
    ("i64_scalar", np.array(3, np.int64), False),
    ("i32_scalar", np.array(-7, np.int32), False),
    ("bool_scalar", np.array(True), False),
    ("bool_vec", np.array([True, False]), False),
    ("bool_mat", rng.random((4, 5)) > 0.5, False),
    ("f32_rand_1", _rand((5,)), False),
    ("f32_rand_small", _rand((6,), 1e-5), False),
    ("f32_rand_large", _rand((6,), 1e9), False),
    ("f32_rand_mixed_mag", np.array([1e-3, 1.0, 1e3, 12345.0], np.float32), False),
    ("f32_ratio_just_under", np.array([1.0, 999.0], np.float32), False),
    ("f32_ratio_over", np.array([1.0, 1001.0], np.float32), False),
    ("f32_1e8", np.array([1e8, 1.0e8 + 8], np.float32), False),
    ("f32_int_big", np.array([123456.0, -7.0, 0.0], np.float32), False),
    ("f32_int_sci", np.array([1e9, 2.0], np.float32), False),
    ("f32_nan_inf_mix", np.array([np.nan, 1.5, -np.inf, np.inf, 0.0], np.float32), False),
    ("f32_nan_inf_int", np.array([np.nan, 1.0, -np.inf, 2.0], np.float32), False),
    ("f32_only_nonfinite", np.array([np.nan, np.inf, -np.inf], np.float32), False),
    ("f32_zeros", np.zeros((2, 3), np.float32), False),
    ("f32_negzero_mix", np.array([-0.0, 0.0, 1.0, -2.0], np.float32), False),
    ("f32_negzero_frac", np.array([-0.0, 0.5], np.float32), False),
    ("f32_round_up", np.array([9.99996, 0.5], np.float32), False),
    ("f32_mat", _rand((3, 4)), False),
    ("f32_mat_neg_width", np.array([[-100.5, 2.0], [3.25, 4.0]], np.float32), False),
    ("f32_wide_row", _rand((30,)), False),
    ("f32_wide_mat", _rand((3, 25), 100.0), False),
    ("f32_wide_sci", _rand((20,), 1e12), False),
    ("f32_3d", _rand((2, 3, 4)), False),
    ("f32_4d", _rand((2, 2, 2, 3)), False),
    ("f32_5d", _rand((1, 2, 1, 2, 2)), False),
    ("f32_summ_vec", _rand((2000,)), False),
    ("f32_summ_mat", _rand((40, 40)), False),
    ("f32_summ_mat_rows", _rand((1001, 1)), False),
    ("f32_summ_3d", _rand((12, 10, 10), 1e4), False),
    ("f32_summ_hidden_big", np.concatenate([np.ones(500), [1e20], np.ones(600)]).astype(np.float32), False),
    ("f32_summ_4d", _rand((5, 7, 6, 8)), False),
    ("f32_exactly_thresh", _rand((1000,)), False),
    ("f64_vec", _rand((4,), dtype=np.float64), False),
    ("f64_scalar", np.array(2.5, np.float64), False),
    ("f64_precise", np.array([1.0 / 3, 2.0 / 3, 1e-9], np.float64), False),
    ("f16_vec", _rand((5,), dtype=np.float16), False),
    ("f16_int", np.array([1.0, 2048.0, -3.0], np.float16), False),
    ("f16_big", np.array([60000.0, 0.001], np.float16), False),
    ("f16_inf", np.array([np.inf, 1.5], np.float16), False),
    ("bf16_vec", _rand((5,)), True),
    ("bf16_mat", _rand((3, 3), 1e3), True),
    ("bf16_scalar", np.array(1.2345678, np.float32), True),
    ("bf16_big", np.array([3e38, 1e-30], np.float32), True),
    ("bf16_summ", _rand((1500,)), True),
    ("u8_vec", _ints((10,), 0, 256, np.uint8), False),
    ("i8_vec", _ints((10,), -128, 128, np.int8), False),
    ("i16_mat", _ints((3, 4), -30000, 30000, np.int16), False),
    ("i32_mat", _ints((4, 4), -1000, 1000, np.int32), False),
    ("i64_vec", np.arange(10, dtype=np.int64), False),
    ("i64_huge", np.array([2**62, -(2**63), 1], np.int64), False),
    ("i64_wide", _ints((50,), -10**6, 10**6, np.int64), False),
    ("i64_summ", np.arange(5000, dtype=np.int64), False),
    ("i32_summ_3d", _ints((3, 20, 30), 0, 10, np.int32), False),
    ("bool_summ", rng.random((2000,)) > 0.5, False),
    ("empty_f32", np.zeros((0,), np.float32), False),
    ("empty_f32_2d", np.zeros((0, 3), np.float32), False),
    ("empty_i64", np.zeros((0,), np.int64), False),
    ("empty_bool_3d", np.zeros((2, 0, 3), bool), False),
    ("empty_i32", np.zeros((4, 0), np.int32), False),
    ("empty_f64", np.zeros((0,), np.float64), False),
    ("c64_vec", (_rand((4,)) + 1j * _rand((4,))).astype(np.complex64), False),
    ("c64_scalar", np.array(1 - 2j, np.complex64), False),
    ("c64_negzero", np.array([1 - 0.0j, -1 + 1e5j], np.complex64), False),
    ("c128_mat", (_rand((2, 3), dtype=np.float64) * 1j + 1).astype(np.complex128), False),
]


def _make(arr, bf16):
    if bf16:
        return arr.astype(ml_dtypes.bfloat16), torch.from_numpy(arr).to(torch.bfloat16)
    return arr, torch.from_numpy(arr.copy())


@pytest.mark.parametrize("name,arr,bf16", ARRAYS, ids=[a[0] for a in ARRAYS])
def test_repr_parity(name, arr, bf16):
    values, t = _make(arr, bf16)
    assert ts.tensor_repr(values, str(t.dtype)) == repr(t)
    # str() is the same as repr() for tensors
    assert ts.tensor_repr(values, str(t.dtype)) == str(t)


GRAD_CASES = [a for a in ARRAYS if a[1].dtype.kind in "fc" or a[2]]


@pytest.mark.parametrize(
    "name,arr,bf16", GRAD_CASES[::3], ids=[a[0] for a in GRAD_CASES[::3]]
)
def test_requires_grad_suffix(name, arr, bf16):
    values, t = _make(arr, bf16)
    t.requires_grad_(True)
    assert ts.tensor_repr(
        values, str(t.dtype), suffixes=("requires_grad=True",)
    ) == repr(t)
    u = t * 1
    assert ts.tensor_repr(
        values, str(t.dtype), suffixes=("grad_fn=<MulBackward0>",)
    ) == repr(u)


def test_suffix_wraps_to_new_line():
    # last line near linewidth forces the suffixes onto their own lines
    arr = np.arange(17, dtype=np.int32).astype(np.float64) + 0.5
    t = torch.from_numpy(arr).requires_grad_(True)
    expected = repr(t)
    assert "\n" in expected
    assert ts.tensor_repr(arr, "torch.float64", suffixes=("requires_grad=True",)) == expected


@contextlib.contextmanager
def both_printoptions(**kwargs):
    with torch._tensor_str.printoptions(**kwargs), ts.printoptions(**kwargs):
        yield


OPTION_SETS = [
    dict(precision=2),
    dict(precision=8),
    dict(precision=0),
    dict(threshold=5),
    dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0),
    dict(edgeitems=0),
    dict(linewidth=40),
    dict(linewidth=120),
    dict(linewidth=5),
    dict(profile="short"),
    dict(profile="full"),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="short", precision=6),
]
OPTION_ARRAYS = [a for a in ARRAYS if a[0] in {
    "f32_rand_mixed_mag", "f32_wide_mat", "f32_summ_mat", "i64_wide",
    "f32_3d", "f32_int_big", "bf16_mat", "f32_scalar_frac", "f32_summ_vec",
    "f32_nan_inf_mix", "empty_f32_2d", "c64_vec", "f32_rand_small",
}]


@pytest.mark.parametrize("opts", OPTION_SETS, ids=[str(o) for o in OPTION_SETS])
def test_printoptions_parity(opts):
    before = ts.get_printoptions()
    with both_printoptions(**opts):
        assert ts.get_printoptions() == torch._tensor_str.get_printoptions()
        for name, arr, bf16 in OPTION_ARRAYS:
            values, t = _make(arr, bf16)
            assert ts.tensor_repr(values, str(t.dtype)) == repr(t), name
    assert ts.get_printoptions() == before == torch._tensor_str.get_printoptions()


def test_set_printoptions_profile_and_reset():
    try:
        ts.set_printoptions(profile="full")
        assert ts.get_printoptions()["threshold"] == float("inf")
        ts.set_printoptions(profile="short", sci_mode=True)
        assert ts.get_printoptions() == dict(
            precision=2, threshold=1000, edgeitems=2, linewidth=80, sci_mode=True
        )
        # like torch, any call without sci_mode resets it to None
        ts.set_printoptions(precision=3)
        assert ts.get_printoptions()["sci_mode"] is None
    finally:
        ts.set_printoptions(profile="default")
    assert ts.get_printoptions() == torch._tensor_str.get_printoptions()


def test_default_dtype_float64():
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for arr in (
            _rand((3,), dtype=np.float64),
            _rand((3,), dtype=np.float32),
            np.zeros((0,), np.float64),
            np.zeros((0,), np.float32),
            (_rand((2,)) + 1j).astype(np.complex128),
            (_rand((2,)) + 1j).astype(np.complex64),
        ):
            t = torch.from_numpy(arr)
            got = ts.tensor_repr(arr, str(t.dtype), default_dtype_name="torch.float64")
            assert got == repr(t)
    finally:
        torch.set_default_dtype(old)


def test_device_suffix_goes_before_dtype():
    arr = np.array([1, 2], np.int32)
    got = ts.tensor_repr(arr, "torch.int32", suffixes=("device='cuda:0'",))
    assert got == "tensor([1, 2], device='cuda:0', dtype=torch.int32)"


def test_custom_prefix_indent():
    arr = _rand((2, 3))
    body = repr(torch.from_numpy(arr))[len("tensor("):]
    got = ts.tensor_repr(arr, "torch.float32", prefix="tensor(")
    assert got == "tensor(" + body
    # a longer prefix shifts continuation lines by its length
    got = ts.tensor_repr(arr, "torch.float32", prefix="Foo(")
    assert got.splitlines()[1].startswith(" " * 5 + "[")


def test_random_fuzz():
    # seeded sweep over dtypes, shapes and magnitudes to catch width/mode corners
    r = np.random.default_rng(1234)
    float_dtypes = [np.float16, np.float32, np.float64, "bf16"]
    int_dtypes = [np.uint8, np.int8, np.int16, np.int32, np.int64]
    for i in range(150):
        shape = tuple(int(s) for s in r.integers(1, 6, size=r.integers(0, 4)))
        kind = r.integers(0, 3)
        if kind == 0:
            dt = int_dtypes[r.integers(len(int_dtypes))]
            info = np.iinfo(dt)
            arr = r.integers(info.min, int(info.max) + 1, size=shape, dtype=np.int64).astype(dt)
            bf16 = False
        elif kind == 1:
            arr, bf16 = r.random(shape) > 0.5, False
        else:
            dt = float_dtypes[r.integers(len(float_dtypes))]
            mag = 10.0 ** r.integers(-8, 9)
            base = r.standard_normal(shape) * mag
            if r.random() < 0.3:
                base = np.round(base)
            if r.random() < 0.3 and base.size:
                flat = base.reshape(-1)
                flat[r.integers(flat.size)] = r.choice([np.nan, np.inf, -np.inf, -0.0, 0.0])
            bf16 = dt == "bf16"
            with np.errstate(over="ignore"):  # float16 overflow to inf is wanted
                arr = base.astype(np.float32 if bf16 else dt)
            if arr.ndim == 0:
                arr = np.array(arr)
        values, t = _make(np.asarray(arr), bf16)
        assert ts.tensor_repr(values, str(t.dtype)) == repr(t), (i, arr)
