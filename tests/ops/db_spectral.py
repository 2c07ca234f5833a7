"""torch.fft transforms, shifts, sample frequencies and the complex views (view_as_real, view_as_complex, polar).

Complex results are compared through view_as_real (the parity check compares real arrays) and
complex inputs are built with view_as_complex from a real (..., 2) leaf, so gradients flowing
into complex inputs are checked too.
"""
import numpy as np

import jtorch
import jtorch.fft  # noqa: F401  (makes jtorch.fft reachable as m.fft)

from tests.ops.opinfo import OpInfo, S, arr, error_text as _err

I = dict(dtype="int64", low=-3, high=3)
F64 = dict(dtype="float64")
TOL = dict(atol=1e-4, grad_atol=1e-3)


def _r(m, y):
    if not y.is_complex():
        return y
    return m.view_as_real(y if m is jtorch else y.resolve_conj())  # torch's ifft sets the lazy conj bit


def _dt(m, k):
    """dtype="float64" in a sample means m.float64 for either library."""
    return {**k, "dtype": getattr(m, k["dtype"])} if "dtype" in k else k


def _fft(name, samples, complex_samples=()):
    """One OpInfo for real inputs, one for complex inputs (a real (..., 2) array viewed as complex)."""
    out = [OpInfo(name, lambda m, x, **k: _r(m, getattr(m.fft, name)(x, **k)), samples, **TOL)] if samples else []
    if complex_samples:
        out.append(OpInfo(name + "_complex", lambda m, x, **k: _r(m, getattr(m.fft, name)(m.view_as_complex(x), **k)),
                          complex_samples, **TOL))
    return out


def _error(m, fn, shape, dtype, kw):
    """The exact error torch raises for a bad argument (fn: "fft.rfft", "view_as_complex", ...)."""
    f = m
    for part in fn.split("."):
        f = getattr(f, part)
    return _err(lambda: f(m.zeros(shape, dtype=getattr(m, dtype)), **kw))


def E(fn, shape, dtype="float32", **kw):
    return S(fn, shape, dtype, kw, grad=False)


