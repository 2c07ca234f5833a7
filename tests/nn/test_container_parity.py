"""Containers and Module bookkeeping behave as torch's: indexing, deletion/renumbering, insert, operators,
updates with their errors, reprs, attribute routing, hooks order, strict loading, unpickle defaults.
Pure Python (no compiles): every scenario runs in both libraries and the observations must be equal."""
from collections import OrderedDict

import pytest

import jtorch

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _observe(lib, scenario):
    """Run scenario(lib, record) and return what it recorded; errors are recorded as type + message
    (with the library's name stripped from class paths)."""
    seen = []

    def record(fn):
        try:
            value = fn()
        except Exception as exc:  # noqa: BLE001 - the error itself is the observation
            value = f"{type(exc).__name__}: {exc}"
        seen.append(str(value).replace("jtorch.", "torch."))

    scenario(lib, record)
    return seen


def _same(scenario):
    expected, got = _observe(torch, scenario), _observe(jtorch, scenario)
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"observation {i}: jtorch {g!r} != torch {e!r}"


def test_sequential():
    def scenario(lib, record):
        n = lib.nn
        s = n.Sequential(n.Linear(2, 2), n.ReLU(), n.Linear(2, 3), n.Tanh())
        record(lambda: s[1:3])
        record(lambda: s[-1])
        record(lambda: s[4])
        record(lambda: s[-5])
        del s[1]
        record(lambda: list(s._modules))
        del s[0:2]
        record(lambda: s)
        s.insert(0, n.ReLU())
        s.insert(-1, n.Sigmoid())
        record(lambda: s)
        record(lambda: s.insert(9, n.ReLU()))
        record(lambda: s + n.Sequential(n.ELU()))
        record(lambda: s * 2)
        record(lambda: 2 * s)
        record(lambda: s * 0)
        record(lambda: s + 3)
        t = n.Sequential(n.ReLU())
        t += n.Sequential(n.ELU())
        record(lambda: t.pop(0))
        record(lambda: t)
        record(lambda: [d for d in dir(s) if d.isdigit()])
        s[0] = n.GELU()
        record(lambda: s)
        record(lambda: n.Sequential(OrderedDict([("a", n.ReLU()), ("b", n.ELU())])))

    _same(scenario)


def test_module_list_and_dict():
    def scenario(lib, record):
        n = lib.nn
        m = n.ModuleList([n.Linear(2, 2) for _ in range(3)] + [n.ReLU(), n.ReLU(), n.Tanh()])
        record(lambda: m)  # runs of equal reprs collapse
        record(lambda: m[1:4])
        record(lambda: m[-7])
        del m[::2]
        record(lambda: list(m._modules))
        m.insert(1, n.ELU())
        record(lambda: m)
        record(lambda: m + n.ModuleList([n.ReLU()]))
        record(lambda: m.extend(5))
        record(lambda: n.ModuleList())
        record(lambda: m.pop(-1))
        d = n.ModuleDict({"b": n.ReLU(), "a": n.ELU()})
        record(lambda: d)
        d.update([("c", n.Tanh())])
        record(lambda: list(d.keys()))
        record(lambda: d.update(3))
        record(lambda: d.update([3]))
        record(lambda: d.update([("x", n.ReLU(), 1)]))
        record(lambda: d.pop("a"))
        record(lambda: "a" in d)

    _same(scenario)


def test_parameter_list_and_dict():
    def scenario(lib, record):
        n = lib.nn
        pl = n.ParameterList([n.Parameter(lib.ones(2)), lib.zeros(3), "s"])
        record(lambda: pl)
        record(lambda: pl[0:2])
        record(lambda: pl[5])
        record(lambda: pl.extend(lib.ones(2)))
        pl[1] = lib.ones(1)
        record(lambda: (type(pl[1]).__name__, len(pl)))
        record(lambda: pl())
        pd = n.ParameterDict({"z": lib.ones(2), "a": n.Parameter(lib.zeros(1)), "q": 3})
        record(lambda: pd)  # a plain dict is taken in sorted key order
        record(lambda: pd.popitem())
        record(lambda: list(pd.setdefault("k", lib.ones(1)).shape))
        record(lambda: pd.update([(1, 2, 3)]))
        record(lambda: pd.update(5))
        record(lambda: pd[3])
        record(lambda: list(pd))
        record(lambda: pd | n.ParameterDict({"w": lib.ones(1)}))
        record(lambda: pd.fromkeys(["u", "v"]))
        record(lambda: list(reversed(pd)))
        pd.clear()
        record(lambda: pd.popitem())

    _same(scenario)


