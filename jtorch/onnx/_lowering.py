"""jaxpr -> ONNX nodes, one rule per jax primitive.

The model is traced to a jaxpr (its forward on jax tracers, see jtorch.jit), so the rules
cover jax primitives, a small fixed set, rather than every jtorch op. Nested jaxprs (jit,
custom_jvp/vjp) are inlined; `scan` becomes an ONNX Scan with a body graph. A primitive
without a rule raises NotImplementedError naming it.
"""
import itertools
import re

import numpy as np
import onnx
from jax.extend import core as jcore
from onnx import helper, numpy_helper

_RULES = {}


def rule(*names):
    def deco(fn):
        for n in names:
            _RULES[n] = fn
        return fn
    return deco


def onnx_dtype(dt):
    return helper.np_dtype_to_tensor_dtype(np.dtype(dt))


class Graph:
    """Nodes of one ONNX graph; constants (initializers) and name counters are shared with subgraphs."""

    def __init__(self, opset, parent=None, symbols=None):
        self.opset = opset
        self.nodes = []
        self.inits = parent.inits if parent else []
        self.counter = parent.counter if parent else itertools.count()
        self.symbols = parent.symbols if parent else (symbols or {})  # dim name -> (input name, axis)
        self._consts = parent._consts if parent else {}

    def fresh(self, hint):
        return f"{hint}_{next(self.counter)}"

    def node(self, op, inputs, n_out=1, **attrs):
        outs = [self.fresh(op) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, list(inputs), outs, name=self.fresh("n_" + op), **attrs))
        return outs[0] if n_out == 1 else outs

    def const(self, value, dtype=None, name=None):
        arr = np.asarray(value, dtype=dtype)
        key = None
        if name is None and arr.size <= 16:
            key = (arr.dtype.str, arr.shape, arr.tobytes())
            hit = self._consts.get(key)
            if hit is not None:
                return hit
        name = name or self.fresh("const")
        self.inits.append(numpy_helper.from_array(arr, name))
        if key is not None:
            self._consts[key] = name
        return name

    def ints(self, values):
        return self.const(np.asarray(values, np.int64).reshape(-1))

    def shape(self, dims):
        """An int64 shape tensor for dims that may contain symbolic (dynamic_axes) dimensions."""
        if all(isinstance(d, (int, np.integer)) for d in dims):
            return self.ints([int(d) for d in dims])
        parts = [self.ints([int(d)]) if isinstance(d, (int, np.integer)) else self.dim(d) for d in dims]
        return self.node("Concat", parts, axis=0)

    def dim(self, d):
        """A 1-element int64 tensor for a symbolic dimension like `b`, `12*b` or `b + 1`."""
        text = str(d).replace(" ", "")
        terms = []
        for term in text.split("+"):
            factors = []
            for f in term.split("*"):
                if re.fullmatch(r"-?\d+", f):
                    factors.append(self.ints([int(f)]))
                elif f in self.symbols:
                    src, axis = self.symbols[f]
                    shp = self.node("Shape", [src])
                    factors.append(self.node("Gather", [shp, self.ints([axis])], axis=0))
                else:
                    raise NotImplementedError(f"jtorch.onnx: cannot express the dynamic dimension {d!r} in ONNX")
            acc = factors[0]
            for f in factors[1:]:
                acc = self.node("Mul", [acc, f])
            terms.append(acc)
        acc = terms[0]
        for t in terms[1:]:
            acc = self.node("Add", [acc, t])
        return acc

    def reduce(self, op, x, axes, keepdims=0):
        axes = [int(a) for a in axes]
        if op == "ReduceSum" or self.opset >= 18:
            return self.node(op, [x, self.ints(axes)], keepdims=keepdims)
        return self.node(op, [x], axes=axes, keepdims=keepdims)


def convert(g, jaxpr, in_names, const_names=()):
    """Emit nodes for a (open) jaxpr; returns its output names."""
    env = {}

    def read(v):
        if isinstance(v, jcore.Literal):
            return g.const(np.asarray(v.val, dtype=v.aval.dtype))
        return env[v]

    for v, n in zip(jaxpr.constvars, const_names):
        env[v] = n
    for v, n in zip(jaxpr.invars, in_names):
        env[v] = n
    for eqn in jaxpr.eqns:
        name = eqn.primitive.name
        fn = _RULES.get(name)
        if fn is None:
            raise NotImplementedError(f"jtorch.onnx: no ONNX mapping for the jax primitive '{name}' yet")
        outs = fn(g, eqn, [read(v) for v in eqn.invars])
        if isinstance(outs, str):
            outs = [outs]
        for v, n in zip(eqn.outvars, outs):
            env[v] = n
    return [read(v) for v in jaxpr.outvars]


