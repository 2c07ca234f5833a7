"""Where torch raises, jtorch raises the same error type and message: bad values known on the
host (division by zero, indices out of range, invalid probabilities) and shapes torch rejects
in its own words. Each case runs the same code on both libraries."""
import numpy as np
import pytest

import jtorch
from tests.ops.opinfo import error_text

torch = pytest.importorskip("torch", reason="parity cases compare with real torch")


def _F(m):
    return m.nn.functional


CASES = {
    # integer division by zero
    "floor_divide by zero tensor": lambda m: m.tensor([5, 3]) // m.tensor([0, 1]),
    "floor_divide by zero scalar": lambda m: m.tensor([5, 3]) // 0,
    "rfloordiv by zero": lambda m: 5 // m.tensor([0, 2]),
    "remainder by zero": lambda m: m.tensor([5, 3]) % m.tensor([1, 0]),
    "remainder function by zero": lambda m: m.remainder(m.tensor([5, 3]), 0),
    "fmod by zero": lambda m: m.fmod(m.tensor([5, 3]), m.tensor([0, 1])),
    "div floor by zero": lambda m: m.div(m.tensor([5, 3]), m.tensor([0, 1]), rounding_mode="floor"),
    "div trunc by zero": lambda m: m.div(m.tensor([5, 3]), m.tensor([0, 1]), rounding_mode="trunc"),
    "in-place floor_divide by zero": lambda m: m.tensor([5, 3]).floor_divide_(m.tensor([1, 0])),
    # indices out of range
    "gather past the end": lambda m: m.zeros(2, 3).gather(1, m.tensor([[0, 7], [9, 1]])),
    "gather negative": lambda m: m.tensor([1.0, 2, 3]).gather(0, m.tensor([-1])),
    "scatter past the end": lambda m: m.zeros(3).scatter(0, m.tensor([5]), 1.0),
    "scatter_add past the end": lambda m: m.zeros(2, 3).scatter_add(1, m.tensor([[4, 7]]), m.ones(1, 2)),
    "scatter_reduce past the end": lambda m: m.zeros(2, 3).scatter_reduce(1, m.tensor([[4, 7]]), m.ones(1, 2),
                                                                          "amax"),
    "index_select negative": lambda m: m.tensor([1.0, 2, 3]).index_select(0, m.tensor([-1])),
    "index_select past the end": lambda m: m.tensor([1.0, 2, 3]).index_select(0, m.tensor([5])),
    "index_add past the end": lambda m: m.zeros(2, 3).index_add(1, m.tensor([5]), m.ones(2, 1)),
    "index_copy past the end": lambda m: m.zeros(2, 3).index_copy(1, m.tensor([5]), m.ones(2, 1)),
    "index_fill past the end": lambda m: m.zeros(2, 3).index_fill(1, m.tensor([5]), 1.0),
    "take past the end": lambda m: m.tensor([1.0, 2, 3]).take(m.tensor([5])),
    "embedding past the end": lambda m: _F(m).embedding(m.tensor([5]), m.ones(3, 2)),
    # classes and probabilities
    "one_hot class too large": lambda m: _F(m).one_hot(m.tensor([0, 3]), 3),
    "one_hot negative class": lambda m: _F(m).one_hot(m.tensor([-1]), 3),
    "multinomial negative": lambda m: m.multinomial(m.tensor([0.5, -0.1]), 1),
    "multinomial inf": lambda m: m.multinomial(m.tensor([0.5, float("inf")]), 1),
    "multinomial nan": lambda m: m.multinomial(m.tensor([0.5, float("nan")]), 1),
    "multinomial all zero row": lambda m: m.multinomial(m.tensor([[0.5, 0.5], [0.0, 0.0]]), 1),
    "bce nan input": lambda m: _F(m).binary_cross_entropy(m.tensor([float("nan"), 0.5]), m.tensor([1.0, 0])),
    "bce input above 1": lambda m: _F(m).binary_cross_entropy(m.tensor([1.5, 0.5]), m.tensor([1.0, 0])),
    "bce target above 1": lambda m: _F(m).binary_cross_entropy(m.tensor([0.5]), m.tensor([2.0])),
    # shapes, in torch's words
    "linear on 0-d input": lambda m: m.nn.Linear(3, 2)(m.tensor(1.0)),
    "linear with 0-d weight": lambda m: _F(m).linear(m.ones(1), m.tensor(1.0)),
    "mse_loss shapes": lambda m: _F(m).mse_loss(m.ones(3), m.ones(4)),
    "l1_loss shapes": lambda m: _F(m).l1_loss(m.ones(2, 3), m.ones(2, 4)),
    "smooth_l1_loss shapes": lambda m: _F(m).smooth_l1_loss(m.ones(3), m.ones(4)),
    "where shapes": lambda m: m.where(m.ones(3) > 0, m.ones(3), m.ones(4)),
    "where three shapes": lambda m: m.where(m.ones(2, 1) > 0, m.ones(3), m.ones(4)),
    "argmax of empty": lambda m: m.tensor([]).argmax(),
    "argmin of empty": lambda m: m.ones(0, 3).argmin(),
    "argmax over an empty dim": lambda m: m.ones(0, 3).argmax(0),
    "max over an empty dim": lambda m: m.ones(3, 0).max(1),
    "min over an empty dim": lambda m: m.ones(0, 3).min(0),
    "amax over an empty dim": lambda m: m.ones(0, 3).amax(0),
    "amax of empty": lambda m: m.ones(0, 3).amax(),
    "batch_norm running_mean size": lambda m: m.nn.BatchNorm1d(3)(m.ones(4, 5)),
    "batch_norm2d channels": lambda m: m.nn.BatchNorm2d(3)(m.ones(2, 5, 2, 2)),
    "batch_norm weight size": lambda m: _F(m).batch_norm(m.ones(4, 5), None, None, m.ones(3), m.ones(3),
                                                         training=True),
    "batch_norm eval running_var size": lambda m: _F(m).batch_norm(m.ones(4, 5), m.ones(5), m.ones(3)),
}

