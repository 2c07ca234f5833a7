"""nn.functional extras (pad, interpolate, one_hot, distances, softmax dtype), torch.* / Tensor aliases."""
import warnings

import numpy as np
import pytest

import jtorch
import jtorch.nn.functional as JF
from jtorch._engine import metrics
from tests.nn._parity import rand, to_np

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
TF = torch.nn.functional

X = rand(2, 3, 5, 6)
A, B = rand(4, 6), rand(4, 6)


def _both(fn, *arrays, grad=True):
    """fn(F, module, *tensors) for torch and jtorch; compares outputs and grads of sum(out * g)."""
    ti = [torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    ji = [jtorch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    return ti, ji, fn(TF, torch, *ti), fn(JF, jtorch, *ji)


def test_functional_parity():
    fns = [
        lambda F, m, x: F.pad(x, (1, 2, 0, 1)),
        lambda F, m, x: F.pad(x, (2, 1, 1, 2), mode="reflect"),
        lambda F, m, x: F.pad(x[0], (1, 3), mode="replicate"),
        lambda F, m, x: F.pad(x, (2, 2, 1, 1), mode="circular"),
        lambda F, m, x: F.pad(x, (1, -1, 0, 2, 1, 1), value=-3.0),
        lambda F, m, x: F.interpolate(x, scale_factor=1.7),
        lambda F, m, x: F.interpolate(x, size=(7, 4), mode="bilinear"),
        lambda F, m, x: F.interpolate(x, scale_factor=(2, 0.5), mode="bilinear", align_corners=True),
        lambda F, m, x: F.interpolate(x, size=(3, 9), mode="nearest-exact"),
        lambda F, m, x: F.interpolate(x, size=(7, 4), mode="bicubic") + F.interpolate(x, size=(7, 4), mode="bicubic",
                                                                                      align_corners=True),
        lambda F, m, x: F.interpolate(x, scale_factor=(1.5, 2), mode="bicubic"),
        lambda F, m, x: F.interpolate(x, size=(2, 3), mode="area"),
        lambda F, m, x: F.normalize(x, dim=1),
        lambda F, m, x: F.normalize(x, p=1.0, dim=-1),
        lambda F, m, x: F.softmax(x, dim=1, dtype=m.float64),
        lambda F, m, x: F.log_softmax(x, 2),
        lambda F, m, x: F.softmin(x, -1),
        lambda F, m, x: m.softmax(x, 1) + x.softmax(-1) + x.log_softmax(0) + m.log_softmax(x, dim=3),
        lambda F, m, x: m.relu(x) + x.relu() + F.relu6(x) + F.gelu(x) + F.silu(x) + F.elu(x) + F.leaky_relu(x, 0.3),
        lambda F, m, x: m.conv2d(x, x[:2, :, :2, :2], padding=1) + 1,
        lambda F, m, x: m.max_pool2d(x, 2) + m.avg_pool1d(x[0], 3) .sum() + m.adaptive_avg_pool1d(x[0], 2).sum(),
        lambda F, m, x: m.layer_norm(x, [6]) + m.batch_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
        lambda F, m, x: m.group_norm(x, 3) + m.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, False),
        lambda F, m, x: m.pixel_shuffle(x[:, :, :4, :4].reshape(2, 12, 2, 2), 2),
        lambda F, m, x: m.selu(x) + m.celu(x) + m.threshold(x, 0.1, 2.0) + m.hardshrink(x) + x.hardshrink(0.2),
        lambda F, m, x: F.hardtanh(x, -0.5, 0.5) + F.softplus(x, 2, 1) + F.logsigmoid(x) + F.mish(x),
        lambda F, m, x: F.glu(x, 3) + F.hardswish(x[..., :3]) + F.softsign(x[..., 3:]),
    ]
    fns2 = [
        lambda F, m, a, b: F.cosine_similarity(a, b),
        lambda F, m, a, b: F.cosine_similarity(a, b, dim=0, eps=1e-3),
        lambda F, m, a, b: F.pairwise_distance(a, b),
        lambda F, m, a, b: F.pairwise_distance(a, b, p=1.0, keepdim=True),
        lambda F, m, a, b: F.linear(a, b, b[0, :4].clone() if m is torch else b[0, :4]),
        lambda F, m, a, b: m.cosine_similarity(a, b, 1) + m.pairwise_distance(a, b),
    ]
    ti, ji = [torch.tensor(X, requires_grad=True)], [jtorch.tensor(X, requires_grad=True)]
    t2 = [torch.tensor(A, requires_grad=True), torch.tensor(B, requires_grad=True)]
    j2 = [jtorch.tensor(A, requires_grad=True), jtorch.tensor(B, requires_grad=True)]
    touts = [f(TF, torch, *ti) for f in fns] + [f(TF, torch, *t2) for f in fns2]
    jouts = [f(JF, jtorch, *ji) for f in fns] + [f(JF, jtorch, *j2) for f in fns2]
    tt, jt = 0, 0
    for a, b in zip(touts, jouts):
        g = rand(*a.shape)
        tt = tt + (a * torch.tensor(g, dtype=a.dtype)).sum()
        jt = jt + (b * jtorch.tensor(g, dtype=b.dtype)).sum()
    tt.backward()
    jt.backward()
    for i, (a, b) in enumerate(zip(touts, jouts)):
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype)[6:] == b.dtype.name, i
        np.testing.assert_allclose(to_np(b), to_np(a), rtol=1e-4, atol=1e-5, err_msg=str(i))
    for a, b in zip(ti + t2, ji + j2):
        np.testing.assert_allclose(to_np(b.grad), to_np(a.grad), rtol=1e-4, atol=1e-4)


