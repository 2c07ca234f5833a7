"""jtorch.save / jtorch.load: PyTorch's file format both ways, weights_only safety, atomic writes."""
import collections
import io
import os
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import jtorch
from jtorch import serialization

# eager reference runs at several shapes/dtypes on purpose
pytestmark = pytest.mark.filterwarnings("ignore:jtorch.*compiled .* different programs:RuntimeWarning")


DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64"]


def _child_env():
    """A child process next to this one: on a GPU, this process already holds most of its memory."""
    return dict(os.environ, XLA_PYTHON_CLIENT_PREALLOCATE="false")


def _values(dt):
    base = np.array([[0, 1, -2], [3, -4, 5]])
    if dt == "bool":
        return base > 0
    if dt == "uint8":
        return np.abs(base).astype(np.uint8)
    if dt == "bfloat16":
        import ml_dtypes
        return (base * 0.5).astype(ml_dtypes.bfloat16)
    if dt.startswith("complex"):
        return (base + 1j * base[::-1]).astype(dt)
    return (base * (0.5 if dt.startswith("float") else 1)).astype(dt)


def _as_np(t):
    return np.asarray(t._value("test"))


def _state():
    return collections.OrderedDict(
        [(dt, jtorch.from_numpy(np.ascontiguousarray(_values(dt)))) for dt in DTYPES]
        + [("size", jtorch.Size([2, 3])), ("dtype", jtorch.float16), ("device", jtorch.device("cpu")),
           ("nested", {"list": [1, 2.5, "s", None, (3, jtorch.zeros(2, dtype=jtorch.float64))],
                       "bytes": b"\x00\xff", "set": {1, 2}, "frozen": frozenset({3}), "complex": 1 + 2j})])


def _check_state(out):
    assert list(out)[:len(DTYPES)] == DTYPES and isinstance(out, collections.OrderedDict)
    for dt in DTYPES:
        assert out[dt].dtype is getattr(jtorch, dt)
        np.testing.assert_array_equal(_as_np(out[dt]), _values(dt))
    assert out["size"] == jtorch.Size([2, 3]) and isinstance(out["size"], jtorch.Size)
    assert out["dtype"] is jtorch.float16 and out["device"] == jtorch.device("cpu")
    n = out["nested"]
    assert n["list"][:4] == [1, 2.5, "s", None] and n["list"][4][0] == 3
    np.testing.assert_array_equal(_as_np(n["list"][4][1]), np.zeros(2))
    assert n["bytes"] == b"\x00\xff" and n["set"] == {1, 2} and n["frozen"] == frozenset({3})
    assert n["complex"] == 1 + 2j


def test_roundtrip_file_and_bytesio(tmp_path):
    path = tmp_path / "ckpt.pt"
    serialization.save(_state(), path)
    _check_state(serialization.load(path))
    _check_state(serialization.load(str(path), mmap=True))
    buf = io.BytesIO()
    serialization.save(_state(), buf)
    buf.seek(0)
    _check_state(serialization.load(buf))


def test_file_layout_matches_torch(tmp_path):
    path = tmp_path / "model.pt"
    serialization.save({"w": jtorch.ones(3)}, path)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names[0] == "model/data.pkl"
        assert {"model/byteorder", "model/version", "model/data/0", "model/.data/serialization_id"} <= set(names)
        assert zf.read("model/byteorder") == b"little" and zf.read("model/data/0") == np.ones(3, "<f4").tobytes()
        info = zf.getinfo("model/data/0")
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    raw = path.read_bytes()
    name_len, extra_len = np.frombuffer(raw[info.header_offset + 26:info.header_offset + 30], "<u2")
    assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0  # 64-byte aligned storage records


