"""Loss parity with torch (modules and functional), every reduction, and torch's errors for bad targets."""
import warnings

import numpy as np
import pytest

import jtorch
import jtorch.nn as jnn
import jtorch.nn.functional as JF
from tests.nn._parity import NoGrad, check_layers, rand

torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

RNG = np.random.default_rng(1)
N, C = 5, 4
LOGITS = rand(N, C)
LABELS = NoGrad(np.array([0, 3, 1, 3, 2]))
LABELS_IGN = NoGrad(np.array([0, -100, 1, 3, -100]))
PROBS = rand(N, C, low=0.05, high=1.0)
PROBS /= PROBS.sum(1, keepdims=True)
KDIM = rand(2, C, 3, 2)
KLABELS = NoGrad(RNG.integers(0, C, size=(2, 3, 2)))
W = NoGrad(rand(C, low=0.1, high=2.0))
Y = rand(N, C)
P01 = rand(N, C, low=0.02, high=0.98)
T01 = NoGrad(RNG.integers(0, 2, size=(N, C)).astype(np.float32))
SIGN = NoGrad(np.where(RNG.random(N) > 0.5, 1.0, -1.0).astype(np.float32))


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_classification_losses():
    cases = []
    for red in ("mean", "sum", "none"):
        cases += [
            ("CrossEntropyLoss", (), dict(reduction=red), [LOGITS, LABELS]),
            ("NLLLoss", (), dict(reduction=red), [LOGITS, LABELS_IGN]),
            ("CrossEntropyLoss", (), dict(reduction=red, label_smoothing=0.2, ignore_index=-100), [LOGITS, LABELS_IGN]),
            ("CrossEntropyLoss", (), dict(reduction=red), [LOGITS, NoGrad(PROBS)]),
            ("BCEWithLogitsLoss", (), dict(reduction=red), [LOGITS, T01]),
            ("BCELoss", (), dict(reduction=red), [P01, T01]),
        ]
    cases += [
        ("CrossEntropyLoss", (), dict(weight=W), [LOGITS, LABELS_IGN]),
        ("CrossEntropyLoss", (), dict(weight=W, label_smoothing=0.1), [LOGITS, LABELS_IGN]),
        ("CrossEntropyLoss", (), dict(weight=W, label_smoothing=0.3), [LOGITS, NoGrad(PROBS)]),
        ("CrossEntropyLoss", (), {}, [KDIM, KLABELS]),
        ("CrossEntropyLoss", (), {}, [LOGITS[0], NoGrad(np.array(2))]),
        ("NLLLoss", (), dict(weight=W, ignore_index=1), [LOGITS, LABELS]),
        ("NLLLoss", (), dict(reduction="none"), [KDIM, KLABELS]),
        ("BCEWithLogitsLoss", (), dict(pos_weight=W, weight=NoGrad(rand(C, low=0.5))), [LOGITS, T01]),
        ("BCELoss", (), dict(weight=NoGrad(rand(N, C, low=0.5))), [P01, T01]),
        ("MultiLabelSoftMarginLoss", (), {}, [LOGITS, T01]),
        ("MultiLabelSoftMarginLoss", (), dict(reduction="none", weight=W), [LOGITS, T01]),
        ("MultiMarginLoss", (), {}, [LOGITS, LABELS]),
    ]
    check_layers_split(cases)


def check_layers_split(cases):
    """Constructor tensors (weight=, pos_weight=) given as NoGrad arrays are built once per library."""
    wrapped = []
    for name, a, kw, ins in cases:
        tkw = {k: (torch.tensor(v.a) if isinstance(v, NoGrad) else v) for k, v in kw.items()}
        jkw = {k: (jtorch.tensor(v.a) if isinstance(v, NoGrad) else v) for k, v in kw.items()}
        wrapped.append((name, a, (tkw, jkw), ins))
    check_layers(torch, wrapped)


