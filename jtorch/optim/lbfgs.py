"""torch.optim.LBFGS: torch's algorithm (two-loop recursion, optional strong Wolfe line search).

LBFGS is driven by Python control flow on loss and gradient values, so (like torch) it
syncs at every closure call: each closure runs forward + backward as one compiled
program, and the direction arithmetic runs on the host in the parameters' dtype
(float32 numpy follows torch's float32 CPU arithmetic closely).
"""
import jax.numpy as jnp
import numpy as np

from .._engine.graph import Lazy
from .._ops.creation import _concrete
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from .optimizer import Optimizer, check_lr

__all__ = ["LBFGS"]

_ARRAY_KEYS = ("d", "old_dirs", "old_stps", "ro", "al", "H_diag", "prev_flat_grad", "t")


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic matching value and slope at x1 and x2, clamped to bounds (default: [x1, x2])."""
    lo, hi = sorted((x1, x2)) if bounds is None else bounds
    if x1 > x2:  # the formula below steps back from the right-hand point; d1 and d2 are symmetric
        x1, f1, g1, x2, f2, g2 = x2, f2, g2, x1, f1, g1
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    disc = d1 ** 2 - g1 * g2
    if not disc >= 0:  # no real minimiser (or nan): bisect
        return (lo + hi) / 2.0
    d2 = np.sqrt(disc)
    guess = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    return min(max(guess, lo), hi)


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Line search along d for a step meeting the strong Wolfe conditions (Nocedal & Wright, alg. 3.5/3.6).

    A point is [step, loss, flat grad, directional derivative]. Returns (loss, grad, step, evaluations).
    """
    evals = 0

    def probe(step):
        nonlocal evals
        evals += 1
        loss, grad = obj_func(x, step, d)
        return [step, loss, grad, grad.dot(d)]

    def armijo_fails(pt):
        return pt[1] > (f + c1 * pt[0] * gtd)

    def curvature_ok(pt):
        return abs(pt[3]) <= -c2 * gtd

    d_norm = np.abs(d).max()
    start = [0, f, g.copy(), gtd]
    prev, cur = start, probe(t)
    done, bracket, n = False, None, 0
    # phase 1: grow the step until [prev, cur] must contain an acceptable point
    while n < max_ls:
        if armijo_fails(cur) or (n > 1 and cur[1] >= prev[1]):
            bracket = [prev, cur]
            break
        if curvature_ok(cur):
            bracket, done = [cur], True
            break
        if cur[3] >= 0:
            bracket = [prev, cur]
            break
        step = cur[0]
        nxt = _cubic_interpolate(prev[0], prev[1], prev[3], step, cur[1], cur[3],
                                 bounds=(step + 0.01 * (step - prev[0]), step * 10))
        prev, cur = cur, probe(nxt)
        n += 1
    if n == max_ls:
        bracket = [start, cur]

    # phase 2 (zoom): shrink the bracket; `low` indexes its end with the lower loss
    def order():
        return (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)

    low, high = order()
    insuf_progress = False
    while not done and n < max_ls:
        a, b = bracket[0], bracket[1]
        if abs(b[0] - a[0]) * d_norm < tolerance_change:
            break
        step = _cubic_interpolate(a[0], a[1], a[3], b[0], b[1], b[3])
        top, bottom = max(a[0], b[0]), min(a[0], b[0])
        eps = 0.1 * (top - bottom)
        # too close to an end twice running (or outside): move eps inside, towards the nearer end
        stuck = min(top - step, step - bottom) < eps
        if stuck and (insuf_progress or step >= top or step <= bottom):
            step = top - eps if abs(step - top) < abs(step - bottom) else bottom + eps
            stuck = False
        insuf_progress = stuck
        pt = probe(step)
        n += 1
        if armijo_fails(pt) or pt[1] >= bracket[low][1]:
            bracket[high] = pt
            low, high = order()
            continue
        if curvature_ok(pt):
            done = True
        elif pt[3] * (bracket[high][0] - bracket[low][0]) >= 0:
            bracket[high] = bracket[low]
        bracket[low] = pt
    best = bracket[low]
    return best[1], best[2], best[0], evals


