"""torch.optim.swa_utils: AveragedModel (SWA / EMA weights), SWALR, update_bn.

The averaging updates are recorded lazily (under no_grad) like any in-place op, so they
fuse into the next sync; the number of models averaged is fed as a scalar input.
"""
import itertools
import math
from copy import deepcopy

from .. import _dtype
from .._ops.creation import tensor
from ..autograd.grad_mode import no_grad
from ..nn import Module
from .lr_scheduler import LRScheduler, _format_param
from ..nn.modules.batchnorm import _BatchNorm

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_avg_fn(decay=0.999):
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


def get_ema_multi_avg_fn(decay=0.999):
    _check_decay(decay)
    one = get_ema_avg_fn(decay)

    def ema_update(ema_param_list, current_param_list, num_averaged):
        with no_grad():
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema._assign(one(p_ema, p_model, num_averaged))
    return ema_update


def get_swa_multi_avg_fn():
    one = get_swa_avg_fn()

    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with no_grad():
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                p_avg._assign(one(p_avg, p_model, num_averaged))
    return swa_update


class AveragedModel(Module):
    """Keeps an average (SWA by default, or `avg_fn` / `multi_avg_fn`, e.g. EMA) of a model's weights."""

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=_dtype.int64, device=device))
        self.avg_fn, self.multi_avg_fn = avg_fn, multi_avg_fn
        self.use_buffers = use_buffers  # average buffers too, instead of copying them
    def update_parameters(self, model):
        if self.use_buffers:
            mine = list(itertools.chain(self.module.parameters(), self.module.buffers()))
            theirs = list(itertools.chain(model.parameters(), model.buffers()))
        else:
            mine, theirs = list(self.parameters()), list(model.parameters())
        n = int(self.n_averaged.item())
        with no_grad():
            theirs = [p.detach() for p in theirs]
            if n == 0:
                for p_avg, p_model in zip(mine, theirs):
                    p_avg._assign(p_model)
            elif self.avg_fn is None:
                (self.multi_avg_fn or get_swa_multi_avg_fn())(mine, theirs, n)
            else:
                for p_avg, p_model in zip(mine, theirs):
                    p_avg._assign(self.avg_fn(p_avg.detach(), p_model, n))
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa._assign(b_model.detach())
            self.n_averaged._assign(tensor(n + 1, dtype=_dtype.int64))

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)


def update_bn(loader, model, device=None):
    """Recompute BatchNorm running statistics with one pass over `loader`."""

    norms = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    if not norms:
        return
    saved_momentum = {}
    with no_grad():
        for bn in norms:
            bn.reset_running_stats()
            saved_momentum[bn] = bn.momentum
            bn.momentum = None  # None: a plain average over every batch of the pass
        was_training = model.training
        model.train()
        for batch in loader:
            x = batch[0] if isinstance(batch, (list, tuple)) else batch
            model(x if device is None else x.to(device))
        for bn, momentum in saved_momentum.items():
            bn.momentum = momentum
        model.train(was_training)


def _linear(t):
    return t


def _cosine(t):
    return (1 - math.cos(math.pi * t)) / 2


def _start_lr(lr, swa_lr, alpha):
    """The lr a blend `alpha * swa_lr + (1 - alpha) * start` began from."""
    return swa_lr if alpha == 1 else (lr - alpha * swa_lr) / (1 - alpha)


class SWALR(LRScheduler):
    """Anneals each group's lr to a fixed swa_lr over anneal_epochs (cos or linear)."""

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        targets = _format_param("swa_lr", optimizer, swa_lr)
        for group, target in zip(optimizer.param_groups, targets):
            group["swa_lr"] = target
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    _linear_anneal = staticmethod(_linear)
    _cosine_anneal = staticmethod(_cosine)
    _get_initial_lr = staticmethod(_start_lr)

    def get_lr(self):
        self._warn_outside_step()
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)

        def alpha_at(s):
            return self.anneal_func(max(0, min(1, s / span)))

        # recover where the previous step's blend started, then blend at this step's alpha
        groups = self.optimizer.param_groups
        prev_alpha, alpha = alpha_at(step - 1), alpha_at(step)
        starts = [_start_lr(group["lr"], group["swa_lr"], prev_alpha) for group in groups]
        return [group["swa_lr"] * alpha + start * (1 - alpha) for group, start in zip(groups, starts)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = _cosine if anneal_strategy == "cos" else _linear

    def state_dict(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
