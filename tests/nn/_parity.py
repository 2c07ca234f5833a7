"""The parity helpers of the tests: build the same layer in torch and jtorch, share weights, compare outputs
and grads.

Several layers are checked in ONE graph (their losses are summed before one backward) so a
group costs one compile, not one per layer.
"""
import numpy as np

import jtorch
import jtorch.nn as jnn

RNG = np.random.default_rng(0)


def rand(*shape, low=-2.0, high=2.0):
    return RNG.uniform(low, high, size=shape).astype(np.float32)


class NoGrad:
    """Marks an input array that should not require grad (targets, labels)."""

    def __init__(self, a):
        self.a = a


def _arr(a):
    return a.a if isinstance(a, NoGrad) else a


def _rg(a, grad):
    return grad and not isinstance(a, NoGrad) and a.dtype.kind == "f"


def to_np(t):
    if isinstance(t, jtorch.Tensor):
        return t.numpy(force=True)  # no detach(): that would record (and compile) an alias op
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


def copy_state(tmod, jmod):
    """torch module's state into the jtorch module (through numpy), checking keys/shapes/dtypes match."""
    tsd = tmod.state_dict()
    jsd = jmod.state_dict()
    assert list(tsd) == list(jsd), (list(tsd), list(jsd))
    for k in tsd:
        assert tuple(tsd[k].shape) == tuple(jsd[k].shape), k
        assert str(tsd[k].dtype).split(".")[-1] == jsd[k].dtype.name, (k, tsd[k].dtype, jsd[k].dtype)
    res = jmod.load_state_dict({k: jtorch.tensor(v.detach().numpy()) for k, v in tsd.items()})
    assert not res.missing_keys and not res.unexpected_keys


def jtorch_to_torch(jmod, tmod):
    """The other direction: jtorch module's state into the torch module."""
    import torch
    tmod.load_state_dict({k: torch.tensor(to_np(v)) for k, v in jmod.state_dict().items()})


def close(a, b, atol=1e-5, rtol=1e-4):
    """Values of a and b (torch or jtorch tensors, arrays) agree."""
    np.testing.assert_allclose(to_np(a), to_np(b), atol=atol, rtol=rtol)


def grads_close(tmod, jmod, atol=1e-5, rtol=1e-4):
    """Every parameter's gradient agrees between the two modules (and at least one exists)."""
    tgrads = {k: p.grad for k, p in tmod.named_parameters()}
    compared = 0
    for k, p in jmod.named_parameters():
        if p.grad is None and tgrads[k] is None:
            continue
        assert p.grad is not None and tgrads[k] is not None, (k, tgrads[k] is None, p.grad is None)
        close(tgrads[k], p.grad, atol, rtol)
        compared += 1
    assert compared, "no parameter received a gradient"


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flat(x)]
    return [out]


def check_layers(torch, cases, atol=1e-5, rtol=1e-4, grad=True):
    """cases: (name, ctor_args, ctor_kwargs, inputs) with inputs a list of numpy arrays (NoGrad for targets);
    ctor_kwargs may be a (torch_kwargs, jtorch_kwargs) pair when they hold tensors.

    Builds torch.nn.<name> and jtorch.nn.<name>, copies the weights, runs both, and compares every output,
    then the gradients of sum(out * g) w.r.t. float inputs and parameters."""
    t_mods, j_mods, t_ins, j_ins, t_outs, j_outs = [], [], [], [], [], []
    for name, args, kwargs, inputs in cases:
        torch.manual_seed(0)
        tkw, jkw = kwargs if isinstance(kwargs, tuple) else (kwargs, kwargs)
        tm = getattr(torch.nn, name)(*args, **tkw)
        jm = getattr(jnn, name)(*args, **jkw)
        copy_state(tm, jm)
        ti = [torch.tensor(_arr(a), requires_grad=_rg(a, grad)) for a in inputs]
        ji = [jtorch.tensor(_arr(a), requires_grad=_rg(a, grad)) for a in inputs]
        t_mods.append(tm)
        j_mods.append(jm)
        t_ins.append(ti)
        j_ins.append(ji)
        t_outs.append(_flat(tm(*ti)))
        j_outs.append(_flat(jm(*ji)))
    if grad:
        t_total, j_total = 0, 0
        for to, jo in zip(t_outs, j_outs):
            for a, b in zip(to, jo):
                if a.dtype.is_floating_point and a.requires_grad:
                    g = rand(*a.shape)
                    t_total = t_total + (a * torch.tensor(g)).sum()
                    j_total = j_total + (b * jtorch.tensor(g)).sum()
        t_total.backward()
        j_total.backward()
    for (name, *_), to, jo, ti, ji, tm, jm in zip(cases, t_outs, j_outs, t_ins, j_ins, t_mods, j_mods):
        assert len(to) == len(jo), name
        for a, b in zip(to, jo):
            assert tuple(a.shape) == tuple(b.shape), (name, a.shape, b.shape)
            assert str(a.dtype).split(".")[-1] == b.dtype.name, (name, a.dtype, b.dtype)
            np.testing.assert_allclose(to_np(b), to_np(a), atol=atol, rtol=rtol, err_msg=f"{name} output")
        if not grad:
            continue
        for a, b in zip(ti, ji):
            if a.grad is not None:
                np.testing.assert_allclose(to_np(b.grad), to_np(a.grad), atol=atol * 10, rtol=rtol * 10,
                                           err_msg=f"{name} input grad")
        for (k, p), (k2, q) in zip(tm.named_parameters(), jm.named_parameters()):
            assert k == k2
            if p.grad is None:
                assert q.grad is None, (name, k)
                continue
            np.testing.assert_allclose(to_np(q.grad), to_np(p.grad), atol=atol * 10, rtol=rtol * 10,
                                       err_msg=f"{name} grad of {k}")
    return t_mods, j_mods