def _two_loop(grad, dirs, steps, ro, H_diag, al, dt):
    """The two-loop recursion: -H grad for the inverse-Hessian estimate H built from the stored pairs."""
    q = -grad
    for i in reversed(range(len(dirs))):
        al[i] = steps[i].dot(q) * ro[i]
        q = q + (-al[i]) * dirs[i]
    r = q * dt(H_diag)
    for i in range(len(dirs)):
        r += (al[i] - dirs[i].dot(r) * ro[i]) * steps[i]
    return r


def _to_numpy(v):
    if isinstance(v, Tensor):
        a = np.asarray(v._value("optimizer.step"))
        return a if a.ndim else a.dtype.type(a)
    if isinstance(v, list):
        return [_to_numpy(x) for x in v]
    return v


def _to_tensor(v):
    if isinstance(v, (np.ndarray, np.generic)):
        return _concrete(np.asarray(v))
    if isinstance(v, list):
        return [_to_tensor(x) for x in v]
    return v


class LBFGS(Optimizer):
    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _numel(self):
        return sum(p.numel() for p in self._params)

    def _gather_flat_grad(self):
        views = []
        for p in self._params:
            if p.grad is None:
                views.append(np.zeros(p.numel(), p.dtype.np))
            else:
                views.append(np.asarray(p.grad._value("optimizer.step")).reshape(-1))
        return np.concatenate(views)

    def _get_params(self):
        return [np.asarray(p._value("optimizer.step")) for p in self._params]

    def _set_params(self, arrays):
        for p, a in zip(self._params, arrays):
            p._rebind(Lazy(tuple(p.shape), p.dtype, value=jnp.asarray(a)), p._fresh_lazy())

    def _add_grad(self, step_size, update):
        offset, new = 0, []
        for p, a in zip(self._params, self._get_params()):
            n = p.numel()
            new.append(a + a.dtype.type(step_size) * update[offset:offset + n].reshape(a.shape))
            offset += n
        self._set_params(new)

    def _directional_evaluate(self, closure, x, t, d):
        """Loss and flat gradient at x + t * d; the parameters are put back to x afterwards."""
        self._add_grad(t, d)
        result = float(closure()), self._gather_flat_grad()
        self._set_params(x)
        return result

    def state_dict(self):
        sd = super().state_dict()
        sd["state"] = {k: {n: _to_tensor(v) for n, v in st.items()} for k, st in sd["state"].items()}
        return sd

    def step(self, closure):
        """One LBFGS step (up to max_iter iterations); closure re-evaluates the loss and grads."""
        with no_grad():
            return self._step(closure)

    def _step(self, closure):
        def call():
            with enable_grad():
                return closure()
        group = self.param_groups[0]
        lr = float(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        state = self.state[self._params[0]]
        for k in _ARRAY_KEYS:
            if k in state:
                state[k] = _to_numpy(state[k])
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = call()
        current_evals = 1
        state["func_evals"] += current_evals
        loss, flat_grad = float(orig_loss), self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        H_diag, prev_flat_grad, prev_loss = state.get("H_diag"), state.get("prev_flat_grad"), state.get("prev_loss")
        dt = flat_grad.dtype.type
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * dt(t)
                ys = y.dot(s)
                if ys > 1e-10:  # only pairs with positive curvature keep H positive definite
                    if len(old_dirs) == history_size:
                        del old_dirs[0], old_stps[0], ro[0]
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(dt(1.0) / ys)
                    H_diag = ys / y.dot(y)
                al = state.setdefault("al", [None] * history_size)
                d = _two_loop(flat_grad, old_dirs, old_stps, ro, H_diag, al, dt)
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(dt(1.0), dt(1.0) / np.abs(flat_grad).sum()) * dt(lr)
            else:
                t = lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # no longer a descent direction
                break
            ls_func_evals = 0
            if line_search_fn is None:  # fixed step t; re-evaluate unless this is the last iteration
                self._add_grad(t, d)
                if n_iter != max_iter:
                    ls_func_evals = 1
                    loss, flat_grad = float(call()), self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            elif line_search_fn == "strong_wolfe":
                start = self._get_params()
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    lambda x, step, direction: self._directional_evaluate(call, x, step, direction),
                    start, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                raise RuntimeError("only 'strong_wolfe' is supported")
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if np.abs(d * dt(t)).max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break
        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=H_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss
