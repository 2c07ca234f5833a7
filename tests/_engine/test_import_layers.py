"""Imports run one way: each jtorch module imports only from its own layer or the layers below.

The layers (DESIGN.md section 6), lowest first: facts about values; the engine (graph, program,
sync, modes, dispatch, backward and the Tensor handle); the op table; torch's autograd API; the
libraries built on them; the public top-level namespace. Every import statement is read with
`ast`, at module level and inside functions, so a lazy import cannot hide an upward edge.
Inside functions only optional dependencies (third-party packages jtorch does not require) and
the entries of ALLOWED below may be imported.
"""
import ast
import fnmatch
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2] / "jtorch"

# lowest layer first; a top-level module or package of jtorch belongs to exactly one layer
LAYERS = (
    ("values", ("_dtype", "_device", "_strides", "_shape", "types")),
    ("engine", ("_engine", "_tensor", "_tensor_str")),
    ("ops", ("_ops",)),
    ("autograd", ("autograd",)),
    ("library", ("nn", "optim", "func", "_compile", "amp", "utils", "fx", "jit", "onnx",
                 "vision", "text", "serialization", "safetensors", "hub", "interop", "cuda", "cpu", "backends",
                 "accelerator", "profiler", "library", "debug", "compiler", "_dynamo", "distributed", "testing",
                 "storage", "_config", "random", "return_types", "linalg", "fft", "special", "cli", "overrides", "export",
                 "__main__", "_init_names", "version", "autograd.functional")),
    # jtorch/__init__.py: torch's names, re-exported. torch.distributions is written against that namespace
    # (`import jtorch as torch`, as torch's own distributions are), so it sits here with it
    ("public", ("", "distributions")),
)

# third-party packages jtorch runs without; they are imported where used, never by `import jtorch`
OPTIONAL = frozenset((
    "flax", "orbax", "tensorflow_datasets", "tensorflow", "onnx", "onnxruntime", "PIL", "tqdm", "safetensors",
    "tensorboard", "matplotlib", "mlxtend", "spacy", "google", "filelock", "opt_einsum", "torch", "torchvision",
    "sentencepiece", "pandas", "scipy", "sklearn", "h5py", "yaml", "requests", "datasets", "transformers",
))

# function-level imports that are not optional dependencies: (file relative to jtorch/, imported module) ->
# why it cannot be a module-level import. Either side may be an fnmatch pattern. "Cycle" means the imported
# module's own module-level imports reach the importing file, so a module-level import would fail.
ALLOWED = {
    ("_ops/*.py", "jtorch._ops.*"):
        "op families call each other's ops (creation, elementwise, movement, indexing, linalg, ...); a family "
        "imports a sibling when called where the sibling imports it at module level (cycle)",
    ("_engine/loops.py", "jtorch._engine.dispatch"): "cycle: the dispatcher calls loops.look()",
    ("autograd/gradcheck.py", "jtorch.autograd"): "cycle: autograd/__init__ imports gradcheck to publish it",
    ("backends/cudnn.py", "jax._src.lib"): "a private jax module some builds lack (try/except ImportError)",
    ("version.py", "jax._src.lib"): "a private jax module some builds lack (try/except ImportError)",
    ("distributed/run.py", "jtorch.cli"): "cycle: the CLI (`jtorch run --nproc`) imports this launcher",
    ("jit/_trace.py", "jtorch.jit._serialization"): "cycle: the serializer imports ScriptModule to load archives",
    ("nn/_functional_more.py", "jtorch.nn.functional"): "cycle: nn.functional re-exports this module's functions",
    ("nn/_pooling.py", "jtorch.nn.functional"): "cycle: nn.functional re-exports this module's functions",
    ("nn/utils/parametrizations.py", "jtorch.nn.modules.conv"): "cycle: conv modules import parametrizations",
    ("nn/utils/spectral_norm.py", "jtorch.nn.utils.parametrizations"): "cycle: parametrizations imports it",
    ("nn/utils/stateless.py", "jtorch.nn.parallel"): "cycle: DataParallel replicates through stateless",
    ("onnx/*", "jtorch.onnx.*"): "cycle: the ONNX exporter, its lowering and ONNXProgram refer to each other",
    ("cuda/*.py", "jtorch.cuda"): "cycle: jtorch.cuda's __init__ imports its submodules, which ask it is_available()",
    ("distributed/tensor/_api.py", "jtorch.distributed.tensor._utils"): "cycle: _utils imports DTensor",
    ("utils/checkpoint_selective.py", "jtorch.utils.checkpoint"): "cycle: utils.checkpoint publishes it",
    ("utils/data/datapipes.py", "jtorch.utils.data._utils.collate"): "cycle: collate imports the datapipes",
    ("optim/_muon.py", "jtorch.optim.optimizer"): "cycle: optimizer.py imports Muon to publish it",
    ("serialization.py", "ctypes"): "ctypes is missing on some Python builds (try/except ImportError)",
    ("serialization.py", "jtorch.nn.parameter"): "cycle: nn imports serialization (state_dict files); guarded",
    ("serialization.py", "jtorch.jit"): "cycle: jit's archives are written by serialization",
    ("text/data/functional.py", "jtorch.utils.data"): "torchtext's data helpers work without jtorch.utils.data "
                                                     "(try/except ImportError)",
    ("text/transforms.py", "jtorch.nn"): "transforms work as plain callables without jtorch.nn (try/except)",
    ("text/transforms.py", "jtorch.text.vocab"): "cycle: vocab imports the transforms",
    ("text/legacy/*", "jtorch.text.legacy.*"): "cycle: legacy Field/Example/Dataset/iterators refer to each other "
                                             "as torchtext's legacy API does",
    ("utils/data/dataloader.py", "jtorch.utils.data._host_eval"): "cycle: _host_eval imports the DataLoader",
    ("vision/datasets/mnist.py", "jtorch.vision.datasets.utils"): "cycle: datasets.utils imports mnist",
}


