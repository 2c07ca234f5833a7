"""What the engine did: compiles, cache hits, syncs by reason, time compiling and running.

    >>> jtorch.debug.metrics()
    {'compiles': 2, 'cache_hits': 398, 'syncs': 400, 'syncs_by_reason': {...}, ...}
"""
import os as _os

from ._engine import metrics as _metrics, program as _program, sync as _sync
from ._ops import _checks
from ._engine.sync import RECOMPILE_WARN_LIMIT as RECOMPILE_WARN_LIMIT  # noqa: F401
from ._ops import _value_checks
from ._engine import modes


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


def set_program_cache_bytes(n):
    """Keep compiled programs of at most `n` bytes in all (least recently used ones are dropped first;
    the latest program stays whatever its size). A program's size is what the process's resident
    memory grew by while it compiled and first ran, less its outputs. The default is 2 GiB, or the
    environment variable JTORCH_MAX_PROGRAM_BYTES."""
    _program.max_bytes = int(n)
    _program.evict(_program.max_programs)


def cached_program_bytes():
    """Bytes held by the compiled programs the engine holds now (as set_program_cache_bytes counts them)."""
    return _program._total[0]


def op_by_op_sites():
    """Call sites that run new programs op by op (their shapes kept changing), as the recompile warning says."""
    return sorted(_sync._op_by_op_sites)


def set_loop_ops(n):
    """Cut a Python loop's pending graph into repeated pieces once a thread has recorded `n` ops
    without a sync (each piece about n / 8 ops; repeated pieces share one compiled program, and
    backward goes piece by piece). 0 never cuts. The default is 2048, or the environment variable
    JTORCH_LOOP_OPS."""
    modes.LOOP_OPS = int(n)
    modes.get().next_look = modes.look_at()


def check_values(enabled=True):
    """Check values the host cannot see yet, on the device, and raise torch's error at the next sync.

    torch raises for an integer division or remainder by zero, an out-of-range index of gather,
    scatter, index_select or embedding, a one_hot class >= num_classes, multinomial
    probabilities < 0, inf or NaN, and a binary_cross_entropy input outside [0, 1]. jtorch
    checks these on the host when the values are known there; a pending value (still to be
    computed on the device) gets XLA's behaviour instead, unless this mode is on: each such op
    then adds a small check to the compiled program, and the next sync (`.item()`, `print`,
    `optimizer.step()`, ...) raises the error. It costs a little time per checked op, and the
    checks make programs of their own. Also on when the environment variable
    JTORCH_CHECK_VALUES=1 is set at import."""
    if enabled:
        _value_checks.install()
        _checks.device = _value_checks
    else:
        _checks.device = None


def checking_values():
    """Whether check_values is on."""
    return _checks.device is not None


if _os.environ.get("JTORCH_CHECK_VALUES", "0") not in ("", "0"):
    check_values(True)
