"""torch's public surface in jtorch (tools/api_surface.py) never shrinks below the committed baseline."""
import importlib.util
import os
import sys

import pytest

torch = pytest.importorskip("torch", reason="the surface is measured against real torch")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tool():
    spec = importlib.util.spec_from_file_location("api_surface", os.path.join(ROOT, "tools", "api_surface.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def measured():
    tool = _tool()
    import jtorch  # noqa: F401
    return tool, tool.compare(torch)


def test_no_regression_against_baseline(measured):
    tool, report = measured
    bad = tool.regressions(report, tool.load_baseline())
    assert not bad, "torch names jtorch had and lost (run tools/api_surface.py --names):\n" + "\n".join(bad)


def test_baseline_covers_every_namespace(measured):
    tool, report = measured
    base = tool.load_baseline()
    assert set(report) <= set(base), f"namespaces missing from the baseline: {sorted(set(report) - set(base))}"


def test_comparison_detects_a_missing_name_and_a_changed_signature(measured):
    tool, report = measured
    import jtorch
    fake = {k: {"missing": list(v["missing"]), "different": dict(v["different"])} for k, v in report.items()}
    fake["torch.nn.functional"]["missing"].append("relu")
    fake["torch.nn"]["different"]["Linear"] = "changed"
    assert hasattr(jtorch.nn.functional, "relu")
    bad = tool.regressions(fake, tool.to_baseline(report))
    assert "torch.nn.functional.relu: missing (was present)" in bad
    assert any(b.startswith("torch.nn.Linear: signature differs") for b in bad)
    assert len(bad) == 2
