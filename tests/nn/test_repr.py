"""Module reprs equal torch's, layer by layer and nested (no compiles: pure Python)."""
import pytest

import jtorch
import jtorch.nn as jnn

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

LAYERS = [
    ("Linear", (3, 4), {}), ("Linear", (3, 4), dict(bias=False)), ("Bilinear", (2, 3, 4), {}), ("Identity", (), {}),
    ("Conv1d", (2, 2, 3), dict(padding="same", padding_mode="reflect", bias=False)),
    ("Conv2d", (3, 4, 3), {}), ("Conv2d", (4, 8, (3, 5)), dict(stride=2, padding=(1, 2), dilation=2, groups=2)),
    ("Conv3d", (1, 2, 3), dict(padding="valid")),
    ("ConvTranspose2d", (3, 4, 3), dict(stride=2, output_padding=1)), ("ConvTranspose1d", (2, 4, 3), dict(groups=2)),
    ("MaxPool2d", (2,), {}), ("MaxPool2d", (3, 1, 1, 1, True, True), {}), ("MaxPool1d", (3,), dict(stride=2)),
    ("AvgPool2d", (2,), {}), ("AvgPool1d", (2,), {}), ("AvgPool2d", (3,), dict(stride=2, ceil_mode=True)),
    ("AdaptiveAvgPool2d", ((1, 1),), {}), ("AdaptiveAvgPool1d", (3,), {}), ("AdaptiveMaxPool2d", (2,), {}),
    ("BatchNorm2d", (3,), {}), ("BatchNorm1d", (3,), dict(momentum=None, affine=False)),
    ("LayerNorm", (4,), {}), ("LayerNorm", ((2, 3),), dict(elementwise_affine=False, eps=1e-6)),
    ("GroupNorm", (2, 4), {}), ("InstanceNorm2d", (3,), {}), ("InstanceNorm1d", (3,), dict(affine=True)),
    ("Dropout", (), {}), ("Dropout2d", (0.2,), {}), ("Dropout1d", (0.3, True), {}), ("AlphaDropout", (0.1,), {}),
    ("Upsample", (), dict(scale_factor=2)), ("Upsample", (), dict(size=(3, 4), mode="bilinear", align_corners=True)),
    ("PixelShuffle", (2,), {}), ("PixelUnshuffle", (2,), {}), ("Flatten", (), {}), ("Unflatten", (1, (2, 2)), {}),
    ("ZeroPad2d", (1,), {}), ("ZeroPad2d", ((1, 2, 3, 4),), {}), ("ConstantPad2d", (2, 3.5), {}),
    ("ReflectionPad2d", (1,), {}), ("ReplicationPad2d", ((1, 2, 3, 4),), {}), ("ConstantPad1d", (2, 1.0), {}),
    ("ReLU", (), {}), ("ReLU", (True,), {}), ("ReLU6", (), {}), ("LeakyReLU", (0.2, True), {}), ("PReLU", (3,), {}),
    ("ELU", (), dict(alpha=0.5, inplace=True)), ("SELU", (), {}), ("CELU", (), {}), ("GELU", (), {}),
    ("GELU", ("tanh",), {}), ("SiLU", (), {}), ("Mish", (), {}), ("Sigmoid", (), {}), ("Tanh", (), {}),
    ("Softplus", (2, 10), {}), ("Softmax", (1,), {}), ("Softmax", (), {}), ("LogSoftmax", (), dict(dim=1)),
    ("Softmin", (0,), {}), ("Hardtanh", (0, 6), {}), ("Hardswish", (), {}), ("Hardsigmoid", (), {}),
    ("Softsign", (), {}), ("Tanhshrink", (), {}), ("Threshold", (0.1, 20), {}), ("GLU", (), {}),
    ("LogSigmoid", (), {}), ("Hardshrink", (), {}), ("Softshrink", (0.3,), {}),
    ("CrossEntropyLoss", (), dict(label_smoothing=0.1)), ("NLLLoss", (), {}), ("MSELoss", (), {}), ("L1Loss", (), {}),
    ("SmoothL1Loss", (), {}), ("HuberLoss", (), {}), ("BCELoss", (), {}), ("BCEWithLogitsLoss", (), {}),
    ("KLDivLoss", (), {}), ("CosineEmbeddingLoss", (), {}), ("MarginRankingLoss", (), {}),
    ("TripletMarginLoss", (), {}), ("MultiLabelSoftMarginLoss", (), {}), ("PoissonNLLLoss", (), {}),
    ("GaussianNLLLoss", (), {}), ("Unfold", (3,), dict(padding=1)), ("Fold", ((4, 4), 2), {}),
    ("LocalResponseNorm", (2,), {}), ("ChannelShuffle", (2,), {}), ("SyncBatchNorm", (3,), {}),
]


def test_layer_reprs_match_torch():
    for name, args, kwargs in LAYERS:
        assert repr(getattr(jnn, name)(*args, **kwargs)) == repr(getattr(torch.nn, name)(*args, **kwargs)), name


def _nested(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                                          nn.MaxPool2d(2), nn.Sequential(nn.Conv2d(8, 8, 1), nn.Identity()))
            self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)] + [nn.Linear(4, 2)])
            self.heads = nn.ModuleDict({"cls": nn.Linear(8, 10), "reg": nn.Sequential(nn.Linear(8, 1), nn.Tanh())})
            self.drop = nn.Dropout(0.25)
            self.empty = nn.Sequential()

        def forward(self, x):
            return x
    return Net()


def test_nested_repr_matches_torch():
    assert repr(_nested(jtorch)) == repr(_nested(torch))
    assert str(_nested(jtorch)) == str(_nested(torch))


def _seed_net(lib):
    """The seed script net_definition.py, written against `lib` as torch."""
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.fc1 = nn.Linear(784, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = x.view(-1, 784)
            x = lib.relu(self.fc1(x))
            return self.fc2(x)
    return Net()


def test_seed_net_definition_prints_like_torch():
    j, t = _seed_net(jtorch), _seed_net(torch)
    assert str(j) == str(t) == ("Net(\n  (fc1): Linear(in_features=784, out_features=128, bias=True)\n"
                                "  (fc2): Linear(in_features=128, out_features=10, bias=True)\n)")
    assert tuple(j(jtorch.zeros(2, 28, 28)).shape) == (2, 10)