def _aval(v):
    return v.aval


# -- nested jaxprs -------------------------------------------------------------------------

def _inline(param):
    def fn(g, eqn, ins):
        closed = eqn.params[param]
        jaxpr = getattr(closed, "jaxpr", closed)
        consts = [g.const(np.asarray(c)) for c in getattr(closed, "consts", ())]
        return convert(g, jaxpr, ins, consts)
    return fn


for _p, _param in (("pjit", "jaxpr"), ("jit", "jaxpr"), ("closed_call", "call_jaxpr"), ("core_call", "call_jaxpr"),
                   ("custom_jvp_call", "call_jaxpr"), ("custom_vjp_call", "call_jaxpr"),
                   ("custom_vjp_call_jaxpr", "fun_jaxpr"), ("remat", "jaxpr"), ("checkpoint", "jaxpr")):
    _RULES[_p] = _inline(_param)


# -- elementwise -----------------------------------------------------------------------------

def _simple(op):
    def fn(g, eqn, ins):
        return g.node(op, ins)
    return fn


for _p, _op in {"add": "Add", "sub": "Sub", "mul": "Mul", "max": "Max", "min": "Min", "neg": "Neg", "exp": "Exp",
                "log": "Log", "tanh": "Tanh", "logistic": "Sigmoid", "sqrt": "Sqrt", "abs": "Abs", "sign": "Sign",
                "pow": "Pow", "erf": "Erf", "sin": "Sin", "cos": "Cos", "tan": "Tan", "floor": "Floor",
                "ceil": "Ceil", "eq": "Equal", "lt": "Less", "le": "LessOrEqual", "gt": "Greater",
                "ge": "GreaterOrEqual", "and": "And", "or": "Or", "xor": "Xor", "atan": "Atan", "asin": "Asin",
                "acos": "Acos", "sinh": "Sinh", "cosh": "Cosh", "asinh": "Asinh", "acosh": "Acosh",
                "atanh": "Atanh", "copy": "Identity", "copy_p": "Identity", "optimization_barrier": "Identity",
                "reduce_precision": "Identity"}.items():
    _RULES[_p] = _simple(_op)


@rule("is_finite")
def _is_finite(g, eqn, ins):
    return g.node("Not", [g.node("Or", [g.node("IsInf", ins), g.node("IsNaN", ins)])])


@rule("div")
def _div(g, eqn, ins):
    return g.node("Div", ins)  # on integers both lax.div and ONNX Div truncate toward zero


@rule("rem")
def _rem(g, eqn, ins):
    return g.node("Mod", ins, fmod=1)


@rule("ne")
def _ne(g, eqn, ins):
    return g.node("Not", [g.node("Equal", ins)])


@rule("not")
def _not(g, eqn, ins):
    if np.dtype(eqn.invars[0].aval.dtype) == np.bool_:
        return g.node("Not", ins)
    return g.node("BitwiseNot", ins)


@rule("rsqrt")
def _rsqrt(g, eqn, ins):
    return g.node("Reciprocal", [g.node("Sqrt", ins)])


@rule("log1p")
def _log1p(g, eqn, ins):
    one = g.const(np.ones((), eqn.invars[0].aval.dtype))
    return g.node("Log", [g.node("Add", [ins[0], one])])


@rule("expm1")
def _expm1(g, eqn, ins):
    one = g.const(np.ones((), eqn.invars[0].aval.dtype))
    return g.node("Sub", [g.node("Exp", ins), one])


@rule("square")
def _square(g, eqn, ins):
    return g.node("Mul", [ins[0], ins[0]])


@rule("integer_pow")
def _integer_pow(g, eqn, ins):
    y = eqn.params["y"]
    if y == 2:
        return g.node("Mul", [ins[0], ins[0]])
    if y == 1:
        return g.node("Identity", ins)
    return g.node("Pow", [ins[0], g.const(np.asarray(y, eqn.invars[0].aval.dtype))])


