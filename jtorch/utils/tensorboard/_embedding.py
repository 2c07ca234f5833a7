"""Projector (embedding) files, laid out as torch.utils.tensorboard writes them."""
import io
import math

import numpy as np
from tensorboard.compat import tf
from tensorboard.plugins.projector.projector_config_pb2 import EmbeddingInfo

from ._convert_np import make_np
from ._utils import make_grid

__all__ = ["make_tsv", "make_sprite", "get_embedding_info", "write_pbtxt", "make_mat"]


def _gfile_join(a, b):
    # tensorboard's TF stub and real TF spell join differently (tensorflow/tensorboard#6080)
    if hasattr(tf.io.gfile, "join"):
        return tf.io.gfile.join(a, b)
    return tf.io.gfile.get_filesystem(a).join(a, b)


def make_tsv(metadata, save_path, metadata_header=None):
    if not metadata_header:
        metadata = [str(x) for x in metadata]
    else:
        if len(metadata_header) != len(metadata[0]):
            raise AssertionError("len of header must be equal to the number of columns in metadata")
        metadata = ["\t".join(str(e) for e in row) for row in [metadata_header] + metadata]
    _write(save_path, "metadata.tsv", tf.compat.as_bytes("\n".join(metadata) + "\n"))


def _write(save_path, name, data):
    with tf.io.gfile.GFile(_gfile_join(save_path, name), "wb") as f:
        f.write(data)


def make_sprite(label_img, save_path):
    """Tile the NCHW label images into a square sprite.png (the projector needs a square)."""
    from PIL import Image

    label_img = make_np(label_img)
    grid = make_grid(label_img, ncols=math.ceil(label_img.shape[0] ** 0.5)).transpose(1, 2, 0)
    side = grid.shape[1]
    square = np.zeros((side, side, 3))
    square[:grid.shape[0]] = grid  # rows below the last image stay black
    buf = io.BytesIO()
    Image.fromarray(np.uint8((square * 255).clip(0, 255))).save(buf, format="PNG")
    _write(save_path, "sprite.png", buf.getvalue())


def get_embedding_info(metadata, label_img, subdir, global_step, tag):
    """The projector config entry for one add_embedding call (files relative to the run dir)."""
    info = EmbeddingInfo(tensor_name=f"{tag}:{str(global_step).zfill(5)}",
                         tensor_path=_gfile_join(subdir, "tensors.tsv"))
    if label_img is not None:
        height, width = label_img.shape[2], label_img.shape[3]
        info.sprite.single_image_dim.extend([width, height])
        info.sprite.image_path = _gfile_join(subdir, "sprite.png")
    if metadata is not None:
        info.metadata_path = _gfile_join(subdir, "metadata.tsv")
    return info


def write_pbtxt(save_path, contents):
    _write(save_path, "projector_config.pbtxt", tf.compat.as_bytes(contents))


def make_mat(matlist, save_path):
    rows = ["\t".join(str(v.item()) for v in row) + "\n" for row in matlist]
    _write(save_path, "tensors.tsv", tf.compat.as_bytes("".join(rows)))
