"""What the engine did: compiles, cache hits, syncs by reason, time compiling and running.

    >>> jtorch.debug.metrics()
    {'compiles': 2, 'cache_hits': 398, 'syncs': 400, 'syncs_by_reason': {...}, ...}
"""
from ._engine import metrics as _metrics
from ._engine.sync import RECOMPILE_WARN_LIMIT as RECOMPILE_WARN_LIMIT  # noqa: F401


def metrics():
    """A snapshot of the engine's counters since start (or the last reset)."""
    return _metrics.snapshot()


def reset_metrics():
    _metrics.reset()


def compile_sites():
    """{call site: number of distinct programs compiled there}."""
    from ._engine import sync
    return {site: len(progs) for site, progs in sync._sites.items()}
