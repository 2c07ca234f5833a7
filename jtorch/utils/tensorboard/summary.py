"""Summary protobuf encoders with the interface (and output) of torch.utils.tensorboard.summary.

Values arrive as jtorch tensors, numpy arrays or Python numbers and are turned into numpy with
make_np; the protobufs come from tensorboard.compat.proto and the tensorboard plugins.
"""
import io
import json
import logging
import struct

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData
from tensorboard.plugins.pr_curve.plugin_data_pb2 import PrCurvePluginData
from tensorboard.plugins.custom_scalar import layout_pb2

from ..._tensor import Tensor
from ._convert_np import make_np
from ._utils import _prepare_video, convert_to_HWC
import importlib
import tempfile
import wave

__all__ = ["half_to_int", "int_to_half", "hparams", "scalar", "histogram_raw", "histogram", "make_histogram",
           "image", "image_boxes", "draw_boxes", "make_image", "video", "make_video", "audio", "custom_scalars",
           "text", "tensor_proto", "pr_curve_raw", "pr_curve", "compute_curve", "mesh"]

logger = logging.getLogger(__name__)


def half_to_int(f):
    """The int32 bit pattern of float32(f): how torch stores half values in TensorProto.half_val."""
    return struct.unpack("i", struct.pack("f", f))[0]


def int_to_half(i):
    """Inverse of half_to_int."""
    return struct.unpack("f", struct.pack("i", i))[0]


def _half_val(a):
    return [half_to_int(x) for x in a.astype(np.float32).ravel().tolist()]


def _complex_val(a):
    return np.stack([a.real, a.imag], -1).ravel().tolist()  # torch.view_as_real(t).flatten()


def _list_val(a):
    return a.ravel().tolist()


# dtype name -> (TensorProto dtype, value field, converter); torch's _TENSOR_TYPE_MAP by name
_TENSOR_TYPE_MAP = {
    "float16": ("DT_HALF", "half_val", _half_val),
    "bfloat16": ("DT_BFLOAT16", "half_val", _half_val),
    "float32": ("DT_FLOAT", "float_val", _list_val),
    "float64": ("DT_DOUBLE", "double_val", _list_val),
    "int8": ("DT_INT8", "int_val", _list_val),
    "uint8": ("DT_UINT8", "uint32_val", _list_val),
    "int16": ("DT_INT16", "int_val", _list_val),
    "int32": ("DT_INT32", "int_val", _list_val),
    "int64": ("DT_INT64", "int64_val", _list_val),
    "complex64": ("DT_COMPLEX64", "scomplex_val", _complex_val),
    "complex128": ("DT_COMPLEX128", "dcomplex_val", _complex_val),
    "bool": ("DT_BOOL", "bool_val", _list_val),
}


def _calc_scale_factor(tensor):
    return 1 if tensor.dtype == np.uint8 else 255


def _draw_single_box(image, xmin, ymin, xmax, ymax, display_str, color="black", color_text="black", thickness=2):
    from PIL import ImageDraw, ImageFont

    font = ImageFont.load_default()
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = xmin, xmax, ymin, ymax
    draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)], width=thickness, fill=color)
    if display_str:
        _left, _top, _right, _bottom = font.getbbox(display_str)
        text_width, text_height = _right - _left, _bottom - _top
        margin = np.ceil(0.05 * text_height)
        draw.rectangle([(left, bottom - text_height - 2 * margin), (left + text_width, bottom)], fill=color)
        draw.text((left + margin, bottom - text_height - margin), display_str, fill=color_text, font=font)
    return image


def _plugin_summary(plugin_name, content, tag):
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=plugin_name,
                                                                 content=content.SerializeToString()))
    return Summary(value=[Summary.Value(tag=tag, metadata=smd)])


