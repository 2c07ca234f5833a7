"""torch's warnings and error types where users meet them: non-leaf .grad, CUDA without a GPU."""
import warnings

import pytest

import jtorch

torch = pytest.importorskip("torch", reason="real torch is the reference")


def _grad_reads(lib):
    """Which .grad reads warn, in torch's cases: (name, warning message or None)."""
    x = lib.ones(2, requires_grad=True)
    retained = x * 2
    retained.retain_grad()
    assigned = x * 2
    assigned.grad = lib.ones(2)
    with lib.no_grad():
        untracked = x * 2
    cases = {"leaf": x, "non-leaf": x * 2, "retained": retained, "assigned": assigned, "no_grad": untracked,
             "detached": (x * 2).detach(), "no requires_grad": lib.ones(2)}
    out = {}
    for name, t in cases.items():
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            t.grad
        assert len(w) <= 1
        out[name] = (w[0].category, str(w[0].message), w[0].filename) if w else None
    return out


def test_non_leaf_grad_warns_as_torch():
    ours, theirs = _grad_reads(jtorch), _grad_reads(torch)
    assert {k for k, v in ours.items() if v} == {k for k, v in theirs.items() if v} == {"non-leaf"}
    category, message, filename = ours["non-leaf"]
    assert category is theirs["non-leaf"][0] is UserWarning
    assert message == theirs["non-leaf"][1].split(" (Triggered internally")[0]
    assert filename == __file__  # points at the line that read .grad


@pytest.mark.skipif(jtorch.cuda.is_available() or torch.cuda.is_available(), reason="needs a machine without GPU")
@pytest.mark.parametrize("make", [lambda lib: lib.zeros(2, device="cuda"),
                                  lambda lib: lib.nn.Linear(2, 2).to("cuda"),
                                  lambda lib: lib.ones(2).cuda(),
                                  lambda lib: lib.ones(2).to(lib.device("cuda", 1)),
                                  lambda lib: lib.cuda.current_device()],
                         ids=["zeros", "module.to", "tensor.cuda", "to cuda:1", "current_device"])
def test_cuda_without_gpu_raises_torchs_error(make):
    with pytest.raises(Exception) as theirs:
        make(torch)
    with pytest.raises(type(theirs.value)) as ours:
        make(jtorch)
    assert type(ours.value) is type(theirs.value) is AssertionError
    assert str(ours.value).startswith(str(theirs.value))  # torch's words, then jtorch's reason
    assert jtorch.device("cuda").type == "cuda"  # naming a device is fine, as in torch


def test_weights_only_refusal_gives_each_advice_once(tmp_path):
    import fractions
    import pickle
    path = str(tmp_path / "f.pt")
    jtorch.save({"ratio": fractions.Fraction(1, 2)}, path)
    with pytest.raises(pickle.UnpicklingError) as e:
        jtorch.load(path)
    msg = str(e.value)
    assert msg.startswith("Weights only load failed. Unsupported global: GLOBAL fractions.Fraction was not an "
                          "allowed global by default.")
    assert msg.count("weights_only") == 1 and msg.count("arbitrary code") == 1, msg
    assert msg.count("add_safe_globals([fractions.Fraction])") == 1, msg
    assert jtorch.load(path, weights_only=False) == {"ratio": fractions.Fraction(1, 2)}
