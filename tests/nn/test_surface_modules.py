"""The nn modules and functionals issue 17 added, against real torch: forward and backward with shared weights,
repr, state_dict keys, torch's module paths, errors and deprecation warnings."""
import inspect
import warnings

import numpy as np
import pytest

import jtorch
import jtorch.nn as jnn
import jtorch.nn.functional as JF
from tests.nn._parity import NoGrad, check_layers, close, rand

torch = pytest.importorskip("torch", reason="parity tests need real torch")

SAMPLES2 = np.random.default_rng(3).random((2, 3, 2)).astype(np.float32)


def test_new_layers_match_torch():
    target = np.array([[3, 0, -1, 1], [0, 1, 2, 3]])
    check_layers(torch, [
        ("CosineSimilarity", (), {"dim": 1}, [rand(3, 5), rand(3, 5)]),
        ("PairwiseDistance", (1.0,), {"keepdim": True}, [rand(3, 5), rand(3, 5)]),
        ("LPPool1d", (2, 3), {"stride": 2}, [rand(2, 3, 8, low=0.1)]),
        ("LPPool2d", (3.0, 2), {}, [rand(2, 3, 6, 6, low=0.1)]),
        ("LPPool3d", (2, 2), {}, [rand(1, 2, 4, 4, 4)]),
        ("AdaptiveMaxPool3d", ((2, 3, None),), {}, [rand(2, 2, 5, 7, 3)]),
        ("AdaptiveMaxPool2d", ((3, 4), True), {}, [rand(2, 3, 7, 9)]),
        ("FractionalMaxPool2d", (2,), ({"output_size": (4, 5), "_random_samples": torch.tensor(SAMPLES2)},
                                       {"output_size": (4, 5), "_random_samples": jtorch.tensor(SAMPLES2)}),
         [rand(2, 3, 9, 11)]),
        ("MultiLabelMarginLoss", (), {}, [rand(2, 4), NoGrad(target)]),
        ("TripletMarginWithDistanceLoss", (), {"swap": True}, [rand(4, 5), rand(4, 5), rand(4, 5)]),
        ("NLLLoss2d", (), {}, [rand(2, 3, 2, 2), NoGrad(np.array([[[0, 1], [2, 0]], [[1, 1], [2, 2]]]))]),
        ("CrossMapLRN2d", (3, 0.1, 0.75, 1.5), {}, [rand(2, 7, 3, 4)]),
    ], grad=False)
    # gradients too (CrossMapLRN2d's is torch's hand-written backward, not its forward's exact derivative)
    check_layers(torch, [
        ("CrossMapLRN2d", (4, 0.1, 0.75, 1.5), {}, [rand(2, 7, 3, 4)]),
        ("CosineSimilarity", (), {"dim": 1}, [rand(3, 5), rand(3, 5)]),
        ("LPPool2d", (3.0, 2), {}, [rand(2, 3, 6, 6, low=0.1)]),
        ("AdaptiveMaxPool3d", ((2, 3, None),), {}, [rand(2, 2, 5, 7, 3)]),
        ("FractionalMaxPool2d", (2,), ({"output_size": (4, 5), "_random_samples": torch.tensor(SAMPLES2)},
                                       {"output_size": (4, 5), "_random_samples": jtorch.tensor(SAMPLES2)}),
         [rand(2, 3, 9, 11)]),
        ("MultiLabelMarginLoss", (), {}, [rand(2, 4), NoGrad(target)]),
        ("TripletMarginWithDistanceLoss", (), {"margin": 0.5}, [rand(4, 5), rand(4, 5), rand(4, 5)]),
        ("AdaptiveLogSoftmaxWithLoss", (8, 10, [4, 8]), {"head_bias": True},
         [rand(5, 8), NoGrad(np.array([0, 9, 4, 7, 3]))]),
        ("LinearCrossEntropyLoss", (4, 3), {"out_features": (2,), "bias": True, "label_smoothing": 0.1},
         [rand(5, 4), NoGrad(np.array([[0, 2], [1, 1], [2, 0], [0, 0], [1, 2]]))]),
    ])