def test_map_location(tmp_path, monkeypatch):
    path = tmp_path / "gpu.pt"
    monkeypatch.setattr(serialization, "_location", lambda t: "cuda:0")  # as if saved from a GPU
    serialization.save({"w": jtorch.arange(3.0)}, path)
    monkeypatch.undo()
    import jax
    if not any(d.platform == "gpu" for d in jax.devices()):
        with pytest.raises(RuntimeError, match="map_location"):
            serialization.load(path)
    for ml in ("cpu", jtorch.device("cpu"), {"cuda:0": "cpu"}, lambda storage, loc: storage):
        w = serialization.load(path, map_location=ml)["w"]
        assert w.device == jtorch.device("cpu")
        np.testing.assert_array_equal(_as_np(w), [0.0, 1.0, 2.0])


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_weights_only_refuses_malicious_pickle(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    serialization.save({"w": jtorch.ones(2), "x": _Evil(marker)}, path)
    with pytest.raises(pickle.UnpicklingError, match=r"(posix|nt)\.system.*weights_only=False"):
        serialization.load(path)
    raw = tmp_path / "evil.pkl"  # a bare pickle (legacy path) is refused too
    raw.write_bytes(pickle.dumps(_Evil(marker), protocol=2))
    with pytest.raises(pickle.UnpicklingError):
        serialization.load(raw)
    assert not marker.exists()


def test_weights_only_false_and_allowlist(tmp_path):
    import fractions
    path = tmp_path / "frac.pt"
    serialization.save({"f": fractions.Fraction(1, 3), "t": jtorch.ones(1)}, path)
    with pytest.raises(pickle.UnpicklingError, match="fractions.Fraction"):
        serialization.load(path)
    assert serialization.load(path, weights_only=False)["f"] == fractions.Fraction(1, 3)
    with serialization.safe_globals([fractions.Fraction]):
        assert serialization.load(path)["f"] == fractions.Fraction(1, 3)
    with pytest.raises(pickle.UnpicklingError):
        serialization.load(path)


def test_crash_before_rename_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    serialization.save({"step": 1, "w": jtorch.ones(2)}, path)

    def crash(src, dst):
        raise OSError("simulated crash")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        serialization.save({"step": 2, "w": jtorch.zeros(2)}, path)
    monkeypatch.undo()
    out = serialization.load(path)
    assert out["step"] == 1
    np.testing.assert_array_equal(_as_np(out["w"]), [1.0, 1.0])
    assert os.listdir(tmp_path) == ["ckpt.pt"]  # the temporary file was removed


# -- parity with real PyTorch ------------------------------------------------------------------

def _write_torch_files(torch, zip_path, legacy_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(8, 3))
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    model(torch.randn(4, 1, 4, 4)).sum().backward()
    opt.step()
    base = torch.arange(24.0).reshape(4, 6)
    obj = {"model": model.state_dict(), "optim": opt.state_dict(), "base": base, "row": base[1], "col": base[:, 2],
           "t": base.t(), "epoch": 3, "name": "run", "size": torch.Size([4, 6]),
           "dtypes": {d: torch.tensor([[0, 1, -2], [3, -4, 5]]).to(getattr(torch, d)) for d in DTYPES}}
    torch.save(obj, zip_path)
    torch.save(obj, legacy_path, _use_new_zipfile_serialization=False)


_NO_TORCH_READER = r"""
import sys, numpy as np
sys.modules["torch"] = None  # `import torch` fails in this process
import jtorch.serialization
for src, dst in ((sys.argv[1], sys.argv[3]), (sys.argv[2], sys.argv[4])):
    ck = jtorch.serialization.load(src)
    vals = {k: np.asarray(v.float()._value("t")) for k, v in ck["model"].items()}
    vals.update({k: np.asarray(ck[k]._value("t")) for k in ("row", "col", "t")})
    np.savez(dst, **vals)
    print(sorted(ck), ck["epoch"], ck["name"], ck["size"], sorted(ck["optim"]["state"]),
          ck["optim"]["param_groups"][0]["lr"])
    print({k: str(v.dtype) for k, v in ck["dtypes"].items()})
assert not [m for m in sys.modules if m.split(".")[0] == "torch" and sys.modules[m] is not None]
"""


def _wide(a):
    return a if a.dtype.kind == "c" else a.astype(np.float64)


def _torch_np(torch, t):
    return t.numpy() if t.is_complex() else t.to(torch.float64).numpy()


def _run(code, *args):
    r = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, timeout=120,
                       env=_child_env())
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


@pytest.fixture(scope="module")
def torch_files(tmp_path_factory):
    torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
    d = tmp_path_factory.mktemp("torch_written")
    _write_torch_files(torch, d / "zip.pt", d / "legacy.pt")
    return d / "zip.pt", d / "legacy.pt"


def test_torch_files_load_without_torch(torch_files, tmp_path):
    import torch
    out = _run(_NO_TORCH_READER, *torch_files, tmp_path / "zip.npz", tmp_path / "legacy.npz")
    lines = out.strip().splitlines()
    for i, (path, npz) in enumerate(zip(torch_files, ("zip.npz", "legacy.npz"))):
        ref = torch.load(path)
        assert lines[2 * i] == f"{sorted(ref)} 3 run torch.Size([4, 6]) {sorted(ref['optim']['state'])} 0.1"
        assert lines[2 * i + 1] == str({k: str(v.dtype) for k, v in ref["dtypes"].items()})
        vals = np.load(tmp_path / npz)
        for k, v in ref["model"].items():
            np.testing.assert_array_equal(vals[k], v.float().numpy())
        for k in ("row", "col", "t"):
            np.testing.assert_array_equal(vals[k], ref[k].numpy())


