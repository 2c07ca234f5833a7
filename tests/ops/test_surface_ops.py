"""torch's top-level functions and Tensor attributes added for issue 17, against real torch: flags, dunders,
in-place rebinding (resize_, set_, as_strided_), host loops (apply_, map_), and torch's errors."""
import numpy as np
import pytest

import jtorch
from tests.ops.opinfo import error_text

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed (pip install torch==2.13.0)")


def _both(fn):
    return fn(torch), fn(jtorch)


def _same(fn):
    t, j = _both(fn)
    if isinstance(t, torch.Tensor):
        assert tuple(j.shape) == tuple(t.shape) and str(j.dtype) == str(t.dtype)
        np.testing.assert_allclose(np.asarray(j.tolist()), np.asarray(t.tolist()), rtol=1e-6, atol=1e-6)
    elif isinstance(t, torch.dtype):
        assert str(j) == str(t)
    else:
        assert j == t, (j, t)


def _same_error(fn):
    t, j = error_text(lambda: fn(torch)), error_text(lambda: fn(jtorch))
    assert t != "no error" and j == t, (j, t)


@pytest.mark.parametrize("name", ["is_cpu", "is_quantized", "is_mkldnn", "is_xla", "is_xpu", "is_mps", "is_mtia",
                                  "is_maia", "is_ipu", "is_vulkan", "is_nested", "is_sparse_csr", "name",
                                  "output_nr", "grad_dtype"])
def test_flags(name):
    _same(lambda m: getattr(m.ones(2, 3), name))


def test_predicates():
    _same(lambda m: m.ones(2).is_inference())
    _same(lambda m: m.ones(2).is_shared())
    _same(lambda m: m.ones(1).is_nonzero())
    _same(lambda m: m.zeros(1).is_nonzero())
    _same_error(lambda m: m.ones(2).is_nonzero())
    _same_error(lambda m: m.ones(0).is_nonzero())
    _same(lambda m: m.ones(2, 3).is_same_size(m.zeros(2, 3)))
    _same(lambda m: m.ones(2, 3).is_same_size(m.zeros(3, 2)))
    _same(lambda m: m.ones(2, 3, 4).dim_order())
    _same(lambda m: m.ones(2, 3, 4).transpose(0, 2).dim_order())
    _same(lambda m: (lambda x: x.is_set_to(x))(m.ones(3)))
    _same(lambda m: m.ones(3).is_set_to(m.ones(3)))
    _same(lambda m: (lambda x: x[1:].is_set_to(x[1:]))(m.ones(3)))
    _same(lambda m: m.ones(2, 2).sum(0).output_nr)
    _same(lambda m: m.ones(4).max(0)[1].output_nr)


def test_real_imag_properties():
    _same(lambda m: m.view_as_real(m.tensor([1 + 2j, 3 - 1j]).imag.unsqueeze(-1).expand(2, 2).contiguous()
                                   .to(m.complex64)))
    _same(lambda m: m.tensor([1.0, 2.0]).real)
    _same_error(lambda m: m.tensor([1.0, 2.0]).imag)

    def setters(m):
        z = m.tensor([1 + 2j, 3 - 1j])
        z.real = m.tensor([5.0, 6.0])
        z.imag = 0.5
        return m.view_as_real(z)
    _same(setters)

    def real_of_real(m):
        x = m.zeros(3)
        x.real = m.ones(3)
        return x
    _same(real_of_real)


def test_dunders():
    _same(lambda m: m.tensor([4.0]).__div__(2))
    _same(lambda m: m.tensor([4.0]).__rdiv__(2))
    _same(lambda m: m.tensor([3]).__long__())
    _same(lambda m: m.tensor([3]).__nonzero__())
    _same(lambda m: 3 << m.tensor([1, 2]))
    _same(lambda m: 64 >> m.tensor([1, 2]))

    def ishift(m):
        x = m.tensor([1, 2])
        x <<= 2
        x >>= 1
        y = x.double()
        y.__idiv__(2)
        return x, y
    t, j = _both(ishift)
    assert [v.tolist() for v in j] == [v.tolist() for v in t]
    _same_error(lambda m: m.tensor([1, 2]).__idiv__(2))
    _same_error(lambda m: m.ones(2).__delitem__(0))
    assert jtorch.Tensor.__array_priority__ == torch.Tensor.__array_priority__