def test_max_unpool_round_trip_matches_torch():
    x = rand(2, 3, 6, 8)
    tv, ti = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    jv, ji = JF.max_pool2d_with_indices(jtorch.tensor(x), 2)
    close(tv, jv)
    close(ti, ji)
    for out_size in (None, [7, 9]):
        t = torch.nn.MaxUnpool2d(2)(tv, ti, output_size=out_size)
        j = jnn.MaxUnpool2d(2)(jv, ji, output_size=out_size)
        close(t, j)
    t1, i1 = torch.nn.functional.max_pool1d(torch.tensor(x[0]), 3, 2, 1, return_indices=True)
    close(torch.nn.MaxUnpool1d(3, 2, 1)(t1, i1, [8]), jnn.MaxUnpool1d(3, 2, 1)(jtorch.tensor(t1.numpy()),
                                                                                jtorch.tensor(i1.numpy()), [8]))
    with pytest.raises(RuntimeError, match="Found an invalid max index: 48"):
        JF.max_unpool2d(jtorch.tensor(tv.numpy()), jtorch.tensor(np.full((2, 3, 3, 4), 48)), 2)
    with pytest.raises(ValueError, match="invalid output_size"):
        JF.max_unpool2d(jv, ji, 2, output_size=[10, 8])


def test_functionals_match_torch():
    tf = torch.nn.functional
    x = rand(5, 3)
    x[3] = x[1]  # a zero distance: zero gradient, as torch's
    for p in (2, 1, 3.5, float("inf")):
        tx, jx = torch.tensor(x, requires_grad=True), jtorch.tensor(x, requires_grad=True)
        a, b = tf.pdist(tx, p), JF.pdist(jx, p)
        close(a, b)
        a.sum().backward()
        b.sum().backward()
        close(tx.grad, jx.grad)
    i, w, bias = rand(5, 2, 3), rand(3, 3, 4), rand(4)
    close(tf.conv_tbc(*map(torch.tensor, (i, w, bias)), 1), JF.conv_tbc(*map(jtorch.tensor, (i, w, bias)), 1))
    v, idx = tf.adaptive_max_pool1d(torch.tensor(x.T[None]), 2, True)
    jv, jidx = JF.adaptive_max_pool1d_with_indices(jtorch.tensor(x.T[None]), 2)
    close(v, jv)
    close(idx, jidx)
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors, got: 1D"):
        JF.pdist(jtorch.ones(3))
    with pytest.raises(ValueError, match="requires specifying either an output_size or an output_ratio"):
        JF.fractional_max_pool2d(jtorch.ones(1, 1, 4, 4), 2)
    out = jtorch.empty(5, 3)
    assert JF.normalize(jtorch.tensor(x), out=out) is out
    close(out, tf.normalize(torch.tensor(x)))
    jtorch.manual_seed(0)
    y = JF.rrelu(jtorch.tensor(x), training=True).numpy()
    neg = x < 0
    slopes = y[neg] / x[neg]
    assert np.all((slopes >= 1 / 8 - 1e-6) & (slopes <= 1 / 3 + 1e-6)) and np.all(y[~neg] == x[~neg])


def test_repr_and_state_dict_keys_match_torch():
    pairs = [("MaxUnpool2d", (2,), {}), ("MaxUnpool1d", (3, 2, 1), {}), ("LPPool1d", (2.0, 3, 2, True), {}),
             ("FractionalMaxPool2d", (2,), {"output_ratio": 0.5}), ("AdaptiveMaxPool3d", (2,), {}),
             ("CosineSimilarity", (), {}), ("PairwiseDistance", (), {}), ("MultiLabelMarginLoss", (), {}),
             ("TripletMarginWithDistanceLoss", (), {}), ("CrossMapLRN2d", (3,), {}),
             ("AdaptiveLogSoftmaxWithLoss", (8, 10, [4, 8]), {}), ("LinearCrossEntropyLoss", (4, 5), {"bias": True}),
             ("AdaptiveAvgPool2d", ((2, 3),), {})]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs.append(("NLLLoss2d", (), {}))
        for name, args, kwargs in pairs:
            t, j = getattr(torch.nn, name)(*args, **kwargs), getattr(jnn, name)(*args, **kwargs)
            assert repr(j) == repr(t), name
            assert list(j.state_dict()) == list(t.state_dict()), name


def test_classes_live_at_torchs_module_paths():
    for name in dir(torch.nn):
        tcls = getattr(torch.nn, name)
        if inspect.isclass(tcls) and tcls.__module__.startswith("torch.nn.modules."):
            jcls = getattr(jnn, name)
            assert jcls.__module__ == "j" + tcls.__module__, name
            assert jcls.__qualname__ == tcls.__qualname__, name