@rule("exp2")
def _exp2(g, eqn, ins):
    return g.node("Pow", [g.const(np.asarray(2, eqn.invars[0].aval.dtype)), ins[0]])


@rule("round")
def _round(g, eqn, ins):
    return g.node("Round", ins)


@rule("clamp")
def _clamp(g, eqn, ins):
    lo, x, hi = ins
    return g.node("Max", [g.node("Min", [x, hi]), lo])


@rule("select_n")
def _select_n(g, eqn, ins):
    pred, *cases = ins
    if len(cases) == 1:
        return g.node("Identity", cases)
    if len(cases) != 2:
        raise NotImplementedError("jtorch.onnx: select_n with more than two cases")
    if np.dtype(eqn.invars[0].aval.dtype) != np.bool_:
        pred = g.node("Cast", [pred], to=onnx.TensorProto.BOOL)
    return g.node("Where", [pred, cases[1], cases[0]])


@rule("convert_element_type")
def _convert(g, eqn, ins):
    return g.node("Cast", ins, to=onnx_dtype(eqn.params["new_dtype"]))


@rule("stop_gradient")
def _identity(g, eqn, ins):
    return g.node("Identity", ins)


# -- shapes ------------------------------------------------------------------------------------

@rule("reshape")
def _reshape(g, eqn, ins):
    if eqn.params.get("dimensions") is not None:
        raise NotImplementedError("jtorch.onnx: reshape with dimensions")
    return g.node("Reshape", [ins[0], g.shape(eqn.params["new_sizes"])])


@rule("broadcast_in_dim")
def _broadcast_in_dim(g, eqn, ins):
    shape = eqn.params["shape"]
    bdims = eqn.params["broadcast_dimensions"]
    in_shape = eqn.invars[0].aval.shape
    x = ins[0]
    if len(in_shape) != len(shape):
        mid = [1] * len(shape)
        for i, d in enumerate(bdims):
            mid[d] = in_shape[i]
        x = g.node("Reshape", [x, g.shape(mid)])
    if tuple(in_shape) == tuple(shape):
        return g.node("Identity", [x])
    return g.node("Expand", [x, g.shape(shape)])


@rule("squeeze")
def _squeeze(g, eqn, ins):
    return g.node("Squeeze", [ins[0], g.ints(eqn.params["dimensions"])])


@rule("expand_dims")
def _expand_dims(g, eqn, ins):
    return g.node("Unsqueeze", [ins[0], g.ints(eqn.params["dimensions"])])


@rule("transpose")
def _transpose(g, eqn, ins):
    return g.node("Transpose", ins, perm=[int(p) for p in eqn.params["permutation"]])


@rule("concatenate")
def _concatenate(g, eqn, ins):
    return g.node("Concat", ins, axis=int(eqn.params["dimension"]))


@rule("split")
def _split(g, eqn, ins):
    sizes = [int(s) for s in eqn.params["sizes"]]
    return g.node("Split", [ins[0], g.ints(sizes)], n_out=len(sizes), axis=int(eqn.params["axis"]))


@rule("slice")
def _slice(g, eqn, ins):
    start = eqn.params["start_indices"]
    limit = eqn.params["limit_indices"]
    strides = eqn.params["strides"] or (1,) * len(start)
    axes = list(range(len(start)))
    return g.node("Slice", [ins[0], g.shape(start), g.shape(limit), g.ints(axes), g.ints(strides)])


@rule("dynamic_slice")
def _dynamic_slice(g, eqn, ins):
    x, *idx = ins
    sizes = eqn.params["slice_sizes"]
    starts = g.node("Concat", [g.node("Reshape", [g.node("Cast", [i], to=onnx.TensorProto.INT64), g.ints([1])])
                               for i in idx], axis=0)
    ends = g.node("Add", [starts, g.shape(sizes)])
    return g.node("Slice", [x, starts, ends, g.ints(range(len(sizes)))])


@rule("pad")
def _pad(g, eqn, ins):
    cfg = eqn.params["padding_config"]
    if any(i != 0 for _, _, i in cfg) or any(lo < 0 or hi < 0 for lo, hi, _ in cfg):
        raise NotImplementedError("jtorch.onnx: pad with interior or negative padding")
    pads = [lo for lo, _, _ in cfg] + [hi for _, hi, _ in cfg]
    return g.node("Pad", [ins[0], g.ints(pads), ins[1]], mode="constant")


