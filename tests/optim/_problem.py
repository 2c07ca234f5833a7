"""One small problem written identically for torch and jtorch: a tanh layer fit by least squares."""
import numpy as np

import jtorch.optim  # noqa: F401  (registers jtorch.optim until jtorch/__init__ imports it)

_rng = np.random.RandomState(0)
W0 = _rng.randn(4, 3).astype(np.float32) * 0.5
B0 = _rng.randn(3).astype(np.float32) * 0.1
X = _rng.randn(8, 4).astype(np.float32)
Y = _rng.randn(8, 3).astype(np.float32)


def make_params(m):
    w = m.tensor(W0.copy()).requires_grad_()
    b = m.tensor(B0.copy()).requires_grad_()
    return w, b


def loss_fn(m, w, b):
    x, y = m.tensor(X), m.tensor(Y)
    return ((m.tanh(x @ w) + b - y) ** 2).mean()


def values(ts):
    return [t.detach().numpy().copy() for t in ts]


def trajectory(m, make_opt, steps=20, lr_change=None, closure=False):
    """Parameter values after each of `steps` steps of make_opt(params)."""
    params = make_params(m)
    opt = make_opt(m, params)
    out = []
    for i in range(steps):
        if lr_change is not None:
            for g in opt.param_groups:
                g["lr"] = lr_change(i, g["lr"])

        def cl():
            opt.zero_grad()
            loss = loss_fn(m, *params)
            loss.backward()
            return loss
        if closure:
            opt.step(cl)
        else:
            cl()
            opt.step()
        out.append(values(params))
    return out, opt, params