def test_one_hot_and_errors():
    t = jtorch.tensor([0, 3, 1])
    before = metrics.snapshot()["syncs"]
    oh = JF.one_hot(t, 5)
    assert metrics.snapshot()["syncs"] == before  # explicit num_classes: no sync
    np.testing.assert_array_equal(oh.numpy(), TF.one_hot(torch.tensor([0, 3, 1]), 5).numpy())
    assert oh.dtype is jtorch.int64
    np.testing.assert_array_equal(JF.one_hot(t).numpy(), np.eye(4, dtype=np.int64)[[0, 3, 1]])
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor of type LongTensor."):
        JF.one_hot(jtorch.tensor([1.0]))
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        JF.interpolate(jtorch.zeros(1, 1, 2, 2), scale_factor=2, align_corners=True)
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding input dimension"):
        JF.pad(jtorch.zeros(1, 1, 4, 4), (5, 5, 5, 5), mode="reflect")
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[8, 3, 3, 3\], expected input\[2, 4, 8, "
                                           r"8\] to have 3 channels, but got 4 channels instead"):
        JF.conv2d(jtorch.zeros(2, 4, 8, 8), jtorch.zeros(8, 3, 3, 3))
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D input tensor."):
        JF.pad(jtorch.zeros(1, 1, 4, 4), (1, 1), mode="replicate")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        JF.softmax(jtorch.zeros(2, 3))
    assert "Implicit dimension choice for softmax has been deprecated" in str(w[0].message)
    x = jtorch.ones(3)
    assert JF.relu(x, inplace=True) is x


def test_dtype_errors_match_torch():
    for fn in (lambda m: m.ones(3, dtype=m.int64).softmax(0), lambda m: m.ones(2, 3, dtype=m.int32).log_softmax(0),
               lambda m: m.nn.functional.conv2d(m.ones(1, 1, 3, 3), m.ones(1, 1, 2, 2).double()),
               lambda m: m.ones(2, 3).softmax(2), lambda m: m.log_softmax(m.ones(2, 3), -3)):
        with pytest.raises(Exception) as te:
            fn(torch)
        with pytest.raises(type(te.value)) as je:
            fn(jtorch)
        assert str(je.value) == str(te.value)


