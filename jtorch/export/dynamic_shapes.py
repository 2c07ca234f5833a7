"""torch.export.dynamic_shapes: Dim and the ways of naming which input sizes may vary.

jtorch's exported graphs hold no symbolic sizes: a graph that never reads an input's size runs at
any size; sizes the program reads become constants of the graph. Dim objects are accepted and
checked against the example inputs (min/max), so specs written for torch work unchanged.
"""
import enum

from ..utils import _pytree

__all__ = ["Constraint", "Dim", "dims", "ShapesCollection", "AdditionalInputs", "refine_dynamic_shapes_from_suggested_fixes"]


class _DimHint(enum.Enum):
    AUTO = "AUTO"
    STATIC = "STATIC"
    DYNAMIC = "DYNAMIC"

    def __call__(self, min=None, max=None):  # noqa: A002 - torch's keyword names
        return self


class Dim:
    """A named input dimension that may vary between min and max."""

    AUTO = _DimHint.AUTO
    STATIC = _DimHint.STATIC
    DYNAMIC = _DimHint.DYNAMIC

    def __init__(self, name, *, min=None, max=None):  # noqa: A002
        lo = 0 if min is None else min
        hi = int(2 ** 63 - 1) if max is None else max
        if not isinstance(name, str):
            raise TypeError(f"Dim name must be a string, got {type(name)}")
        if hi <= lo - 1 or lo < 0:
            raise AssertionError(f"Cannot create Dim with inconsistent min={min}, max={max}")
        self.__name__ = name
        self.min, self.max = lo, hi

    def __repr__(self):
        return f"Dim('{self.__name__}', min={self.min}, max={self.max})" if self.max < 2 ** 63 - 1 \
            else f"Dim('{self.__name__}', min={self.min})"

    def _check(self, size, where):
        if not (self.min <= size <= self.max):
            raise ValueError(f"Received user-specified value range [{self.min}, {self.max}] for {self.__name__} at "
                             f"{where}, but the example input has size {size}, outside it")


Constraint = Dim


def dims(*names, min=None, max=None):  # noqa: A002
    """Several Dims with the same range."""
    return tuple(Dim(name, min=min, max=max) for name in names)


class ShapesCollection:
    """Dynamic shapes given per example tensor: `sc[tensor] = {0: Dim('batch')}`."""

    def __init__(self):
        self._shapes = {}

    def __setitem__(self, t, shape):
        self._shapes[id(t)] = (t, shape)

    def __getitem__(self, t):
        return self._shapes[id(t)][1]

    def __len__(self):
        return len(self._shapes)

    def dynamic_shapes(self, m, args, kwargs=None):
        return _pytree.tree_map(lambda x: self._shapes[id(x)][1] if id(x) in self._shapes else None,
                                (args, kwargs or {}))


class AdditionalInputs:
    """Dynamic shapes inferred from further example inputs: dimensions that differ are dynamic."""

    def __init__(self):
        self._examples = []

    def add(self, args, kwargs=None):
        self._examples.append((args, kwargs or {}))

    def dynamic_shapes(self, m, args, kwargs=None):
        base, _ = _pytree.tree_flatten((args, kwargs or {}))
        others = [_pytree.tree_flatten(e)[0] for e in self._examples]
        shapes = []
        for i, leaf in enumerate(base):
            if hasattr(leaf, "shape"):
                shapes.append({d: Dim.DYNAMIC for d in range(len(leaf.shape))
                               if any(tuple(o[i].shape)[d] != leaf.shape[d] for o in others)} or None)
            else:
                shapes.append(None)
        return _pytree.tree_unflatten(shapes, _pytree.tree_structure((args, kwargs or {})))

    def verify(self, ep):
        for args, kwargs in self._examples:
            ep.module()(*args, **kwargs)


def refine_dynamic_shapes_from_suggested_fixes(msg, dynamic_shapes):
    return dynamic_shapes


def _dynamic_dims(dynamic_shapes, names, values):
    """{input name: set of dims declared dynamic} for the top-level tensor inputs (`names` and `values` in
    argument order); Dim ranges are checked against the example sizes."""
    if dynamic_shapes is None:
        return {}
    if isinstance(dynamic_shapes, dict):
        unknown = set(dynamic_shapes) - set(names)
        if unknown:
            raise ValueError(f"When `dynamic_shapes` is specified as a dict, its top-level keys must be the arg "
                             f"names {names} of `inputs`, but here they are {sorted(dynamic_shapes)}.")
        specs = [dynamic_shapes.get(n) for n in names]
    else:
        specs = list(dynamic_shapes)
    out = {}
    for name, spec, value in zip(names, specs, values):
        if spec is None or not hasattr(value, "shape"):
            continue
        items = spec.items() if isinstance(spec, dict) else enumerate(spec)
        for d, dim in items:
            if dim is None or dim is Dim.STATIC:
                continue
            if d >= len(value.shape):
                raise ValueError(f"Dynamic shape spec names dimension {d} of input {name}, which has only "
                                 f"{len(value.shape)} dimensions")
            if isinstance(dim, Dim):
                dim._check(value.shape[d], f"{name}.shape[{d}]")
            out.setdefault(name, set()).add(d)
    return out
