"""Tensor printing on numpy, giving the same text as torch's ``repr(tensor)``.

Works on plain numpy arrays plus the torch dtype name so that jtorch's
``repr(tensor)`` matches PyTorch character for character. No torch or jax
import: the caller hands over host values (``np.asarray(jax_array)``).
"""

import contextlib
import dataclasses
import math

import numpy as np

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    """The live print settings; set_printoptions() writes them, every repr reads them."""

    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: "bool | None" = None


PRINT_OPTS = _PrintOptions()

# torch's named presets; they only set these four fields
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}
_PROFILE_FIELDS = ("precision", "threshold", "edgeitems", "linewidth")


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Same semantics as ``torch.set_printoptions`` (profile first, then overrides)."""
    if profile in _PROFILES:
        for field, value in zip(_PROFILE_FIELDS, _PROFILES[profile]):
            setattr(PRINT_OPTS, field, value)
    given = dict(precision=precision, threshold=threshold, edgeitems=edgeitems, linewidth=linewidth)
    for field, value in given.items():
        if value is not None:
            setattr(PRINT_OPTS, field, value)
    # torch resets sci_mode on every call, even when it is not passed
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Current options, usable as ``**kwargs`` for set_printoptions()."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# --------------------------------------------------------------------------
# dtype helpers


def _is_floating(dtype: np.dtype) -> bool:
    # ml_dtypes (bfloat16, float8_*) register as kind 'V'
    if dtype.kind == "f":
        return True
    return dtype.kind == "V" and dtype.name.startswith(("bfloat", "float"))


def _to_host(arr: np.ndarray) -> np.ndarray:
    """Widen to a dtype whose ``tolist()`` gives Python numbers.

    torch formats ``tensor.item()`` / ``tolist()`` values, which are Python
    floats (doubles) or ints, so widening is exact and changes nothing.
    """
    dt = arr.dtype
    if dt.kind == "c":
        return arr.astype(np.complex128)
    if _is_floating(dt):
        return arr.astype(np.float64)
    if dt.kind == "V":  # ml_dtypes int4 and friends
        return arr.astype(np.int64)
    return arr


# --------------------------------------------------------------------------
# formatter


class _Formatter:
    """Decides int_mode / sci_mode / column width from the printed values."""

    def __init__(self, values: np.ndarray, floating: bool):
        self.floating_dtype = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        flat = values.reshape(-1)

        if not floating:
            # width depends only on the value, so unique values suffice
            for value in np.unique(flat).tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return

        nonzero_finite_vals = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero_finite_vals.size == 0:
            # no valid number, do nothing
            return

        magnitudes = np.abs(nonzero_finite_vals)
        lo, hi = float(magnitudes.min()), float(magnitudes.max())
        # whole numbers print as "3." unless some value has a fraction
        self.int_mode = bool(np.all(nonzero_finite_vals == np.ceil(nonzero_finite_vals)))
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode
        else:  # scientific when the range is wide or the values very large/small
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4

        unique_vals = np.unique(nonzero_finite_vals).tolist()
        p = PRINT_OPTS.precision
        if self.sci_mode:
            for value in unique_vals:
                self.max_width = max(self.max_width, len(f"{value:.{p}e}"))
        elif self.int_mode:
            # +1 for the trailing '.' that marks a float tensor
            for value in unique_vals:
                self.max_width = max(self.max_width, len(f"{value:.0f}") + 1)
        else:
            for value in unique_vals:
                self.max_width = max(self.max_width, len(f"{value:.{p}f}"))

    def width(self):
        return self.max_width

    def format(self, value):
        p = PRINT_OPTS.precision
        if not self.floating_dtype:
            text = f"{value}"
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{p}e}"
        elif self.int_mode:
            text = f"{value:.0f}" + ("." if math.isfinite(value) else "")
        else:
            text = f"{value:.{p}f}"
        return text.rjust(self.max_width)


# --------------------------------------------------------------------------
# layout


def _complex_str(val, formatter1, formatter2):
    imag = (formatter2.format(val.imag) + "j").lstrip()
    # the imaginary part brings its own sign when it has one (negatives, -0.0)
    joiner = "" if imag[0] in "+-" else "+"
    return formatter1.format(val.real) + joiner + imag


def _val_str(val, formatter1, formatter2):
    if formatter2 is not None:
        return _complex_str(val, formatter1, formatter2)
    return formatter1.format(val)


def _vector_str(arr, indent, summarize, formatter1, formatter2=None):
    # an element takes its width plus ", "; a complex one also the imaginary part and its "j"
    per_item = formatter1.width() + 2 + (0 if formatter2 is None else formatter2.width() + 1)
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / per_item))

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        data = (
            [_val_str(v, formatter1, formatter2) for v in arr[:edge].tolist()]
            + [" ..."]
            + [_val_str(v, formatter1, formatter2) for v in arr[-edge:].tolist()]
        )
    else:
        data = [_val_str(v, formatter1, formatter2) for v in arr.tolist()]

    lines = [", ".join(data[start:start + per_line]) for start in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(arr, indent, summarize, formatter1, formatter2=None):
    dim = arr.ndim

    if dim == 0:
        return _val_str(arr.item(), formatter1, formatter2)

    if dim == 1:
        return _vector_str(arr, indent, summarize, formatter1, formatter2)

    edge = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(n - edge, n))
    else:
        rows = list(range(n))
    slices = [
        "..."
        if i is None
        else _tensor_str_with_formatter(
            arr[i], indent + 1, summarize, formatter1, formatter2
        )
        for i in rows
    ]

    tensor_str = ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices)
    return "[" + tensor_str + "]"


def _get_summarized_data(arr):
    """Only the elements that will be shown, so widths ignore hidden ones."""
    dim = arr.ndim
    edge = PRINT_OPTS.edgeitems
    if dim == 0:
        return arr
    if dim == 1:
        if arr.shape[0] > 2 * edge:
            # note arr[-0:] is the whole array, exactly as in torch
            return np.concatenate((arr[:edge], arr[-edge:]))
        return arr
    if not edge:
        return np.empty([0] * dim, dtype=arr.dtype)
    if arr.shape[0] > 2 * edge:
        idx = list(range(edge)) + list(range(arr.shape[0] - edge, arr.shape[0]))
        return np.stack([_get_summarized_data(arr[i]) for i in idx])
    return np.stack([_get_summarized_data(x) for x in arr])


def _tensor_str(arr, indent, floating):
    if arr.size == 0:
        return "[]"

    summarize = arr.size > PRINT_OPTS.threshold

    if np.iscomplexobj(arr):
        shown = _get_summarized_data(arr) if summarize else arr
        real_formatter = _Formatter(shown.real, True)
        imag_formatter = _Formatter(shown.imag, True)
        return _tensor_str_with_formatter(
            arr, indent, summarize, real_formatter, imag_formatter
        )
    formatter = _Formatter(_get_summarized_data(arr) if summarize else arr, floating)
    return _tensor_str_with_formatter(arr, indent, summarize, formatter)


def _add_suffixes(tensor_str, suffixes, indent, force_newline):
    out = tensor_str
    # torch counts the last line as two longer than it is (+1 where -1 was meant); kept so wrapping matches
    line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            out += ",\n" + " " * indent + suffix
            line_len = indent + len(suffix)
        else:
            out += ", " + suffix
            line_len += len(suffix) + 2
        force_newline = False  # only ever forces the first suffix onto a new line
    return out + ")"


def tensor_repr(
    values,
    dtype_name,
    *,
    default_dtype_name="torch.float32",
    suffixes=(),
    prefix="tensor(",
) -> str:
    """``repr(tensor)`` of a dense strided tensor, as torch's ``_str_intern``.

    ``values``: host ndarray of the tensor's data. ``dtype_name``: e.g.
    "torch.int32". ``suffixes``: preformatted extras ("requires_grad=True",
    "grad_fn=<AddBackward0>", "device='cuda:0'"). A "device=..." suffix is
    placed before size/dtype, where torch puts it; the rest follow in order.
    """
    arr = np.asarray(values)
    floating = _is_floating(arr.dtype)
    arr = _to_host(arr)
    indent = len(prefix)

    default_complex = (
        "torch.complex128" if default_dtype_name == "torch.float64" else "torch.complex64"
    )
    has_default_dtype = dtype_name in (
        default_dtype_name,
        default_complex,
        "torch.int64",
        "torch.bool",
    )

    device_suffixes = [s for s in suffixes if s.startswith("device=")]
    other_suffixes = [s for s in suffixes if not s.startswith("device=")]
    all_suffixes = list(device_suffixes)

    if arr.size == 0:
        # Explicitly print the shape if it is not (0,), to match NumPy behavior
        if arr.ndim != 1:
            all_suffixes.append("size=" + str(tuple(arr.shape)))
        # no elements to infer the dtype from, so even int64 is shown
        if dtype_name != default_dtype_name:
            all_suffixes.append("dtype=" + str(dtype_name))
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            all_suffixes.append("size=" + str(tuple(arr.shape)))
        if not has_default_dtype:
            all_suffixes.append("dtype=" + str(dtype_name))
        tensor_str = _tensor_str(arr, indent, floating)

    all_suffixes.extend(other_suffixes)
    return _add_suffixes(prefix + tensor_str, all_suffixes, indent, force_newline=False)
