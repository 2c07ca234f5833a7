"""torch.func.rearrange: einops-style reshaping with a pattern such as "b (h w) c -> b h w c".

Each side names axes; parentheses group axes into one dimension; `...` stands for any leading
dimensions; axes_lengths gives the sizes a group cannot infer. The result is a reshape, a permute
and a reshape, all views as torch's are."""
import math
import re
from .._ops.movement import stack

__all__ = ["rearrange"]

_TOKEN = re.compile(r"\(|\)|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|1")


def _parse(side):
    """[[names of dimension 0], [names of dimension 1], ...]; '1' is an anonymous unit axis."""
    dims, group = [], None
    for tok in _TOKEN.findall(side):
        if tok == "(":
            if group is not None:
                raise ValueError(f"Nested parentheses in pattern side '{side}'")
            group = []
        elif tok == ")":
            if group is None:
                raise ValueError(f"Unbalanced parentheses in pattern side '{side}'")
            dims.append(group)
            group = None
        else:
            (group if group is not None else dims).append(tok if group is not None else [tok])
    if group is not None:
        raise ValueError(f"Unbalanced parentheses in pattern side '{side}'")
    return dims


def rearrange(tensor, pattern, **axes_lengths):
    if isinstance(tensor, (list, tuple)):
        tensor = stack(list(tensor))
    if "->" not in pattern:
        raise ValueError(f"Pattern must contain '->': {pattern}")
    left, right = (_parse(s) for s in pattern.split("->"))
    ellipsis = sum(d == ["..."] for d in left)
    n_ell = tensor.dim() - (len(left) - ellipsis)
    if n_ell < 0 or ellipsis > 1:
        raise ValueError(f"Wrong shape: expected {len(left)} dims. Received {tensor.dim()}-dim tensor.")
    sizes, order, k = dict(axes_lengths), [], 0
    unit = 0
    for d in left:
        if d == ["..."]:
            for i in range(n_ell):
                sizes[f"...{i}"] = tensor.shape[k]
                order.append(f"...{i}")
                k += 1
            continue
        known = math.prod(sizes[n] for n in d if n in sizes and n != "1")
        missing = [n for n in d if n not in sizes and n != "1"]
        if len(missing) > 1:
            raise ValueError(f"Could not infer sizes for {set(missing)}")
        if missing:
            sizes[missing[0]] = tensor.shape[k] // known
        for n in d:
            if n == "1":
                name = f"1#{unit}"
                unit += 1
                sizes[name] = 1
            else:
                name = n
            order.append(name)
        k += 1
    named = [n for n in order if not n.startswith("1#")]
    flat = tensor.reshape([sizes[n] for n in order])
    out_names = [n for d in right for n in (d if d != ["..."] else [f"...{i}" for i in range(n_ell)]) if n != "1"]
    if sorted(out_names) != sorted(named):
        raise ValueError(f"Identifiers only on one side of expression (should be on both): "
                         f"{set(out_names) ^ set(named)}")
    flat = flat.reshape([sizes[n] for n in named]) if len(named) != len(order) else flat
    moved = flat.permute([named.index(n) for n in out_names])
    shape = []
    for d in right:
        if d == ["..."]:
            shape += [sizes[f"...{i}"] for i in range(n_ell)]
        else:
            shape.append(math.prod(1 if n == "1" else sizes[n] for n in d))
    return moved.reshape(shape)
