"""Adafactor and Muon argument errors: same types and messages as torch."""
import pytest

import jtorch
import jtorch.optim  # noqa: F401

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _mat(m):
    return m.zeros(2, 3, requires_grad=True)


CASES = [
    ("adafactor lr", lambda m: m.optim.Adafactor([_mat(m)], lr=-1.0)),
    ("adafactor beta2_decay", lambda m: m.optim.Adafactor([_mat(m)], beta2_decay=0.5)),
    ("adafactor eps1", lambda m: m.optim.Adafactor([_mat(m)], eps=(-1.0, 1e-3))),
    ("adafactor eps2", lambda m: m.optim.Adafactor([_mat(m)], eps=(None, -1e-3))),
    ("adafactor d", lambda m: m.optim.Adafactor([_mat(m)], d=0.5)),
    ("adafactor weight_decay", lambda m: m.optim.Adafactor([_mat(m)], weight_decay=-0.1)),
    ("muon lr", lambda m: m.optim.Muon([_mat(m)], lr=-1.0)),
    ("muon momentum", lambda m: m.optim.Muon([_mat(m)], momentum=-0.5)),
    ("muon weight_decay", lambda m: m.optim.Muon([_mat(m)], weight_decay=-0.5)),
    ("muon adjust_lr_fn", lambda m: m.optim.Muon([_mat(m)], adjust_lr_fn="fancy")),
    ("muon 1d", lambda m: m.optim.Muon([m.zeros(3, requires_grad=True)])),
]


@pytest.mark.parametrize("make", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_error_matches_torch(make):
    with pytest.raises(Exception) as expected:
        make(torch)
    with pytest.raises(type(expected.value)) as got:
        make(jtorch)
    assert str(got.value) == str(expected.value)


def test_valid_settings_accepted():
    jtorch.optim.Adafactor([_mat(jtorch)], eps=(None, 1e-3), d=1.0)
    jtorch.optim.Muon([_mat(jtorch)], adjust_lr_fn="original")
