"""What the engine did: compiles, cache hits, syncs by reason, time compiling and running.

    >>> jtorch.debug.metrics()
    {'compiles': 2, 'cache_hits': 398, 'syncs': 400, 'syncs_by_reason': {...}, ...}
"""
from ._engine import metrics as _metrics, program as _program, sync as _sync
from ._engine.sync import RECOMPILE_WARN_LIMIT as RECOMPILE_WARN_LIMIT  # noqa: F401


def metrics():
    """A snapshot of the engine's counters since start (or the last reset)."""
    return _metrics.snapshot()


def reset_metrics():
    _metrics.reset()


def compile_sites():
    """{call site: number of distinct programs compiled there}."""
    return {site: seen[0] for site, seen in _sync._sites.items()}


def set_program_cache_limit(n):
    """Keep at most `n` compiled programs (least recently used ones are dropped, with their memory).

    The default is 512, or the environment variable JTORCH_MAX_PROGRAMS. A dropped program
    compiles again if its structure comes back."""
    _program.max_programs = int(n)
    _program.evict(_program.max_programs)


def cached_programs():
    """How many compiled programs the engine holds now."""
    return len(_program._cache)
