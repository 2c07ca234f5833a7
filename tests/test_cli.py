"""`jtorch run`: unmodified torch scripts print what they print under PyTorch."""
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import torch
    import torch.autograd

    x = torch.tensor([1.0, 2.0, 3.0])
    print(x)
    print(x.shape)
    y = torch.tensor([4.0, 5.0, 6.0])
    print(x + y)
    a = torch.tensor(1.0, requires_grad=True)
    z = 2 * a ** 2 + 3
    z.backward()
    print(a.grad)
    print(z)
    print(torch.arange(5), torch.tensor([[1, 2], [3, 4]], dtype=torch.int32))
    print(torch.zeros(2, 3).dtype, torch.ones(2, dtype=torch.int64) * 2.5)
    print(torch.__name__.startswith("jtorch") or torch.__name__ == "torch", torch.autograd.__name__.split(".")[-1])
    import sys
    print(sys.argv[1:])
""")


def _run(cmd, path):
    return subprocess.run(cmd + [str(path), "--flag", "1"], capture_output=True, text=True, timeout=120)


def test_jtorch_run_prints_like_torch(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    res = _run([sys.executable, "-m", "jtorch", "run"], path)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[:4] == ["tensor([1., 2., 3.])", "torch.Size([3])", "tensor([5., 7., 9.])", "tensor(4.)"]
    assert lines[-1] == "['--flag', '1']"
    pytest.importorskip("torch", reason="comparing with PyTorch's own output needs PyTorch installed")
    ref = _run([sys.executable], path)
    assert ref.returncode == 0, ref.stderr
    assert res.stdout == ref.stdout


def test_aliases_resolve_submodules(tmp_path):
    path = tmp_path / "mods.py"
    path.write_text("import torch.autograd.grad_mode as g, torch.cuda\nprint(g.__name__, torch.cuda.__name__)\n")
    res = _run([sys.executable, "-m", "jtorch", "run"], path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["jtorch.autograd.grad_mode", "jtorch.cuda"]
