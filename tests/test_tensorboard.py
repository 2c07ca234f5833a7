"""torch.utils.tensorboard: event files written from jtorch tensors, read back with tensorboard's
EventAccumulator, checked against exact values and against real torch's SummaryWriter."""
import io
import os
import re
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="torch.utils.tensorboard needs the tensorboard package")

import jtorch  # noqa: E402
from jtorch.utils.tensorboard import SummaryWriter  # noqa: E402
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

try:
    import torch
    from torch.utils.tensorboard import SummaryWriter as TorchSummaryWriter
except ImportError:
    torch = None

BACKENDS = ["jtorch"] + (["torch"] if torch is not None else [])

rng = np.random.default_rng(0)
HIST = rng.standard_normal(200).astype(np.float32)
IMG_CHW = rng.random((3, 6, 5), dtype=np.float32)
IMG_HWC_U8 = rng.integers(0, 256, (4, 7, 3), dtype=np.uint8)
IMG_HW = rng.random((5, 9), dtype=np.float32)
IMGS = rng.random((10, 1, 4, 3), dtype=np.float32)
PR_LABELS = np.array([0, 1, 1, 0, 1, 0, 1, 1])
PR_PREDS = np.array([0.1, 0.9, 0.6, 0.4, 0.35, 0.8, 0.7, 0.05], dtype=np.float32)


def _load(logdir):
    return EventAccumulator(str(logdir), size_guidance={"tensors": 0, "images": 0, "scalars": 0,
                                                        "histograms": 0}).Reload()


def _content(ea, plugin):
    try:
        return ea.PluginTagToContent(plugin)
    except KeyError:  # the plugin wrote nothing to this run
        return None


def _log(backend, logdir):
    """The same logging calls through jtorch's or torch's SummaryWriter, with that library's tensors."""
    lib, Writer = (jtorch, SummaryWriter) if backend == "jtorch" else (torch, TorchSummaryWriter)
    T = lib.from_numpy
    with Writer(str(logdir)) as w:
        for step in range(3):
            loss = (lib.tensor([1.5, 2.5]) * step).sum()  # a 0-d tensor produced by an op
            w.add_scalar("loss", loss, step)
        w.add_scalar("py", 0.25, 7)
        w.add_scalar("np", np.float64(1e-3), np.int64(8))
        w.add_scalar("new", lib.tensor([3.5]), 9, new_style=True)
        w.add_scalars("run", {"a": 1.0, "b": lib.tensor(2.0)}, 4)
        w.add_histogram("hist", T(HIST), 1)
        w.add_histogram("hist_auto", T(HIST), 2, bins="auto")
        w.add_histogram("hist_np", np.arange(10), 3, bins=5)
        w.add_image("chw", T(IMG_CHW), 0)
        w.add_image("hwc", T(IMG_HWC_U8), 0, dataformats="HWC")
        w.add_image("hw", T(IMG_HW), 0, dataformats="HW")
        w.add_images("batch", T(IMGS), 0)
        w.add_text("note", "lr **0.1**", 5)
        w.add_pr_curve("pr", T(PR_LABELS), T(PR_PREDS), 0, num_thresholds=10)
        w.add_custom_scalars({"cat": {"losses": ["Multiline", ["loss", "py"]]}})
        w.add_hparams({"lr": 0.1, "bs": 32, "opt": "adam", "drop": None}, {"hp/acc": 0.75}, run_name="hp")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for backend in BACKENDS:
        d = tmp_path_factory.mktemp(backend)
        _log(backend, d)
        out[backend] = d
    return out


def test_tags(runs):
    tags = _load(runs["jtorch"]).Tags()
    assert tags["scalars"] == ["loss", "py", "np"]
    assert sorted(tags["histograms"]) == ["hist", "hist_auto", "hist_np"]
    assert tags["images"] == ["chw", "hwc", "hw", "batch"]
    assert sorted(tags["tensors"]) == ["custom_scalars__config__", "new", "note/text_summary", "pr"]
    names = os.listdir(runs["jtorch"])
    assert sum(n.startswith("events.out.tfevents.") for n in names) == 1
    assert sorted(n for n in names if not n.startswith("events.")) == ["hp", "run_a", "run_b"]