@rule("iota")
def _iota(g, eqn, ins):
    p = eqn.params
    shape = p["shape"]
    if not all(isinstance(d, (int, np.integer)) for d in shape):
        raise NotImplementedError("jtorch.onnx: iota with a dynamic shape")
    arr = np.broadcast_to(np.arange(shape[p["dimension"]]).reshape(
        [-1 if i == p["dimension"] else 1 for i in range(len(shape))]), shape).astype(p["dtype"])
    return g.const(np.ascontiguousarray(arr))


@rule("gather")
def _gather(g, eqn, ins):
    """The gathers jnp.take / x[idx] make along one axis: ONNX Gather."""
    dn = eqn.params["dimension_numbers"]
    operand, indices = eqn.invars
    oshape = operand.aval.shape
    ishape = indices.aval.shape
    if (len(dn.start_index_map) != 1 or tuple(dn.collapsed_slice_dims) != tuple(dn.start_index_map)
            or getattr(dn, "operand_batching_dims", ()) or ishape[-1:] != (1,)):
        raise NotImplementedError(f"jtorch.onnx: gather with dimension numbers {dn}")
    axis = dn.start_index_map[0]
    sizes = eqn.params["slice_sizes"]
    if any(sizes[i] != oshape[i] for i in range(len(oshape)) if i != axis):
        raise NotImplementedError("jtorch.onnx: gather of partial slices")
    nb = len(ishape) - 1
    expected = tuple(range(axis)) + tuple(range(axis + nb, axis + nb + len(oshape) - 1 - axis))
    if tuple(dn.offset_dims) != expected:
        raise NotImplementedError(f"jtorch.onnx: gather with offset_dims {dn.offset_dims}")
    idx = g.node("Squeeze", [ins[1], g.ints([len(ishape) - 1])])
    return g.node("Gather", [ins[0], idx], axis=int(axis))


# -- reductions ----------------------------------------------------------------------------

for _p, _op in {"reduce_sum": "ReduceSum", "reduce_max": "ReduceMax", "reduce_min": "ReduceMin",
                "reduce_prod": "ReduceProd"}.items():
    def _reduce(g, eqn, ins, _op=_op):
        axes = eqn.params["axes"]
        if not axes:
            return g.node("Identity", ins)
        x = ins[0]
        if np.dtype(eqn.invars[0].aval.dtype) == np.bool_:  # reduce_or/and on bools come as max/min
            x = g.node("Cast", [x], to=onnx.TensorProto.INT32)
            return g.node("Cast", [g.reduce(_op, x, axes)], to=onnx.TensorProto.BOOL)
        return g.reduce(_op, x, axes)
    _RULES[_p] = _reduce


@rule("reduce_or")
def _reduce_or(g, eqn, ins):
    x = g.node("Cast", ins, to=onnx.TensorProto.INT32)
    return g.node("Cast", [g.reduce("ReduceMax", x, eqn.params["axes"])], to=onnx.TensorProto.BOOL)


@rule("reduce_and")
def _reduce_and(g, eqn, ins):
    x = g.node("Cast", ins, to=onnx.TensorProto.INT32)
    return g.node("Cast", [g.reduce("ReduceMin", x, eqn.params["axes"])], to=onnx.TensorProto.BOOL)


@rule("argmax", "argmin")
def _argmax(g, eqn, ins):
    (axis,) = eqn.params["axes"]
    out = g.node("ArgMax" if eqn.primitive.name == "argmax" else "ArgMin", ins, axis=int(axis), keepdims=0,
                 select_last_index=0)
    dt = np.dtype(eqn.params["index_dtype"])
    return out if dt == np.int64 else g.node("Cast", [out], to=onnx_dtype(dt))


@rule("cumsum")
def _cumsum(g, eqn, ins):
    return g.node("CumSum", [ins[0], g.const(np.asarray(eqn.params["axis"], np.int64))],
                  reverse=int(eqn.params["reverse"]))


# -- linear algebra, convolution, pooling ---------------------------------------------------------

