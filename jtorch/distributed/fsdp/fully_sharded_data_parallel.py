"""torch.distributed.fsdp.FullyShardedDataParallel (the wrapper, FSDP1) inside one process.

The wrapper holds the module as `_fsdp_wrapped_module` and lays its parameters out over this process's
devices as fully_shard does (see _fully_shard). Parameters keep their names (torch's `use_orig_params=True`
view: `_fsdp_wrapped_module.0.weight`), `state_dict()` has the module's own keys (the full state dict), and
`optim_state_dict` keys optimizer state by parameter name. `auto_wrap_policy` changes nothing: every
parameter of the wrapped module is already laid out. `NO_SHARD` replicates, as DistributedDataParallel does.
"""
import contextlib

from ...nn.modules.module import Module
from ...nn.utils.clip_grad import clip_grad_norm_
from ._fully_shard import ShardedState, local_mesh
from .api import (  # noqa: F401  (torch's names at this path)
    BackwardPrefetch, CPUOffload, FullOptimStateDictConfig, FullStateDictConfig, LocalOptimStateDictConfig,
    LocalStateDictConfig, MixedPrecision, OptimStateDictConfig, OptimStateKeyType, ShardedOptimStateDictConfig,
    ShardedStateDictConfig, ShardingStrategy, StateDictConfig, StateDictSettings, StateDictType,
)

__all__ = ["FullyShardedDataParallel", "OptimStateKeyType"]

WRAPPED = "_fsdp_wrapped_module"


def _strip(name):
    return name.replace(WRAPPED + ".", "")


def _clean_keys(module, state_dict, prefix, local_metadata):
    for key in [k for k in state_dict if k.startswith(prefix + WRAPPED + ".")]:
        state_dict[prefix + key[len(prefix) + len(WRAPPED) + 1:]] = state_dict.pop(key)


def _wrap_keys(state_dict, prefix, *args):
    for key in [k for k in state_dict if k.startswith(prefix) and not k.startswith(prefix + WRAPPED + ".")]:
        state_dict[prefix + WRAPPED + "." + key[len(prefix):]] = state_dict.pop(key)


