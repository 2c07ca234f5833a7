"""Layer parity with torch: same weights (loaded through numpy), same outputs, same input/parameter grads."""
import warnings

import numpy as np
import pytest

from tests.nn._parity import check_layers, rand

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

X4 = rand(2, 4, 9, 9)
X3 = rand(2, 4, 12)
X2 = rand(3, 6)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_linear_and_conv():
    check_layers(torch, [
        ("Linear", (6, 5), {}, [X2]),
        ("Linear", (6, 5), dict(bias=False), [X4[:, :, :, :6]]),
        ("Bilinear", (6, 12, 3), {}, [X2, X3[0, :3]]),
        ("Conv2d", (4, 6, 3), dict(stride=2, padding=1), [X4]),
        ("Conv2d", (4, 6, (3, 2)), dict(padding="same", dilation=2, groups=2, padding_mode="reflect"), [X4]),
        ("Conv2d", (4, 4, 3), dict(padding=(1, 2), padding_mode="circular", bias=False), [X4]),
        ("Conv2d", (4, 4, 3), dict(padding=1, padding_mode="replicate"), [X4[0]]),
        ("Conv1d", (4, 6, 4), dict(padding="same"), [X3]),
        ("Conv1d", (4, 6, 3), dict(padding="valid", stride=3), [X3]),
        ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1), [X4]),
        ("ConvTranspose2d", (4, 6, 3), dict(stride=2, groups=2, dilation=2), [X4]),
        ("ConvTranspose1d", (4, 2, 5), dict(stride=3, padding=2, output_padding=2), [X3]),
        ("Conv3d", (4, 2, 2), {}, [rand(1, 4, 3, 4, 5)]),
    ])


def test_pooling():
    check_layers(torch, [
        ("MaxPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True), [X4]),
        ("MaxPool2d", (2,), dict(return_indices=True), [X4]),
        ("MaxPool2d", (3,), dict(stride=2, dilation=2, return_indices=True, ceil_mode=True), [X4]),
        ("MaxPool1d", (3,), dict(stride=2, padding=1), [X3]),
        ("MaxPool2d", (2,), {}, [X4]),                  # non-overlapping windows: the reshape path
        ("MaxPool2d", ((3, 2),), dict(ceil_mode=True), [X4[:, :, :, :8]]),
        ("MaxPool1d", (4,), {}, [X3]),
        ("MaxPool3d", (2,), {}, [rand(1, 2, 4, 5, 6)]),
        ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True), [X4]),
        ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False), [X4]),
        ("AvgPool2d", (2,), dict(divisor_override=3), [X4]),
        ("AvgPool1d", (4,), dict(stride=3, ceil_mode=True), [X3]),
        ("AdaptiveAvgPool2d", ((4, 3),), {}, [X4]),
        ("AdaptiveAvgPool2d", (1,), {}, [X4]),
        ("AdaptiveAvgPool1d", (5,), {}, [X3]),
        ("AdaptiveMaxPool2d", ((4, 5),), {}, [X4]),
    ])


def test_activations():
    x = rand(3, 4, 5, low=-4, high=4)
    names = ["ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
             "Softplus", "Hardtanh", "Hardswish", "Hardsigmoid", "Softsign", "Tanhshrink", "LogSigmoid", "Hardshrink",
             "Softshrink", "Identity", "Softmax2d"]
    cases = [(n, (), {}, [x]) for n in names]
    cases += [
        ("LeakyReLU", (0.2,), {}, [x]), ("PReLU", (4,), dict(init=0.1), [x]), ("ELU", (0.5,), {}, [x]),
        ("CELU", (2.0,), {}, [x]), ("GELU", (), dict(approximate="tanh"), [x]), ("Softplus", (2.0, 3.0), {}, [x]),
        ("Hardtanh", (-0.5, 2.0), {}, [x]), ("Threshold", (0.3, -2.0), {}, [x]), ("GLU", (1,), {}, [x]),
        ("GLU", (), {}, [rand(3, 6)]), ("Softmax", (1,), {}, [x]), ("LogSoftmax", (-1,), {}, [x]),
        ("Softmin", (0,), {}, [x]), ("Softshrink", (1.0,), {}, [x]),
    ]
    check_layers(torch, cases)


def test_normalization_and_misc():
    check_layers(torch, [
        ("BatchNorm2d", (4,), {}, [X4]),
        ("BatchNorm1d", (4,), dict(affine=False, momentum=None), [X3]),
        ("BatchNorm1d", (6,), dict(track_running_stats=False), [X2]),
        ("LayerNorm", (9,), {}, [X4]),
        ("LayerNorm", ((9, 9),), dict(elementwise_affine=False), [X4]),
        ("LayerNorm", (12,), dict(bias=False), [X3]),
        ("GroupNorm", (2, 4), {}, [X4]),
        ("InstanceNorm2d", (4,), {}, [X4]),
        ("InstanceNorm1d", (4,), dict(affine=True, track_running_stats=True), [X3]),
        ("Flatten", (), {}, [X4]),
        ("Unflatten", (1, (2, 2)), {}, [X3]),
        ("Upsample", (), dict(scale_factor=2), [X4]),
        ("Upsample", (), dict(size=(5, 13), mode="bilinear"), [X4]),
        ("Upsample", (), dict(scale_factor=1.5, mode="bilinear", align_corners=True), [X4]),
        ("Upsample", (), dict(scale_factor=2.5, mode="linear"), [X3]),
        ("UpsamplingNearest2d", (), dict(size=(4, 14)), [X4]),
        ("PixelShuffle", (2,), {}, [X4]),
        ("PixelUnshuffle", (3,), {}, [X4]),
        ("ZeroPad2d", ((1, 2, 0, 3),), {}, [X4]),
        ("ConstantPad2d", (2, 3.5), {}, [X4]),
        ("ConstantPad1d", ((-1, 2), 1.0), {}, [X3]),
        ("ReflectionPad2d", ((1, 2, 3, 0),), {}, [X4]),
        ("ReplicationPad2d", (2,), {}, [X4]),
        ("ReflectionPad1d", (3,), {}, [X3]),
        ("CircularPad2d", (1,), {}, [X4]),
        ("Unfold", (3,), dict(padding=1, stride=2), [X4]),
        ("Unfold", ((2, 3),), dict(dilation=(2, 1)), [X4]),
        ("Fold", ((5, 6), 2), dict(stride=1), [rand(2, 12, 20)]),
        ("Fold", ((6, 7), (3, 2)), dict(stride=2, padding=1), [rand(1, 12, 12)]),
        ("LocalResponseNorm", (3,), {}, [X4]),
        ("LocalResponseNorm", (2,), dict(alpha=0.1, beta=0.5, k=2.0), [X3]),
        ("ChannelShuffle", (2,), {}, [X4]),
        ("SyncBatchNorm", (4,), {}, [X3]),
    ])
