"""How much of torch 2.13's public surface jtorch has: names, and signatures where both sides have one.

    python tools/api_surface.py                 # coverage table, then what is missing/different
    python tools/api_surface.py --names         # ... listing every missing/different name
    python tools/api_surface.py --update        # rewrite the committed baseline (tools/api_surface_baseline.json)
    python tools/api_surface.py --check         # exit 1 if anything the baseline has is now missing/different

Needs real torch (the specification) and jtorch importable in the same process; nothing is aliased.
A namespace is walked through its `__all__` when torch gives one, else through its public attributes that torch
itself defines (names imported from `typing`, `os`, ... are not torch's API). torchvision's namespaces are walked
only where torchvision is installed.
"""
import argparse
import importlib
import inspect
import json
import os
import pkgutil
import re
import sys
import warnings

BASELINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "api_surface_baseline.json")

# torch's namespaces issue 17 lists (modules walked by their public names)
MODULES = [
    "torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.utils", "torch.optim",
    "torch.optim.lr_scheduler", "torch.utils.data", "torch.autograd", "torch.autograd.graph", "torch.func",
    "torch.linalg", "torch.fft", "torch.special", "torch.distributions", "torch.utils.checkpoint", "torch.backends",
    "torch.accelerator", "torch.cuda", "torch.amp", "torch.distributed", "torch.distributed.tensor",
    "torch.distributed.fsdp", "torch.fx", "torch.utils._pytree", "torch.utils.hooks", "torch.hub", "torch.export",
    "torch.profiler", "torch.onnx", "torch.compiler", "torch.library", "torch.nn.attention",
    "torch.nn.attention.flex_attention", "torch.jit.annotations", "torch.version", "torch.types", "torch._dynamo",
]
# torch.backends.<x>: the ones that are not private platform bridges
BACKENDS_SKIP = {"_coreml", "_nnapi"}
VISION = ["torchvision.datasets", "torchvision.transforms", "torchvision.models", "torchvision.ops", "torchvision.io",
          "torchvision.utils"]
ALIASES = {"torch": "jtorch", "torchvision": "jtorch.vision"}
# attributes every Python object has; a Tensor's own dunders are the ones beyond these
_OBJECT_NAMES = set(dir(object))


def jtorch_name(torch_name):
    top, dot, rest = torch_name.partition(".")
    return ALIASES[top] + dot + rest


def _import(name):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return importlib.import_module(name), None
    except Exception as e:  # a namespace jtorch lacks: every name in it counts as missing
        return None, f"{type(e).__name__}: {e}"


def _own(value, top, holder=None):
    """True when `value` is torch's own (not a typing/stdlib name a torch module happens to import); a module
    counts only as a submodule of the one walked (not `torch` itself, imported into torch.backends.mkl)."""
    if inspect.ismodule(value):
        return value.__name__.startswith((holder or top) + ".")
    mod = getattr(value, "__module__", None)
    if mod is None or not isinstance(mod, str):
        return True  # instances (dtypes, constants) belong to the module that holds them
    return mod.startswith(top) or mod == "builtins" and not inspect.isclass(value)


def public_names(mod, top="torch"):
    names = getattr(mod, "__all__", None)
    if names:
        return sorted(set(names))
    out = []
    with warnings.catch_warnings():  # deprecated aliases (torch.distributed.reduce_op) warn on access
        warnings.simplefilter("ignore")
        for n in dir(mod):
            if n.startswith("_"):
                continue
            try:
                v = getattr(mod, n)
            except Exception:
                continue
            if _own(v, top, getattr(mod, "__name__", None)):
                out.append(n)
    return sorted(out)


def tensor_names(cls):
    """torch.Tensor's methods and properties, and the dunders it defines beyond object's."""
    return sorted(n for n in dir(cls) if not n.startswith("_") or (n.startswith("__") and n.endswith("__")
                                                                    and n not in _OBJECT_NAMES))