OPS = [
    *_fft("fft", [S(arr(2, 5)), S(arr(4, 3, **F64), n=5, dim=0, norm="ortho"), S(arr(4, **I))],
          [S(arr(3, 4, 2), n=3, norm="forward")]),
    *_fft("ifft", [S(arr(6), norm="backward")], [S(arr(2, 4, 2), dim=0, n=3)]),
    *_fft("rfft", [S(arr(3, 6)), S(arr(5, 2), n=4, dim=0, norm="ortho")]),
    *_fft("irfft", [S(arr(4))], [S(arr(2, 4, 2)), S(arr(3, 2, 2), n=5, dim=0, norm="forward")]),
    *_fft("hfft", [], [S(arr(2, 4, 2)), S(arr(3, 2), n=3, norm="ortho")]),
    *_fft("ihfft", [S(arr(2, 5)), S(arr(6), n=4, norm="forward")]),
    *_fft("fft2", [S(arr(2, 3, 4)), S(arr(3, 4), s=(4, 2), norm="ortho")], [S(arr(3, 3, 2), dim=(1, 0))]),
    *_fft("ifft2", [S(arr(3, 4))], [S(arr(2, 3, 2), s=[3, 2])]),
    *_fft("rfft2", [S(arr(3, 4)), S(arr(2, 3, 4), dim=(0, 2), s=(3, 6))]),
    *_fft("irfft2", [], [S(arr(3, 3, 2)), S(arr(2, 3, 4, 2), s=(2, 5), dim=(1, 2), norm="ortho")]),
    *_fft("fftn", [S(arr(2, 3, 4)), S(arr(3, 4), s=(-1, 5)), S(arr(3, 4), dim=())],
          [S(arr(2, 3, 2), s=(3,), norm="forward")]),
    *_fft("ifftn", [S(arr(2, 3), dim=0)], [S(arr(2, 2, 3, 2))]),
    *_fft("rfftn", [S(arr(2, 3, 4)), S(arr(3, 4, **F64), s=(2, 4), dim=(1, 0))]),
    *_fft("irfftn", [], [S(arr(2, 3, 3, 2)), S(arr(3, 3, 2), s=(3, 4), norm="forward")]),
    OpInfo("fftshift", lambda m, x, **k: m.fft.fftshift(x, **k),
           [S(arr(3, 4)), S(arr(5, 2), dim=0), S(arr(2, 5, **I), dim=(-1,))]),
    OpInfo("ifftshift", lambda m, x, **k: m.fft.ifftshift(x, **k), [S(arr(3, 5)), S(arr(3, 4), dim=[1, 0])]),
    OpInfo("fftfreq", lambda m, *a, **k: m.fft.fftfreq(*a, **_dt(m, k)), [S(5), S(6, 0.1, dtype="float64")]),
    OpInfo("rfftfreq", lambda m, *a, **k: m.fft.rfftfreq(*a, **_dt(m, k)), [S(7, 2.5), S(4, dtype="float64")]),
    OpInfo("view_as_real", lambda m, x: m.view_as_real(m.view_as_complex(x) * 2), [S(arr(3, 2)), S(arr(2, 2, **F64))]),
    OpInfo("view_as_complex", lambda m, x: m.view_as_real(m.view_as_complex(x).exp()), [S(arr(2, 3, 2))]),
    OpInfo("polar", lambda m, a, t: m.view_as_real(m.polar(a, t)),
           [S(arr(2, 3), arr(3)), S(arr(3, **F64), arr(3, **F64))]),
    OpInfo("angle", lambda m, x: (m.angle(x), x.angle()), [S(np.array([-1.5, 0.0, 2.0, -0.0], "float64")),
                                                            S(arr(4, **I))]),
    OpInfo("angle_complex", lambda m, x: m.angle(m.view_as_complex(x)), [S(arr(2, 3, 2))], **TOL),
    OpInfo("conj_physical", lambda m, x: (m.view_as_real(m.conj_physical(m.view_as_complex(x))),
                                          m.conj_physical(x[..., 0]),
                                          m.view_as_real(m.view_as_complex(x).conj_physical()),
                                          m.isreal(m.view_as_complex(x)), m.isreal(x), x.isreal()),
           [S(np.array([[1.0, 0.0], [2.0, -1.0], [0.0, 0.5]], "float32"))]),
    OpInfo("conj", lambda m, x: (_r(m, m.conj(m.view_as_complex(x))), m.conj(x[..., 0]), m.real(m.view_as_complex(x)),
                                 m.imag(m.view_as_complex(x)), m.real(x), m.is_conj(x), x.is_conj(), m.is_neg(x),
                                 x.is_neg(), m.resolve_neg(x), x.resolve_neg()),
           [S(arr(2, 3, 2))]),
    OpInfo("polar_errors", lambda m, a, b: _err(lambda: m.polar(m.zeros(3, dtype=getattr(m, a)),
                                                                m.zeros(3, dtype=getattr(m, b)))),
           [S("float32", "float64"), S("int64", "float32"), S("float64", "int64")], grad=False),
    OpInfo("spectral_errors", _error, [
        E("fft.fft", (4,), norm="foo"), E("fft.fft", (4,), n=0), E("fft.ifft", (4,), dim=3), E("fft.fft", ()),
        E("fft.fft", (4,), "float16"), E("fft.rfft", (4,), "complex64"), E("fft.ihfft", (4,), "complex128"),
        E("fft.irfft", (1,)), E("fft.hfft", (3,), n=-1), E("fft.fft2", (4,)), E("fft.fftn", (2, 3), s=(4, 5, 6)),
        E("fft.fftn", (2, 3), dim=(0, -2)), E("fft.fftn", (2, 3), s=(4, 5), dim=(0,)), E("fft.rfftn", (2, 3), dim=()),
        E("fft.irfftn", (2, 3), dim=[]), E("fft.rfft2", (2, 3), "complex64"), E("fft.fftn", (2, 3), s=(0, 2)),
        E("fft.fftn", (), dim=(0,)), E("view_as_real", (3,)), E("view_as_complex", (3, 3)),
        E("view_as_complex", ()), E("view_as_complex", (3, 2), "int64"),
    ], grad=False),
    OpInfo("fftfreq_int", lambda m: _err(lambda: m.fft.fftfreq(4, dtype=m.int64)), [S()], grad=False),
]