def _hparam_field(value):
    """(SessionStartInfo field, DataType name) for one hparam value; the field is None for a tensor."""
    # torch's order: bool is an int, so True/False are logged as numbers (DATA_TYPE_FLOAT64)
    if isinstance(value, (int, float)):
        return "number_value", "DATA_TYPE_FLOAT64"
    if isinstance(value, str):
        return "string_value", "DATA_TYPE_STRING"
    if isinstance(value, Tensor):
        return None, "DATA_TYPE_FLOAT64"
    raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")


def hparams(hparam_dict=None, metric_dict=None, hparam_domain_discrete=None):
    """The Experiment, SessionStartInfo and SessionEndInfo summaries of the hparams plugin."""
    from tensorboard.plugins.hparams.api_pb2 import DataType, Experiment, HParamInfo, MetricInfo, MetricName, Status
    from tensorboard.plugins.hparams.metadata import (EXPERIMENT_TAG, PLUGIN_DATA_VERSION, PLUGIN_NAME,
                                                      SESSION_END_INFO_TAG, SESSION_START_INFO_TAG)
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData, SessionEndInfo, SessionStartInfo

    if not isinstance(hparam_dict, dict):
        logger.warning("parameter: hparam_dict should be a dictionary, nothing logged.")
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        logger.warning("parameter: metric_dict should be a dictionary, nothing logged.")
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    hparam_domain_discrete = hparam_domain_discrete or {}
    if not isinstance(hparam_domain_discrete, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in hparam_domain_discrete.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(
                f"parameter: hparam_domain_discrete[{k}] should be a list of same type as hparam_dict[{k}].")

    hps, ssi = [], SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:  # skipped, as torch does
            continue
        field, data_type = _hparam_field(v)
        domain = None
        if field is None:  # a tensor: its first element, as a number
            ssi.hparams[k].number_value = make_np(v).reshape(-1)[0]
        else:
            setattr(ssi.hparams[k], field, v)
            if k in hparam_domain_discrete:
                choices = [struct_pb2.Value(**{field: d}) for d in hparam_domain_discrete[k]]
                domain = struct_pb2.ListValue(values=choices)
        hps.append(HParamInfo(name=k, type=DataType.Value(data_type), domain_discrete=domain))

    ssi = _plugin_summary(PLUGIN_NAME, HParamsPluginData(session_start_info=ssi, version=PLUGIN_DATA_VERSION),
                          SESSION_START_INFO_TAG)
    exp = Experiment(hparam_infos=hps, metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict])
    exp = _plugin_summary(PLUGIN_NAME, HParamsPluginData(experiment=exp, version=PLUGIN_DATA_VERSION), EXPERIMENT_TAG)
    sei = SessionEndInfo(status=Status.Value("STATUS_SUCCESS"))
    sei = _plugin_summary(PLUGIN_NAME, HParamsPluginData(session_end_info=sei, version=PLUGIN_DATA_VERSION),
                          SESSION_END_INFO_TAG)
    return exp, ssi, sei


def scalar(name, tensor, collections=None, new_style=False, double_precision=False):
    """A Summary with one scalar (simple_value, or a tensor under the scalars plugin when new_style)."""
    if isinstance(tensor, Tensor) and tensor.numel() == 1:
        scalar = float(tensor.item())  # one host read, also for a pending (lazily computed) scalar
    else:
        arr = make_np(tensor).squeeze()
        if arr.ndim:
            # torch's message, including the run of spaces its line continuation leaves in it
            raise AssertionError("Tensor should contain one element (0 dimensions)." + " " * 13
                                 + f"Was given size: {arr.size} and {arr.ndim} dimensions.")
        scalar = float(arr)  # python float is double precision in numpy
    if new_style:
        if double_precision:
            tensor_proto = TensorProto(double_val=[scalar], dtype="DT_DOUBLE")
        else:
            tensor_proto = TensorProto(float_val=[scalar], dtype="DT_FLOAT")
        smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
        return Summary(value=[Summary.Value(tag=name, tensor=tensor_proto, metadata=smd)])
    return Summary(value=[Summary.Value(tag=name, simple_value=scalar)])


