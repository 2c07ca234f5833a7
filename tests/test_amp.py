"""torch.autocast and GradScaler against PyTorch's CPU behaviour."""
import warnings

import numpy as np
import pytest

import jtorch
import jtorch.amp
import jtorch.cpu.amp
import jtorch.cuda.amp
import jtorch.nn
import jtorch.nn.functional as JF
import jtorch.optim

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")
F = torch.nn.functional

_rs = np.random.RandomState(0)
A = _rs.randn(4, 4).astype(np.float32)
B = _rs.randn(4, 4).astype(np.float32)
T = np.array([0, 1, 3, 2])
P = _rs.rand(4, 4).astype(np.float32)


def _cases(lib, fn):
    """op name -> callable(a, b) for torch or jtorch (same spelling)."""
    return {
        "linear": lambda a, b: fn.linear(a, b),
        "matmul": lambda a, b: a @ b,
        "mm": lambda a, b: lib.mm(a, b),
        "bmm": lambda a, b: lib.bmm(a[None], b[None]),
        "addmm": lambda a, b: lib.addmm(a, a, b),
        "baddbmm": lambda a, b: lib.baddbmm(a[None], a[None], b[None]),
        "conv2d": lambda a, b: fn.conv2d(a[None, None], b[None, None, :2, :2]),
        "softmax": lambda a, b: fn.softmax(a, -1),
        "log_softmax": lambda a, b: fn.log_softmax(a, -1),
        "layer_norm": lambda a, b: fn.layer_norm(a, (4,)),
        "sum": lambda a, b: a.sum(),
        "exp": lambda a, b: a.exp(),
        "relu": lambda a, b: fn.relu(a),
        "add": lambda a, b: a + b,
        "prod": lambda a, b: a.prod(),
        "mse_loss": lambda a, b: fn.mse_loss(a, b),
        "l1_loss": lambda a, b: fn.l1_loss(a, b),
        "cross_entropy": lambda a, b: fn.cross_entropy(a, lib.tensor(T)),
        "nll_loss": lambda a, b: fn.nll_loss(a, lib.tensor(T)),
        "bce_with_logits": lambda a, b: fn.binary_cross_entropy_with_logits(a, lib.tensor(P).to(a.dtype)),
    }


def _run(lib, fn, amp_ctx, dtype):
    out = {}
    with amp_ctx:
        a, b = lib.tensor(A).to(dtype), lib.tensor(B).to(dtype)
        for name, f in _cases(lib, fn).items():
            out[name] = f(a, b)
    return out


@pytest.mark.parametrize("dtype_name", ["float32", "bfloat16"])
def test_autocast_cpu_output_dtypes_and_values_match_torch(dtype_name):
    ours = _run(jtorch, JF, jtorch.amp.autocast("cpu", dtype=jtorch.bfloat16), getattr(jtorch, dtype_name))
    ref = _run(torch, F, torch.autocast("cpu", dtype=torch.bfloat16), getattr(torch, dtype_name))
    as_float = {name: t.float() for name, t in ours.items()}  # one program computes them all
    for name in ref:
        assert str(ours[name].dtype) == str(ref[name].dtype), name
        got, want = as_float[name].numpy(), ref[name].float().detach().numpy()
        # torch's cross_entropy runs log_softmax in bfloat16 first; jtorch's fused loss stays in float32
        np.testing.assert_allclose(got, want, rtol=3e-2, atol=3e-2, err_msg=name)


def test_autocast_leaves_float64_and_nests_disabled_regions():
    a = jtorch.tensor(A)
    with jtorch.amp.autocast("cpu"):
        assert jtorch.mm(a.double(), a.double()).dtype == jtorch.float64
        assert jtorch.amp.autocast_mode.is_autocast_enabled("cpu")
        with jtorch.amp.autocast("cpu", enabled=False):
            assert jtorch.mm(a, a).dtype == jtorch.float32
        assert jtorch.mm(a, a).dtype == jtorch.bfloat16
    assert jtorch.mm(a, a).dtype == jtorch.float32
    assert not jtorch.amp.autocast_mode.is_autocast_enabled("cpu")


