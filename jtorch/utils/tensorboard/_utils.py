"""Image helpers with torch.utils.tensorboard._utils' names (figure rendering, grids, layout conversion)."""
import numpy as np

__all__ = ["figure_to_image", "make_grid", "convert_to_HWC"]


def figure_to_image(figures, close=True):
    """Render a matplotlib figure (or list of figures) to a uint8 CHW (NCHW) numpy array."""
    import matplotlib.backends.backend_agg as plt_backend_agg  # lazy: matplotlib is optional
    import matplotlib.pyplot as plt

    def render_to_rgb(figure):
        canvas = plt_backend_agg.FigureCanvasAgg(figure)
        canvas.draw()
        data = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        w, h = figure.canvas.get_width_height()
        image_chw = np.moveaxis(data.reshape([h, w, 4])[:, :, 0:3], source=2, destination=0)
        if close:
            plt.close(figure)
        return image_chw

    if isinstance(figures, list):
        return np.stack([render_to_rgb(f) for f in figures])
    return render_to_rgb(figures)


def _prepare_video(V):
    """[batch, time, C, H, W] -> [time, grid H, grid W, C]; the batch is tiled to a power-of-2 grid."""
    b, t, c, h, w = V.shape
    if V.dtype == np.uint8:
        V = np.float32(V) / 255.0
    rows = 2 ** ((b.bit_length() - 1) // 2)
    if b & (b - 1):  # not a power of two: blank videos up to the next one
        V = np.concatenate((V, np.zeros(shape=(int(2 ** b.bit_length() - b), t, c, h, w))), axis=0)
    cols = V.shape[0] // rows
    # (rows, cols, t, c, h, w) -> (t, rows, h, cols, w, c): one frame is the grid of all videos
    grid = V.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return grid.reshape(t, rows * h, cols * w, c)


def make_grid(I, ncols=8):
    """Tile an N1HW or N3HW numpy batch into one 3HW canvas."""
    if not isinstance(I, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if I.shape[1] == 1:  # grey: repeat into RGB
        I = np.repeat(I, 3, axis=1)
    if not (I.ndim == 4 and I.shape[1] == 3):
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    count, _, H, W = I.shape
    ncols = min(count, ncols)
    nrows = -(-count // ncols)
    canvas = np.zeros((3, H * nrows, W * ncols), dtype=I.dtype)
    for i, img in enumerate(I):
        y, x = divmod(i, ncols)
        canvas[:, y * H:(y + 1) * H, x * W:(x + 1) * W] = img
    return canvas


# target layout per number of dimensions; anything else gives None, as in torch
_LAYOUTS = {4: "NCHW", 3: "HWC", 2: "HW"}


def convert_to_HWC(tensor, input_format):
    """Numpy image in `input_format` (NCHW/CHW/HWC/HW, any order) -> HWC with 3 channels (or 4)."""
    # torch's messages, with the spaces its line continuations leave in them
    if len(set(input_format)) != len(input_format):
        raise AssertionError("You can not use the same dimension shorthand twice." + " " * 13
                             + f"input_format: {input_format}")
    if tensor.ndim != len(input_format):
        raise AssertionError("size of input tensor and input format are different." + " " * 9
                             + f"tensor shape: {tensor.shape}, input_format: {input_format}")
    fmt = input_format.upper()
    target = _LAYOUTS.get(len(fmt))
    if target is None:
        return None
    moved = tensor.transpose([fmt.find(axis) for axis in target])
    if target == "NCHW":
        return make_grid(moved).transpose(1, 2, 0)
    if target == "HW":
        return np.stack([moved] * 3, 2)
    return np.concatenate([moved] * 3, 2) if moved.shape[2] == 1 else moved
