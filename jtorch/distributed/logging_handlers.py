"""torch.distributed.logging_handlers: named handlers distributed loggers write to."""
import logging

__all__ = []

_log_handlers = {"default": logging.NullHandler()}
