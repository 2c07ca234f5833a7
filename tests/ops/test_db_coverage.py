"""Every public name in the op table has an entry in the op database (tests/ops/db_*.py) or a reasoned exemption.

The table is jtorch/_ops/registry.py's: OPS (the lowerings, `@op`) and FUNCTIONS / METHODS (what becomes
torch.<name> and Tensor.<name>, hand-written `@public` functions included). A name counts as covered
when a db file names it: an OpInfo called after it, a call spelled with its name (`m.gelu(...)`,
`m.nn.functional.gelu(...)`, `x.gelu()`, `m.fft.rfft(...)` for the op `fft_rfft`), or a string in a
module-level tuple of names that a case calls through getattr (db_special's lists). An in-place
`name_` is covered by its `name`. The check reads the db files' text: it needs neither torch nor a compile.
"""
import ast
import importlib
import pathlib

from jtorch._ops import registry

HERE = pathlib.Path(__file__).parent
# ops the table names with their namespace in front (torch.fft.rfft is the op "fft_rfft")
PREFIXES = ("fft_", "special_", "linalg_")

_RANDOM = ("draws from jtorch's generator (JAX keys), whose stream cannot match torch's; distributions, "
           "shapes, dtypes and seeding are tested in tests/test_random.py")
# name -> why no db case can compare it with torch (each is tested elsewhere, named in the reason)
EXEMPT = {
    **{n: _RANDOM for n in ("bernoulli", "bernoulli_", "binomial", "cauchy_", "exponential_", "geometric_",
                            "log_normal_", "multinomial", "normal", "normal_", "poisson", "rand", "rand_like",
                            "randint", "randint_like", "randn", "randn_like", "randperm", "uniform_")},
    **{n: "the generator's state (seeds, state tensors in jtorch's own layout), not a value torch computes; "
          "tested in tests/test_random.py" for n in ("manual_seed", "seed", "initial_seed", "get_rng_state",
                                                       "set_rng_state")},
    "autograd_function": "carries a user's torch.autograd.Function through the graph; no torch counterpart "
                         "(tests/test_autograd.py)",
    "autograd_vjp": "the backward node of a custom Function; no torch counterpart (tests/test_autograd.py)",
    "call_jax": "runs a user's JAX function as an op (jtorch.interop); torch has none (tests/test_interop.py)",
    "checkpoint": "the recompute-in-backward node of torch.utils.checkpoint; compared as a whole in "
                  "tests/test_checkpoint.py",
}


def _db_words():
    """Every name the db files could be calling an op by."""
    words = set()
    for path in sorted(HERE.glob("db_*.py")):
        module = importlib.import_module(f"tests.ops.{path.stem}")
        words.update(info.name for info in module.OPS)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute):
                words.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                words.add(node.value)
        for value in vars(module).values():  # name lists built at import (f-strings included)
            if isinstance(value, (tuple, list, frozenset, set)) and value and all(isinstance(v, str) for v in value):
                words.update(value)
    return words


def _spellings(name):
    out = {name}
    for prefix in PREFIXES:
        if name.startswith(prefix):
            out.add(name[len(prefix):])
    return out


def _public_ops():
    # "ns::name" entries are users' own ops (jtorch.interop.jax_op, torch.library): other tests of this
    # process may have registered some by now, and they are not jtorch's table
    return sorted({n for table in (registry.OPS, registry.FUNCTIONS, registry.METHODS) for n in table
                   if not n.startswith("_") and "::" not in n})


def _covered(name, words):
    return bool(_spellings(name) & words) or (name.endswith("_") and bool(_spellings(name[:-1]) & words))


def test_every_public_op_has_a_db_entry_or_an_exemption():
    words = _db_words()
    missing = [n for n in _public_ops() if n not in EXEMPT and not _covered(n, words)]
    assert not missing, (
        f"{len(missing)} name(s) registered in jtorch/_ops have no case in the op database: {missing}. "
        "Add an OpInfo to the tests/ops/db_<family>.py of their family (samples compared against torch by "
        "tests/ops/test_ops.py), or, only where no comparison with torch can work, an entry with the reason "
        "in EXEMPT in tests/ops/test_db_coverage.py.")


def test_exemptions_are_current_and_reasoned():
    words = _db_words()
    ops = set(_public_ops())
    stale = [n for n in EXEMPT if n not in ops]
    assert not stale, f"EXEMPT names ops the table no longer has: {stale}"
    covered = [n for n in EXEMPT if _covered(n, words)]
    assert not covered, f"these ops have db cases now; drop their exemption: {covered}"
    unreasoned = [n for n, why in EXEMPT.items() if not isinstance(why, str) or len(why.split()) < 4]
    assert not unreasoned, f"each exemption needs its reason: {unreasoned}"