class FullyShardedDataParallel(Module):
    def __init__(self, module, process_group=None, sharding_strategy=None, cpu_offload=None, auto_wrap_policy=None,
                 backward_prefetch=BackwardPrefetch.BACKWARD_PRE, mixed_precision=None, ignored_modules=None,
                 param_init_fn=None, device_id=None, sync_module_states=False, forward_prefetch=False,
                 limit_all_gathers=True, use_orig_params=False, ignored_states=None, device_mesh=None):
        super().__init__()
        mesh = local_mesh("FullyShardedDataParallel")
        if mixed_precision is not None and (mixed_precision.param_dtype or mixed_precision.reduce_dtype):
            raise NotImplementedError("FullyShardedDataParallel(mixed_precision=...) is not implemented; "
                                      "fully_shard(mp_policy=MixedPrecisionPolicy(param_dtype=...)) is")
        self._fsdp_wrapped_module = module
        if any(p.is_meta for p in module.parameters()):
            self._materialize(module, param_init_fn, device_id)
        ignored = [p for m in (ignored_modules or ()) for p in m.parameters()]
        ignored += [p for s in (ignored_states or ()) for p in (s.parameters() if isinstance(s, Module) else [s])]
        self.sharding_strategy = sharding_strategy or ShardingStrategy.FULL_SHARD
        self._state_dict_settings = StateDictSettings(StateDictType.FULL_STATE_DICT, FullStateDictConfig(),
                                                      FullOptimStateDictConfig())
        state = ShardedState(module, mesh, ignored)
        if self.sharding_strategy is ShardingStrategy.NO_SHARD and mesh is not None:
            state.ignored = {id(p) for p in module.parameters()}
            mesh.replicate(list(module.parameters()))
        state.lay_out(compute=True)
        self._fsdp_state = state
        self._register_state_dict_hook(_clean_keys)
        self._register_load_state_dict_pre_hook(_wrap_keys)

    @staticmethod
    def _materialize(module, param_init_fn, device_id):
        """Meta-device parameters get storage, then their initial values, as torch's deferred init does."""
        if param_init_fn is not None:
            param_init_fn(module)
            return
        module.to_empty(device=device_id if device_id is not None else "cpu")
        for m in module.modules():
            if callable(getattr(m, "reset_parameters", None)):
                m.reset_parameters()

    @property
    def module(self):
        return self._fsdp_wrapped_module

    def forward(self, *args, **kwargs):
        state = self.__dict__.get("_fsdp_state")
        if state is not None:
            state.lay_out()
            args, kwargs = state.split(args, kwargs)
        return self._fsdp_wrapped_module(*args, **kwargs)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_fsdp_state", None)
        return state

    def check_is_root(self):
        return True

    @staticmethod
    def fsdp_modules(module, root_only=False):
        found = [m for m in module.modules() if isinstance(m, FullyShardedDataParallel)]
        return found[:1] if root_only else found

    def clip_grad_norm_(self, max_norm, norm_type=2.0):
        return clip_grad_norm_(self.parameters(), max_norm, norm_type)

    @contextlib.contextmanager
    def no_sync(self):
        """One process holds every device: there is no gradient exchange to skip."""
        yield

    @staticmethod
    @contextlib.contextmanager
    def summon_full_params(module, recurse=True, writeback=True, rank0_only=False, offload_to_cpu=False,
                           with_grads=False):
        """Parameters always read as their full values here."""
        yield

    @staticmethod
    def set_state_dict_type(module, state_dict_type, state_dict_config=None, optim_state_dict_config=None):
        if state_dict_type is not StateDictType.FULL_STATE_DICT:
            raise NotImplementedError(f"{state_dict_type}: jtorch's FSDP parameters are not DTensors, so only "
                                      "StateDictType.FULL_STATE_DICT is implemented")
        previous = None
        for m in FullyShardedDataParallel.fsdp_modules(module):
            previous = previous or m._state_dict_settings
            m._state_dict_settings = StateDictSettings(
                state_dict_type, state_dict_config or FullStateDictConfig(),
                optim_state_dict_config or FullOptimStateDictConfig())
        return previous

    @staticmethod
    def get_state_dict_type(module):
        found = FullyShardedDataParallel.fsdp_modules(module)
        if not found:
            raise ValueError("No FSDP modules found in the given module")
        return found[0]._state_dict_settings

    @staticmethod
    @contextlib.contextmanager
    def state_dict_type(module, state_dict_type, state_dict_config=None, optim_state_dict_config=None):
        previous = FullyShardedDataParallel.set_state_dict_type(module, state_dict_type, state_dict_config,
                                                                 optim_state_dict_config)
        try:
            yield
        finally:
            if previous is not None:
                for m in FullyShardedDataParallel.fsdp_modules(module):
                    m._state_dict_settings = previous

    @staticmethod
    def optim_state_dict(model, optim, optim_state_dict=None, group=None):
        """The optimizer's state dict with parameters named by their state_dict keys instead of numbered."""
        names = {id(p): _strip(n) for n, p in model.named_parameters()}
        sd = optim.state_dict() if optim_state_dict is None else optim_state_dict
        order = [p for g in optim.param_groups for p in g["params"]]
        by_index = {i: names[id(p)] for i, p in enumerate(order)}
        return {"state": {by_index[i]: s for i, s in sd["state"].items()},
                "param_groups": [dict(g, params=[by_index[i] for i in g["params"]]) for g in sd["param_groups"]]}

    @staticmethod
    def optim_state_dict_to_load(model, optim, optim_state_dict, is_named_optimizer=False, load_directly=False,
                                 group=None):
        """The inverse of optim_state_dict: numbered again, for `optim.load_state_dict`."""
        names = {id(p): _strip(n) for n, p in model.named_parameters()}
        order = [names[id(p)] for g in optim.param_groups for p in g["params"]]
        index = {n: i for i, n in enumerate(order)}
        sd = {"state": {index[n]: s for n, s in optim_state_dict["state"].items()},
              "param_groups": [dict(g, params=[index[n] for n in g["params"]])
                               for g in optim_state_dict["param_groups"]]}
        if load_directly:
            optim.load_state_dict(sd)
        return sd

    @staticmethod
    def full_optim_state_dict(model, optim, optim_input=None, rank0_only=True, group=None):
        return FullyShardedDataParallel.optim_state_dict(model, optim)
