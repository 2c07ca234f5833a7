"""torch.device semantics, Tensor.device and moves, torch.cuda on a machine without GPU, mps."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

SPECS = [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 1), ("mps",), ("meta",), ("xla:1",)]


@pytest.mark.parametrize("spec", SPECS, ids=[":".join(map(str, s)) for s in SPECS])
def test_device_fields_match_torch(spec):
    a, b = jtorch.device(*spec), torch.device(*spec)
    assert (a.type, a.index, str(a), repr(a)) == (b.type, b.index, str(b), repr(b))


def test_device_equality_and_hashing_match_torch():
    pairs = [(("cpu",), ("cpu",)), (("cuda:0",), ("cuda", 0)), (("cuda",), ("cuda", 0)), (("cpu",), ("cpu", 0))]
    for x, y in pairs:
        assert (jtorch.device(*x) == jtorch.device(*y)) == (torch.device(*x) == torch.device(*y))
    # torch: a device never equals a string
    assert (jtorch.device("cpu") == "cpu") == (torch.device("cpu") == "cpu")
    assert (jtorch.device("cuda") != "cpu") == (torch.device("cuda") != "cpu")
    d = {jtorch.device("cuda", 1): "x"}
    assert d[jtorch.device("cuda:1")] == "x"
    assert jtorch.device(jtorch.device("cuda:2")) == jtorch.device("cuda", 2)


@pytest.mark.parametrize("args", [("foo",), ("cuda", -1), ("cuda:x",), ("cuda:0", 1), ("CPU",)])
def test_invalid_devices_raise_like_torch(args):
    with pytest.raises(RuntimeError) as te:
        torch.device(*args)
    with pytest.raises(RuntimeError) as je:
        jtorch.device(*args)
    if args[0] in ("foo", "CPU"):  # jtorch's list of types adds 'tpu'
        assert str(je.value).endswith(str(te.value).split("device type")[1])
    else:
        assert str(je.value) == str(te.value)


def test_tpu_device_value():
    d = jtorch.device("tpu", 0)
    assert (d.type, d.index, str(d)) == ("tpu", 0, "tpu:0")


def test_common_device_idiom_and_tensor_device():
    dev = jtorch.device("cuda" if jtorch.cuda.is_available() else "cpu")
    assert dev == jtorch.device("cpu")
    x = jtorch.ones(2, 3, device=dev)
    assert x.device == jtorch.device("cpu") and str(x.device) == str(torch.ones(2).device)
    assert x.to(dev) is x and x.cpu() is x
    assert x.get_device() == torch.ones(2).get_device() == -1
    assert not x.is_cuda
    # a pending tensor reports its inputs' device (or the default one) without computing
    y = x * 2 + 1
    assert y._lazy.pending and y.device == jtorch.device("cpu") and y._lazy.pending
    assert jtorch.zeros(3).device == jtorch.device("cpu")


def test_cuda_queries_without_gpu():
    assert jtorch.cuda.is_available() is torch.cuda.is_available() is False
    assert jtorch.cuda.device_count() == torch.cuda.device_count() == 0
    assert jtorch.cuda.memory_allocated() == 0 and jtorch.cuda.max_memory_allocated() == 0
    jtorch.cuda.manual_seed_all(3)
    jtorch.cuda.synchronize()
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):  # torch's CPU build too
        jtorch.ones(2).cuda()
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        jtorch.cuda.current_device()


def test_mps_is_a_value_but_not_a_place():
    assert jtorch.backends.mps.is_available() is torch.backends.mps.is_available() is False
    d = jtorch.device("mps")
    assert str(d) == "mps"
    with pytest.raises(RuntimeError, match="mps"):
        jtorch.ones(2).to(d)
    with pytest.raises(RuntimeError, match="mps"):
        jtorch.zeros(2, device="mps")


_MULTI = textwrap.dedent("""
    import jtorch as torch
    a = torch.ones(4).to(torch.device("cpu", 1))
    assert a.device == torch.device("cpu", 1), a.device
    b = torch.ones(4)
    assert b.device == torch.device("cpu")
    # uncommitted values follow the committed one, as in jax (b was never moved)
    assert (a + b).tolist() == [2.0] * 4
    c = b.to(torch.device("cpu", 0))
    for f in (lambda: a + c, lambda: torch.cat([c, a]), lambda: a @ c):
        try:
            f()
        except RuntimeError as e:
            print(e)
        else:
            raise AssertionError("no error")
    s = torch.tensor(3.0).to(torch.device("cpu", 0))
    print((a * s).tolist())          # 0-dim tensors join any device, as in torch
    m = (a + 1).to(torch.device("cpu", 2))
    print(m.device, (a * 3).device)  # a pending tensor reports its inputs' device
""")


def test_mixed_devices_raise_torchs_error():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    r = subprocess.run([sys.executable, "-c", _MULTI], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    lines = r.stdout.splitlines()
    msg = "Expected all tensors to be on the same device, but found at least two devices, cpu:1 and cpu!"
    assert lines[:3] == [msg, "Expected all tensors to be on the same device, but found at least two devices, "
                         "cpu and cpu:1!", msg]
    assert lines[3] == "[3.0, 3.0, 3.0, 3.0]"
    assert lines[4] == "cpu:2 cpu:1"


def test_to_keeps_values_and_dtype():
    x = jtorch.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = x.to("cpu", jtorch.float64)
    assert y.dtype == jtorch.float64 and y.device == jtorch.device("cpu")
    np.testing.assert_array_equal(y.numpy(), np.arange(6).reshape(2, 3))