def test_signatures_match_torch():
    names = ["AdaptiveAvgPool1d", "AdaptiveMaxPool3d", "Container", "NLLLoss2d", "SyncBatchNorm", "MaxUnpool3d",
             "LPPool2d", "FractionalMaxPool3d", "TripletMarginWithDistanceLoss", "LinearCrossEntropyLoss",
             "AdaptiveLogSoftmaxWithLoss", "CrossMapLRN2d", "CosineSimilarity", "PairwiseDistance"]
    fnames = ["max_pool2d", "adaptive_max_pool3d", "fractional_max_pool2d", "max_pool3d_with_indices",
              "fractional_max_pool3d_with_indices", "lp_pool3d", "max_unpool1d", "normalize",
              "margin_ranking_loss", "multilabel_margin_loss", "triplet_margin_with_distance_loss",
              "adaptive_avg_pool2d"]

    def sig(obj):
        return [(p.name, p.kind, p.default) for p in inspect.signature(obj).parameters.values()]
    for n in names:
        assert sig(getattr(jnn, n)) == sig(getattr(torch.nn, n)), n
    for n in fnames:
        assert sig(getattr(JF, n)) == sig(getattr(torch.nn.functional, n)), n


def test_deprecated_classes_warn_like_torch():
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        jnn.NLLLoss2d()
    with pytest.warns(FutureWarning, match="`nn.Container` is deprecated"):
        c = jnn.Container(a=jnn.ReLU())
    assert list(dict(c.named_children())) == ["a"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jnn.NLLLoss()  # the parent class does not warn


def test_lazy_modules_materialise_at_torch_paths():
    from jtorch.nn.modules.conv import LazyConv2d
    from jtorch.nn.modules.instancenorm import LazyInstanceNorm1d
    m = LazyConv2d(4, 3)
    assert isinstance(m.weight, jnn.UninitializedParameter)
    m(jtorch.ones(1, 2, 5, 5))
    assert type(m) is jnn.Conv2d and tuple(m.weight.shape) == (4, 2, 3, 3)
    n = LazyInstanceNorm1d()
    n(jtorch.ones(2, 3, 4))
    assert type(n) is jnn.InstanceNorm1d and list(n.state_dict()) == list(torch.nn.InstanceNorm1d(
        3, affine=True, track_running_stats=True).state_dict())


def test_nn_grad_matches_torch():
    x, w = rand(2, 4, 6, 6), rand(6, 2, 3, 3)
    go = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), None, 2, 1, 1, 2)
    jgo = jtorch.tensor(go.numpy())
    close(torch.nn.grad.conv2d_input(x.shape, torch.tensor(w), go, 2, 1, 1, 2),
          jnn.grad.conv2d_input(x.shape, jtorch.tensor(w), jgo, 2, 1, 1, 2), atol=1e-4)
    close(torch.nn.grad.conv2d_weight(torch.tensor(x), w.shape, go, 2, 1, 1, 2),
          jnn.grad.conv2d_weight(jtorch.tensor(x), w.shape, jgo, 2, 1, 1, 2), atol=1e-3)


def test_factory_kwargs_and_deprecated_init_spellings():
    assert jnn.factory_kwargs({"device": "cpu", "factory_kwargs": {"dtype": 1}}) == {"dtype": 1, "device": "cpu"}
    with pytest.raises(TypeError, match="device specified twice"):
        jnn.factory_kwargs({"device": 1, "factory_kwargs": {"device": 2}})
    t = jtorch.empty(3, 3)
    with pytest.warns(FutureWarning, match="`nn.init.eye` is now deprecated in favor of `nn.init.eye_`"):
        jnn.init.eye(t)
    close(t, np.eye(3))


def test_lr_schedulers_take_no_verbose():
    opt = jtorch.optim.SGD([jnn.Parameter(jtorch.ones(1))], lr=0.1)
    with pytest.raises(TypeError):
        jtorch.optim.lr_scheduler.StepLR(opt, 1, verbose=True)
    with pytest.raises(TypeError):
        torch.optim.lr_scheduler.StepLR(torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1), 1,
                                        verbose=True)


def test_functional_module_names():
    tf = torch.nn.functional
    assert JF.GRID_SAMPLE_INTERPOLATION_MODES == tf.GRID_SAMPLE_INTERPOLATION_MODES
    assert JF.GRID_SAMPLE_PADDING_MODES == tf.GRID_SAMPLE_PADDING_MODES
    for notes in ("reproducibility_notes", "sparse_support_notes", "tf32_notes"):
        assert set(getattr(JF, notes)) == set(getattr(tf, notes)), notes
    assert JF.Tensor is jtorch.Tensor and JF.TYPE_CHECKING is False
    JF.assert_int_or_pair(3, "k", "{} bad")
    with pytest.raises(AssertionError, match="k bad"):
        JF.assert_int_or_pair([1, 2, 3], "k", "{} bad")
    assert JF.has_torch_function_unary(jtorch.ones(1)) is False
    assert jnn.attention.SDPBackend is not None


