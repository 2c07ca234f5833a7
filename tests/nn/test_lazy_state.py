"""Uninitialized parameters/buffers and lazy modules' state_dict: parity with torch (which uses of a
placeholder raise, which metadata stays readable, what state_dict saves)."""
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

USE_ERROR = "Attempted to use an uninitialized parameter in "


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:  # noqa: BLE001 - compared with torch's
        return type(e).__name__, str(e).startswith(USE_ERROR)


def _uses(lib):
    p, b = lib.nn.UninitializedParameter(), lib.nn.UninitializedBuffer()
    return {
        # any op or value read raises torch's ValueError, whoever calls the dispatcher
        "method": lambda: p + 1, "function": lambda: lib.add(p, 1), "functional": lambda: lib.nn.functional.relu(p),
        "weight": lambda: lib.nn.functional.linear(lib.ones(2, 3), p), "buffer": lambda: b * 2,
        "dim": p.dim, "numel": p.numel, "tolist": p.tolist, "numpy": b.numpy, "item": p.item,
        "index": lambda: p[0], "bool": lambda: bool(p), "len": lambda: len(p), "view": lambda: p.view(-1),
        # the metadata torch allows
        "size": lambda: tuple(p.size()), "size0": lambda: p.size(0), "size1": lambda: p.size(1),
        "dtype": lambda: str(p.dtype), "device": lambda: str(p.device), "requires_grad": lambda: p.requires_grad,
        "is_leaf": lambda: p.is_leaf, "grad_fn": lambda: p.grad_fn, "float": lambda: p.is_floating_point(),
        "repr": lambda: repr(b), "shape": lambda: p.shape,
    }


def test_uninitialized_parameter_uses_match_torch():
    want = {k: _outcome(f) for k, f in _uses(torch).items()}
    got = {k: _outcome(f) for k, f in _uses(jtorch).items()}
    assert got == want
    assert want["method"] == ("ValueError", True)


def _custom_lazy(lib):
    class Scale(lib.nn.modules.lazy.LazyModuleMixin, lib.nn.Module):  # stays itself after initializing
        def __init__(self):
            super().__init__()
            self.weight = lib.nn.UninitializedParameter()
            self.register_buffer("stat", lib.nn.UninitializedBuffer())
            self.register_buffer("tmp", lib.zeros(1), persistent=False)

        def initialize_parameters(self, x):
            with lib.no_grad():
                self.weight.materialize(x.shape[-1:])
                self.stat.materialize(x.shape[-1:])

        def forward(self, x):
            return x * self.weight

        def get_extra_state(self):
            return "extra"
    return Scale()


def test_lazy_state_dict_matches_torch():
    """torch 2.13's LazyModuleMixin._save_to_state_dict saves parameters and persistent buffers only:
    no `_extra_state` even when get_extra_state is overridden, before or after initializing."""
    def run(lib):
        m = _custom_lazy(lib)
        before = [(k, type(v).__name__) for k, v in m.state_dict().items()]
        m(lib.ones(2))
        after = [(k, type(v).__name__) for k, v in m.state_dict(keep_vars=True).items()]
        return before, type(m).__name__, after
    assert run(jtorch) == run(torch)
