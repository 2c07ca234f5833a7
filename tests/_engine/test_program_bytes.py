"""The program cache is bounded in bytes as well as in count, and a call site whose shapes keep
changing runs new programs op by op instead of compiling each."""
import gc
import warnings
import weakref

import numpy as np
import pytest

import jtorch as torch
from jtorch._engine import program, sync


@pytest.fixture
def byte_limit():
    before = program.max_bytes
    yield torch.debug.set_program_cache_bytes
    torch.debug.set_program_cache_bytes(before)


def _scaled_sum(n):
    return (torch.ones(n) * 2 + 1).sum().item()


def test_programs_past_the_byte_limit_are_evicted(byte_limit):
    assert _scaled_sum(301) == 903
    assert torch.debug.cached_program_bytes() > 0
    byte_limit(1)  # every program is over it: only the latest stays
    assert torch.debug.cached_programs() == 1
    kept = weakref.ref(next(iter(program._cache.values())))
    m0 = torch.debug.metrics()
    assert _scaled_sum(302) == 906  # compiles a new program, which evicts the older one
    assert torch.debug.metrics()["compiles"] == m0["compiles"] + 1
    assert torch.debug.cached_programs() == 1
    gc.collect()
    assert kept() is None  # the evicted executable is freed
    byte_limit(1 << 40)
    total = torch.debug.cached_program_bytes()
    _scaled_sum(303)
    assert torch.debug.cached_programs() == 2 and torch.debug.cached_program_bytes() >= total


def test_a_site_with_new_shapes_every_step_runs_op_by_op():
    m0 = torch.debug.metrics()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = [(torch.arange(n, dtype=torch.float32) * 3 - 1).sum().item() for n in range(40, 52)]
    m1 = torch.debug.metrics()
    assert values == [float(sum(3 * i - 1 for i in range(n))) for n in range(40, 52)]
    assert m1["compiles"] - m0["compiles"] == sync.RECOMPILE_WARN_LIMIT  # then op by op
    assert m1["op_by_op_runs"] - m0["op_by_op_runs"] == 12 - sync.RECOMPILE_WARN_LIMIT
    msgs = [str(w.message) for w in caught if "different programs" in str(w.message)]
    assert len(msgs) == 1 and "op by op" in msgs[0]
    assert any("test_program_bytes.py" in s for s in torch.debug.op_by_op_sites())


def test_op_by_op_values_equal_whole_program_values():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(5, 7)).astype(np.float32), rng.normal(size=(7, 3)).astype(np.float32)
    x, w = torch.tensor(a), torch.tensor(b)
    prog, leaves, _ = program.build([torch.softmax(torch.tanh(x @ w) * 2, -1).sum(0)._lazy])
    whole = program.executable(prog)[0](*[lz.value for lz in leaves])
    stepwise = program.run_op_by_op(prog, [lz.value for lz in leaves])
    np.testing.assert_allclose(np.asarray(stepwise[0]), np.asarray(whole[0]), rtol=1e-6)