def test_grouped_and_scaled_mm_match_torch():
    tf = torch.nn.functional
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((6, 8)).astype(np.float32), rng.standard_normal((3, 8, 8)).astype(np.float32)
    offs = np.array([2, 3, 6], np.int32)
    close(tf.grouped_mm(torch.tensor(a), torch.tensor(b), offs=torch.tensor(offs)),
          JF.grouped_mm(jtorch.tensor(a), jtorch.tensor(b), offs=jtorch.tensor(offs)))
    a3 = rng.standard_normal((3, 6, 8)).astype(np.float32)
    close(tf.grouped_mm(torch.tensor(a3), torch.tensor(b)), JF.grouped_mm(jtorch.tensor(a3), jtorch.tensor(b)))
    k_a, k_b = rng.standard_normal((8, 12)).astype(np.float32), rng.standard_normal((12, 8)).astype(np.float32)
    k_offs = np.array([4, 8, 12], np.int32)
    close(tf.grouped_mm(torch.tensor(k_a), torch.tensor(k_b), offs=torch.tensor(k_offs)),
          JF.grouped_mm(jtorch.tensor(k_a), jtorch.tensor(k_b), offs=jtorch.tensor(k_offs)))
    # 3-D x 2-D (columns of mat_b in groups; torch's CPU kernel refuses these strides): against the definition
    w = rng.standard_normal((8, 16)).astype(np.float32)
    got = JF.grouped_mm(jtorch.tensor(a3), jtorch.tensor(w), offs=jtorch.tensor(np.array([4, 10, 16], np.int32)))
    want = np.concatenate([a3[0] @ w[:, :4], a3[1] @ w[:, 4:10], a3[2] @ w[:, 10:]], 1)
    close(got, want, atol=1e-4)
    assert [m.name for m in JF.ScalingType] == list(tf.ScalingType.__members__)
    assert [m.name for m in JF.SwizzleType] == list(tf.SwizzleType.__members__)
    x, y = rng.standard_normal((16, 32)).astype(np.float32), rng.standard_normal((16, 32)).astype(np.float32)
    ta, tb = torch.tensor(x).to(torch.float8_e4m3fn), torch.tensor(y).to(torch.float8_e4m3fn).t()
    ja = jtorch.tensor(ta.float().numpy()).to(jtorch.float8_e4m3fn)
    jb = jtorch.tensor(tb.float().numpy()).to(jtorch.float8_e4m3fn)
    sa, sb = rng.random((16, 1)).astype(np.float32) + 0.5, rng.random((1, 16)).astype(np.float32) + 0.5
    for recipe, (s1, s2) in (("RowWise", (sa, sb)), ("TensorWise", (np.float32(0.5), np.float32(2.0)))):
        t = tf.scaled_mm(ta, tb, torch.tensor(s1), getattr(tf.ScalingType, recipe), torch.tensor(s2),
                         getattr(tf.ScalingType, recipe), output_dtype=torch.float32)
        j = JF.scaled_mm(ja, jb, jtorch.tensor(s1), getattr(JF.ScalingType, recipe), jtorch.tensor(s2),
                         getattr(JF.ScalingType, recipe), output_dtype=jtorch.float32)
        close(t, j, atol=1e-4)
    with pytest.raises(NotImplementedError, match="BlockWise1x32"):
        JF.scaled_mm(ja, jb, jtorch.ones(1), JF.ScalingType.BlockWise1x32, jtorch.ones(1), JF.ScalingType.RowWise)


def test_quantized_namespaces_import_and_refuse_clearly():
    import jtorch.nn.quantized  # noqa: F401  (imports, as torch's does)
    for ns in ("quantized", "qat", "quantizable", "intrinsic"):
        mod = getattr(jnn, ns)
        assert not hasattr(mod, "Linear")
        with pytest.raises(AttributeError, match=f"torch.nn.{ns}.Conv2d: jtorch has no quantized layers"):
            mod.Conv2d


def test_instance_norm_stale_stats_and_unused_num_features_as_torch():
    for m in (torch, jtorch):
        with pytest.raises(RuntimeError) as info:
            m.nn.InstanceNorm2d(3).load_state_dict({"running_mean": m.zeros(3), "running_var": m.ones(3)})
        if m is torch:
            want = str(info.value)
    assert str(info.value) == want
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        jnn.InstanceNorm2d(3)(jtorch.ones(1, 4, 2, 2))
