"""Shape errors caught by the op table's shape inference speak torch's words, not jax's."""
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity with PyTorch needs torch installed")

CASES = {
    "maximum": lambda m: m.maximum(m.ones(2, 3), m.ones(4)),
    "atan2": lambda m: m.atan2(m.ones(2, 3), m.ones(4)),
    "lerp": lambda m: m.lerp(m.ones(3), m.ones(2), 0.5),
    "addcmul": lambda m: m.addcmul(m.ones(3), m.ones(2), m.ones(3)),
    "copysign": lambda m: m.copysign(m.ones(5), m.ones(2)),
    "logical_and": lambda m: m.logical_and(m.ones(2, 2), m.ones(3)),
    "isclose": lambda m: m.isclose(m.ones(3), m.ones(4)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_broadcast_errors_match_torch(name):
    with pytest.raises(RuntimeError) as expected:
        CASES[name](torch)
    with pytest.raises(RuntimeError) as got:
        CASES[name](jtorch)
    assert str(got.value) == str(expected.value)
