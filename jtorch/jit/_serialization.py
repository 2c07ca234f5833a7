"""jit artifacts: a zip of jax.export'ed StableHLO (symbolic batch dimension) plus the weights.

Records: `jtorch_jit.json` (format, weight names), `exported.bin` (jax.export serialization
of (weights, *inputs) -> outputs) and `weights.pt` (the weights in torch's checkpoint format).
Loading needs only jtorch: never the model's Python class.
"""
import io
import json
import os
import warnings
import zipfile

import jax

from .. import serialization
from ._trace import Error, ScriptModule

_FORMAT = "jtorch.jit"
_PLATFORMS = ("cpu", "cuda")


def _input_specs(example, dynamic):
    """Inputs with a shared symbolic leading (batch) dimension `b` where they have one."""
    leaves, tree = jax.tree_util.tree_flatten(example)
    if not dynamic:
        return example
    scope = jax.export.SymbolicScope()
    out = []
    for s in leaves:
        if len(s.shape) >= 1:
            spec = ", ".join(["b"] + [str(d) for d in s.shape[1:]])
            out.append(jax.ShapeDtypeStruct(jax.export.symbolic_shape(spec, scope=scope), s.dtype))
        else:
            out.append(s)
    return jax.tree_util.tree_unflatten(tree, out)


def export(fn, weights, example, dynamic=True):
    """jax.export of fn(weights, *inputs), batch-polymorphic when the model allows it."""
    wspecs = [jax.ShapeDtypeStruct(w.shape, w.dtype) for w in weights]

    def run(specs, platforms):
        return jax.export.export(jax.jit(fn), platforms=platforms)(wspecs, *specs)

    attempts = ([True] if dynamic else []) + [False]
    err = None
    for dyn in attempts:
        specs = _input_specs(example, dyn)
        for platforms in (_PLATFORMS, None):
            try:
                return run(specs, platforms)
            except Error:
                raise
            except Exception as e:  # noqa: BLE001 - retried with fewer promises, reported below
                err = e
        if dyn:
            warnings.warn(f"jtorch.jit: the model does not trace with a symbolic batch dimension ({err}); the "
                          "saved module accepts only the traced input shapes", stacklevel=4)
    raise Error(f"jtorch.jit: jax.export failed: {err}") from err


def save(module, f, _extra_files=None):
    exp = module._export(dynamic=True)
    weights = serialization.collections.OrderedDict(zip(module._names, module._weights))
    wbuf = io.BytesIO()
    serialization.save(weights, wbuf)
    meta = {"format": _FORMAT, "version": 1, "names": module._names, "name": module._name,
            "platforms": list(exp.platforms)}
    records = [("jtorch_jit.json", json.dumps(meta).encode()), ("exported.bin", bytes(exp.serialize())),
               ("weights.pt", wbuf.getvalue())]
    for k, v in (_extra_files or {}).items():
        records.append(("extra/" + k, v.encode() if isinstance(v, str) else bytes(v)))

    def write(fh):
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as zf:
            for name, data in records:
                zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)

    if isinstance(f, (str, os.PathLike)):
        serialization._atomic_write(os.fspath(f), write)
    else:
        write(f)


def load(f, map_location=None, _extra_files=None):
    """torch.jit.load for artifacts written by ScriptModule.save."""
    with zipfile.ZipFile(f) as zf:
        names = zf.namelist()
        if "jtorch_jit.json" not in names:
            if any(n.endswith("constants.pkl") or "/code/" in n for n in names):
                raise Error("jtorch.jit.load: this is a TorchScript archive written by PyTorch; jtorch runs only "
                            "artifacts written by jtorch.jit (ScriptModule.save)")
            raise Error("jtorch.jit.load: not a jtorch.jit artifact")
        meta = json.loads(zf.read("jtorch_jit.json"))
        exp = jax.export.deserialize(bytearray(zf.read("exported.bin")))
        if map_location is None and not any(d.platform == "gpu" for d in jax.devices()):
            map_location = "cpu"  # an artifact saved on a GPU still runs on a CPU-only machine
        state = serialization.load(io.BytesIO(zf.read("weights.pt")), map_location=map_location)
        if _extra_files is not None:
            for k in list(_extra_files):
                if "extra/" + k in names:
                    _extra_files[k] = zf.read("extra/" + k)
    weights = [state[n] for n in meta["names"]]
    sm = ScriptModule(exp.call, meta["names"], weights, exported=exp, name=meta.get("name", "Module"))
    return sm