@rule("dot_general")
def _dot_general(g, eqn, ins):
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    a, b = eqn.invars
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    lhs = [next(letters) for _ in range(len(a.aval.shape))]
    rhs = [None] * len(b.aval.shape)
    for i, j in zip(lc, rc):
        rhs[j] = lhs[i]
    for i, j in zip(lb, rb):
        rhs[j] = lhs[i]
    rhs = [r or next(letters) for r in rhs]
    out = [lhs[i] for i in lb] + [lhs[i] for i in range(len(lhs)) if i not in lc and i not in lb] + \
          [rhs[j] for j in range(len(rhs)) if j not in rc and j not in rb]
    x, y = ins
    out_dt = np.dtype(eqn.outvars[0].aval.dtype)
    if np.dtype(a.aval.dtype) != out_dt:
        x = g.node("Cast", [x], to=onnx_dtype(out_dt))
    if np.dtype(b.aval.dtype) != out_dt:
        y = g.node("Cast", [y], to=onnx_dtype(out_dt))
    if len(lhs) == 2 and len(rhs) == 2 and not lb and list(lc) == [1] and list(rc) in ([0], [1]):
        if list(rc) == [1]:
            y = g.node("Transpose", [y], perm=[1, 0])
        return g.node("MatMul", [x, y])
    return g.node("Einsum", [x, y], equation=f"{''.join(lhs)},{''.join(rhs)}->{''.join(out)}")


@rule("conv_general_dilated")
def _conv(g, eqn, ins):
    p = eqn.params
    dn = p["dimension_numbers"]
    nd = len(eqn.invars[0].aval.shape) - 2
    std = tuple(range(nd + 2))
    if (tuple(dn.lhs_spec), tuple(dn.rhs_spec), tuple(dn.out_spec)) != (std, std, std):
        raise NotImplementedError(f"jtorch.onnx: convolution layout {dn} (expects NCHW/OIHW)")
    if any(d != 1 for d in p["lhs_dilation"]):
        raise NotImplementedError("jtorch.onnx: transposed convolution (lhs_dilation)")
    if p["batch_group_count"] != 1:
        raise NotImplementedError("jtorch.onnx: convolution with batch_group_count")
    pads = [lo for lo, _ in p["padding"]] + [hi for _, hi in p["padding"]]
    return g.node("Conv", ins, strides=list(p["window_strides"]), pads=pads, dilations=list(p["rhs_dilation"]),
                  group=int(p["feature_group_count"]), kernel_shape=list(eqn.invars[1].aval.shape[2:]))


def _pool_attrs(eqn):
    p = eqn.params
    win, strides, padding = p["window_dimensions"], p["window_strides"], p["padding"]
    if any(d != 1 for d in p.get("base_dilation", ())):
        raise NotImplementedError("jtorch.onnx: pooling with base dilation")
    if win[:2] != (1, 1) or strides[:2] != (1, 1) or any(x != (0, 0) for x in padding[:2]):
        raise NotImplementedError("jtorch.onnx: pooling over the batch or channel axis")
    pads = [lo for lo, _ in padding[2:]] + [hi for _, hi in padding[2:]]
    return dict(kernel_shape=list(win[2:]), strides=list(strides[2:]), pads=pads,
                dilations=list(p.get("window_dilation", (1,) * len(win))[2:]))


@rule("reduce_window_max")
def _max_pool(g, eqn, ins):
    return g.node("MaxPool", ins, **_pool_attrs(eqn))


@rule("reduce_window_sum")
def _sum_pool(g, eqn, ins):
    attrs = _pool_attrs(eqn)
    if any(d != 1 for d in attrs.pop("dilations")):
        raise NotImplementedError("jtorch.onnx: sum pooling with dilation")
    avg = g.node("AveragePool", ins, count_include_pad=1, **attrs)
    k = int(np.prod(attrs["kernel_shape"]))
    return g.node("Mul", [avg, g.const(np.asarray(k, eqn.invars[0].aval.dtype))])


@rule("reduce_window")
def _reduce_window(g, eqn, ins):
    """Generic lax.reduce_window: recognised when its body is a max or add."""
    body = eqn.params["jaxpr"]
    body = getattr(body, "jaxpr", body)
    prims = [e.primitive.name for e in body.eqns]
    n = len(ins) // 2
    if n != 1 or prims not in (["max"], ["add"]):
        raise NotImplementedError(f"jtorch.onnx: reduce_window with body {prims}")
    fake = type("E", (), {"params": eqn.params, "invars": eqn.invars[:1]})
    if prims == ["max"]:
        return g.node("MaxPool", ins[:1], **_pool_attrs(fake))
    return _sum_pool(g, fake, ins[:1])


