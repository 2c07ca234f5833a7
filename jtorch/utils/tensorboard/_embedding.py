"""Projector (embedding) files, from torch.utils.tensorboard._embedding."""
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
    with tf.io.gfile.GFile(_gfile_join(save_path, "metadata.tsv"), "wb") as f:
        f.write(tf.compat.as_bytes("\n".join(metadata) + "\n"))


def make_sprite(label_img, save_path):
    """Tile the NCHW label images into a square sprite.png (the projector needs a square)."""
    from PIL import Image

    label_img = make_np(label_img)
    nrow = math.ceil(label_img.shape[0] ** 0.5)
    arranged_img_CHW = make_grid(label_img, ncols=nrow)
    square_HWC = np.zeros((arranged_img_CHW.shape[2], arranged_img_CHW.shape[2], 3))
    arranged_img_HWC = arranged_img_CHW.transpose(1, 2, 0)
    square_HWC[:arranged_img_HWC.shape[0], :, :] = arranged_img_HWC
    im = Image.fromarray(np.uint8((square_HWC * 255).clip(0, 255)))
    with io.BytesIO() as buf:
        im.save(buf, format="PNG")
        im_bytes = buf.getvalue()
    with tf.io.gfile.GFile(_gfile_join(save_path, "sprite.png"), "wb") as f:
        f.write(im_bytes)


def get_embedding_info(metadata, label_img, subdir, global_step, tag):
    info = EmbeddingInfo()
    info.tensor_name = f"{tag}:{str(global_step).zfill(5)}"
    info.tensor_path = _gfile_join(subdir, "tensors.tsv")
    if metadata is not None:
        info.metadata_path = _gfile_join(subdir, "metadata.tsv")
    if label_img is not None:
        info.sprite.image_path = _gfile_join(subdir, "sprite.png")
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    return info


def write_pbtxt(save_path, contents):
    with tf.io.gfile.GFile(_gfile_join(save_path, "projector_config.pbtxt"), "wb") as f:
        f.write(tf.compat.as_bytes(contents))


def make_mat(matlist, save_path):
    with tf.io.gfile.GFile(_gfile_join(save_path, "tensors.tsv"), "wb") as f:
        for x in matlist:
            f.write(tf.compat.as_bytes("\t".join(str(i.item()) for i in x) + "\n"))
