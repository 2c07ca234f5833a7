"""torch.distributed.c10d_logger: the decorators torch wraps collectives with to log failures and timings."""
import functools
import logging

from .logging_handlers import _log_handlers

__all__ = []


def _get_or_create_logger(destination="default"):
    logger = logging.getLogger(f"c10d-{destination}")
    handler = _log_handlers.get(destination)
    if handler is not None and handler not in logger.handlers:
        logger.addHandler(handler)
    logger.propagate = False
    return logger


_c10d_logger = _get_or_create_logger()


def _exception_logger(func):
    """Log an exception `func` raises (with its name) before letting it propagate."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as error:
            _c10d_logger.debug("%s failed: %r", func.__name__, error)
            raise
    return wrapper


def _time_logger(func):
    """Kept for torch's API: jtorch does not time collectives here (the profiler does)."""
    return func