def _allowed(rel, target):
    return any(fnmatch.fnmatchcase(rel, f) and fnmatch.fnmatchcase(target, t) for f, t in ALLOWED)


def _layer_of(module):
    """The layer index of a dotted jtorch module name ('jtorch._ops.registry'): the entry of LAYERS
    naming the longest prefix of it ('autograd.functional' before 'autograd')."""
    parts = module.split(".")
    assert parts[0] == "jtorch", module
    best = None
    for i, (_, members) in enumerate(LAYERS):
        for m in members:
            mp = m.split(".") if m else []
            if parts[1:1 + len(mp)] == mp and (best is None or len(mp) > best[1]):
                best = (i, len(mp))
    if best is None:
        raise AssertionError(f"jtorch.{parts[1]} is in no layer: add it to LAYERS in {__file__}")
    return best[0]


def _module_name(path):
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source, module, is_package):
    """(line, absolute module imported, inside a function?) for every import statement in `source`.

    `from pkg import x` is an edge to pkg.x when that is a module of jtorch, else to pkg."""
    package = module if is_package else module.rpartition(".")[0]
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue  # read by type checkers only, never run
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((child.lineno, a.name, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[:len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module
                # `from . import a, b`, `from .._ops import registry`: a name that is a module is its own edge
                names = [f"{target}.{a.name}" for a in child.names]
                subs = [n for n in names if n.startswith("jtorch") and _is_module(n)]
                found.extend((child.lineno, n, in_function) for n in subs)
                if len(subs) < len(names):
                    found.append((child.lineno, target, in_function))
            visit(child, inner)

    visit(ast.parse(source), False)
    return found


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        yield path, _module_name(path), path.name == "__init__.py"


def _top_is_module(module):
    """jtorch.X, where X is a module or package of jtorch (not a name re-exported by jtorch/__init__)."""
    parts = module.split(".")
    return len(parts) < 2 or (ROOT / parts[1]).is_dir() or (ROOT / (parts[1] + ".py")).is_file()


def violations(source, module, is_package, rel):
    """Upward imports and disallowed function-level imports in one file."""
    own = _layer_of(module)
    bad = []
    for line, target, in_function in imports(source, module, is_package):
        if target.split(".")[0] == "jtorch" and _top_is_module(target):
            layer = _layer_of(target)
            if layer > own:
                bad.append(f"{rel}:{line}: {LAYERS[own][0]} layer imports {target} ({LAYERS[layer][0]} layer)")
                continue
        if in_function and target.split(".")[0] not in OPTIONAL and not _allowed(rel, target):
            bad.append(f"{rel}:{line}: function-level import of {target} (move it to module level, or add "
                       f"it to ALLOWED with the reason)")
    return bad


def test_imports_run_downward():
    bad = []
    for path, module, is_package in _sources():
        rel = str(path.relative_to(ROOT))
        bad += violations(path.read_text(), module, is_package, rel)
    assert not bad, "\n".join(bad)


def test_allow_list_is_short_and_current():
    assert len(ALLOWED) <= 30
    seen = set()
    for path, module, is_package in _sources():
        rel = str(path.relative_to(ROOT))
        seen.update((rel, t) for _, t, f in imports(path.read_text(), module, is_package) if f)
    stale = sorted(k for k in ALLOWED if not any(fnmatch.fnmatchcase(r, k[0]) and fnmatch.fnmatchcase(t, k[1])
                                                for r, t in seen))
    assert not stale, f"ALLOWED entries that no longer occur: {stale}"
    assert all(isinstance(r, str) and len(r) > 10 for r in ALLOWED.values()), "every entry needs its reason"


def test_every_module_has_a_layer():
    for _, module, _ in _sources():
        _layer_of(module)


def module_graph():
    """jtorch module -> the jtorch modules it imports at module level (from-imports of a name resolve to
    the module that defines it: the package, or its submodule when one has that name)."""
    graph = {}
    for path, module, is_package in _sources():
        edges = set()
        for _, target, in_function in imports(path.read_text(), module, is_package):
            if in_function or target.split(".")[0] != "jtorch":
                continue
            while target and not _is_module(target):
                target = target.rpartition(".")[0]
            if target and target != module:
                edges.add(target)
        graph[module] = edges
    return graph


def _is_module(name):
    rel = pathlib.Path(*name.split(".")[1:])
    return (ROOT / rel).is_dir() or (ROOT / rel).with_suffix(".py").is_file() or name == "jtorch"


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan's algorithm, iteratively)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        comp.append(m)
                        if m == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
                continue
            if child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


# cycles of module-level imports that remain (each listed by the packages/modules it spans), with the reason;
# any other cycle fails the test
KNOWN_CYCLES = {
    ("jtorch", "jtorch.distributions"):
        "distributions is written against the public namespace (`import jtorch as torch`) that publishes it",
    ("jtorch._ops.nn", "jtorch._ops.nn_resample"):
        "_ops/nn.py re-exports pad/one_hot/interpolate from nn_resample.py, which uses nn.py's helpers",
    ("jtorch.amp", "jtorch.cuda"):
        "torch.cuda.amp is torch.amp under its old names, and amp asks torch.cuda for the device",
}


def _covered(cycle):
    def within(module, names):
        return any(module == n or (n != "jtorch" and module.startswith(n + ".")) for n in names)
    return any(all(within(m, names) for m in cycle) for names in KNOWN_CYCLES)


def test_module_graph_has_no_other_cycles():
    found = cycles(module_graph())
    assert all(_covered(c) for c in found), [c for c in found if not _covered(c)]


# -- the checker itself must catch what it is there to catch --------------------------------

def test_an_upward_import_fails():
    src = "import jax\nfrom .._ops.creation import tensor\n"
    bad = violations(src, "jtorch._engine.somewhere", False, "_engine/somewhere.py")
    assert len(bad) == 1 and "jtorch._ops.creation" in bad[0] and "engine layer" in bad[0]


def test_an_upward_import_inside_a_function_fails():
    src = "def f():\n    from ..nn import functional as F\n    return F\n"
    bad = violations(src, "jtorch._ops.somewhere", False, "_ops/somewhere.py")
    assert any("jtorch.nn" in b and "ops layer" in b for b in bad)
    src = "def f():\n    import jtorch.optim\n"
    assert violations(src, "jtorch.autograd.x", False, "autograd/x.py")


def test_a_downward_function_level_import_fails_unless_allowed():
    src = "def f():\n    from .._ops import registry\n    import flax\n"
    bad = violations(src, "jtorch.nn.somewhere", False, "nn/somewhere.py")
    assert len(bad) == 1 and "function-level import of jtorch._ops.registry" in bad[0]
    assert not violations("from .._ops import registry\nimport numpy\n", "jtorch.nn.x", False, "nn/x.py")


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


if __name__ == "__main__":  # python tests/_engine/test_import_layers.py: list what the test would report
    for p, m, pkg in _sources():
        for b in violations(p.read_text(), m, pkg, str(p.relative_to(ROOT))):
            print(b)
    for c in cycles(module_graph()):
        print("cycle:", " ".join(c))
    sys.exit(0)
