"""Processes sharing one persistent compilation cache folder (JTORCH_CACHE_DIR) never break each other's writes.

With filelock, JAX evicts by the `-atime` file beside each `-cache` entry; one entry without it (written by a
process without filelock, or left by one killed between JAX's two writes) used to make every later write fail
with "Error writing persistent compilation cache entry ... FileNotFoundError ... -atime".
"""
import os
import subprocess
import sys

# several small programs, each written to the cache (min compile time 0)
_SCRIPT = """
import sys
if sys.argv[1] == "no-filelock":
    sys.modules["filelock"] = None  # as in an install without torch, which brings filelock
import jax, jtorch
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
print(jax.config.jax_compilation_cache_dir)
print(sum(jtorch.ones(n).sin().sum().item() for n in range(1, 4)))
"""


def _start(folder, mode):
    env = {k: v for k, v in os.environ.items() if k != "JAX_COMPILATION_CACHE_DIR"} | {"JTORCH_CACHE_DIR": folder}
    return subprocess.Popen([sys.executable, "-c", _SCRIPT, mode], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(proc):
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    assert "persistent compilation cache" not in err, err[-2000:]  # JAX's "Error reading/writing ..." warnings
    return out.split()


def _entries(folder, suffix):
    return {n[:-len(suffix)] for n in os.listdir(folder) if n.endswith(suffix)}


def test_processes_at_once_with_and_without_filelock(tmp_path):
    folder = str(tmp_path / "xla")
    procs = [_start(folder, "filelock"), _start(folder, "filelock"), _start(folder, "no-filelock")]
    outs = [_finish(p) for p in procs]
    assert [o[0] for o in outs] == [folder, folder, os.path.join(folder, "unbounded")]
    assert outs[0][1] == outs[1][1] == outs[2][1]
    assert len(_entries(folder, "-cache")) >= 3 and _entries(folder, "-cache") <= _entries(folder, "-atime")
    assert len(_entries(os.path.join(folder, "unbounded"), "-cache")) >= 3  # kept apart: no -atime there


def test_entry_without_atime_is_dropped_at_startup(tmp_path):
    folder = tmp_path / "xla"
    folder.mkdir()
    (folder / "jit_f-0123-cache").write_bytes(b"half written")  # its writer was killed before the -atime
    _finish(_start(str(folder), "filelock"))
    cached = _entries(str(folder), "-cache")
    assert "jit_f-0123" not in cached and len(cached) >= 3 and cached <= _entries(str(folder), "-atime")