def test_torch_file_values_and_types(torch_files):
    import torch
    path = torch_files[0]
    ck, ref = serialization.load(path), torch.load(path)
    assert isinstance(ck["model"], collections.OrderedDict) and list(ck["model"]) == list(ref["model"])
    for d in DTYPES:
        assert ck["dtypes"][d].dtype is getattr(jtorch, d)
        np.testing.assert_array_equal(_wide(_as_np(ck["dtypes"][d])), _torch_np(torch, ref["dtypes"][d]))
    st = ck["optim"]["state"][0]
    for k in ("exp_avg", "exp_avg_sq", "step"):
        np.testing.assert_allclose(_as_np(st[k]), ref["optim"]["state"][0][k].numpy())


def test_torch_pickled_module_loads_with_weights_only_false(tmp_path):
    torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
    path = tmp_path / "full.pt"
    ref = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    torch.save(ref, path)
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.container.Sequential"):
        serialization.load(path)
    model = serialization.load(path, weights_only=False)
    assert isinstance(model, jtorch.nn.Sequential) and isinstance(model[0], jtorch.nn.Linear)
    x = np.array([[0.5, -1.0]], np.float32)
    np.testing.assert_allclose(_as_np(model(jtorch.from_numpy(x))), ref(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-6)


def test_jtorch_file_loads_in_torch(tmp_path):
    torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
    from jtorch.nn.parameter import Parameter
    path = tmp_path / "j.pt"
    state = _state()
    state["param"] = Parameter(jtorch.ones(2, 2))
    state["scalar"] = jtorch.tensor(2.5)
    state["shared"] = [state["float32"], state["float32"]]
    del state["nested"]["frozen"]  # torch's weights_only unpickler refuses frozenset (jtorch allows it)
    serialization.save(state, path)
    out = torch.load(path, map_location="cpu")  # weights_only=True in torch too; cuda-saved on a GPU host
    for dt in DTYPES:
        assert out[dt].dtype == getattr(torch, dt)
        np.testing.assert_array_equal(_torch_np(torch, out[dt]), _wide(_values(dt)))
    assert isinstance(out["param"], torch.nn.Parameter) and out["param"].requires_grad
    assert out["shared"][0] is out["shared"][1]
    assert out["scalar"].shape == () and out["scalar"].item() == 2.5
    assert out["size"] == torch.Size([2, 3]) and out["dtype"] is torch.float16 and out["device"] == torch.device("cpu")
    assert out["nested"]["bytes"] == b"\x00\xff" and out["nested"]["set"] == {1, 2}


def test_optimizer_state_resumes_same_trajectory(tmp_path):
    nn = pytest.importorskip("jtorch.nn")
    optim = pytest.importorskip("jtorch.optim")
    if not hasattr(nn, "Linear") or not hasattr(optim, "Adam"):
        pytest.skip("jtorch.nn / jtorch.optim not available yet")
    x = jtorch.from_numpy(np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3))
    y = jtorch.from_numpy(np.cos(np.arange(8, dtype=np.float32)).reshape(8, 1))

    def make():
        jtorch.manual_seed(0)
        model = nn.Linear(3, 1)
        return model, optim.Adam(model.parameters(), lr=0.05)

    def step(model, opt):
        opt.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        opt.step()

    model, opt = make()
    for _ in range(3):
        step(model, opt)
    path = tmp_path / "resume.pt"
    serialization.save({"model": model.state_dict(), "optim": opt.state_dict()}, path)
    for _ in range(3):
        step(model, opt)
    model2, opt2 = make()
    ck = serialization.load(path)
    model2.load_state_dict(ck["model"])
    opt2.load_state_dict(ck["optim"])
    for _ in range(3):
        step(model2, opt2)
    for (k, a), b in zip(model.state_dict().items(), model2.state_dict().values()):
        np.testing.assert_allclose(_as_np(a), _as_np(b), rtol=1e-6, err_msg=k)


def test_safetensors_interop(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    from jtorch import safetensors as jst
    tensors = {dt: jtorch.from_numpy(np.ascontiguousarray(_values(dt))) for dt in DTYPES if dt != "complex64"}
    path = tmp_path / "m.safetensors"
    jst.save_file(tensors, path, metadata={"format": "pt"})
    ref = st.load_file(str(path))
    np.testing.assert_array_equal(ref["float32"], _values("float32"))
    np.testing.assert_array_equal(ref["int8"], _values("int8"))
    st.save_file({"a": np.arange(6, dtype=np.float64).reshape(2, 3)}, str(tmp_path / "n.safetensors"))
    back = jst.load_file(tmp_path / "n.safetensors")
    assert back["a"].dtype is jtorch.float64
    np.testing.assert_array_equal(_as_np(back["a"]), np.arange(6).reshape(2, 3))
    mine = jst.load_file(path)
    for dt in tensors:
        assert mine[dt].dtype is getattr(jtorch, dt)
        np.testing.assert_array_equal(_as_np(mine[dt]), _values(dt))