def test_scalars(runs):
    ea = _load(runs["jtorch"])
    assert [(e.step, e.value) for e in ea.Scalars("loss")] == [(0, 0.0), (1, 4.0), (2, 8.0)]
    assert [(e.step, e.value) for e in ea.Scalars("py")] == [(7, 0.25)]
    assert [(e.step, e.value) for e in ea.Scalars("np")] == [(8, np.float32(1e-3))]
    new = ea.Tensors("new")
    assert new[0].step == 9 and tensor_util.make_ndarray(new[0].tensor_proto) == np.float32(3.5)
    assert ea.SummaryMetadata("new").plugin_data.plugin_name == "scalars"
    for sub, v in (("run_a", 1.0), ("run_b", 2.0)):  # add_scalars: one sub-run per key, tag = main_tag
        assert [(e.step, e.value) for e in _load(runs["jtorch"] / sub).Scalars("run")] == [(4, v)]


def test_histograms(runs):
    ea = _load(runs["jtorch"])
    h = ea.Histograms("hist")[0].histogram_value
    v = HIST.astype(np.float64)
    assert (h.min, h.max, h.num) == (v.min(), v.max(), 200)
    assert h.sum == pytest.approx(v.sum(), rel=1e-12) and h.sum_squares == pytest.approx(v @ v, rel=1e-12)
    assert sum(h.bucket) == 200 and h.bucket[0] == 0 and len(h.bucket) == len(h.bucket_limit)
    counts, edges = np.histogram(np.arange(10.0), bins=5)  # numpy bins, like torch
    h = ea.Histograms("hist_np")[0].histogram_value
    assert list(h.bucket) == [0] + counts.tolist() and list(h.bucket_limit) == edges.tolist()
    assert ea.Histograms("hist_np")[0].step == 3


def _png(ev):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(ev.encoded_image_string)))


def test_images(runs):
    ea = _load(runs["jtorch"])
    sizes = {tag: (ea.Images(tag)[0].height, ea.Images(tag)[0].width) for tag in ea.Tags()["images"]}
    assert sizes == {"chw": (6, 5), "hwc": (4, 7), "hw": (5, 9), "batch": (8, 24)}  # 10 images: 8 per row
    np.testing.assert_array_equal(_png(ea.Images("chw")[0]), (IMG_CHW.transpose(1, 2, 0) * 255).astype(np.uint8))
    np.testing.assert_array_equal(_png(ea.Images("hwc")[0]), IMG_HWC_U8)  # uint8 is not rescaled
    np.testing.assert_array_equal(_png(ea.Images("hw")[0]), np.repeat((IMG_HW * 255).astype(np.uint8)[..., None], 3, 2))
    batch = _png(ea.Images("batch")[0])
    np.testing.assert_array_equal(batch[4:, 3:6, 0], (IMGS[9, 0] * 255).astype(np.uint8))  # 10th: row 1, col 1
    assert not batch[4:, 6:].any()


def test_text_pr_custom_scalars(runs):
    ea = _load(runs["jtorch"])
    note = ea.Tensors("note/text_summary")[0]
    assert note.step == 5 and note.tensor_proto.string_val == [b"lr **0.1**"]
    assert ea.SummaryMetadata("note/text_summary").plugin_data.plugin_name == "text"
    pr = tensor_util.make_ndarray(ea.Tensors("pr")[0].tensor_proto)
    assert pr.shape == (6, 10)
    tp, fp = pr[0], pr[1]
    assert tp[0] == PR_LABELS.sum() and fp[0] == (1 - PR_LABELS).sum()
    assert tp[9] == 0 and tp[8] == 1  # only 0.9 reaches bucket 8 of 10
    from tensorboard.plugins.custom_scalar import layout_pb2

    layout = layout_pb2.Layout.FromString(ea.Tensors("custom_scalars__config__")[0].tensor_proto.string_val[0])
    assert layout.category[0].title == "cat" and list(layout.category[0].chart[0].multiline.tag) == ["loss", "py"]


def test_hparams(runs):
    ea = _load(runs["jtorch"] / "hp")
    content = ea.PluginTagToContent("hparams")
    ssi = HParamsPluginData.FromString(content["_hparams_/session_start_info"]).session_start_info
    assert set(ssi.hparams) == {"lr", "bs", "opt"}  # None values are skipped
    assert (ssi.hparams["lr"].number_value, ssi.hparams["bs"].number_value, ssi.hparams["opt"].string_value) == (
        0.1, 32.0, "adam")
    exp = HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert [m.name.tag for m in exp.metric_infos] == ["hp/acc"]
    assert [(e.value, e.step) for e in ea.Scalars("hp/acc")] == [(0.75, 0)]