# values torch accepts where a naive check might not: these must still compute
FINE = {
    "float division by zero": lambda m: m.tensor([5.0, -3.0]) // 0,
    "take negative wraps": lambda m: m.tensor([1.0, 2, 3]).take(m.tensor([-1])),
    "mse_loss broadcast": lambda m: _F(m).mse_loss(m.ones(3, 1), m.ones(3)),
    "max over a non-empty dim of an empty tensor": lambda m: m.ones(0, 3).max(dim=1).values,
    "argmax over a non-empty dim of an empty tensor": lambda m: m.ones(0, 3).argmax(1),
    "one_hot at the limit": lambda m: _F(m).one_hot(m.tensor([0, 2]), 3),
    "multinomial with fewer non-zero categories than samples": lambda m: m.multinomial(m.tensor([1.0, 0, 0]), 1),
    "bce at 0 and 1": lambda m: _F(m).binary_cross_entropy(m.tensor([0.0, 1.0]), m.tensor([0.0, 1.0])),
}


@pytest.mark.filterwarnings("ignore:Using a target size")  # both warn that the loss broadcasts
@pytest.mark.parametrize("name", sorted(CASES))
def test_raises_like_torch(name):
    theirs = error_text(lambda: CASES[name](torch))
    assert theirs != "no error", "the case no longer raises in torch"
    assert error_text(lambda: CASES[name](jtorch)) == theirs


@pytest.mark.filterwarnings("ignore:Using a target size")  # both warn that the loss broadcasts
@pytest.mark.filterwarnings("ignore:jtorch.*compiled")  # one small program per case, on purpose
@pytest.mark.parametrize("name", sorted(FINE))
def test_accepted_like_torch(name):
    expected = FINE[name](torch).detach().numpy()
    np.testing.assert_allclose(FINE[name](jtorch).detach().numpy(), expected, rtol=1e-6)


def test_pending_values_are_not_synced_for_checks():
    # a divisor that is still pending is not computed early: the check sees only concrete values
    from jtorch._ops import _checks
    pending = jtorch.tensor([1, 0]) + 0
    assert _checks.host_value(pending) is None
    assert pending._lazy.value is None


@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_gradient_of_a_non_symmetric_input(uplo):
    # torch reads one triangle and differentiates with respect to the Hermitian matrix it stands for
    a = np.random.default_rng(0).standard_normal((5, 5))
    weights = np.arange(5.0)

    def grad(m):
        x = m.tensor(a, requires_grad=True)
        w, v = m.linalg.eigh(x, UPLO=uplo)
        (w.sum() * 0.3 + (v ** 2 * m.tensor(weights)).sum() + w[0]).backward()
        return w.detach().numpy(), x.grad.numpy()

    (w_ours, g_ours), (w_theirs, g_theirs) = grad(jtorch), grad(torch)
    np.testing.assert_allclose(w_ours, w_theirs, atol=1e-10)
    np.testing.assert_allclose(g_ours, g_theirs, atol=1e-8)


@pytest.mark.parametrize("kind", ["symmetric", "non-symmetric", "rank 2"])
def test_hermitian_pinv_value_and_gradient(kind):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 5))
    b = rng.standard_normal((5, 2))
    a = {"symmetric": a + a.T, "non-symmetric": a, "rank 2": b @ b.T}[kind]
    r = rng.standard_normal((5, 5))

    def run(m):
        x = m.tensor(a, requires_grad=True)
        p = m.linalg.pinv(x, hermitian=True)
        (p * m.tensor(r)).sum().backward()
        return p.detach().numpy(), x.grad.numpy()

    (p_ours, g_ours), (p_theirs, g_theirs) = run(jtorch), run(torch)
    np.testing.assert_allclose(p_ours, p_theirs, atol=1e-10)
    np.testing.assert_allclose(g_ours, g_theirs, atol=1e-8)


def test_jax_shape_errors_translate_to_torch_words():
    import jax
    import jax.numpy as jnp

    from jtorch._ops import _checks

    def error(fn, *shapes):
        try:
            jax.eval_shape(fn, *[jax.ShapeDtypeStruct(s, jnp.float32) for s in shapes])
        except Exception as e:  # noqa: BLE001
            return _checks.in_torch_words("op", e, shapes)
        raise AssertionError("no error")

    with pytest.raises(RuntimeError) as theirs:
        torch.ones(3) - torch.ones(4)
    assert str(error(lambda a, b: a - b, (3,), (4,))) == str(theirs.value)
    with pytest.raises(RuntimeError) as theirs:
        torch.where(torch.ones(2, 1) > 0, torch.ones(3), torch.ones(4))
    assert str(error(lambda c, a, b: jnp.where(c > 0, a, b), (2, 1), (3,), (4,))) == str(theirs.value)
    other = error(lambda a: a.reshape(7), (3,))
    assert isinstance(other, RuntimeError) and str(other).startswith("op(): invalid arguments for shapes [3]: ")
