import numpy as np
from PIL import Image

from jtorch.utils.data._utils import host_tensor
from jtorch.vision.utils import make_grid, save_image


def test_make_grid_layout():
    imgs = host_tensor(np.arange(5 * 1 * 2 * 3, dtype=np.float32).reshape(5, 1, 2, 3))
    g = make_grid(imgs, nrow=3, padding=1, pad_value=-1)
    assert tuple(g.shape) == (3, 2 * 3 + 1, 3 * 4 + 1)
    a = g.numpy()
    np.testing.assert_array_equal(a[0, 1:3, 1:4], imgs.numpy()[0, 0])
    np.testing.assert_array_equal(a[1, 4:6, 5:8], imgs.numpy()[4, 0])
    assert a[0, 0, 0] == -1 and a[0, 4, 9] == -1  # padding and the empty sixth cell


def test_save_image_writes_readable_png(tmp_path):
    x = host_tensor(np.random.default_rng(0).random((4, 3, 8, 8), dtype=np.float32))
    path = tmp_path / "grid.png"
    save_image(x, str(path), nrow=2, padding=0)
    img = Image.open(path)
    assert img.format == "PNG" and img.size == (16, 16) and img.mode == "RGB"
    expected = np.clip(x.numpy()[0].transpose(1, 2, 0) * 255 + 0.5, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(np.asarray(img)[:8, :8], expected)
