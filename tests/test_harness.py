"""The suite's own policy (tests/conftest.py): subprocess limits stretch with load, and a hang still fails."""
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import stretched

SLEEP = [sys.executable, "-c", "import time; time.sleep({})"]


def _load_per_core(monkeypatch, per_core):
    monkeypatch.setattr(os, "getloadavg", lambda: (per_core * (os.cpu_count() or 1), 0.0, 0.0))


def test_limits_stretch_with_load_per_core_up_to_8x(monkeypatch):
    _load_per_core(monkeypatch, 0.2)
    assert stretched(10) == 10 and stretched(None) is None
    _load_per_core(monkeypatch, 3)
    assert stretched(10) == pytest.approx(30)
    _load_per_core(monkeypatch, 50)
    assert stretched(10) == pytest.approx(80)


def test_a_loaded_machine_gets_the_time_and_a_hang_still_fails(monkeypatch):
    _load_per_core(monkeypatch, 4)  # a 1 s limit becomes 4 s: the 2 s child finishes
    assert subprocess.run(SLEEP[:2] + [SLEEP[2].format(2)], timeout=1).returncode == 0
    _load_per_core(monkeypatch, 0.1)
    start = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        subprocess.run(SLEEP[:2] + [SLEEP[2].format(60)], timeout=1)
    assert time.monotonic() - start < 30
