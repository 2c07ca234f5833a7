"""The __torch_function__ protocol (torch.overrides), compared with real torch where both can run."""
import pytest

import jtorch
from jtorch import overrides as joverrides

torch = pytest.importorskip("torch")


def _tensor_like(T):
    class Logged:
        calls = []

        def __init__(self, value):
            self.value = value

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            cls.calls.append((func.__name__, len(args), tuple(sorted(kwargs or {}))))
            return "handled"
    return Logged


@pytest.mark.parametrize("T", [torch, jtorch], ids=["torch", "jtorch"])
def test_functions_methods_and_operators_defer_to_a_tensor_like(T):
    Logged = _tensor_like(T)
    x = T.ones(2)
    assert T.add(x, Logged(1), alpha=2) == "handled"
    assert T.sum(Logged(1), dim=0) == "handled"
    assert T.maximum(x, Logged(1)) == "handled"
    assert x.mul(Logged(1)) == "handled"
    assert [c[0] for c in Logged.calls] == ["add", "sum", "maximum", "mul"]
    assert Logged.calls[0] == ("add", 2, ("alpha",))


@pytest.mark.parametrize("T", [torch, jtorch], ids=["torch", "jtorch"])
def test_all_not_implemented_raises_typeerror(T):
    class Refuses:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented
    with pytest.raises(TypeError, match="Multiple dispatch failed for 'torch.add'; all __torch_function__ "
                                        "handlers returned NotImplemented"):
        T.add(Refuses(), 1)


def test_subclasses_are_asked_before_their_superclasses():
    order = []

    class Base:
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            order.append(cls.__name__)
            return NotImplemented if cls is Base else cls.__name__

    class Derived(Base):
        pass

    assert jtorch.add(Base(), Derived()) == "Derived"
    assert order == ["Derived"]
    args = [Base(), Derived(), Base()]
    assert [type(a).__name__ for a in joverrides._get_overloaded_args(args)] == ["Derived", "Base"]


def test_has_torch_function_and_is_tensor_like_agree_with_torch():
    Logged_t, Logged_j = _tensor_like(torch), _tensor_like(jtorch)
    from torch import overrides as toverrides
    for O, T, L in ((toverrides, torch, Logged_t), (joverrides, jtorch, Logged_j)):
        x = T.ones(1)
        assert O.has_torch_function((x, 1)) is False
        assert O.has_torch_function((x, L(1))) is True
        assert O.has_torch_function_unary(L(1)) is True and O.has_torch_function_variadic(x, 2) is False
        assert O.is_tensor_like(x) and O.is_tensor_like(L(1)) and not O.is_tensor_like(1)
    assert joverrides.resolve_name(jtorch.add) == "torch.add"


def test_torch_function_mode_sees_every_op_and_is_popped_inside():
    seen = []

    class Record(joverrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            seen.append(func.__name__)
            return func(*args, **(kwargs or {}))
    x = jtorch.ones(2)
    with Record():
        y = jtorch.relu(x * 2 - 1)
    assert seen == ["mul", "sub", "relu"]
    assert y.tolist() == [1.0, 1.0]
    assert (x + 1).tolist() == [2.0, 2.0] and seen == ["mul", "sub", "relu"]  # gone after the with
    assert joverrides._get_current_function_mode() is None


def test_subclass_keeps_its_type_through_methods_and_operators():
    for T in (torch, jtorch):
        class Sub(T.Tensor):
            pass
        s = T.ones(2, 3).as_subclass(Sub)
        assert type(s + 1) is Sub and type(s.sum(0)) is Sub and type(s.view(3, 2)) is Sub
        assert type(s.unbind(0)[0]) is Sub
        assert type(T.add(s, 1)) is Sub and type(T.cat([s, s])) is Sub
        with T._C.DisableTorchFunctionSubclass():
            assert type(s + 1) is T.Tensor
        p = T.nn.Parameter(T.ones(2))
        assert type(p * 2) is T.Tensor  # Parameter opts out, as torch's does


def test_subclass_with_its_own_torch_function():
    log = []

    class Tracked(jtorch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            log.append(func.__name__)
            return super().__torch_function__(func, types, args, kwargs)
    t = jtorch.ones(2).as_subclass(Tracked)
    out = t.mul(3)
    assert type(out) is Tracked and log == ["mul"]


def test_ordinary_calls_never_reach_the_protocol(monkeypatch):
    from jtorch._ops import torch_function
    monkeypatch.setattr(torch_function, "_defer", lambda *a: pytest.fail("protocol reached"))
    x = jtorch.ones(2, 2)
    assert (x * 2 + 1).relu().sum(dim=0, keepdim=True).view(2).tolist() == [6.0, 6.0]


def test_make_subclass_gives_a_detached_leaf_of_the_subclass():
    for T in (torch, jtorch):
        class Sub(T.Tensor):
            pass
        data = T.ones(2, requires_grad=True) * 2
        s = T.Tensor._make_subclass(Sub, data, True)
        assert type(s) is Sub and s.requires_grad and s.is_leaf and s.grad_fn is None
        assert type(s * 3) is Sub and (s * 3).tolist() == [6.0, 6.0]
        assert T.Tensor._make_subclass(Sub, data).requires_grad is False
