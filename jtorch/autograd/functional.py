"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp on jtorch.func (jax transforms).

These keep torch's calling conventions - `inputs` is a Tensor or a tuple of Tensors, and each
result is a single Tensor or a tuple following whether the inputs/outputs were tuples - and
compute with jax.vjp/jvp/jacrev/jacfwd through jtorch.func. Results are new leaves:
`create_graph=True` does not connect them to jtorch's autograd graph, and `strict=True` does
not detect outputs independent of the inputs (their derivatives are zeros).
"""
from .. import func as _func
from .._ops import registry
from .._ops.creation import ones_like

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x, arg_name, fn_name):
    """(was it a tuple, the tuple of Tensors), with torch's TypeError for anything else."""
    T = registry._Tensor
    if isinstance(x, T):
        return False, (x,)
    if not isinstance(x, tuple):
        raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the "
                        f"given {arg_name} has type {type(x)}.")
    for i, el in enumerate(x):
        if not isinstance(el, T):
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but "
                            f"the value at index {i} has type {type(el)}.")
    return True, x


def _ones_like(t):
    return ones_like(t)


def _post(xs, is_tuple):
    return xs if is_tuple else xs[0]


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prepend = f"Entry {i} in " if len(other) > 1 else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {b.shape} but got {a.shape}.")


def _checked_outputs(func, fn_name):
    def f(*xs):
        out = func(*xs)
        _as_tuple(out, "outputs of the user-provided function", fn_name)
        return out
    return f


_V_NONE_INPUT = ("The vector v can only be None if the input to the user-provided function is a single Tensor "
                 "with a single element.")


def _vector(v, against, is_tuple, name, none_error):
    """v as a tuple matching `against` (ones for a single one-element tensor when v is None)."""
    if v is None:
        if len(against) != 1 or against[0].numel() != 1:
            raise RuntimeError(none_error)
        return (_ones_like(against[0]),)
    v = _as_tuple(v, "v", name)[1]
    _validate_v(v, against, is_tuple)
    return v


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), v^T J): the vector-Jacobian product w.r.t. inputs."""
    is_in, inputs = _as_tuple(inputs, "inputs", "vjp")
    out, vjp_fn = _func.vjp(_checked_outputs(func, "vjp"), *inputs)
    is_out, outs = _as_tuple(out, "outputs of the user-provided function", "vjp")
    v = _vector(v, outs, is_out, "vjp", "The vector v can only be None if the user-provided function returns a "
                "single Tensor with a single element.")
    grads = vjp_fn(v if is_out else v[0])
    return out, _post(grads, is_in)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), J v): the Jacobian-vector product w.r.t. inputs."""
    is_in, inputs = _as_tuple(inputs, "inputs", "jvp")
    v = _vector(v, inputs, is_in, "jvp", _V_NONE_INPUT)
    return _func.jvp(_checked_outputs(func, "jvp"), tuple(inputs), tuple(v))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at inputs: a Tensor, a tuple over inputs or outputs, or a tuple (over outputs)
    of tuples (over inputs), as torch returns it."""
    assert strategy in ("forward-mode", "reverse-mode"), (
        'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs '
        'than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). Please either '
                                      'set `create_graph=False` or `strategy="reverse-mode"`.')
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is"
                                      "only implemented for `vectorize=True`.")
    if strict and vectorize:
        raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                           "supported together. Please either set `strict=False` or `vectorize=False`.")
    is_in, inputs = _as_tuple(inputs, "inputs", "jacobian")
    transform = _func.jacfwd if strategy == "forward-mode" else _func.jacrev
    argnums = tuple(range(len(inputs))) if is_in else 0
    return transform(_checked_outputs(func, "jacobian"), argnums)(*inputs)


def _check_scalar(out, fn_name):
    """out, checked to be one single-element Tensor, squeezed to a scalar (as torch does)."""
    is_tuple, _ = _as_tuple(out, "outputs of the user-provided function", fn_name)
    if is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should contain a single "
                           "element")
    return out.reshape(())


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a function returning a single-element Tensor: a Tensor, or a tuple of tuples over inputs."""
    assert outer_jacobian_strategy in ("forward-mode", "reverse-mode"), (
        'Expected strategy to be either "forward-mode" or "reverse-mode".')
    is_in, inputs = _as_tuple(inputs, "inputs", "hessian")
    argnums = tuple(range(len(inputs))) if is_in else 0
    return _func.hessian(lambda *xs: _check_scalar(func(*xs), "hessian"), argnums)(*inputs)


def _hv_setup(func, inputs, v, fn_name):
    is_in, inputs = _as_tuple(inputs, "inputs", fn_name)
    v = _vector(v, inputs, is_in, fn_name, _V_NONE_INPUT)
    argnums = tuple(range(len(inputs)))

    def grads(*xs):  # (gradient over all inputs, func's own output as aux)
        def scalar(*ys):
            out = func(*ys)
            return _check_scalar(out, fn_name), out
        return _func.grad(scalar, argnums, has_aux=True)(*xs)

    return is_in, inputs, v, grads


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), v^T H): vector-Hessian product of a function returning a single-element Tensor."""
    is_in, inputs, v, grads = _hv_setup(func, inputs, v, "vhp")
    _, vjp_fn, out = _func.vjp(grads, *inputs, has_aux=True)
    return out, _post(vjp_fn(tuple(v)), is_in)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(*inputs), H v): Hessian-vector product of a function returning a single-element Tensor."""
    is_in, inputs, v, grads = _hv_setup(func, inputs, v, "hvp")
    _, hv, out = _func.jvp(grads, tuple(inputs), tuple(v), has_aux=True)
    return out, _post(hv, is_in)