def test_autocast_decorator_and_device_spellings():
    a = jtorch.tensor(A)

    @jtorch.amp.autocast("cpu", dtype=jtorch.float16)
    def f(x):
        return x @ x
    assert f(a).dtype == jtorch.float16
    with pytest.warns(FutureWarning):
        ctx = jtorch.cpu.amp.autocast()
    with ctx:
        assert (a @ a).dtype == jtorch.bfloat16
    # no GPU: torch warns and disables CUDA autocast; jtorch does the same
    with pytest.warns(UserWarning, match="CUDA is not available"):
        ctx = jtorch.amp.autocast("cuda")
    with ctx:
        assert (a @ a).dtype == jtorch.float32
    with pytest.warns(UserWarning, match="target dtype is not supported"):
        ctx = jtorch.amp.autocast("cpu", dtype=jtorch.float64)
    with pytest.raises(RuntimeError, match="unsupported autocast device_type 'foo'"):
        jtorch.amp.autocast("foo")
    with pytest.raises(TypeError, match="requires a callable"):
        jtorch.amp.autocast("cpu")(3)


def test_autocast_backward_gives_float32_grads_like_torch():
    def step(lib, fn, amp):
        w = lib.tensor(B, requires_grad=True)
        with amp.autocast("cpu"):
            loss = fn.cross_entropy(fn.linear(lib.tensor(A), w), lib.tensor(T))
        loss.backward()
        return w.grad
    g, tg = step(jtorch, JF, jtorch.amp), step(torch, F, torch.amp)
    assert str(g.dtype) == str(tg.dtype) == "torch.float32"
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=5e-2, atol=2e-2)


W0 = np.array([1.0, -2.0, 3.0], np.float32)
FACTORS = [1.0, float("inf"), 1.0, 1.0, 1.0, float("nan"), 1.0]


def _scaled_run(lib, optim_mod, amp):
    w = lib.nn.Parameter(lib.tensor(W0))
    opt = optim_mod.SGD([w], lr=0.1)
    scaler = amp.GradScaler("cpu", init_scale=4.0, growth_interval=2)
    scales, ws = [], []
    for f in FACTORS:
        opt.zero_grad()
        scaler.scale((w * f).sum()).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
        ws.append(w.detach().numpy().copy())
    return scales, np.array(ws), scaler.state_dict()


def test_grad_scaler_matches_torch_scale_sequence_and_skips_inf_steps():
    scales, ws, sd = _scaled_run(jtorch, jtorch.optim, jtorch.amp)
    tscales, tws, tsd = _scaled_run(torch, torch.optim, torch.amp)
    assert scales == tscales == [4.0, 2.0, 2.0, 4.0, 4.0, 2.0, 2.0]
    np.testing.assert_allclose(ws, tws, rtol=1e-6)
    np.testing.assert_array_equal(ws[1], ws[0])  # the inf step left the parameter unchanged
    assert sd == tsd


def test_grad_scaler_unscale_state_dict_and_disabled():
    w = jtorch.nn.Parameter(jtorch.tensor(W0))
    opt = jtorch.optim.SGD([w], lr=0.1)
    scaler = jtorch.amp.GradScaler("cpu", init_scale=8.0)
    scaler.scale((w * 2).sum()).backward()
    np.testing.assert_allclose(w.grad.numpy(), [16.0] * 3)
    scaler.unscale_(opt)
    np.testing.assert_allclose(w.grad.numpy(), [2.0] * 3)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(opt)
    scaler.update()
    other = jtorch.amp.GradScaler("cpu")
    other.load_state_dict(scaler.state_dict())
    assert other.get_scale() == 8.0 and other.state_dict() == scaler.state_dict()
    off = jtorch.amp.GradScaler("cpu", enabled=False)
    loss = (w * 2).sum()
    assert off.scale(loss) is loss and off.get_scale() == 1.0 and off.state_dict() == {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with pytest.warns(UserWarning, match="CUDA is not available"):
            cuda_scaler = jtorch.cuda.amp.GradScaler()
    assert not cuda_scaler.is_enabled()


def test_autocast_lists_name_registered_ops():
    """The lists use jtorch's op names; a renamed op would silently leave autocast."""
    from jtorch._ops.registry import OPS
    from jtorch.amp import autocast_mode as am
    core = {"linear", "matmul", "mm", "bmm", "addmm", "baddbmm", "addbmm", "prelu", "_convolution", "_conv_transpose",
            "_cross_entropy", "_nll_loss", "_mse_loss", "_l1_loss", "_binary_cross_entropy_with_logits", "softmax",
            "log_softmax", "_layer_norm", "_group_norm", "sum", "cumsum", "exp", "log"}
    assert core <= set(OPS)
    cuda = am._table("cuda", jtorch.float16)
    cpu = am._table("cpu", jtorch.bfloat16)
    assert cuda["mm"] is jtorch.float16 and cuda["softmax"] is jtorch.float32 and cuda["mv"] is jtorch.float16
    assert cuda["_layer_norm"] is jtorch.float32
    assert cpu["mm"] is jtorch.bfloat16 and "softmax" not in cpu and cpu["_mse_loss"] is jtorch.float32
