"""affine_grid / grid_sample argument errors and align_corners warnings, compared with real torch."""
import warnings

import pytest

import jtorch
from tests.ops.opinfo import error_text

torch = pytest.importorskip("torch")

_GS = [  # (input shape, grid shape, kwargs, dtypes)
    ((2, 4, 5), (1, 3, 3, 2), {}, None),
    ((1, 2, 4, 5), (3, 3, 2), {}, None),
    ((1, 2, 4, 5), (1, 3, 3, 3), {}, None),
    ((1, 2, 4, 5), (2, 3, 3, 2), {}, None),
    ((1, 2, 0, 5), (1, 3, 3, 2), {}, None),
    ((1, 2, 3, 3), (1, 2, 2, 2, 3), {}, None),
    ((1, 2, 3, 3, 3), (1, 2, 2, 3), {}, None),
    ((1, 2, 3), (1, 2, 2), {}, None),
    ((1, 2, 3, 3, 3), (1, 2, 2, 2, 3), {"mode": "bicubic"}, None),
    ((1, 2, 4, 5), (1, 3, 3, 2), {"mode": "linear"}, None),
    ((1, 2, 4, 5), (1, 3, 3, 2), {"padding_mode": "reflect"}, None),
    ((1, 2, 4, 5), (1, 3, 3, 2), {}, ("float32", "float64")),
    ((1, 2, 4, 5), (1, 3, 3, 2), {}, ("float64", "float32")),
    ((1, 2, 4, 5), (1, 3, 3, 2), {}, ("int64", "int64")),
    ((1, 2, 3, 4, 5), (1, 3, 3, 3, 3), {}, ("int64", "int64")),
]


@pytest.mark.parametrize("ishape,gshape,kw,dtypes", _GS)
def test_grid_sample_errors(ishape, gshape, kw, dtypes):
    def call(m):
        x, g = m.zeros(ishape), m.zeros(gshape)
        if dtypes:
            x, g = x.to(getattr(m, dtypes[0])), g.to(getattr(m, dtypes[1]))
        return error_text(lambda: m.nn.functional.grid_sample(x, g, align_corners=False, **kw))
    assert call(jtorch) == call(torch)


_AG = [  # (theta shape, size, dtype)
    ((1, 2, 3), (1, 1, 2, 3), "int64"),
    ((1, 2, 3), (1, 1, 2, 3, 4), "float32"),
    ((1, 3, 4), (1, 1, 2, 3), "float32"),
    ((1, 2, 3), (1, 1, 3), "float32"),
    ((1, 2, 3), (1, 1, 0, 3), "float32"),
    ((1, 2, 3), (2, 1, 2, 3), "float32"),
    ((1, 3, 4), (2, 1, 2, 3, 4), "float32"),
    ((2, 3), (1, 2, 3), "float32"),
]


@pytest.mark.parametrize("tshape,size,dtype", _AG)
def test_affine_grid_errors(tshape, size, dtype):
    def call(m):
        theta = m.zeros(tshape).to(getattr(m, dtype))
        return error_text(lambda: m.nn.functional.affine_grid(theta, size, align_corners=False))
    assert call(jtorch) == call(torch)


def _warnings(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(x.category, str(x.message)) for x in w]


@pytest.mark.parametrize("case", ["gs_default", "ag_default", "ag_unit", "explicit"])
def test_grid_warnings(case):
    def call(m):
        F = m.nn.functional
        theta, x = m.zeros(1, 2, 3), m.zeros(1, 1, 2, 2)
        return _warnings({"gs_default": lambda: F.grid_sample(x, m.zeros(1, 2, 2, 2)),
                          "ag_default": lambda: F.affine_grid(theta, (1, 1, 2, 3)),
                          "ag_unit": lambda: F.affine_grid(theta, (1, 1, 1, 3), align_corners=True),
                          "explicit": lambda: F.grid_sample(x, F.affine_grid(theta, (1, 1, 2, 3), align_corners=False),
                                                            align_corners=False)}[case])
    assert call(jtorch) == call(torch)


def test_namespaces():
    for name in ("grid_sampler", "affine_grid_generator", "grid_sample", "affine_grid"):
        assert hasattr(jtorch, name) == hasattr(torch, name), name
        assert hasattr(jtorch.Tensor, name) == hasattr(torch.Tensor, name), name
