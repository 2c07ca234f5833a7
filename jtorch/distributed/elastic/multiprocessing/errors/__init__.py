"""torch.distributed.elastic.multiprocessing.errors: `@record` for a worker's entry point.

Scripts started by torchrun decorate `main` with `@record` so that a failing worker leaves its
traceback in the file named by TORCHELASTIC_ERROR_FILE, where the launcher can report it. Here the
decorator writes the same JSON shape when that variable is set, and lets the error through.
"""
import functools
import json
import os
import time
import traceback

from ....run import ChildFailedError as ChildFailedError

__all__ = ["ChildFailedError", "ErrorHandler", "record", "get_error_handler"]


class ErrorHandler:
    """Writes the worker's exception to TORCHELASTIC_ERROR_FILE (nothing when it is unset)."""

    def initialize(self):
        pass

    def record_exception(self, e):
        path = os.environ.get("TORCHELASTIC_ERROR_FILE")
        if not path:
            return
        details = {"py_callstack": "".join(traceback.format_exception(e)),
                   "timestamp": str(int(time.time()))}
        report = {"message": {"message": f"{type(e).__name__}: {e}", "extraInfo": details}}
        with open(path, "w") as f:
            json.dump(report, f)


def get_error_handler():
    return ErrorHandler()


def record(fn, error_handler=None):
    """Run `fn`; an exception is written to the error file, then raised. `SystemExit(0)` returns None,
    as torch's does for run_path entry points."""
    handler = error_handler or get_error_handler()

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        handler.initialize()
        try:
            return fn(*args, **kwargs)
        except SystemExit as stop:
            if stop.code == 0:
                return None
            raise
        except ChildFailedError:
            raise
        except Exception as e:
            handler.record_exception(e)
            raise
    return wrapper