def tensor_proto(tag, tensor):
    """A Summary holding the full tensor (tensor plugin)."""
    # not make_np: that turns bfloat16 into float16, and torch keeps DT_BFLOAT16 here
    arr = tensor.detach().cpu().numpy() if isinstance(tensor, Tensor) else np.asarray(tensor)
    if arr.nbytes >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    if arr.dtype.name not in _TENSOR_TYPE_MAP:
        raise ValueError(f"{tag} has unsupported tensor dtype {getattr(tensor, 'dtype', arr.dtype)}")
    dtype, field_name, conversion_fn = _TENSOR_TYPE_MAP[arr.dtype.name]
    proto = TensorProto(**{"dtype": dtype, field_name: conversion_fn(arr),
                           "tensor_shape": TensorShapeProto(dim=[TensorShapeProto.Dim(size=x) for x in arr.shape])})
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=smd, tensor=proto)])


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    """A histogram Summary from precomputed statistics."""
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def histogram(name, values, bins, max_bins=None):
    """A histogram Summary of values, binned with np.histogram(bins)."""
    hist = make_histogram(make_np(values).astype(float), bins, max_bins)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def make_histogram(values, bins, max_bins=None):
    """Convert values into a HistogramProto using the logic of TensorFlow's histogram.cc."""
    values = values.reshape(-1)
    if not len(values):
        raise ValueError("The input has no element.")
    counts, limits = np.histogram(values, bins=bins)
    if max_bins is not None and len(counts) > max_bins:
        group = len(counts) // max_bins
        # merge runs of `group` neighbouring bins; the last run is padded with empty bins
        padded = np.concatenate([counts, np.zeros(-len(counts) % group, counts.dtype)])
        counts = padded.reshape(-1, group).sum(axis=-1)
        limits = np.append(limits[:-1:group], limits[-1])
    # keep only the support: first..last non-empty bin (all empty: start past the end, end 1)
    occupied = np.flatnonzero(counts)
    start, end = (int(occupied[0]), int(occupied[-1]) + 1) if occupied.size else (len(counts), 1)
    # TensorBoard only stores right bin limits: an empty bin on the left keeps the leftmost limit
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                          sum_squares=values.dot(values), bucket_limit=limits.tolist(), bucket=counts.tolist())


def image(tag, tensor, rescale=1, dataformats="NCHW"):
    """An image Summary; float images are in [0, 1], uint8 images in [0, 255] (clipped)."""
    tensor = convert_to_HWC(make_np(tensor), dataformats)
    scale_factor = _calc_scale_factor(tensor)  # the dtype says whether values are already 0..255
    tensor = (tensor.astype(np.float32) * scale_factor).clip(0, 255).astype(np.uint8)
    return Summary(value=[Summary.Value(tag=tag, image=make_image(tensor, rescale=rescale))])


def image_boxes(tag, tensor_image, tensor_boxes, rescale=1, dataformats="CHW", labels=None):
    """An image Summary with xyxy boxes drawn on it."""
    tensor_image = convert_to_HWC(make_np(tensor_image), dataformats)
    tensor_boxes = make_np(tensor_boxes)
    tensor_image = tensor_image.astype(np.float32) * _calc_scale_factor(tensor_image)
    image = make_image(tensor_image.clip(0, 255).astype(np.uint8), rescale=rescale, rois=tensor_boxes, labels=labels)
    return Summary(value=[Summary.Value(tag=tag, image=image)])


def draw_boxes(disp_image, boxes, labels=None):
    for i in range(boxes.shape[0]):  # xyxy format
        disp_image = _draw_single_box(disp_image, boxes[i, 0], boxes[i, 1], boxes[i, 2], boxes[i, 3],
                                      display_str=None if labels is None else labels[i], color="Red")
    return disp_image