@pytest.mark.skipif(torch is None, reason="comparison with PyTorch needs PyTorch installed")
def test_matches_torch(runs):
    """The same calls through torch's SummaryWriter give the same tags, steps and payloads."""
    for sub in ("", "run_a", "run_b", "hp"):
        a, b = _load(runs["jtorch"] / sub), _load(runs["torch"] / sub)
        assert a.Tags() == b.Tags()
        for tag in a.Tags()["scalars"]:
            assert [(e.step, e.value) for e in a.Scalars(tag)] == [(e.step, e.value) for e in b.Scalars(tag)]
        for tag in a.Tags()["histograms"]:
            assert [(e.step, e.histogram_value) for e in a.Histograms(tag)] == [
                (e.step, e.histogram_value) for e in b.Histograms(tag)]
        for tag in a.Tags()["images"]:
            assert [(e.step, e.height, e.width, e.encoded_image_string) for e in a.Images(tag)] == [
                (e.step, e.height, e.width, e.encoded_image_string) for e in b.Images(tag)]
        for tag in a.Tags()["tensors"]:
            assert [(e.step, e.tensor_proto) for e in a.Tensors(tag)] == [
                (e.step, e.tensor_proto) for e in b.Tensors(tag)]
            assert a.SummaryMetadata(tag) == b.SummaryMetadata(tag)
        for plugin in ("hparams", "text", "pr_curves", "custom_scalars"):
            assert _content(a, plugin) == _content(b, plugin)


@pytest.mark.skipif(torch is None, reason="comparison with PyTorch needs PyTorch installed")
def test_encoders_match_torch():
    """summary.py encoders give the same protobufs as torch's for the less common inputs."""
    from torch.utils.tensorboard import summary as T

    from jtorch.utils.tensorboard import summary as J

    hp, dd = {"lr": 0.1, "flag": True, "n": 3, "s": "x"}, {"s": ["x", "y"], "n": [1, 3]}
    assert J.hparams(hp, {"m": 1.0}, dd) == T.hparams(hp, {"m": 1.0}, dd)
    assert J.hparams({"t": jtorch.tensor([0.5])}, {"m": 1}) == T.hparams({"t": torch.tensor([0.5])}, {"m": 1})
    x = np.random.default_rng(1).standard_normal(300)
    assert J.histogram("h", jtorch.from_numpy(x), "auto", max_bins=7) == T.histogram(
        "h", torch.from_numpy(x), "auto", max_bins=7)
    assert J.audio("a", jtorch.from_numpy(x[:50] / 5)) == T.audio("a", torch.from_numpy(x[:50] / 5))
    v, f = x[:15].reshape(1, 5, 3).astype(np.float32), np.array([[[0, 1, 2]]])
    assert J.mesh("m", jtorch.from_numpy(v), None, jtorch.from_numpy(f), {"a": 1}) == T.mesh(
        "m", torch.from_numpy(v), None, torch.from_numpy(f), {"a": 1})
    for data, dt in (([1 + 2j], "complex64"), ([1.5], "float16"), ([1, 2], "uint8"), ([True], "bool")):
        assert J.tensor_proto("t", jtorch.tensor(data, dtype=getattr(jtorch, dt))) == T.tensor_proto(
            "t", torch.tensor(data, dtype=getattr(torch, dt)))
    img, boxes = IMG_CHW.repeat(3, 1).repeat(3, 2), np.array([[1, 1, 10, 10]])
    assert J.image_boxes("i", jtorch.from_numpy(img), jtorch.from_numpy(boxes), labels=["a"]) == T.image_boxes(
        "i", torch.from_numpy(img), torch.from_numpy(boxes), labels=["a"])