def test_module_attributes_hooks_and_loading():
    def scenario(lib, record):
        n = lib.nn

        class Net(n.Module):
            def __init__(self):
                super().__init__()
                self.a = n.Linear(2, 2)
                self.register_buffer("r", lib.ones(2))
                self.register_buffer("t", lib.zeros(1), persistent=False)
                self.seq = n.Sequential(n.ReLU(), n.Linear(2, 1))

            def forward(self, x):
                return x

        m = Net()
        record(lambda: m)
        record(lambda: list(m.state_dict()))
        record(lambda: [k for k, _ in m.named_modules(prefix="p")])
        shared = n.Linear(1, 1)
        record(lambda: [k for k, _ in n.Sequential(shared, shared).named_modules(remove_duplicate=False)])
        sd = m.state_dict()
        sd["zz"] = lib.ones(1)
        sd["seq.9.w"] = lib.ones(1)
        del sd["r"]
        record(lambda: m.load_state_dict(sd))
        record(lambda: m.load_state_dict(sd, strict=False))
        record(lambda: m.load_state_dict(m.state_dict(), strict=False))
        record(lambda: m.train("x"))

        def assign(name, value):
            setattr(m, name, value)

        m.x = n.Parameter(lib.ones(1))
        m.x = None
        record(lambda: assign("x", lib.ones(1)))
        record(lambda: assign("a", 4))
        record(lambda: assign("r", 4))
        m.q = n.Linear(1, 1)
        m.q = n.Parameter(lib.ones(1))  # a name changing kind leaves its old table
        record(lambda: (list(m._modules), list(m._parameters)))
        del m.q, m.t
        record(lambda: (list(m._parameters), list(m._buffers), sorted(m._non_persistent_buffers_set)))
        record(lambda: m.register_parameter("a", None))
        record(lambda: m.register_parameter("k", lib.ones(1)))
        calls = []
        m.register_forward_pre_hook(lambda mod, args: calls.append("pre1"))
        h2 = m.register_forward_pre_hook(lambda mod, args, kw: calls.append("pre2"), prepend=True, with_kwargs=True)
        m.register_forward_hook(lambda mod, args, out: calls.append("post1"))
        h4 = m.register_forward_hook(lambda mod, args, kw, out: calls.append("post2"), with_kwargs=True,
                                     always_call=True, prepend=True)
        m(lib.ones(1))
        record(lambda: calls)
        h2.remove()
        h4.remove()
        record(lambda: (len(m._forward_pre_hooks), len(m._forward_pre_hooks_with_kwargs), len(m._forward_hooks),
                        len(m._forward_hooks_always_called)))

    _same(scenario)


def test_old_pickles_get_new_attributes():
    # a module pickled before an attribute existed gets torch's default for it when unpickled
    for module, name, default in ((jtorch.nn.Conv2d(2, 2, 3), "padding_mode", "zeros"),
                                  (jtorch.nn.Softmax(1), "dim", None),
                                  (jtorch.nn.TransformerEncoderLayer(8, 2, 16), "activation",
                                   jtorch.nn.functional.relu)):
        state = module.__getstate__()
        state.pop(name, None)
        revived = type(module).__new__(type(module))
        revived.__setstate__(state)
        assert getattr(revived, name) is default or getattr(revived, name) == default
    kept = jtorch.nn.Conv1d(1, 1, 2, padding_mode="reflect").__getstate__()
    revived = jtorch.nn.Conv1d.__new__(jtorch.nn.Conv1d)
    revived.__setstate__(kept)
    assert revived.padding_mode == "reflect"