def make_image(tensor, rescale=1, rois=None, labels=None):
    """Encode an HWC uint8 numpy image as a PNG Summary.Image."""
    from PIL import Image

    height, width, channel = tensor.shape
    image = Image.fromarray(tensor)
    if rois is not None:
        image = draw_boxes(image, rois, labels=labels)
    image = image.resize((int(width * rescale), int(height * rescale)), Image.Resampling.LANCZOS)
    with io.BytesIO() as output:
        image.save(output, format="PNG")
        image_string = output.getvalue()
    return Summary.Image(height=height, width=width, colorspace=channel, encoded_image_string=image_string)


def video(tag, tensor, fps=4):
    """A GIF image Summary of a [N, T, C, H, W] video (needs moviepy)."""
    tensor = _prepare_video(make_np(tensor))
    scale_factor = _calc_scale_factor(tensor)
    tensor = (tensor.astype(np.float32) * scale_factor).clip(0, 255).astype(np.uint8)
    return Summary(value=[Summary.Value(tag=tag, image=make_video(tensor, fps))])


def _moviepy_editor():
    """moviepy.editor, or None (with torch's printed hint) when it cannot be imported."""

    try:
        return importlib.import_module("moviepy.editor")
    except ImportError as err:
        if err.name == "moviepy":
            print("add_video needs package moviepy")
        else:
            print("moviepy is installed, but can't import moviepy.editor.",
                  "Some packages could be missing [imageio, requests]")
        return None


def make_video(tensor, fps):
    editor = _moviepy_editor()
    if editor is None:
        return None

    clip = editor.ImageSequenceClip(list(tensor), fps=fps)
    height, width, channels = tensor.shape[1:]
    with tempfile.NamedTemporaryFile(suffix=".gif") as f:
        # moviepy's write_gif arguments changed across versions: newest first
        for extra in ({"logger": None}, {"progress_bar": False}, {}):
            try:
                clip.write_gif(f.name, verbose=False, **extra)
                break
            except TypeError:
                if not extra:
                    raise
        f.seek(0)
        return Summary.Image(height=height, width=width, colorspace=channels, encoded_image_string=f.read())


def audio(tag, tensor, sample_rate=44100):
    """A mono 16-bit WAV Summary of samples in [-1, 1]."""

    samples = make_np(tensor).squeeze()
    if np.abs(samples).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        samples = samples.clip(-1, 1)
    if samples.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    pcm = (samples * np.iinfo(np.int16).max).astype("<i2")  # little-endian 16-bit
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:  # mono, 2 bytes per sample
        wav.setparams((1, 2, sample_rate, 0, "NONE", "not compressed"))
        wav.writeframes(pcm.data)
    audio = Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=pcm.shape[-1],
                          encoded_audio_string=buf.getvalue(), content_type="audio/wav")
    return Summary(value=[Summary.Value(tag=tag, audio=audio)])


def _chart(title, spec):
    """One custom_scalars chart from ["Multiline", tags] or ["Margin", [value, lower, upper]]."""
    kind, tags = spec[0], spec[1]
    if kind != "Margin":
        return layout_pb2.Chart(title=title, multiline=layout_pb2.MultilineChartContent(tag=tags))
    if len(tags) != 3:
        raise AssertionError("len(tags) != 3")
    band = layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1], upper=tags[2])
    return layout_pb2.Chart(title=title, margin=layout_pb2.MarginChartContent(series=[band]))


def custom_scalars(layout):
    """The custom_scalars plugin layout: {category: {chart title: ["Multiline" | "Margin", tags]}}."""
    categories = [layout_pb2.Category(title=name, chart=[_chart(title, spec) for title, spec in charts.items()])
                  for name, charts in layout.items()]
    layout = layout_pb2.Layout(category=categories)
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="custom_scalars"))
    tensor = TensorProto(dtype="DT_STRING", string_val=[layout.SerializeToString()], tensor_shape=TensorShapeProto())
    return Summary(value=[Summary.Value(tag="custom_scalars__config__", tensor=tensor, metadata=smd)])


