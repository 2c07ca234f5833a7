"""The generated type stubs (tools/gen_stubs.py) are current, parse, and name what the op table attaches."""
import ast
import importlib.util
import pathlib

import jtorch
from jtorch._ops import registry

ROOT = pathlib.Path(__file__).resolve().parent.parent
REFRESH = "python tools/gen_stubs.py"


def _gen():
    spec = importlib.util.spec_from_file_location("_gen_stubs", ROOT / "tools" / "gen_stubs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _gen()
STUBS = GEN.render()


def _stub(name):
    (rel,) = [r for r in STUBS if pathlib.Path(r).stem == name]
    return ROOT / rel


def _declared(body):
    return {n.name for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))} | {
        n.target.id for n in body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}


def test_committed_stubs_are_current():
    for rel, text in STUBS.items():
        path = ROOT / rel
        assert path.exists(), f"{rel} is missing: run `{REFRESH}` and commit it"
        assert path.read_text() == text, f"{rel} is stale (the op table changed): run `{REFRESH}` and commit it"


def test_tensor_stub_names_every_attached_method_and_property():
    tree = ast.parse(_stub(GEN.TENSOR_STUB).read_text())
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "_TensorMethods"]
    declared = _declared(cls.body)
    own = GEN.class_body_names(jtorch.Tensor)
    public = {n for n in dir(jtorch.Tensor) if not n.startswith("_")}
    missing = sorted(public - own - declared)
    assert not missing, f"Tensor attributes neither in the class body nor in the stub: {missing}; run `{REFRESH}`"
    for name in ("add", "add_", "sum", "view", "T", "__add__", "__radd__", "__getitem__"):
        assert name in declared
    assert not declared & own, "the stub repeats names the class body defines (checkers read those from source)"
    assert {n for n in declared if not hasattr(jtorch.Tensor, n)} == set(), "the stub names what Tensor lacks"


def test_function_stub_names_every_table_function():
    tree = ast.parse(_stub(GEN.FUNCTION_STUB).read_text())
    declared = _declared(tree.body)
    bound = GEN.module_bound_names(pathlib.Path(jtorch.__file__))
    table = {n for n, f in registry.FUNCTIONS.items() if not n.startswith("_") and getattr(jtorch, n, None) is f}
    missing = sorted(table - bound - declared)
    assert not missing, f"jtorch.<name> functions from the table missing from the stub: {missing}; run `{REFRESH}`"
    assert {n for n in declared if not hasattr(jtorch, n)} == set(), "the stub names functions jtorch lacks"
    add = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "add")
    assert [a.arg for a in add.args.args] == ["input", "other"] and [a.arg for a in add.args.kwonlyargs] == ["alpha"]


def _type_checking_imports(path):
    """Modules imported under `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` at a module's top level."""
    out = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(n.module for n in node.body if isinstance(n, ast.ImportFrom))
    return out


def test_stubs_are_wired_where_checkers_look():
    """Stub-only modules are seen only through these imports (never executed: they have no .py)."""
    assert GEN.FUNCTION_STUB in _type_checking_imports(pathlib.Path(jtorch.__file__))
    tensor_src = pathlib.Path(importlib.import_module(jtorch.Tensor.__module__).__file__)
    assert GEN.TENSOR_STUB in _type_checking_imports(tensor_src)
    (cls,) = [n for n in ast.parse(tensor_src.read_text()).body if isinstance(n, ast.ClassDef) and n.name == "Tensor"]
    assert [ast.unparse(b) for b in cls.bases] == ["_TensorMethods"]
    assert jtorch.Tensor.__mro__ == (jtorch.Tensor, object), "the stub base must not exist at run time"
    assert (ROOT / "jtorch" / "py.typed").exists()
