"""Compiled programs persist on disk between runs (JTORCH_CACHE_DIR), as torch.compile's caches do."""
import os
import subprocess
import sys

# one training-like program; min compile time 0 so that this small program is written too
_SCRIPT = """
import jax, jtorch
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
events = []
jax.monitoring.register_event_listener(lambda event, **kw: events.append(event))
w = jtorch.ones(4, 3, requires_grad=True)
loss = (jtorch.arange(12.).reshape(3, 4) @ w).tanh().sum()
loss.backward()
print(jax.config.jax_compilation_cache_dir, round(loss.item(), 4), round(w.grad.sum().item(), 4),
      events.count("/jax/compilation_cache/cache_hits"))
"""


def _run(env):
    env = {k: v for k, v in os.environ.items() if k != "JAX_COMPILATION_CACHE_DIR"} | env
    out = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def test_second_run_loads_programs_from_the_cache(tmp_path):
    folder = str(tmp_path / "cache")
    first = _run({"JTORCH_CACHE_DIR": folder})
    assert first[0] == folder and first[3] == "0"
    assert any(name.endswith("-cache") for name in os.listdir(folder))
    second = _run({"JTORCH_CACHE_DIR": folder})
    assert second[1:3] == first[1:3]  # same results from the loaded programs
    assert int(second[3]) >= 1


def test_cache_can_be_turned_off_and_jax_setting_wins(tmp_path):
    assert _run({"JTORCH_CACHE_DIR": ""})[0] == "None"
    own = str(tmp_path / "jax-own")
    assert _run({"JTORCH_CACHE_DIR": str(tmp_path / "unused"), "JAX_COMPILATION_CACHE_DIR": own})[0] == own
    assert not (tmp_path / "unused").exists()
