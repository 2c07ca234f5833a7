"""Constructor and argument errors: same types and messages as torch."""
import pytest

import jtorch
import jtorch.optim  # noqa: F401

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")


def _leaf(m):
    return m.zeros(2, requires_grad=True)


CASES = [
    ("empty", lambda m: m.optim.SGD([], lr=0.1)),
    ("non-leaf", lambda m: m.optim.SGD([_leaf(m) * 2], lr=0.1)),
    ("tensor params", lambda m: m.optim.SGD(m.zeros(2), lr=0.1)),
    ("not a tensor", lambda m: m.optim.SGD([1.0], lr=0.1)),
    ("lr", lambda m: m.optim.SGD([_leaf(m)], lr=-1)),
    ("adam lr", lambda m: m.optim.Adam([_leaf(m)], lr=-0.5)),
    ("momentum", lambda m: m.optim.SGD([_leaf(m)], lr=0.1, momentum=-1)),
    ("nesterov", lambda m: m.optim.SGD([_leaf(m)], lr=0.1, nesterov=True)),
    ("betas", lambda m: m.optim.Adam([_leaf(m)], betas=(1.0, 0.9))),
    ("beta2", lambda m: m.optim.NAdam([_leaf(m)], betas=(0.9, -0.1))),
    ("eps", lambda m: m.optim.AdamW([_leaf(m)], eps=-1e-8)),
    ("weight_decay", lambda m: m.optim.RAdam([_leaf(m)], weight_decay=-1)),
    ("alpha", lambda m: m.optim.RMSprop([_leaf(m)], alpha=-1)),
    ("lr_decay", lambda m: m.optim.Adagrad([_leaf(m)], lr_decay=-1)),
    ("rho", lambda m: m.optim.Adadelta([_leaf(m)], rho=1.5)),
    ("momentum_decay", lambda m: m.optim.NAdam([_leaf(m)], momentum_decay=-1)),
    ("adamax beta", lambda m: m.optim.Adamax([_leaf(m)], betas=(0.9, 1.0))),
    ("lbfgs lr", lambda m: m.optim.LBFGS([_leaf(m)], lr=-1)),
]


def _shared_param_groups(m):
    p = _leaf(m)
    return m.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


CASES.append(("same param twice", _shared_param_groups))


def _mat(m):
    return m.zeros(2, 3, requires_grad=True)


CASES += [
    ("adafactor lr", lambda m: m.optim.Adafactor([_mat(m)], lr=-1.0)),
    ("adafactor beta2_decay", lambda m: m.optim.Adafactor([_mat(m)], beta2_decay=0.5)),
    ("adafactor eps1", lambda m: m.optim.Adafactor([_mat(m)], eps=(-1.0, 1e-3))),
    ("adafactor eps2", lambda m: m.optim.Adafactor([_mat(m)], eps=(None, -1e-3))),
    ("adafactor d", lambda m: m.optim.Adafactor([_mat(m)], d=0.5)),
    ("adafactor weight_decay", lambda m: m.optim.Adafactor([_mat(m)], weight_decay=-0.1)),
    ("muon lr", lambda m: m.optim.Muon([_mat(m)], lr=-1.0)),
    ("muon momentum", lambda m: m.optim.Muon([_mat(m)], momentum=-0.5)),
    ("muon weight_decay", lambda m: m.optim.Muon([_mat(m)], weight_decay=-0.5)),
    ("muon adjust_lr_fn", lambda m: m.optim.Muon([_mat(m)], adjust_lr_fn="fancy")),
    ("muon 1d", lambda m: m.optim.Muon([m.zeros(3, requires_grad=True)])),
]


@pytest.mark.parametrize("make", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_error_matches_torch(make):
    with pytest.raises(Exception) as expected:
        make(torch)
    with pytest.raises(type(expected.value)) as got:
        make(jtorch)
    assert str(got.value) == str(expected.value)


def test_messages_named_in_the_spec():
    with pytest.raises(ValueError, match="^optimizer got an empty parameter list$"):
        jtorch.optim.Adam([])
    with pytest.raises(ValueError, match="^can't optimize a non-leaf Tensor$"):
        jtorch.optim.Adam([jtorch.zeros(2, requires_grad=True) + 1])
    with pytest.raises(ValueError, match="^Invalid learning rate: -1$"):
        jtorch.optim.Adam([jtorch.zeros(2, requires_grad=True)], lr=-1)


def test_group_defaults_and_add_param_group():
    a, b = _leaf(jtorch), _leaf(jtorch)
    opt = jtorch.optim.SGD([a], lr=0.1, momentum=0.9)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["lr"] == 0.5 and opt.param_groups[1]["momentum"] == 0.9
    assert list(opt.param_groups[0]) == list(torch.optim.SGD([_leaf(torch)], lr=0.1).param_groups[0])
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_lbfgs_unknown_line_search():
    w = _leaf(jtorch)
    opt = jtorch.optim.LBFGS([w], line_search_fn="bogus")

    def closure():
        opt.zero_grad()
        loss = ((w - 1.0) ** 2).sum()
        loss.backward()
        return loss
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_repr_matches_torch():
    def make(m):
        return m.optim.Adam([{"params": [_leaf(m)]}, {"params": [_leaf(m)], "lr": 0.5}], amsgrad=True)
    assert repr(make(jtorch)) == repr(make(torch))


def test_sparse_adam_says_it_is_unsupported():
    with pytest.raises(NotImplementedError, match="SparseAdam"):
        jtorch.optim.SparseAdam([_leaf(jtorch)])


def test_every_torch_optimizer_name_exists():
    missing = [n for n in torch.optim.__all__ if n not in ("swap_in_optimizer_params_and_state",)
               and not hasattr(jtorch.optim, n)]
    assert missing == []


def test_adafactor_and_muon_settings_torch_accepts():
    jtorch.optim.Adafactor([_mat(jtorch)], eps=(None, 1e-3), d=1.0)
    jtorch.optim.Muon([_mat(jtorch)], adjust_lr_fn="original")