@pytest.mark.parametrize("kernel", [2, (2, 3)])
def test_max_pool_gradient_goes_to_torchs_maximum_on_ties_and_nan(kernel):
    """Non-overlapping max pooling has its own derivative: on a tie the first maximum of a
    window gets the gradient, and a NaN counts as the maximum, as in torch."""
    x = np.random.default_rng(1).integers(0, 2, (2, 3, 6, 6)).astype(np.float32)  # many ties
    x[0, 0, 0, 1] = np.nan
    w = rand(*TF.max_pool2d(torch.tensor(x), kernel).shape)
    grads = []
    for m in (torch, jtorch):
        t = m.tensor(x, requires_grad=True)
        y = m.nn.functional.max_pool2d(t, kernel)
        (y * m.tensor(w)).nansum().backward()
        grads.append((to_np(y), to_np(t.grad)))
    np.testing.assert_array_equal(grads[1][0], grads[0][0])
    np.testing.assert_array_equal(grads[1][1], grads[0][1])


def test_non_overlapping_max_pool_gradient_avoids_select_and_scatter():
    """MaxPool2d(2)'s derivative is elementwise selects: XLA:CPU's select_and_scatter (reduce_window's
    derivative) made it most of a CNN step."""
    import jax

    from jtorch._ops.nn import _max_pool
    x = np.zeros((2, 3, 8, 8), np.float32)

    def loss(a, **geo):
        return _max_pool.op.fn(a, **geo).sum()
    block = dict(k=(2, 2), s=(2, 2), d=(1, 1), outs=(4, 4), pads=((0, 0), (0, 0)))
    strided = dict(k=(3, 3), s=(2, 2), d=(1, 1), outs=(3, 3), pads=((0, 0), (0, 0)))
    assert "select_and_scatter" not in str(jax.make_jaxpr(jax.grad(lambda a: loss(a, **block)))(x))
    assert "select_and_scatter" in str(jax.make_jaxpr(jax.grad(lambda a: loss(a, **strided)))(x))


def test_torch_instance_norm_takes_atens_order():
    """torch.instance_norm puts weight and bias before the running statistics (F.instance_norm the other way
    round) and requires every argument: a positional call must not swap them silently."""
    x, w, b = rand(2, 3, 4), np.arange(1, 4, dtype=np.float32), np.full(3, 0.5, np.float32)
    outs = []
    for m in (torch, jtorch):
        mean, var = m.zeros(3), m.ones(3)
        y = m.instance_norm(m.tensor(x), m.tensor(w), m.tensor(b), mean, var, True, 0.1, 1e-5, False)
        outs.append([to_np(t) for t in (y, mean, var)])
    for ours, theirs in zip(outs[1], outs[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match="missing 8 required positional arguments"):
        jtorch.instance_norm(jtorch.tensor(x))


def test_top_level_adaptive_pools_are_torchs():
    """torch's top level has only the 1-d adaptive pools, and its adaptive_max_pool1d returns the indices too."""
    x = rand(2, 3, 7)
    theirs = torch.adaptive_max_pool1d(torch.tensor(x), 3)
    ours = jtorch.adaptive_max_pool1d(jtorch.tensor(x), 3)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(to_np(a), to_np(b))
    np.testing.assert_allclose(to_np(jtorch.adaptive_avg_pool1d(jtorch.tensor(x), 3)),
                               to_np(torch.adaptive_avg_pool1d(torch.tensor(x), 3)), rtol=1e-5, atol=1e-6)
    for name in ("adaptive_max_pool2d", "adaptive_max_pool3d", "adaptive_avg_pool2d", "adaptive_avg_pool3d"):
        assert hasattr(jtorch, name) == hasattr(torch, name), name
