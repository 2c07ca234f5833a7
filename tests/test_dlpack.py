"""Zero-copy exchange with JAX and DLPack producers; buffer identity is checked, never timing."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import jtorch as torch
from jtorch.utils import dlpack


def _ptr(x):
    if isinstance(x, torch.Tensor):
        x = x.__jax_array__()
    return x.unsafe_buffer_pointer()


@pytest.fixture
def a():
    return jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3)


def test_as_tensor_shares_the_jax_buffer(a):
    t = torch.as_tensor(a)
    assert t.dtype is torch.float32 and t.shape == (2, 3)
    assert _ptr(t) == _ptr(a)
    assert _ptr(torch.from_numpy(a)) == _ptr(a)
    assert _ptr(torch.asarray(a)) == _ptr(a)
    assert t.add_(1).tolist() == [[1, 2, 3], [4, 5, 6]]
    assert a.tolist() == [[0, 1, 2], [3, 4, 5]]  # in-place ops rebind; the jax array is untouched


def test_tensor_and_copy_make_device_copies(a):
    for t in (torch.tensor(a), torch.asarray(a, copy=True)):
        assert _ptr(t) != _ptr(a)
        np.testing.assert_array_equal(t.numpy(), np.asarray(a))
    t = torch.tensor(a, requires_grad=True)
    assert t.requires_grad and t.is_leaf


def test_as_tensor_casts_on_device(a):
    t = torch.as_tensor(a, dtype=torch.float64)
    assert t.dtype is torch.float64
    np.testing.assert_array_equal(t.numpy(), np.asarray(a, np.float64))


def test_jax_dtype_jtorch_lacks():
    with pytest.raises(TypeError, match="int4"):
        torch.as_tensor(jnp.zeros(2, jnp.int4))


def test_jnp_reads_the_tensor_without_copy(a):
    t = torch.as_tensor(a)
    assert _ptr(jnp.asarray(t)) == _ptr(a)
    np.testing.assert_allclose(jnp.sin(t), np.sin(np.asarray(a)))
    pending = t * 2  # computed when JAX asks for it
    np.testing.assert_array_equal(jnp.asarray(pending), 2 * np.asarray(a))


def test_dlpack_protocol_both_ways(a):
    t = torch.as_tensor(a)
    assert t.__dlpack_device__() == a.__dlpack_device__()
    assert _ptr(jax.dlpack.from_dlpack(t)) == _ptr(a)
    assert _ptr(torch.from_dlpack(a)) == _ptr(a)
    np.testing.assert_array_equal(np.from_dlpack(t), np.asarray(a))
    with pytest.raises(BufferError, match="Can't export tensors that require gradient"):
        torch.ones(2, requires_grad=True).__dlpack__()


def test_capsules(a):
    t = torch.as_tensor(a)
    cap = dlpack.to_dlpack(t)
    u = dlpack.from_dlpack(cap)
    assert _ptr(u) == _ptr(a)
    with pytest.raises(RuntimeError, match="consumed only once"):
        torch.from_dlpack(cap)
    with pytest.raises(TypeError, match="__dlpack__"):
        torch.from_dlpack(3)


def test_numpy_producer():
    n = np.arange(12.0).reshape(3, 4)
    t = torch.from_dlpack(n)
    assert t.dtype is torch.float64
    np.testing.assert_array_equal(t.numpy(), n)
    np.testing.assert_array_equal(torch.from_dlpack(n.T).numpy(), n.T)  # a transposed buffer is still dense
    with pytest.raises(RuntimeError, match=r"float64, shape \[3, 2\] on kDLCPU:0 is not contiguous"):
        torch.from_dlpack(n[:, ::2])


def test_device_jax_lacks():
    if any(d.platform == "gpu" for d in jax.devices()):
        pytest.skip("this machine has a GPU, so a CUDA producer is importable")

    class OnCuda:
        dtype, shape = "float32", (2,)

        def __dlpack__(self, **kwargs):
            raise AssertionError("must not be read")

        def __dlpack_device__(self):
            return (dlpack.DLDeviceType.kDLCUDA, 1)

    with pytest.raises(RuntimeError, match="lives on kDLCUDA:1, a device JAX does not have"):
        torch.from_dlpack(OnCuda())


@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
def test_torch_producer():
    real = pytest.importorskip("torch", reason="needs PyTorch as a DLPack producer")
    r = real.arange(6.0).reshape(2, 3)
    t = torch.from_dlpack(r)
    assert _ptr(t) == r.data_ptr()
    np.testing.assert_array_equal(t.numpy(), r.numpy())
    np.testing.assert_array_equal(real.from_dlpack(t).numpy(), r.numpy())
    with pytest.raises(RuntimeError, match="complex32"):
        torch.from_dlpack(real.zeros(2, dtype=real.complex32))


def test_array_copy_keyword(a):
    t = torch.as_tensor(a)
    c = np.array(t, copy=True)
    c[0, 0] = 7  # a writable copy
    assert t[0, 0].item() == 0
    assert np.array(t, copy=False).shape == (2, 3)
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        np.array(t, dtype=np.float64, copy=False)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


# -- pytree ---------------------------------------------------------------------------------

def test_jit_and_grad_over_tensors(a):
    t = torch.as_tensor(a)
    out = jax.jit(lambda x: x.sin() * 2)(t)
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), 2 * np.sin(np.asarray(a)), rtol=1e-6)
    g = jax.grad(lambda x: jnp.sum(jnp.sin(x)))(t)
    assert isinstance(g, torch.Tensor)
    np.testing.assert_allclose(g.numpy(), np.cos(np.asarray(a)), rtol=1e-6)
    np.testing.assert_array_equal(jax.vmap(lambda x: x.sum())(t).numpy(), [3.0, 12.0])


def test_tree_util_keeps_type_and_flag():
    p = torch.nn.Parameter(torch.ones(2))
    leaves = jax.tree_util.tree_leaves({"w": p})
    assert len(leaves) == 1 and isinstance(leaves[0], jax.Array)
    q = jax.tree_util.tree_map(lambda x: x * 3, p)
    assert type(q) is torch.nn.Parameter and q.requires_grad
    assert q.tolist() == [3.0, 3.0]
