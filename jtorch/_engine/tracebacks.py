"""Errors from an op reach the user with jtorch's own frames cut out of the traceback.

torch raises shape and dtype errors from C++, so the user's traceback ends at the line that called the op.
jtorch's op machinery is Python (public wrapper, dispatch, shape inference, the re-raise in torch's words):
the outermost op entry catches the exception and keeps only frames outside the package, so a user's hook or
`autograd.Function` called from inside an op still shows. `JTORCH_FULL_TRACEBACK=1` keeps every frame, for
work on jtorch itself.
"""
import os
import sys
import types
import traceback

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_KEEP_ALL = os.environ.get("JTORCH_FULL_TRACEBACK", "") not in ("", "0")


def _ours(frame):
    name = frame.f_code.co_filename
    return name.startswith(_PACKAGE) or name.startswith("<jtorch")


def _jax_or_ours(frame):
    """What `jtorch run` hides: jtorch and what it runs on, and the runner's own frames (runpy)."""
    if _ours(frame):
        return True
    name = frame.f_code.co_filename
    return any(part in name for part in _RUNTIME_PARTS)


_RUNTIME_PARTS = (f"{os.sep}jax{os.sep}", f"{os.sep}jaxlib{os.sep}", "runpy")


def user_frames(tb, hidden=_ours):
    """A copy of the traceback chain `tb` without the frames `hidden` picks (None when nothing else is left)."""
    if _KEEP_ALL:
        return tb
    kept = []
    while tb is not None:
        if not hidden(tb.tb_frame):
            kept.append(tb)
        tb = tb.tb_next
    head = None
    for entry in reversed(kept):
        head = types.TracebackType(head, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return head


def trimmed(exc):
    """`exc` with its traceback cut to the user's frames, ready to re-raise from an op's entry point."""
    return exc.with_traceback(user_frames(exc.__traceback__))


def print_uncaught(exc, file=None):
    """Print an exception that ended a `jtorch run` script as Python would, with jtorch's and JAX's frames
    (and the runner's) left out of it and of the exceptions chained to it."""
    seen, pending = set(), [exc]
    while pending:
        e = pending.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        e.__traceback__ = user_frames(e.__traceback__, _jax_or_ours)
        pending += [e.__cause__, e.__context__]
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=file if file is not None else sys.stderr)
