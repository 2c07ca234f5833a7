"""Counters for what the engine does: compiles, cache hits, syncs by reason, seconds."""
import collections

_counts = collections.Counter()
_seconds = collections.Counter()


def count(name, n=1):
    _counts[name] += n


def add_seconds(name, s):
    _seconds[name] += s


def snapshot():
    """A plain dict: compiles, cache_hits, evictions, syncs, syncs_by_reason, ops_recorded, op_by_op_runs
    (syncs of a call site in op-by-op mode), compile_seconds, execute_seconds."""
    by_reason = {k[5:]: v for k, v in _counts.items() if k.startswith("sync:")}
    return {
        "compiles": _counts["compiles"],
        "cache_hits": _counts["cache_hits"],
        "evictions": _counts["evictions"],
        "syncs": sum(by_reason.values()),
        "syncs_by_reason": by_reason,
        "ops_recorded": _counts["ops"],
        "op_by_op_runs": _counts["op_by_op_runs"],
        "compile_seconds": _seconds["compile"],
        "execute_seconds": _seconds["execute"],
    }


def reset():
    _counts.clear()
    _seconds.clear()