def test_regression_losses():
    pos = rand(N, C, low=0.1, high=3.0)
    cases = []
    for red in ("mean", "sum", "none"):
        cases += [
            ("MSELoss", (), dict(reduction=red), [LOGITS, Y]),
            ("L1Loss", (), dict(reduction=red), [LOGITS, Y]),
            ("SmoothL1Loss", (), dict(reduction=red, beta=0.5), [LOGITS, Y]),
            ("HuberLoss", (), dict(reduction=red, delta=0.7), [LOGITS, Y]),
            ("KLDivLoss", (), dict(reduction=red), [np.log(PROBS), NoGrad(PROBS[::-1].copy())]),
        ]
    cases += [
        ("SmoothL1Loss", (), dict(beta=0.0), [LOGITS, Y]),
        ("KLDivLoss", (), dict(reduction="batchmean"), [np.log(PROBS), NoGrad(PROBS[::-1].copy())]),
        ("KLDivLoss", (), dict(reduction="batchmean", log_target=True), [np.log(PROBS), Y]),
        ("PoissonNLLLoss", (), {}, [LOGITS, NoGrad(pos)]),
        ("PoissonNLLLoss", (), dict(log_input=False, full=True, reduction="none"), [pos, NoGrad(pos * 2)]),
        ("GaussianNLLLoss", (), {}, [LOGITS, Y, pos]),
        ("GaussianNLLLoss", (), dict(full=True, reduction="sum"), [LOGITS, Y, pos[:, :1]]),
        ("GaussianNLLLoss", (), dict(eps=0.5, reduction="none"), [LOGITS, Y, pos[:, 0]]),
        ("CosineEmbeddingLoss", (), dict(margin=0.2), [LOGITS, Y, SIGN]),
        ("CosineEmbeddingLoss", (), dict(reduction="none"), [LOGITS, Y, SIGN]),
        ("MarginRankingLoss", (), dict(margin=0.1), [LOGITS[:, 0], Y[:, 0], SIGN]),
        ("TripletMarginLoss", (), {}, [LOGITS, Y, pos]),
        ("TripletMarginLoss", (), dict(p=1.0, swap=True, reduction="none"), [LOGITS, Y, pos]),
        ("HingeEmbeddingLoss", (), {}, [LOGITS[:, 0], SIGN]),
        ("SoftMarginLoss", (), {}, [LOGITS[:, 0], SIGN]),
    ]
    check_layers_split(cases)


def test_loss_errors_match_torch():
    x = jtorch.tensor(LOGITS)
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        JF.nll_loss(x, jtorch.tensor([0.0, 1, 2, 1, 0]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(5\) to match target batch_size \(3\)\."):
        JF.cross_entropy(x, jtorch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(5\) to match target batch_size \(3\)\."):
        JF.cross_entropy(x, jtorch.tensor([0.0, 1, 2]))
    with pytest.raises(ValueError) as e:
        jnn.BCEWithLogitsLoss()(jtorch.zeros(64, 1), jtorch.zeros(64))
    lines = str(e.value).split("\n")
    assert lines[0] == "Target size (torch.Size([64])) must be the same as input size (torch.Size([64, 1]))"
    assert lines[1].startswith("Hint: if the batch dimension is not first, check batch_first=True")
    with pytest.raises(ValueError, match=r"Using a target size \(torch.Size\(\[64\]\)\) that is different"):
        jnn.BCELoss()(jtorch.zeros(64, 1), jtorch.zeros(64))
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[64\]\)\) that is different to the "
                                         r"input size \(torch.Size\(\[64, 1\]\)\)"):
        jnn.MSELoss()(jtorch.zeros(64, 1), jtorch.zeros(64))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        JF.mse_loss(x, x, reduction="foo")
    with pytest.raises(RuntimeError, match="Found dtype Long but expected Float"):
        JF.binary_cross_entropy(jtorch.zeros(4), jtorch.zeros(4, dtype=jtorch.int64))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        JF.gaussian_nll_loss(x, x, jtorch.ones(3))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(5x4 and 5x3\)"):
        jnn.Linear(5, 3)(x)


@pytest.mark.parametrize("fn,target,kw", [
    ("cross_entropy", [0, 3, 4, 1, 9], {}),
    ("cross_entropy", [0, -2, 1, 1, 0], {}),
    ("nll_loss", [0, 1, 7, 1, 0], {}),
    ("cross_entropy", [0, 4, 1, 1, 0], {"ignore_index": 4}),  # the ignored value may be out of range
])
def test_out_of_range_class_targets_match_torch(fn, target, kw):
    # targets whose values are on the host (torch.tensor / loader batches) are checked without a sync
    tx, jx = torch.tensor(LOGITS), jtorch.tensor(LOGITS)
    try:
        want = getattr(torch.nn.functional, fn)(tx, torch.tensor(target), **kw).item()
    except IndexError as e:
        with pytest.raises(IndexError, match=f"^{e}$"):
            getattr(JF, fn)(jx, jtorch.tensor(target), **kw)
        with pytest.raises(IndexError, match=f"^{e}$"):  # a DataLoader batch: a host tensor
            batch = next(iter(jtorch.utils.data.DataLoader(np.array(target), batch_size=5)))
            getattr(JF, fn)(jx, batch, **kw)
        return
    np.testing.assert_allclose(getattr(JF, fn)(jx, jtorch.tensor(target), **kw).item(), want, rtol=1e-5)