def test_complex_casts_and_errors():
    _same(lambda m: m.view_as_real(m.ones(2).cfloat()))
    _same(lambda m: m.view_as_real(m.ones(2).cdouble()))
    _same_error(lambda m: m.complex(m.ones(2), m.ones(2, dtype=m.float64)))
    _same_error(lambda m: m.complex(m.ones(2, dtype=m.long), m.ones(2, dtype=m.long)))


def test_resize_and_set():
    def grow(m):
        x = m.arange(4.0)
        x.resize_(2, 2)
        return x
    _same(grow)

    def shrink(m):
        x = m.arange(6.0)
        x.resize_(3)
        return x
    _same(shrink)

    def grow_more(m):
        x = m.arange(2.0)
        x.resize_(2, 2)
        return x[0]  # beyond the old elements torch leaves memory uninitialised
    _same(grow_more)
    _same(lambda m: m.arange(4.0).resize_as_(m.ones(1, 4)))
    _same_error(lambda m: m.ones(2, requires_grad=True).resize_(3))

    def set_to(m):
        x = m.zeros(2)
        x.set_(m.arange(5.0))
        return x
    _same(set_to)
    _same(lambda m: m.zeros(2).set_().shape)
    _same_error(lambda m: m.zeros(2).set_(m.zeros(2, dtype=m.float64)))

    def restride(m):
        x = m.arange(6.0)
        return m.as_strided_(x, (2, 2), (1, 2), 1)
    _same(restride)


def test_as_strided_writes_reach_the_input():
    def write(m):
        x = m.arange(8.0)
        v = x.as_strided((2, 2), (1, 4))
        v.add_(100)
        return x
    _same(write)
    _same(lambda m: m.arange(8.0)[2:].as_strided((2,), (3,)).storage_offset())
    _same_error(lambda m: m.arange(12.0).as_strided((4, 4), (4, 1)))
    _same_error(lambda m: m.arange(12.0).as_strided((2, 2), (1, 1, 1)))
    _same_error(lambda m: m.arange(12.0).as_strided((2, 2), (1, -1)))
    _same_error(lambda m: m.arange(12.0).as_strided((2, 2), (1, 1), -1))
    _same_error(lambda m: m.slice_scatter(m.zeros(4), m.ones(3), 0, 0, 2))


def test_host_loops():
    _same(lambda m: m.arange(4.0).apply_(lambda v: v * v + 1))
    _same(lambda m: m.arange(4.0).map_(m.tensor([2.0]), lambda a, b: a * b))
    _same(lambda m: m.arange(3.0).map2_(m.ones(3), m.full((3,), 2.0), lambda a, b, c: a + b * c))


def test_as_subclass_keeps_autograd():
    class Mine(jtorch.Tensor):
        pass
    x = jtorch.ones(2, requires_grad=True)
    y = (x * 3).as_subclass(Mine)
    assert type(y) is Mine and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_removed_methods_raise_runtime_error():
    for name, args in (("eig", ()), ("symeig", ()), ("solve", (None,)), ("lstsq", (None,)), ("reinforce", (1,))):
        with pytest.raises(RuntimeError):
            getattr(torch.ones(2, 2), name)(*args)
        with pytest.raises(RuntimeError):
            getattr(jtorch.ones(2, 2), name)(*args)


def test_top_level_inplace_functions_rebind_their_argument():
    for m in (torch, jtorch):
        x = m.tensor([-1.0, 2.0])
        assert m.relu_(x) is x and x.tolist() == [0.0, 2.0]
        y = m.tensor([-1.0])
        assert m.selu_(y) is y
    _same(lambda m: m.threshold_(m.tensor([0.5, 2.0]), 1.0, -3.0))
    _same(lambda m: m.detach_(m.ones(2) * 2).requires_grad)


def test_module_load_and_volatile():
    _same(lambda m: m.zeros(2).module_load(m.ones(2)))
    _same(lambda m: m.zeros(2).module_load(m.ones(2), assign=True))
    with pytest.warns(UserWarning):
        assert jtorch.ones(1).volatile is False


