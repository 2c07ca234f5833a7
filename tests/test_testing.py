"""jtorch.testing against torch.testing: the same verdicts and the same messages."""
import warnings

import numpy as np
import pytest

import jtorch
import jtorch.testing

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

NAN, INF = float("nan"), float("inf")


def _outcome(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        # jtorch's classes live in jtorch.*; torch's messages name torch.*
        text = str(e).replace("jtorch._tensor.Tensor", "torch.Tensor").replace("jtorch.", "torch.")
        return f"{type(e).__name__}: {text}"
    return "ok"


def _cases(m):
    """One list of comparisons, built with m = torch or jtorch."""
    t, ac = m.tensor, m.testing.assert_close
    f64 = m.float64
    return [
        lambda: ac(t([1., 2., 3.]), t([1., 2., 3.5])),
        lambda: ac(t([1., 2., 3.]), t([1., 2., 3.5]), rtol=0, atol=0),
        lambda: ac(t([[1., 2.], [3., 4.]]), t([[1., 2.5], [3., 4.5]])),
        lambda: ac(t([1., 2., 3.]).reshape(3, 1, 1), t([1., 2., 3.5]).reshape(3, 1, 1)),
        lambda: ac(t([1, 2, 3]), t([1, 2, 4])),
        lambda: ac(t([1, 2, 3]), t([1, 2, 300000000000])),
        lambda: ac(t([True, False]), t([True, True])),
        lambda: ac(t(1.), t(2.)),
        lambda: ac(t([1., 2.]), t([1., 2.], dtype=f64)),
        lambda: ac(t([1., 2.]), t([1., 2.5], dtype=f64), check_dtype=False),
        lambda: ac(t([1., 2.]), t([1., 2., 3.])),
        lambda: ac(t([1., 2.]), [1., 2.]),
        lambda: ac(t([1., NAN]), t([1., NAN])),
        lambda: ac(t([1., NAN]), t([1., NAN]), equal_nan=True),
        lambda: ac(t([1., INF]), t([1., INF])),
        lambda: ac(t([1., INF]), t([1., -INF])),
        lambda: ac(t([0., 2.]), t([1e-9, 2.])),
        lambda: ac(t([1., 2.]), t([0., 2.])),
        lambda: ac(t([1 + 1j, 2.]), t([1 + 1j, 2.5])),
        lambda: ac(t([1.]).half(), t([1.001]).half()),
        lambda: ac(t([1., 2., 3.]).half(), t([1., 2.01, 3.]).half()),
        lambda: ac(t([1., 4.]).bfloat16(), t([1.01, 4.1]).bfloat16()),
        lambda: ac(t([], dtype=m.float32), t([])),
        lambda: ac(t([1.]), t([1.]), rtol=1e-3),
        lambda: ac(t([1.]), t([1.]), atol=1e-3),
        lambda: ac(t([1., 2.]), t([1., 2.5]), msg="custom"),
        lambda: ac(t([1., 2.]), t([1., 2.5]), msg=lambda s: "X" + s),
        lambda: ac(t([1., 2.]), t([1.1, 2.]), rtol=0.2, atol=0.),
        lambda: ac(t([[1., 2.], [3., 4.]]).t(), t([[1., 3.], [2., 4.]]), check_stride=True),
        lambda: ac(t([1., 2.]).requires_grad_(), t([1., 2.])),
        lambda: ac(m.nn.Parameter(t([1.])), t([1.])),
        lambda: ac(m.nn.Parameter(t([1.])), t([1.]), allow_subclasses=False),
        lambda: ac(np.array([1., 2.]), np.array([1., 2.1])),
        lambda: ac(np.array([1, 2]), np.array([1., 2.])),
        lambda: ac(1.0, 1.5),
        lambda: ac(1, 2),
        lambda: ac(1, 1.0),
        lambda: ac(1.0, 1.0 + 1e-9),
        lambda: ac(1 + 1j, 1 + 2j),
        lambda: ac(np.float32(1.0), np.float32(1.0)),
        lambda: ac(True, False),
        lambda: ac(None, None),
        lambda: ac(None, 1),
        lambda: ac("a", "a"),
        lambda: ac(1.0, t(1.0)),
        lambda: ac([1., 2.], [1., 2.5]),
        lambda: ac([1, 2], [1, 2, 3]),
        lambda: ac((t([1.]),), [t([1.])]),
        lambda: ac({"a": t([1.]), "b": [t([1.]), t([2.])]}, {"a": t([1.]), "b": [t([1.]), t([2.5])]}),
        lambda: ac({"a": 1}, {"b": 1}),
        lambda: ac({"a": [1.0, t([1.])]}, {"a": [1.0, t([1.], dtype=f64)]}),
    ]


def test_assert_close_matches_torch():
    want = [_outcome(c) for c in _cases(torch)]
    got = [_outcome(c) for c in _cases(jtorch)]
    assert "ok" in want and any(w.startswith("AssertionError: Tensor-likes are not close!") for w in want)
    for i, (w, g) in enumerate(zip(want, got)):
        assert g == w, f"case {i}"


def test_assert_close_against_real_torch_and_numpy():
    ac = jtorch.testing.assert_close
    j = jtorch.tensor([1., 2., 3.])
    ac(j, torch.tensor([1., 2., 3.]))
    ac(torch.tensor([1., 2., 3.]), j)
    ac(j, np.array([1., 2., 3.], np.float32))
    ac(j.double().requires_grad_(), torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True))
    ac(j.bfloat16(), torch.tensor([1., 2., 3.]).bfloat16())
    ac(jtorch.tensor([1 + 2j]), torch.tensor([1 + 2j]).conj().conj())
    ac(j, np.array([1., 2., 3.]), check_dtype=False)
    ac({"w": j, "n": [1, j[:2]]}, {"w": torch.tensor([1., 2., 3.]), "n": [1, torch.tensor([1., 2.])]})
    # failures read exactly as torch's own comparison of the same numbers
    bad = torch.tensor([1., 2., 3.5])
    want = _outcome(lambda: torch.testing.assert_close(torch.tensor([1., 2., 3.]), bad))
    assert _outcome(lambda: ac(j, bad)) == want
    assert _outcome(lambda: ac(j, bad.numpy())) == want
    assert _outcome(lambda: ac(j, np.array([1., 2., 3.]))) == \
        "AssertionError: The values for attribute 'dtype' do not match: torch.float32 != torch.float64."
    assert _outcome(lambda: ac(j, torch.ones(2))) == \
        "AssertionError: The values for attribute 'shape' do not match: torch.Size([3]) != torch.Size([2])."
    # numpy against torch stays unsupported, as in torch
    assert _outcome(lambda: ac(np.ones(1), torch.ones(1))).startswith("TypeError: No comparison pair")


