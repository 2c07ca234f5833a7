"""Forward and gradient parity with real torch for every op in the database (tests/ops/db_*.py)."""
import importlib
import pathlib

import numpy as np
import pytest

import jtorch
from tests.ops.opinfo import OpInfo

torch = pytest.importorskip("torch", reason="op parity tests need PyTorch installed (pip install torch==2.13.0)")

DB = []
for _path in sorted(pathlib.Path(__file__).parent.glob("db_*.py")):
    DB.extend(importlib.import_module(f"tests.ops.{_path.stem}").OPS)

CASES = [(info, i) for info in DB for i in range(len(info.samples))]


def _convert(m, x, grad, store):
    if isinstance(x, np.ndarray):
        t = m.from_numpy(x.copy()) if x.dtype != np.float64 or m is torch else m.tensor(x)
        if grad and t.is_floating_point():
            t.requires_grad_(True)
            store.append(t)
        return t
    if isinstance(x, (list, tuple)) and any(isinstance(v, np.ndarray) for v in x):
        return type(x)(_convert(m, v, grad, store) for v in x)
    return x


def _run(m, info, sample, grad):
    leaves = []
    args = [_convert(m, a, grad, leaves) for a in sample.args]
    kwargs = {k: _convert(m, v, grad, leaves) for k, v in sample.kwargs.items()}
    out = info.fn(m, *args, **kwargs)
    return out, leaves


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flat(o)]
    return [out]


def _np(t):
    if hasattr(t, "detach"):
        t = t.detach()
        if t.dtype in (torch.bfloat16,) or str(t.dtype) == "torch.bfloat16":
            t = t.float()
        return np.asarray(t.numpy() if hasattr(t, "numpy") else t)
    return np.asarray(t)


@pytest.mark.parametrize("info,i", CASES, ids=[f"{info.name}-{i}" for info, i in CASES])
def test_op(info, i):
    sample = info.samples[i]
    grad = info.grad and sample.grad
    t_out, t_leaves = _run(torch, info, sample, grad)
    j_out, j_leaves = _run(jtorch, info, sample, grad)
    t_flat, j_flat = _flat(t_out), _flat(j_out)
    assert len(t_flat) == len(j_flat)
    diff = [k for k, t in enumerate(t_flat) if hasattr(t, "requires_grad") and t.requires_grad]
    if grad and diff:
        rng = np.random.default_rng(i)
        cots = [rng.standard_normal(tuple(t_flat[k].shape)).astype(np.float32) for k in diff]
        torch.autograd.backward([t_flat[k] for k in diff], [torch.from_numpy(c).to(t_flat[k].dtype)
                                                           for k, c in zip(diff, cots)])
        jtorch.autograd.backward([j_flat[k] for k in diff], [jtorch.from_numpy(c).to(j_flat[k].dtype)
                                                            for k, c in zip(diff, cots)])
    for t, j in zip(t_flat, j_flat):
        if isinstance(t, torch.Tensor):
            assert isinstance(j, jtorch.Tensor), f"{info.name}: expected a Tensor, got {type(j)}"
            assert tuple(j.shape) == tuple(t.shape), f"{info.name}: shape {tuple(j.shape)} != {tuple(t.shape)}"
            if info.check_dtype:
                assert str(j.dtype) == str(t.dtype), f"{info.name}: dtype {j.dtype} != {t.dtype}"
            np.testing.assert_allclose(_np(j).astype(np.float64) if _np(j).dtype != bool else _np(j),
                                       _np(t).astype(np.float64) if _np(t).dtype != bool else _np(t),
                                       atol=info.atol, rtol=info.rtol, err_msg=info.name)
        else:
            assert j == t or (isinstance(t, float) and abs(j - t) <= info.atol), f"{info.name}: {j} != {t}"
    if grad and diff:
        for tl, jl in zip(t_leaves, j_leaves):
            if tl.grad is None:
                assert jl.grad is None or not np.any(_np(jl.grad)), f"{info.name}: unexpected grad"
                continue
            assert jl.grad is not None, f"{info.name}: missing grad"
            np.testing.assert_allclose(_np(jl.grad).astype(np.float64), _np(tl.grad).astype(np.float64),
                                       atol=info.grad_atol, rtol=1e-4, err_msg=f"{info.name} grad")
