"""summary.py encoders against torch's for the less travelled paths (bin merging, empty support, margin
charts, weighted pr curves, error messages)."""
import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="torch.utils.tensorboard needs the tensorboard package")
torch = pytest.importorskip("torch", reason="parity tests need PyTorch installed")

import jtorch  # noqa: E402
from jtorch.utils.tensorboard import summary as J  # noqa: E402
from torch.utils.tensorboard import summary as T  # noqa: E402

X = np.random.default_rng(3).standard_normal(97)


@pytest.mark.parametrize("bins,max_bins", [(10, 3), (11, 4), (30, 7), (5, None), ([-0.5, 0.0, 0.5, 9.0], None),
                                           ([5.0, 6.0, 7.0], None), ([5.0, 6.0], None)])
def test_histograms_match_torch(bins, max_bins):
    def run(mod, lib):
        try:
            return mod.histogram("h", lib.from_numpy(X.copy()), bins, max_bins=max_bins)
        except ValueError as e:
            return ("ValueError", str(e))
    assert run(J, jtorch) == run(T, torch)


def test_histogram_of_nothing_raises_like_torch():
    for mod in (J, T):
        with pytest.raises(ValueError, match="The input has no element."):
            mod.make_histogram(np.zeros(0), 3)


def test_scalar_error_message_matches_torch():
    msgs = []
    for mod, lib in ((J, jtorch), (T, torch)):
        with pytest.raises(AssertionError) as info:
            mod.scalar("s", lib.ones(2, 3))
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_custom_scalars_margin_matches_torch():
    layout = {"a": {"m": ["Margin", ["v", "lo", "hi"]], "l": ["Multiline", ["x", "y"]]}, "b": {}}
    assert J.custom_scalars(layout) == T.custom_scalars(layout)
    for mod in (J, T):
        with pytest.raises(AssertionError, match="len\\(tags\\) != 3"):
            mod.custom_scalars({"a": {"m": ["Margin", ["v", "lo"]]}})


def test_weighted_pr_curve_matches_torch():
    rng = np.random.default_rng(5)
    labels, preds, w = rng.integers(0, 2, 40), rng.random(40), rng.random(40)
    for n in (5, 127, 300):
        assert J.pr_curve("p", labels, preds, n, w) == T.pr_curve("p", labels, preds, n, w)
        np.testing.assert_array_equal(J.compute_curve(labels, preds, min(n, 127), w),
                                      T.compute_curve(labels, preds, min(n, 127), w))


def test_clipped_audio_matches_torch(capsys):
    loud = np.linspace(-2, 2, 33)
    assert J.audio("a", jtorch.from_numpy(loud), 8000) == T.audio("a", torch.from_numpy(loud), 8000)
    out = capsys.readouterr().out.splitlines()
    assert out == ["warning: audio amplitude out of range, auto clipped."] * 2


def test_image_layouts_and_video_grid_match_torch():
    from jtorch.utils.tensorboard import _utils as JU
    from torch.utils.tensorboard import _utils as TU

    rng = np.random.default_rng(7)
    for fmt, shape in [("NCHW", (5, 3, 4, 6)), ("NHWC", (9, 2, 3, 1)), ("CHW", (1, 4, 5)), ("HWC", (4, 5, 4)),
                       ("WH", (3, 2)), ("hwc", (2, 3, 3))]:
        x = rng.random(shape).astype(np.float32)
        np.testing.assert_array_equal(JU.convert_to_HWC(x, fmt), TU.convert_to_HWC(x, fmt))
    for fmt, shape in [("CHH", (2, 3, 4)), ("CHW", (2, 3))]:
        msgs = []
        for mod in (JU, TU):
            with pytest.raises(AssertionError) as info:
                mod.convert_to_HWC(rng.random(shape), fmt)
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]
    for b in (1, 3, 4, 6):
        v = (rng.random((b, 2, 3, 4, 5)) * 255).astype(np.uint8)
        j, t = JU._prepare_video(v), TU._prepare_video(v)
        assert j.dtype == t.dtype
        np.testing.assert_array_equal(j, t)


def test_embedding_files_match_torch(tmp_path):
    from jtorch.utils.tensorboard import SummaryWriter
    from torch.utils.tensorboard import SummaryWriter as TorchSummaryWriter

    rng = np.random.default_rng(8)
    mat, imgs = rng.random((5, 3)).astype(np.float32), rng.random((5, 3, 4, 4)).astype(np.float32)
    meta = [["a", 1], ["b", 2], ["c", 3], ["d", 4], ["e", 5]]
    for name, lib, Writer in (("j", jtorch, SummaryWriter), ("t", torch, TorchSummaryWriter)):
        with Writer(str(tmp_path / name)) as w:
            w.add_embedding(lib.from_numpy(mat), metadata=meta, label_img=lib.from_numpy(imgs), global_step=3,
                            tag="x/y", metadata_header=["name", "id"])
            w.add_embedding(lib.from_numpy(mat), global_step=4)
    for rel in ("projector_config.pbtxt", "00003/x%2fy/tensors.tsv", "00003/x%2fy/metadata.tsv",
                "00003/x%2fy/sprite.png", "00004/default/tensors.tsv"):
        assert (tmp_path / "j" / rel).read_bytes() == (tmp_path / "t" / rel).read_bytes(), rel
