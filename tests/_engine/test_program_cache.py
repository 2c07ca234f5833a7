"""The compiled-program cache is bounded: least recently used programs go, with their memory."""
import gc
import warnings
import weakref

import pytest

import jtorch as torch
from jtorch._engine import program


@pytest.fixture
def small_cache():
    before = program.max_programs
    torch.debug.set_program_cache_limit(3)
    yield
    torch.debug.set_program_cache_limit(before)


def _sum_of_ones(n):
    return (torch.ones(n) * 2).sum().item()


@pytest.mark.filterwarnings("ignore:.*different programs")
def test_least_recently_used_programs_are_evicted(small_cache):
    m0 = torch.debug.metrics()
    for n in (101, 102, 103):
        assert _sum_of_ones(n) == 2 * n
    assert torch.debug.cached_programs() == 3
    kept = [weakref.ref(fn) for fn in program._cache.values()]
    assert _sum_of_ones(101) == 202  # a hit: 101 becomes the most recently used
    assert _sum_of_ones(104) == 208  # evicts 102, the least recently used
    m1 = torch.debug.metrics()
    assert m1["compiles"] - m0["compiles"] == 4
    assert m1["evictions"] - m0["evictions"] >= 1
    assert torch.debug.cached_programs() == 3
    gc.collect()
    assert sum(ref() is None for ref in kept) == 1  # the evicted program's executable is freed
    assert _sum_of_ones(101) == 202 and torch.debug.metrics()["compiles"] == m1["compiles"]  # still cached
    assert _sum_of_ones(102) == 204 and torch.debug.metrics()["compiles"] == m1["compiles"] + 1  # compiled again


def test_recompile_warning_says_how_many_programs_the_site_holds(small_cache):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(111, 111 + 6):
            (torch.ones(n) * 3).sum().item()  # one call site, a new shape each time
    msgs = [str(w.message) for w in caught if "different programs" in str(w.message)]
    assert msgs, [str(w.message) for w in caught]
    assert "of them still cached, at most 3 in all" in msgs[0]
    assert "3 of them still cached" in msgs[0] or "2 of them still cached" in msgs[0]


def test_interactive_inputs_are_told_apart_by_content():
    """At a prompt every input is `<stdin>:1`: different statements must not count as one site."""
    scope = {"torch": torch}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(121, 127):  # six different inputs, each printing its own shape
            exec(compile(f"(torch.ones({n}) * 5).sum().item()", "<stdin>", "single"), scope)
        assert not [w for w in caught if "different programs" in str(w.message)]
        for n in range(131, 137):  # one input run again and again with new shapes: that warns
            scope["n"] = n
            exec(compile("(torch.ones(n) * 7).sum().item()", "<stdin>", "single"), scope)
    msgs = [str(w.message) for w in caught if "different programs" in str(w.message)]
    assert len(msgs) == 1 and "<stdin>:1 #" in msgs[0]