@pytest.mark.skipif(torch is None, reason="comparison with PyTorch needs PyTorch installed")
def test_add_tensor_matches_torch(tmp_path):
    for backend, lib, Writer in (("j", jtorch, SummaryWriter), ("t", torch, TorchSummaryWriter)):
        with Writer(str(tmp_path / backend)) as w:
            w.add_tensor("f", lib.arange(6, dtype=lib.float32).reshape(2, 3), 1)
            w.add_tensor("bf", lib.tensor([1.5, -2.0], dtype=lib.bfloat16), 2)
            w.add_tensor("i", lib.tensor([[1, 2]], dtype=lib.int64), 3)
    a, b = _load(tmp_path / "j"), _load(tmp_path / "t")
    for tag in ("f", "bf", "i"):
        assert a.Tensors(tag)[0].tensor_proto == b.Tensors(tag)[0].tensor_proto
    np.testing.assert_array_equal(tensor_util.make_ndarray(a.Tensors("f")[0].tensor_proto), np.arange(6.).reshape(2, 3))


def test_default_logdir_purge_and_reopen(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_exp")
    logdir = w.get_logdir()
    date = r"[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}"  # e.g. Nov27_03-30-39
    assert re.fullmatch(f"runs/{date}_" + re.escape(socket.gethostname()) + "_exp", logdir)
    for step in range(4):
        w.add_scalar("x", float(step), step)
    w.close()
    w.close()  # a second close is a no-op
    w.add_scalar("x", 10.0, 4)  # logging after close reopens a new event file
    w.flush()
    w.close()
    # a restarted run with purge_step drops the old steps >= 2 when read back
    with SummaryWriter(logdir, purge_step=2, filename_suffix=".resumed") as w2:
        w2.add_scalar("x", 20.0, 2)
    assert any(f.endswith(".resumed") for f in os.listdir(logdir))
    assert [(e.step, e.value) for e in _load(logdir).Scalars("x")] == [(0, 0.0), (1, 1.0), (2, 20.0)]


def test_figure_embedding_and_errors(tmp_path):
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(NotImplementedError, match="add_graph"):
            w.add_graph(jtorch.nn.Linear(2, 2), jtorch.zeros(1, 2))
        with pytest.raises(AssertionError, match="one element"):
            w.add_scalar("bad", jtorch.ones(3))
        with pytest.raises(NotImplementedError, match="numpy array or torch tensor"):
            w.add_histogram("bad", [1.0, 2.0])
        w.add_embedding(jtorch.arange(6.0).reshape(3, 2), metadata=["a", "b", "c"], tag="emb")
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            plt = None
        if plt is not None:
            fig = plt.figure(figsize=(2, 1), dpi=50)
            w.add_figure("fig", fig, 0)
    emb = tmp_path / "00000" / "emb"
    assert (emb / "tensors.tsv").read_text() == "0.0\t1.0\n2.0\t3.0\n4.0\t5.0\n"
    assert (emb / "metadata.tsv").read_text() == "a\nb\nc\n"
    assert 'tensor_name: "emb:00000"' in (tmp_path / "projector_config.pbtxt").read_text()
    if plt is not None:
        ev = _load(tmp_path).Images("fig")[0]
        assert (ev.height, ev.width) == (50, 100)


def test_jtorch_run_script_lazy_import(tmp_path):
    """Under `jtorch run` a script's torch.utils.tensorboard is jtorch's; `import torch` (jtorch) does not
    import tensorboard, and without tensorboard the import fails with torch's message."""
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import importlib.abc, sys
        import torch
        assert "tensorboard" not in sys.modules and "jtorch.utils.tensorboard" not in sys.modules

        class Hide(importlib.abc.MetaPathFinder):  # as if tensorboard were not installed
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "tensorboard":
                    raise ModuleNotFoundError(f"No module named {name!r}", name=name)

        sys.meta_path.insert(0, Hide())
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as e:
            print(type(e).__name__, e)
        sys.meta_path.pop(0)

        from torch.utils.tensorboard import SummaryWriter
        w = SummaryWriter(sys.argv[1])
        w.add_scalar("loss", torch.tensor(0.5), 1)
        w.close()
        print(type(w).__module__)
    """))
    out = subprocess.run([sys.executable, "-m", "jtorch", "run", str(script), str(tmp_path / "logs")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    # torch.utils.tensorboard starts with `import tensorboard`, so this is torch's message too
    assert out.stdout.splitlines() == ["ModuleNotFoundError No module named 'tensorboard'",
                                       "jtorch.utils.tensorboard.writer"]
    assert [(e.step, e.value) for e in _load(tmp_path / "logs").Scalars("loss")] == [(1, 0.5)]