# -- loops ---------------------------------------------------------------------------------

@rule("scan")
def _scan(g, eqn, ins):
    p = eqn.params
    closed = p["jaxpr"]
    jaxpr = closed.jaxpr
    # consts, carry and xs are told apart structurally (param names differ across jax versions): the
    # body sees consts and carry at their full rank, xs (and emits ys) one rank lower
    nk = 0
    for outer, inner in zip(eqn.outvars, jaxpr.outvars):
        if len(outer.aval.shape) != len(inner.aval.shape):
            break
        nk += 1
    n_xs = 0
    for outer, inner in zip(reversed(eqn.invars), reversed(jaxpr.invars)):
        if len(outer.aval.shape) != len(inner.aval.shape) + 1 or n_xs >= len(eqn.invars) - nk:
            break
        n_xs += 1
    nc = len(eqn.invars) - nk - n_xs
    length = p.get("length")
    if length is None:
        lead = [v.aval.shape[0] for v in list(eqn.invars[nc + nk:]) + list(eqn.outvars[nk:])]
        if not lead:
            raise NotImplementedError("jtorch.onnx: scan without scanned inputs or outputs")
        length = lead[0]
    consts, carry, xs = ins[:nc], ins[nc:nc + nk], ins[nc + nk:]
    body = Graph(g.opset, parent=g)
    body_consts = [g.const(np.asarray(c)) for c in closed.consts]
    in_vars = jaxpr.invars[nc:]
    in_names = [body.fresh("scan_in") for _ in in_vars]
    if not xs:  # ONNX Scan needs a scanned input: iterate over a dummy counter
        xs = [g.const(np.zeros((length,), np.int64))]
        dummy = body.fresh("scan_idx")
        in_names.append(dummy)
    outs = convert(body, jaxpr, list(consts) + in_names, body_consts)
    out_names = [body.node("Identity", [o]) for o in outs]
    ninputs = []
    for v, n in zip(in_vars, in_names):
        shape = v.aval.shape
        ninputs.append(helper.make_tensor_value_info(n, onnx_dtype(v.aval.dtype), _dims(shape)))
    if len(in_names) > len(in_vars):
        ninputs.append(helper.make_tensor_value_info(in_names[-1], onnx.TensorProto.INT64, []))
    noutputs = [helper.make_tensor_value_info(n, onnx_dtype(v.aval.dtype), _dims(v.aval.shape))
                for n, v in zip(out_names, jaxpr.outvars)]
    graph = helper.make_graph(body.nodes, g.fresh("scan_body"), ninputs, noutputs)
    n_scan_in = len(xs)
    n_scan_out = len(jaxpr.outvars) - nk
    direction = 1 if p.get("reverse", False) else 0
    attrs = dict(body=graph, num_scan_inputs=n_scan_in)
    if direction:
        attrs["scan_input_directions"] = [1] * n_scan_in
        attrs["scan_output_directions"] = [1] * n_scan_out
    outs = g.node("Scan", list(carry) + list(xs), n_out=nk + n_scan_out, **attrs)
    return [outs] if isinstance(outs, str) else outs


def _dims(shape):
    return [d if isinstance(d, (int, np.integer)) else str(d) for d in shape]


@rule("dim_as_value")
def _dim_as_value(g, eqn, ins):
    """A symbolic (dynamic_axes) dimension used as a number, e.g. the count in a mean over the batch."""
    d = g.dim(eqn.params["dim"])
    scalar = g.node("Reshape", [d, g.ints([])])
    dt = np.dtype(eqn.outvars[0].aval.dtype)
    return scalar if dt == np.int64 else g.node("Cast", [scalar], to=onnx_dtype(dt))


@rule("stack")
def _stack(g, eqn, ins):
    axis = int(eqn.params["axis"])
    return g.node("Concat", [g.node("Unsqueeze", [x, g.ints([axis])]) for x in ins], axis=axis)


def prune(nodes, inits, outputs):
    """Drop initializers nothing reads (weights such as num_batches_tracked, folded constants)."""
    used = set(outputs)

    def walk(ns):
        for n in ns:
            used.update(n.input)
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g.node)
    walk(nodes)
    return [i for i in inits if i.name in used]
