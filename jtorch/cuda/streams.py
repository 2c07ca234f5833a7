"""torch.cuda streams and events.

XLA orders the work it is given; a jtorch program never overlaps with another on its own, so a stream only
changes speed in torch. Streams exist and accept their calls; an event records the wall time when it is
recorded after the queued work finished, so elapsed_time measures what it measures in torch.
"""
import time

import jax
from . import synchronize

__all__ = ["Stream", "ExternalStream", "Event", "StreamContext", "stream", "current_stream", "default_stream",
           "set_stream"]


def _sync():
    synchronize()


class Stream:
    """torch.cuda.Stream(device=None, priority=0)."""

    def __init__(self, device=None, priority=0, **kwargs):
        self.device = device
        self.priority = priority

    def wait_event(self, event):
        event.synchronize()

    def wait_stream(self, stream):
        stream.synchronize()

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def query(self):
        return True

    def synchronize(self):
        _sync()

    def __eq__(self, other):
        return isinstance(other, Stream)

    def __hash__(self):
        return hash(Stream)

    def __repr__(self):
        return f"<torch.cuda.Stream device={self.device} cuda_stream=0x0>"


class ExternalStream(Stream):
    def __init__(self, stream_ptr, device=None, **kwargs):
        super().__init__(device)
        self.stream_ptr = stream_ptr


_default = Stream()


def current_stream(device=None):
    return _default


def default_stream(device=None):
    return _default


def set_stream(stream):
    """Work is ordered by XLA whatever stream is current."""


class StreamContext:
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def stream(stream):
    return StreamContext(stream)


class Event:
    """torch.cuda.Event(enable_timing=False, blocking=False, interprocess=False, external=False)."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False, external=False):
        self.enable_timing = enable_timing
        self._time = None

    def record(self, stream=None):
        if self.enable_timing:
            jax.effects_barrier()
            _sync()
        self._time = time.perf_counter()

    def wait(self, stream=None):
        self.synchronize()

    def query(self):
        return True

    def synchronize(self):
        _sync()

    def elapsed_time(self, end_event):
        """Milliseconds between this event and `end_event` (both recorded with enable_timing=True)."""
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self._time is None or end_event._time is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return (end_event._time - self._time) * 1000.0