def test_assert_allclose_deprecated():
    for m in (torch, jtorch):
        with pytest.warns(FutureWarning, match="assert_allclose"):
            m.testing.assert_allclose(m.tensor([1., 2.]), [1.00005, 2.])  # float32: rtol 1e-4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        want = _outcome(lambda: torch.testing.assert_allclose(torch.tensor([1., 2.]), [1.0, 2.1]))
        assert _outcome(lambda: jtorch.testing.assert_allclose(jtorch.tensor([1., 2.]), [1.0, 2.1])) == want


def test_make_tensor():
    mk = jtorch.testing.make_tensor
    x = mk(3, 4, dtype=jtorch.float32, device="cpu", low=-1, high=1)
    v = x.numpy()
    assert x.shape == (3, 4) and x.dtype == jtorch.float32 and (v >= -1).all() and (v < 1).all()
    i = mk([3, 4], dtype=jtorch.int8, device="cpu", low=-3.5, high=2).numpy()
    assert i.dtype == np.int8 and i.min() >= -3 and i.max() <= 1
    b = mk(3, 4, dtype=jtorch.bool, device="cpu")
    assert b.dtype == jtorch.bool
    c = mk(4, dtype=jtorch.complex64, device="cpu", low=0, high=1)
    assert c.dtype == jtorch.complex64 and (c.numpy().real >= 0).all() and (c.numpy().imag < 1).all()
    n = mk(3, 4, dtype=jtorch.float64, device="cpu", noncontiguous=True, requires_grad=True)
    assert n.shape == (3, 4) and not n.is_contiguous() and n.requires_grad and n.is_leaf
    z = mk(3, 4, dtype=jtorch.int64, device="cpu", low=-1, high=2, exclude_zero=True).numpy()
    assert (z != 0).all()
    h = mk(3, 4, dtype=jtorch.float16, device="cpu", low=-1e9, high=1e9)  # clamped to float16's range
    assert np.isfinite(h.numpy()).all()
    wide = mk(3, 4, dtype=jtorch.float32, device="cpu", low=-3e38, high=3e38)  # width overflows float32
    assert np.isfinite(wide.numpy()).all()
    assert mk(2, 3, dtype=jtorch.float32, device="cpu", memory_format=None).is_contiguous()

    def errors(m):
        mk = m.testing.make_tensor
        return [_outcome(f) for f in (
            lambda: mk(2, dtype=m.float32, device="cpu", low=1, high=0),
            lambda: mk(2, dtype=m.int64, device="cpu", requires_grad=True),
            lambda: mk(2, dtype=m.float32, device="cpu", low=NAN),
            lambda: mk(2, dtype=m.uint8, device="cpu", low=-10, high=-1),
            lambda: mk(2, 2, dtype=m.float32, device="cpu", noncontiguous=True, memory_format=m.contiguous_format),
        )]
    assert errors(jtorch) == errors(torch)
    with pytest.warns(FutureWarning, match="low==high"):
        jtorch.testing.make_tensor(2, dtype=jtorch.float32, device="cpu", low=1, high=1)