def text(tag, text):
    """A text plugin Summary under tag + '/text_summary'."""
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
    tensor = TensorProto(dtype="DT_STRING", string_val=[text.encode(encoding="utf_8")],
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=smd, tensor=tensor)])


def _pr_curve_summary(tag, data, num_thresholds):
    content = PrCurvePluginData(version=0, num_thresholds=num_thresholds).SerializeToString()
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="pr_curves", content=content))
    tensor = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(), tensor_shape=TensorShapeProto(
        dim=[TensorShapeProto.Dim(size=data.shape[0]), TensorShapeProto.Dim(size=data.shape[1])]))
    return Summary(value=[Summary.Value(tag=tag, metadata=smd, tensor=tensor)])


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127, weights=None):
    num_thresholds = min(num_thresholds, 127)  # torch: values above 127 break the protobuf
    return _pr_curve_summary(tag, np.stack((tp, fp, tn, fn, precision, recall)), num_thresholds)


def pr_curve(tag, labels, predictions, num_thresholds=127, weights=None):
    num_thresholds = min(num_thresholds, 127)
    data = compute_curve(labels, predictions, num_thresholds=num_thresholds, weights=weights)
    return _pr_curve_summary(tag, data, num_thresholds)


def compute_curve(labels, predictions, num_thresholds=None, weights=None):
    """tp, fp, tn, fn, precision, recall per threshold (tensorboard's pr_curve/summary.py)."""
    w = 1.0 if weights is None else weights
    bucket = np.int32(np.floor(predictions * (num_thresholds - 1)))  # threshold index of each prediction
    positive = labels.astype(np.float64)

    def at_or_above(weight):
        per_bucket = np.histogram(bucket, bins=num_thresholds, range=(0, num_thresholds - 1), weights=weight)[0]
        return np.cumsum(per_bucket[::-1])[::-1]

    tp, fp = at_or_above(positive * w), at_or_above((1.0 - positive) * w)
    tn, fn = fp[0] - fp, tp[0] - tp
    tiny = 1e-7  # keeps 0/0 at 0
    return np.stack((tp, fp, tn, fn, tp / np.maximum(tiny, tp + fp), tp / np.maximum(tiny, tp + fn)))


def _get_tensor_summary(name, display_name, description, tensor, content_type, components, json_config):
    from tensorboard.plugins.mesh import metadata

    tensor = make_np(tensor)
    tensor_metadata = metadata.create_summary_metadata(name, display_name, content_type, components, tensor.shape,
                                                       description, json_config=json_config)
    tensor = TensorProto(dtype="DT_FLOAT", float_val=tensor.reshape(-1).tolist(), tensor_shape=TensorShapeProto(
        dim=[TensorShapeProto.Dim(size=d) for d in tensor.shape[:3]]))
    return Summary.Value(tag=metadata.get_instance_name(name, content_type), tensor=tensor, metadata=tensor_metadata)


def _get_json_config(config_dict):
    return "{}" if config_dict is None else json.dumps(config_dict, sort_keys=True)


def mesh(tag, vertices, colors, faces, config_dict, display_name=None, description=None):
    """The mesh plugin's merged Summary of vertices, faces and colors ([B, N, 3] each)."""
    from tensorboard.plugins.mesh import metadata
    from tensorboard.plugins.mesh.plugin_data_pb2 import MeshPluginData

    json_config = _get_json_config(config_dict)
    tensors = [(t, c) for t, c in ((vertices, MeshPluginData.VERTEX), (faces, MeshPluginData.FACE),
                                   (colors, MeshPluginData.COLOR)) if t is not None]
    components = metadata.get_components_bitmask([c for _, c in tensors])
    return Summary(value=[_get_tensor_summary(tag, display_name, description, t, c, components, json_config)
                          for t, c in tensors])