def test_sym_helpers_match_torch_on_plain_numbers():
    for name, args in (("sym_float", (3,)), ("sym_int", (3.7,)), ("sym_int", (-3.7,)), ("sym_max", (2, 3.0)),
                       ("sym_max", (2, 3)), ("sym_min", (2, 3.5)), ("sym_not", (True,)), ("sym_sqrt", (4,)),
                       ("sym_sum", ([1, 2, 3],)), ("sym_ite", (False, 1, 2)), ("sym_fresh_size", (5,))):
        t, j = getattr(torch, name)(*args), getattr(jtorch, name)(*args)
        assert j == t and type(j) is type(t), (name, j, t)


def test_build_flags_and_small_functions():
    assert jtorch.has_lapack and jtorch.has_spectral
    _same(lambda m: m.get_device(m.ones(1)))
    _same(lambda m: m.is_distributed(m.ones(1)))
    _same(lambda m: m.is_vulkan_available())
    _same(lambda m: m.norm(m.arange(4.0).reshape(2, 2), 2, 1, False, None, m.float64))

    def norm_out(m):
        out = m.empty(2)
        m.norm(m.arange(4.0).reshape(2, 2), 1, 1, out=out)
        return out
    _same(norm_out)

    def chain_out(m):
        out = m.empty(2, 2)
        m.chain_matmul(m.eye(2), m.ones(2, 2), out=out)
        return out
    _same(chain_out)


def test_deterministic_debug_mode():
    try:
        for mode in ("warn", 2, "default"):
            for m in (torch, jtorch):
                m.set_deterministic_debug_mode(mode)
            assert jtorch.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
            assert jtorch.is_deterministic_algorithms_warn_only_enabled() == \
                torch.is_deterministic_algorithms_warn_only_enabled()
            assert jtorch.are_deterministic_algorithms_enabled() == torch.are_deterministic_algorithms_enabled()
        _same_error(lambda m: m.set_deterministic_debug_mode("x"))
        _same_error(lambda m: m.set_deterministic_debug_mode(3))
        _same_error(lambda m: m.set_deterministic_debug_mode(1.0))
    finally:
        torch.set_deterministic_debug_mode(0)
        jtorch.set_deterministic_debug_mode(0)


def test_autocast_spellings_for_other_devices():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for m in (torch, jtorch):
            assert str(m.get_autocast_ipu_dtype()) == "torch.float16"
            assert str(m.get_autocast_xla_dtype()) == "torch.bfloat16"
            assert m.is_autocast_xla_enabled() is False
            m.set_autocast_cpu_enabled(True)
            assert m.is_autocast_enabled("cpu")
            m.set_autocast_cpu_enabled(False)
            assert not m.is_autocast_enabled("cpu")
    with pytest.warns(DeprecationWarning):
        jtorch.is_autocast_ipu_enabled()


def test_set_default_tensor_type():
    try:
        with pytest.warns(UserWarning):
            jtorch.set_default_tensor_type(jtorch.DoubleTensor)
        assert jtorch.get_default_dtype() is jtorch.float64
        with pytest.warns(UserWarning):
            jtorch.set_default_tensor_type("torch.FloatTensor")
        assert jtorch.get_default_dtype() is jtorch.float32
    finally:
        jtorch.set_default_dtype(jtorch.float32)


def test_linalg_spellings_errors():
    _same_error(lambda m: m.cholesky_solve(m.ones(3, 2, dtype=m.float64), m.eye(3)))
    _same_error(lambda m: m.triangular_solve(m.ones(3, 2, dtype=m.float64), m.eye(3)))
    _same_error(lambda m: m.addr(m.ones(2, 2), m.ones(2, 1), m.ones(2)))
    _same_error(lambda m: m.inner(m.ones(2), m.ones(3)))
    _same_error(lambda m: m.dist(m.ones(3, dtype=m.long), m.zeros(3, dtype=m.long)))
    with pytest.warns(UserWarning):
        jtorch.nuclear_norm(jtorch.ones(2, 2))
    t, j = _both(lambda m: type(m.geqrf(m.ones(3, 2))).__name__)
    assert j == t == "geqrf"
    _same(lambda m: m.lu_unpack(*m.linalg.lu_factor(m.eye(3)), unpack_data=False, unpack_pivots=False)[0].shape)


