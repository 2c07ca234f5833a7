"""A failing op's traceback ends at the user's line, as torch's (whose checks are C++) does."""
import os
import subprocess
import sys
import textwrap
import traceback

import pytest

import jtorch as torch

PACKAGE = os.path.dirname(os.path.abspath(torch.__file__))


def _frames(excinfo):
    return traceback.extract_tb(excinfo.value.__traceback__)


def _ours(frame):
    return frame.filename.startswith(PACKAGE) or frame.filename.startswith("<jtorch")


def test_a_table_op_keeps_only_its_entry_frame():
    a, b = torch.ones(2, 3), torch.ones(4, 5)
    with pytest.raises(RuntimeError, match="must match the size") as excinfo:
        torch.add(a, b)
    frames = _frames(excinfo)
    assert frames[0].filename == __file__
    # below the user's line: one frame, the op's entry, never dispatch / shape inference / the re-raise
    assert [f.name for f in frames[1:]] == ["add"]
    assert frames[1].filename == "<jtorch op add>"


def test_an_operator_and_an_inplace_method_end_at_the_user_line():
    a, b = torch.ones(2, 3), torch.ones(4, 5)
    with pytest.raises(RuntimeError, match="cannot be multiplied") as excinfo:
        a @ b
    assert len([f for f in _frames(excinfo) if _ours(f)]) == 1
    with pytest.raises(RuntimeError, match="must match the size") as excinfo:
        a.mul_(b)
    assert len([f for f in _frames(excinfo) if _ours(f)]) == 1


def test_a_user_function_called_from_inside_stays_in_the_traceback():
    def forward_hook(module, args, out):
        return out @ torch.ones(7, 7)  # the user's own mistake, deep inside Module.__call__

    m = torch.nn.Linear(3, 4)
    m.register_forward_hook(forward_hook)
    with pytest.raises(RuntimeError, match="cannot be multiplied") as excinfo:
        m(torch.ones(2, 3))
    frames = _frames(excinfo)
    # Module.__call__'s frames are Python in torch too; below the hook only the operator's entry is left
    assert frames[-2].name == "forward_hook" and frames[-2].filename == __file__
    assert _ours(frames[-1])


SCRIPT = textwrap.dedent("""
    import torch

    def build(n):
        return torch.ones(2, 3).view(n)

    try:
        build(7)
    except RuntimeError as e:
        raise ValueError("could not build") from e
""")


def test_jtorch_run_prints_only_the_script_frames(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, JTORCH_FULL_TRACEBACK="0")
    cmd = [sys.executable, "-m", "jtorch", "run", str(script)]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 1
    err = p.stderr
    files = [line.split('"')[1] for line in err.splitlines() if line.strip().startswith('File "')]
    assert files and set(files) == {str(script)}, err
    # both exceptions of the chain, each ending at the script's line, as Python prints them
    assert "RuntimeError: shape '[7]' is invalid for input of size 6" in err
    assert "The above exception was the direct cause" in err
    assert err.rstrip().endswith("ValueError: could not build")
    assert "return torch.ones(2, 3).view(n)" in err

    env["JTORCH_FULL_TRACEBACK"] = "1"  # for work on jtorch itself: every frame
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 1 and os.path.join("jtorch", "_ops") in p.stderr