def namespaces(torch_mod):
    """(label, torch module or class, list of names, jtorch counterpart path) for everything walked."""
    out = []
    for name in MODULES:  # import them all first: importing one adds names to another (torch.distributed.nn)
        _import(name)
    for name in MODULES:
        mod, err = _import(name)
        if mod is None:
            continue
        out.append((name, mod, public_names(mod), jtorch_name(name)))
    out.append(("torch.Tensor", torch_mod.Tensor, tensor_names(torch_mod.Tensor), "jtorch.Tensor"))
    dtypes = sorted(n for n in dir(torch_mod) if isinstance(getattr(torch_mod, n, None), torch_mod.dtype))
    out.append(("dtypes", torch_mod, dtypes, "jtorch"))
    import torch.backends
    for info in pkgutil.iter_modules(torch.backends.__path__):
        if info.name in BACKENDS_SKIP:
            continue
        mod, _ = _import("torch.backends." + info.name)
        if mod is not None and public_names(mod):
            out.append((mod.__name__, mod, public_names(mod), jtorch_name(mod.__name__)))
    import torch.nn.modules
    for info in pkgutil.iter_modules(torch.nn.modules.__path__):
        if info.name.startswith("_"):
            continue
        mod, _ = _import("torch.nn.modules." + info.name)
        if mod is None:
            continue
        # exactly the classes defined in that file: pickles name them by this path
        classes = sorted(n for n, v in vars(mod).items() if inspect.isclass(v) and v.__module__ == mod.__name__
                         and not n.startswith("_"))
        if classes:
            out.append((mod.__name__, mod, classes, jtorch_name(mod.__name__)))
    if importlib.util.find_spec("torchvision") is not None:
        for name in VISION:
            mod, _ = _import(name)
            if mod is not None:
                out.append((name, mod, public_names(mod, "torchvision"), jtorch_name(name)))
    return out


def _resolve(path):
    """The jtorch object at a dotted path: a module, or a class inside one (jtorch.Tensor)."""
    mod, err = _import(path)
    if mod is not None:
        return mod, None
    parent, _, attr = path.rpartition(".")
    pmod, _ = _import(parent)
    if pmod is not None and hasattr(pmod, attr):
        return getattr(pmod, attr), None
    return None, err


_ADDR = re.compile(r" at 0x[0-9a-f]+")


def _default(v):
    """A default value in a form comparable across the two libraries."""
    if v is inspect.Parameter.empty:
        return "<required>"
    if inspect.isclass(v) or inspect.isfunction(v) or inspect.isbuiltin(v):
        return getattr(v, "__qualname__", repr(v))
    text = _ADDR.sub("", repr(v))
    return text.replace("jtorch.vision", "torchvision").replace("jtorch", "torch")


def _signature(obj):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [(p.name, p.kind.name, _default(p.default)) for p in sig.parameters.values()]


def _get(holder, name):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _get_quiet(holder, name)
    except Exception:
        return False, None


def _get_quiet(holder, name):
    try:
        return True, inspect.getattr_static(holder, name) if inspect.isclass(holder) else getattr(holder, name)
    except Exception:
        return False, None


def _callable_of(holder, name, value):
    """What to ask a signature of: a class's function attributes through the class (unbound, with self)."""
    if inspect.isclass(holder):
        if isinstance(value, (staticmethod, classmethod)):
            return getattr(holder, name)
        if isinstance(value, property):
            return None
    return value


def compare(torch_mod):
    """{label: {"total", "present", "compared", "same", "missing": [...], "different": {name: why}}}."""
    report = {}
    for label, tholder, names, jpath in namespaces(torch_mod):
        jholder, err = _resolve(jpath)
        missing, different = [], {}
        compared = same = 0
        for n in names:
            ok_t, tval = _get(tholder, n)
            ok_j, jval = _get(jholder, n) if jholder is not None else (False, None)
            if not ok_j:
                missing.append(n)
                continue
            if not ok_t:
                continue
            if label == "dtypes":  # a dtype counts when finfo/iinfo answer for it as they do in torch
                compared += 1
                if _dtype_info(torch_mod, tval) == _dtype_info(sys.modules["jtorch"], jval):
                    same += 1
                else:
                    different[n] = "finfo/iinfo differ"
                continue
            ts = _signature(_callable_of(tholder, n, tval))
            js = _signature(_callable_of(jholder, n, jval))
            if ts is None or js is None:
                continue
            compared += 1
            if ts == js:
                same += 1
            else:
                different[n] = _diff(ts, js)
        report[label] = {"total": len(names), "present": len(names) - len(missing), "compared": compared,
                         "same": same, "missing": missing, "different": different}
    return report