def test_windows_and_stft_errors():
    for name in ("hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"):
        _same_error(lambda m: getattr(m, name)(-1))
        _same_error(lambda m: getattr(m, name)(3, dtype=m.int64))
    _same_error(lambda m: m.stft(m.ones(16), 8))
    _same_error(lambda m: m.istft(m.ones(5, 3), 8))
    with pytest.warns(UserWarning):
        jtorch.stft(jtorch.ones(16), 8, return_complex=True)


def test_indexing_and_misc_errors():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # index_reduce is beta in torch and says so
        for reduce in ("sum", "x"):
            _same_error(lambda m: m.ones(5, 2).index_reduce(0, m.tensor([0]), m.ones(1, 2), reduce))
        _same_error(lambda m: m.ones(5, 2).index_reduce(0, m.tensor([0.0]), m.ones(1, 2), "prod"))
        _same_error(lambda m: m.ones(5, 2).index_reduce(0, m.tensor([0]), m.ones(1, 2, dtype=m.float64), "prod"))
        _same_error(lambda m: m.ones(5, 2).index_reduce(0, m.tensor([7]), m.ones(1, 2), "prod"))
    with pytest.warns(UserWarning):
        jtorch.index_reduce(jtorch.ones(2), 0, jtorch.tensor([0]), jtorch.ones(1), "amax")
    _same_error(lambda m: m.unravel_index(m.tensor([1.0]), (2, 4)))
    _same_error(lambda m: m.unravel_index(m.tensor([1]), (2, -4)))
    _same_error(lambda m: m.frexp(m.arange(3)))
    _same_error(lambda m: m.ones(2, 3).sum_to_size(2, 2))
    t, j = _both(lambda m: type(m.frexp(m.ones(2))).__name__)
    assert j == t == "frexp"
    _same(lambda m: m.empty_strided((2, 3), (1, 2)).shape)


def test_names_without_a_meaning_here_refuse_with_the_reason():
    for name in ("Graph", "ScriptModule", "TypedStorage", "FloatStorage", "qscheme"):
        assert isinstance(getattr(jtorch, name), type)
        with pytest.raises(RuntimeError, match=f"torch.{name} is not available in jtorch"):
            getattr(jtorch, name)()
    assert not isinstance(jtorch.ones(1), jtorch.ScriptModule)
    for name in ("quantize_per_tensor", "sparse_coo_tensor", "cudnn_convolution", "parse_ir", "int_repr"):
        with pytest.raises(RuntimeError, match=f"torch.{name} is not available in jtorch"):
            getattr(jtorch, name)(jtorch.ones(1))
    assert jtorch.cudnn_is_acceptable(jtorch.ones(1)) is False
    assert issubclass(jtorch.JITException, Exception) and issubclass(jtorch.FatalError, Exception)
    assert jtorch.AVG.name == torch.AVG.name and jtorch.SUM.name == torch.SUM.name
    assert jtorch.GradScaler is jtorch.amp.GradScaler


def test_fork_wait_and_cond_run_eagerly():
    _same(lambda m: m.wait(m.jit.fork(lambda x: x * 2, m.ones(2))) if m is torch else
          m.wait(m.fork(lambda x: x * 2, m.ones(2))))
    fut = jtorch.fork(lambda: 3)
    assert fut.done() and fut.wait() == 3 and fut.then(lambda f: f.value() + 1).wait() == 4
    _same(lambda m: m.cond(m.tensor(True), lambda x: x + 1, lambda x: x - 1, (m.ones(2),)))
    _same(lambda m: m.cond(False, lambda x: x + 1, lambda x: x - 1, (m.ones(2),)))


def test_from_file(tmp_path):
    path = tmp_path / "values.bin"
    np.arange(6, dtype=np.float32).tofile(path)
    _same(lambda m: m.from_file(str(path), size=4, dtype=m.float32))
    _same_error(lambda m: m.from_file(str(path), size=100, dtype=m.float32))


