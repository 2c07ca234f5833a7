"""torch.optim.swap_in_optimizer_params_and_state: run an optimizer on other parameter tensors and another
optimizer.state_dict()-shaped state for the length of a `with` block, then put the live ones back."""
import contextlib
from collections import defaultdict

from .._tensor import Tensor

__all__ = ["swap_in_optimizer_params_and_state"]

_NAME = "swap_in_optimizer_params_and_state"


def _check_state(state):
    if not isinstance(state, dict):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be a dict mapping packed parameter "
                           f"ids to per-param state dicts, got {type(state).__name__}.")
    if any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style state keyed by packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise RuntimeError(f"{_NAME} requires per-parameter optimizer state entries to be dictionaries.")
    return state


def _check_group(idx, live, group):
    """The packed ids of one swap-in param group, after checking it mirrors the live group."""
    if not isinstance(group, dict):
        raise RuntimeError(f"{_NAME} requires each optimizer param group to be a dictionary.")
    ids = group.get("params")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param_groups[*]['params'] entries keyed "
                           "by packed parameter ids.")
    if len(ids) != len(live["params"]):
        raise RuntimeError(f"swapin_optim_state param group {idx} has a different number of params than the live "
                           "optimizer param group.")
    only_new = [k for k in group if k not in live]
    only_live = [k for k in live if k not in group]
    if only_new or only_live:
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style param group keys to exactly match the "
                           f"live optimizer group keys for group {idx}. Keys only in swap-in: {only_new}. Keys only "
                           f"in live: {only_live}.")
    return ids


def _plan(optimizer, swapin_parameters, swapin_optim_state):
    """[(live group, swap-in group, swap-in params)] and the packed-id state, validated as torch does."""
    if not optimizer.state:
        raise RuntimeError(f"{_NAME} requires initialized optimizer state.")
    if not isinstance(swapin_optim_state, dict):
        raise RuntimeError(f"{_NAME} requires a DCP-style optimizer state_dict.")
    state = _check_state(swapin_optim_state.get("state"))
    groups = swapin_optim_state.get("param_groups")
    if not isinstance(groups, list):
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['param_groups'] to be a list of param-group "
                           f"dicts, got {type(groups).__name__}.")
    if len(groups) != len(optimizer.param_groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups than the live optimizer.")
    params = list(swapin_parameters.values())  # matched to the groups by order
    plan, used, start = [], set(), 0
    for idx, (live, group) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _check_group(idx, live, group)
        used.update(ids)
        if start + len(ids) > len(params):
            raise RuntimeError(f"{_NAME} requires the explicit parameter state to match optimizer.param_groups "
                               "ordering.")
        plan.append((live, group, params[start:start + len(ids)]))
        start += len(ids)
    extra = [k for k in state if k not in used]
    if extra:
        raise RuntimeError(f"{_NAME} requires swapin_optim_state['state'] to be keyed only by packed parameter ids "
                           f"from param_groups[*]['params']; got extra keys {extra!r}.")
    return plan, state


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer, swapin_parameters, swapin_optim_state):
    """Inside the block the optimizer's groups hold `swapin_parameters` (in param_groups order) with the
    hyperparameters of `swapin_optim_state["param_groups"]`, and its state is `swapin_optim_state["state"]`
    re-keyed by those tensors; on exit the live groups and state come back unchanged."""
    plan, state = _plan(optimizer, swapin_parameters, swapin_optim_state)
    live_state = optimizer.state
    saved_groups = [dict(g) for g in optimizer.param_groups]  # shallow: the live params list keeps its identity
    try:
        swapped = defaultdict(dict)
        for live, group, params in plan:
            live.update({k: v for k, v in group.items() if k != "params"})
            live["params"] = params
            for p, pid in zip(params, group["params"]):
                swapped[p] = dict(state.get(pid, {}))  # new dict, same tensors: in-place updates reach the caller
        optimizer.state = swapped
        yield
    finally:
        for live, saved in zip(optimizer.param_groups, saved_groups):
            live.clear()
            live.update(saved)
        optimizer.state = live_state
