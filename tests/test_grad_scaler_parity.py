"""GradScaler's smaller contracts against torch: argument checks, stage errors, scale() over containers,
pickling mid-run."""
import pickle

import pytest

import jtorch
from jtorch import amp

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _both():
    return ((torch, torch.amp.GradScaler), (jtorch, amp.GradScaler))


def test_factor_checks_match_torch():
    for _, GS in _both():
        with pytest.raises(AssertionError, match="The growth factor must be > 1.0."):
            GS("cpu", growth_factor=1.0)
        with pytest.raises(AssertionError, match="The backoff factor must be < 1.0."):
            GS("cpu", backoff_factor=1.0)
        GS("cpu", growth_factor=1.0, enabled=False)  # a disabled scaler checks nothing


def test_stage_errors_and_containers_match_torch():
    for m, GS in _both():
        w = m.ones(2, requires_grad=True)
        opt = m.optim.SGD([w], lr=0.1)
        sc = GS("cpu", init_scale=4.0)
        out = sc.scale([w.sum(), (w * 2).sum()])
        assert isinstance(out, list) and float(out[1].detach()) == 16.0
        assert isinstance(sc.scale((w.sum(),)), tuple)
        gen = sc.scale(x for x in [w.sum()])
        assert not isinstance(gen, (list, tuple)) and float(next(iter(gen)).detach()) == 8.0
        with pytest.raises(ValueError, match="outputs must be a Tensor or an iterable of Tensors"):
            sc.scale(3.0)
        out[0].backward()
        sc.step(opt)
        with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step\\(\\)."):
            sc.unscale_(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called since the last update\\(\\)."):
            sc.step(opt)
        with pytest.raises(AssertionError, match="may only be pickled at the beginning"):
            pickle.dumps(sc)
        sc.update()
        copy = pickle.loads(pickle.dumps(sc))
        assert copy.state_dict() == sc.state_dict()
        assert copy._scale is None and copy.get_scale() == sc.get_scale()
        with pytest.raises(AssertionError, match="Attempted step but _scale is None."):
            GS("cpu").step(opt)