def test_aten_dropouts_rrelu_and_embedding_renorm():
    for name in ("alpha_dropout", "feature_dropout", "feature_alpha_dropout", "dropout"):
        _same(lambda m: getattr(m, name)(m.ones(2, 3), 0.5, False))
        x = jtorch.ones(4, 8)
        out = getattr(jtorch, name)(x, 0.5, True)
        assert tuple(out.shape) == (4, 8)
        y = jtorch.ones(4, 8)
        assert getattr(jtorch, name + "_")(y, 0.0, True) is y
    _same(lambda m: m.rrelu(m.tensor([-1.0, 2.0])))
    slopes = jtorch.rrelu(-jtorch.ones(1000), 0.1, 0.3, True) / -1
    assert 0.1 <= slopes.min().item() and slopes.max().item() <= 0.3 and slopes.std().item() > 0
    out, mask = jtorch.native_dropout(jtorch.ones(100), 0.5, True)
    assert mask.dtype is jtorch.bool and bool(((out == 0) | (out == 2)).all())
    _same(lambda m: m.native_dropout(m.ones(3), 0.5, False)[1])
    for m in (torch, jtorch):  # torch runs it on sparse tensors only
        with pytest.raises(NotImplementedError):
            m.native_norm(m.ones(3))

    def renorm(m):
        w = m.arange(12.0).reshape(4, 3)
        m.embedding_renorm_(w, m.tensor([1, 3, 1]), 2.0, 2.0)
        return w
    _same(renorm)
    _same(lambda m: m.kl_div(m.tensor([-1.0, -2.0]), m.tensor([0.5, 0.5])))
    _same_error(lambda m: m.pdist(m.ones(3)))
    _same_error(lambda m: m.conv_tbc(m.ones(2, 3), m.ones(1, 3, 2), m.ones(2)))
    _same_error(lambda m: m.histogram(m.arange(3), 3))


def test_dense_answers_for_sparse_and_quantized_accessors():
    for name in ("is_coalesced", "coalesce", "indices", "values", "crow_indices", "col_indices", "ccol_indices",
                 "row_indices"):
        _same_error(lambda m: getattr(m.ones(2, 2), name)())
    _same_error(lambda m: m.ones(2, 2).smm(m.ones(2, 2)))
    _same(lambda m: m.ones(2, 2).to_dense())
    _same(lambda m: m.ones(2, 3).dense_dim())
    _same(lambda m: m.ones(2, 3).sparse_dim())
    _same(lambda m: m.ones(2, 3).dequantize())
    _same(lambda m: m.ones(2).is_distributed())
    for name in ("int_repr", "q_scale", "qscheme", "sparse_mask"):
        for m in (torch, jtorch):
            with pytest.raises(NotImplementedError):
                getattr(m.ones(2), name)(*((m.ones(2),) if name == "sparse_mask" else ()))
    for m in (torch, jtorch):
        assert not hasattr(m.ones(2), "__cuda_array_interface__")
        with pytest.raises(AssertionError):
            m.ones(2).xpu()
    with pytest.raises(RuntimeError, match="no sparse tensors"):
        jtorch.ones(2).to_sparse()
    assert jtorch.ones(2).record_stream(None) is None
    _same(lambda m: (lambda x: x[2:4].slice_inverse(x, 0, 2, 4))(m.arange(6.0)))


def test_setstate_and_first_class_dims():
    def legacy(m):
        x = m.zeros(2)
        x.__setstate__((m.arange(3.0), 0, (3,), (1,)))
        return x
    _same(legacy)

    def variable(m):
        x = m.zeros(1)
        x.__setstate__((m.ones(2), None, None, True, None))
        return x.requires_grad, x.tolist()
    _same(variable)
    with pytest.raises(NotImplementedError):
        jtorch.ones(2).index(0, None)


def test_gradient_errors_and_streams():
    _same_error(lambda m: m.gradient(m.ones(1)))
    _same_error(lambda m: m.gradient(m.ones(2), edge_order=2))
    _same_error(lambda m: m.gradient(m.ones(3), edge_order=3))
    _same_error(lambda m: m.Event().record())
    for m in (torch, jtorch):
        s = m.Stream()
        assert s.query() and s.device_type == 0 and s.device_index == -1 and s.synchronize() is None
    _same(lambda m: (lambda r: m.resize_as_(r, m.ones(3)).shape)(m.zeros(2)))
    with pytest.raises(NotImplementedError):
        jtorch.resize_as_sparse_(jtorch.ones(2), jtorch.ones(2))
