"""Suite-wide policy: a subprocess time limit catches a hang, never a slow machine.

Many tests run a child interpreter (examples, launchers, workers, checkpoints killed mid-save) with a
`timeout=` sized for an idle machine. On a loaded one the same correct child can take several times longer
(each child imports JAX and compiles), so the limits given to `subprocess.run` and `Popen.communicate`/`wait`
stretch by the load per core measured when the wait starts (at most 8x). A child that hangs still fails.
"""
import os
import subprocess

_MAX_STRETCH = 8.0


def stretched(seconds):
    """`seconds` scaled by this machine's current load per core (1x when idle, at most 8x)."""
    if seconds is None:
        return None
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average on this platform
        return seconds
    return seconds * min(_MAX_STRETCH, max(1.0, load / (os.cpu_count() or 1)))


def _stretch_timeouts():
    """Stretch Popen.communicate and Popen.wait (subprocess.run waits through them), once per call: inside a
    stretched call the other one's timeout is already the stretched remainder."""
    communicate, wait = subprocess.Popen.communicate, subprocess.Popen.wait

    def communicate_stretched(self, input=None, timeout=None):
        if self.__dict__.get("_stretched"):
            return communicate(self, input, timeout)
        self._stretched = True
        try:
            return communicate(self, input, stretched(timeout))
        finally:
            self._stretched = False

    def wait_stretched(self, timeout=None):
        if self.__dict__.get("_stretched"):
            return wait(self, timeout)
        self._stretched = True
        try:
            return wait(self, stretched(timeout))
        finally:
            self._stretched = False

    subprocess.Popen.communicate = communicate_stretched
    subprocess.Popen.wait = wait_stretched


_stretch_timeouts()