def _dtype_info(mod, dt):
    out = []
    for fn in ("finfo", "iinfo"):
        try:
            info = getattr(mod, fn)(dt)
            out.append((fn, info.bits, str(info.max), str(info.min)))
        except Exception as e:
            out.append((fn, type(e).__name__))
    return out


def _diff(ts, js):
    """A short account of the first way two signatures differ."""
    for i, (a, b) in enumerate(zip(ts, js)):
        if a != b:
            return f"param {i}: torch {a[0]}={a[2]} ({a[1]}) vs jtorch {b[0]}={b[2]} ({b[1]})"
    if len(ts) > len(js):
        return "jtorch lacks " + ", ".join(p[0] for p in ts[len(js):])
    return "jtorch adds " + ", ".join(p[0] for p in js[len(ts):])


def summarise(report):
    rows = [("namespace", "present", "total", "names %", "sigs same", "compared", "sigs %")]
    tot = [0, 0, 0, 0]
    for label, r in report.items():
        tot = [tot[0] + r["present"], tot[1] + r["total"], tot[2] + r["same"], tot[3] + r["compared"]]
        rows.append((label, r["present"], r["total"], _pct(r["present"], r["total"]), r["same"], r["compared"],
                     _pct(r["same"], r["compared"])))
    rows.append(("all", tot[0], tot[1], _pct(tot[0], tot[1]), tot[2], tot[3], _pct(tot[2], tot[3])))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
                     for row in rows)


def _pct(a, b):
    return f"{100.0 * a / b:.1f}" if b else "-"


def to_baseline(report):
    """What the committed baseline holds: per namespace, the names jtorch lacks and the signatures that differ.
    Coverage may only grow: a name leaving these lists is progress, a name entering them is a regression."""
    return {label: {"missing": r["missing"], "different": sorted(r["different"])} for label, r in report.items()}


def regressions(report, baseline):
    """Names that the baseline had (present, or with torch's signature) and the current jtorch has lost."""
    out = []
    for label, r in report.items():
        base = baseline.get(label)
        if base is None:
            continue
        known_missing = set(base["missing"])
        known_diff = set(base["different"]) | known_missing
        out += [f"{label}.{n}: missing (was present)" for n in r["missing"] if n not in known_missing]
        out += [f"{label}.{n}: signature differs ({why})" for n, why in r["different"].items() if n not in known_diff]
    return out


def load_baseline(path=BASELINE):
    with open(path) as f:
        return json.load(f)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", action="store_true", help="list every missing name and differing signature")
    ap.add_argument("--update", action="store_true", help="rewrite the baseline from the current tree")
    ap.add_argument("--check", action="store_true", help="exit 1 on a regression against the baseline")
    ap.add_argument("--namespace", action="append", help="only these namespaces (with --names)")
    args = ap.parse_args(argv)
    import torch
    import jtorch  # noqa: F401  (the dtypes row reads sys.modules["jtorch"])
    report = compare(torch)
    print(summarise(report))
    if importlib.util.find_spec("torchvision") is None:
        print("\n(torchvision is not installed: its namespaces were not walked)")
    if args.names:
        for label, r in report.items():
            if args.namespace and label not in args.namespace:
                continue
            if r["missing"]:
                print(f"\n{label}: missing {len(r['missing'])}: " + ", ".join(r["missing"]))
            for n, why in r["different"].items():
                print(f"{label}.{n}: {why}")
    if args.update:
        with open(BASELINE, "w") as f:
            json.dump(to_baseline(report), f, indent=0, sort_keys=True)
            f.write("\n")
        print(f"\nwrote {BASELINE}")
    if args.check:
        bad = regressions(report, load_baseline())
        for line in bad:
            print("REGRESSION", line)
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
