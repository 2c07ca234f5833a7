"""torch.utils.checkpoint's selective-checkpoint names and device-state helpers against torch."""
import functools

import numpy as np
import pytest

import jtorch
import jtorch.utils.checkpoint as jc

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
import torch.utils.checkpoint as tc  # noqa: E402


def _grads(lib, cp, context_fn):
    w = lib.tensor(np.array([[0.5, -1.0], [2.0, 0.3]], np.float32), requires_grad=True)
    x = lib.tensor(np.array([[1.0, 2.0], [-0.5, 0.1]], np.float32))

    def f(x):
        return (x @ w).sin().matmul(w).sum()
    out = cp.checkpoint(f, x, use_reentrant=False, context_fn=context_fn)
    out.backward()
    return out.item(), w.grad.numpy()


def test_selective_contexts_give_torch_values():
    for policy in ([], lambda ctx, op, *a, **k: tc.CheckpointPolicy.MUST_SAVE):
        t = _grads(torch, tc, functools.partial(tc.create_selective_checkpoint_contexts, policy))
        j = _grads(jtorch, jc, functools.partial(jc.create_selective_checkpoint_contexts, policy))
        np.testing.assert_allclose(j[0], t[0], rtol=1e-5)
        np.testing.assert_allclose(j[1], t[1], rtol=1e-5)


def test_names_and_errors_match_torch():
    assert [p.name for p in jc.CheckpointPolicy] == [p.name for p in tc.CheckpointPolicy]
    assert [p.value for p in jc.CheckpointPolicy] == [p.value for p in tc.CheckpointPolicy]
    for lib in (tc, jc):
        with pytest.raises(TypeError, match="policy_fn_or_list must be either a function or a list of ops."):
            lib.create_selective_checkpoint_contexts(3)
        ctx = lib.SelectiveCheckpointContext(is_recompute=True)
        assert ctx.is_recompute is True
        assert isinstance(lib.SAC_IGNORED_OPS, set)
    assert jc.get_device_states(jtorch.ones(1)) == tc.get_device_states(torch.ones(1)) == ([], [])
    jc.set_device_states([], [])
    assert jc.DefaultDeviceType.get_device_type() == tc.DefaultDeviceType.get_device_type()
    with jc.GraphExecGroup() as g:
        assert jc.GraphExecGroup._get_current_group() is g
    assert jc.GraphExecGroup._get_current_group() is None


def test_checkpoint_function_apply():
    results = []
    for lib, cp in ((torch, tc), (jtorch, jc)):
        w = lib.tensor([1.5, -2.0], requires_grad=True)
        out = cp.CheckpointFunction.apply(lambda a: (a * w).exp(), True, lib.tensor([0.2, 0.4], requires_grad=True))
        out.sum().backward()
        results.append(w.grad.tolist())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5)
