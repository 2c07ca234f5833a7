"""Random numbers: a seeded Generator gives each random op a fresh key as an INPUT leaf,
so masks and samples differ per step while the compiled program stays the same."""
import numpy as np
import jax
import jax.numpy as jnp

from .. import _dtype
from .._engine.graph import Lazy
from . import _checks, registry
from .creation import _finish, _follow, _shape, _size
from .elementwise import takes_out
from .registry import op, public
from .._device import device as _device
import secrets


class Generator:
    """torch.Generator: a seed and a counter; each draw uses key (seed, counter)."""

    def __init__(self, device="cpu"):
        self.device = _device(device)
        self._seed = 67280421310721  # torch's default seed
        self._counter = 0

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed &= 0xFFFF_FFFF_FFFF_FFFF
        self._seed = seed
        self._counter = 0
        return self

    def seed(self):
        self.manual_seed(secrets.randbits(63))
        return self._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from .creation import tensor
        return tensor(np.frombuffer(np.array([self._seed, self._counter], dtype=np.uint64).tobytes(), np.uint8))

    def set_state(self, state):
        seed, counter = np.frombuffer(np.asarray(state.numpy(), np.uint8).tobytes(), np.uint64)
        self._seed, self._counter = int(seed), int(counter)
        return self

    _trace_key = None   # set by vmap(randomness='different'): per-element keys, one fold_in per draw
    _trace_seed = None  # set by jtorch.compile while tracing: (seed, first counter) as traced uint64[2]

    def _key_data(self, counter):
        """Raw threefry key data (uint32[2]) for draw number `counter`, mixed on the host.

        Mixing here (splitmix64, a bijection of seed ^ counter * golden ratio) instead of
        jax.random.fold_in inside the program keeps each random op cheap to compile.
        """
        hi, lo = _splitmix(self._seed, counter, int)
        return np.array([hi, lo], dtype=np.uint32)

    def _key_leaf(self):
        """A key input leaf for one random op (under jtorch.compile: derived from the traced seed,
        with the same mixing, so a compiled step draws exactly the numbers the lazy one does)."""
        if self._trace_key is not None:
            c = self._trace_count
            self._trace_count += 1
            data = jax.random.key_data(jax.random.fold_in(jax.random.wrap_key_data(self._trace_key), c))
            return registry._Tensor._from_value(data, _U32, (2,))
        if self._trace_seed is not None:
            c = self._trace_count
            self._trace_count += 1
            hi, lo = _splitmix(self._trace_seed[0], self._trace_seed[1] + np.uint64(c), np.uint64)
            data = jnp.stack([hi, lo]).astype(jnp.uint32)
            return registry._Tensor._from_value(data, _U32, (2,))
        c = self._counter
        self._counter += 1
        return registry._Tensor._from_value(self._key_data(c), _U32, (2,))


def _splitmix(seed, counter, u):
    """splitmix64 of seed ^ counter * golden ratio -> (high, low) 32-bit halves; on Python ints
    (u=int) or on uint64 arrays inside a trace (u=np.uint64), with identical results."""
    m = u(0xFFFF_FFFF_FFFF_FFFF)
    z = ((seed ^ (counter * u(0x9E3779B97F4A7C15))) + u(0x9E3779B97F4A7C15)) & m
    z = ((z ^ (z >> u(30))) * u(0xBF58476D1CE4E5B9)) & m
    z = ((z ^ (z >> u(27))) * u(0x94D049BB133111EB)) & m
    z ^= z >> u(31)
    return z >> u(32), z & u(0xFFFFFFFF)


_U32 = _dtype.dtype("uint32", np.uint32)  # key data only; not a public torch dtype
default_generator = Generator()


def _key(data):
    return jax.random.wrap_key_data(data)


def _gen(generator):
    return default_generator if generator is None else generator


@public(method=False)
def manual_seed(seed):
    default_generator.manual_seed(seed)
    return default_generator


@public(method=False)
def seed():
    return default_generator.seed()


@public(method=False)
def initial_seed():
    return default_generator.initial_seed()


@public(method=False)
def get_rng_state():
    return default_generator.get_state()


@public(method=False)
def set_rng_state(new_state):
    default_generator.set_state(new_state)


@op(tensors=("key",), method=False, function=False, differentiable=False)
def _uniform(key, *, size, dtype, low, high):
    return jax.random.uniform(_key(key), size, dtype, low, high)


@op(tensors=("key",), method=False, function=False, differentiable=False)
def _normal(key, *, size, dtype):
    return jax.random.normal(_key(key), size, dtype)


@op(tensors=("key",), method=False, function=False, differentiable=False)
def _randint(key, *, size, low, high, dtype):
    return jax.random.randint(_key(key), size, low, high, jnp.int64).astype(dtype)


@op(tensors=("key",), method=False, function=False, differentiable=False)
def _randperm(key, *, n, dtype):
    return jax.random.permutation(_key(key), n).astype(dtype)


@op(tensors=("key", "p"), method=False, function=False, differentiable=False)
def _bernoulli(key, p, *, size, dtype):
    return jax.random.bernoulli(_key(key), p, size).astype(dtype)


def _float(dtype):
    dt = _dtype.to_dtype(dtype) or _dtype.get_default_dtype()
    return dt


@public(method=False)
@takes_out
def rand(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False):
    dt = _float(dtype)
    return _finish(_uniform(_gen(generator)._key_leaf(), size=_shape(args, size), dtype=dt.np, low=0.0,
                            high=1.0),
                   device, requires_grad)


@public(method=False)
@takes_out
def randn(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False):
    dt = _float(dtype)
    return _finish(_normal(_gen(generator)._key_leaf(), size=_shape(args, size), dtype=dt.np), device, requires_grad)


@public(method=False)
@takes_out
def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    if size is None:
        low, high, size = 0, low, high
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = _dtype.to_dtype(dtype) or _dtype.int64
    return _finish(_randint(_gen(generator)._key_leaf(), size=_size((size,)), low=int(low), high=int(high),
                            dtype=dt.np), device, requires_grad)


@public(method=False)
@takes_out
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    dt = _dtype.to_dtype(dtype) or _dtype.int64
    return _finish(_randperm(_gen(generator)._key_leaf(), n=int(n), dtype=dt.np), device, requires_grad)


@public(method=False)
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return rand(input.shape, dtype=dtype or input.dtype, device=_follow(input, device), requires_grad=requires_grad)


@public(method=False)
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return randn(input.shape, dtype=dtype or input.dtype, device=_follow(input, device), requires_grad=requires_grad)


@public(method=False)
def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype, device=_follow(input, device),
                   requires_grad=requires_grad)


@public()
@takes_out
def bernoulli(input, p=None, *, generator=None, out=None):
    prob = input if p is None else p
    return _bernoulli(_gen(generator)._key_leaf(), prob, size=tuple(input.shape), dtype=input.dtype.np)


@public(method=False)
@takes_out
def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    T = registry._Tensor
    if size is not None:
        z = randn(_size((size,)), generator=generator, dtype=dtype)
    else:
        shape = mean.shape if isinstance(mean, T) else std.shape
        dt = (mean if isinstance(mean, T) else std).dtype
        z = randn(shape, generator=generator, dtype=dt)
    return _finish(z * std + mean, device, requires_grad)


@public()
@takes_out
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not replacement and num_samples > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    _checks.distribution(input)
    key = _gen(generator)._key_leaf()
    return _multinomial(key, input, num_samples=int(num_samples), replacement=bool(replacement))


@op(tensors=("key", "input"), method=False, function=False, differentiable=False)
def _multinomial(key, input, *, num_samples, replacement):
    k = _key(key)
    logits = jnp.log(input.astype(jnp.float32))
    if replacement:
        shape = input.shape[:-1] + (num_samples,)
        return jax.random.categorical(k, logits[..., None, :], axis=-1, shape=shape).astype(jnp.int64)
    # sampling without replacement: Gumbel top-k
    g = -jnp.log(-jnp.log(jax.random.uniform(k, input.shape, jnp.float32, 1e-20, 1.0)))
    return jax.lax.top_k(logits + g, num_samples)[1].astype(jnp.int64)


# -- in-place random fills (used by nn.init) ---------------------------------------------

@public(function=False)
def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    u = _uniform(_gen(generator)._key_leaf(), size=tuple(self.shape), dtype=self.dtype.np, low=float(from_),
                 high=float(to))
    return self._assign(u, "uniform_")


@public(function=False)
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    z = _normal(_gen(generator)._key_leaf(), size=tuple(self.shape), dtype=self.dtype.np)
    return self._assign(z * std + mean, "normal_")


@public(function=False)
def bernoulli_(self, p=0.5, *, generator=None):
    return self._assign(bernoulli(self, p, generator=generator), "bernoulli_")


@public(function=False)
def random_(self, from_=0, to=None, *, generator=None):
    if to is None:
        from_, to = 0, from_ if from_ else 2 ** 24
    return self._assign(randint(from_, to, tuple(self.shape), generator=generator, dtype=self.dtype), "random_")


@public(function=False)
def exponential_(self, lambd=1.0, *, generator=None):
    u = _uniform(_gen(generator)._key_leaf(), size=tuple(self.shape), dtype=self.dtype.np, low=0.0, high=1.0)
    return self._assign(-(1 - u).log() / lambd, "exponential_")


@public(function=False)
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    u = _uniform(_gen(generator)._key_leaf(), size=tuple(self.shape), dtype=self.dtype.np, low=0.0, high=1.0)
    return self._assign(median + sigma * ((u - 0.5) * np.pi).tan(), "cauchy_")


@public(function=False)
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    z = _normal(_gen(generator)._key_leaf(), size=tuple(self.shape), dtype=self.dtype.np)
    return self._assign((z * std + mean).exp(), "log_normal_")


@public(function=False)
def geometric_(self, p, *, generator=None):
    u = _uniform(_gen(generator)._key_leaf(), size=tuple(self.shape), dtype=_dtype.float64.np, low=0.0, high=1.0)
    # number of trials up to the first success: ceil(log(1 - u) / log(1 - p)), at least 1
    k = ((1 - u).log() / float(np.log1p(-p))).ceil().clamp_min(1.0)
    return self._assign(k, "geometric_")


# -- samplers behind torch.distributions -------------------------------------------------

@op(tensors=("key", "alpha"), method=False, function=False)
def _gamma(key, alpha):
    # jax.random.gamma differentiates its sample w.r.t. alpha implicitly (reparameterised Gamma)
    return jax.random.gamma(_key(key), alpha, alpha.shape, alpha.dtype)


@public(method=False)
def _standard_gamma(input, generator=None):
    return _gamma(_gen(generator)._key_leaf(), input)


@op(tensors=("key", "input"), method=False, function=False, differentiable=False)
def _poisson(key, input):
    return jax.random.poisson(_key(key), input, input.shape).astype(input.dtype)


@public(method=False)
def poisson(input, generator=None):
    return _poisson(_gen(generator)._key_leaf(), input)


@op(tensors=("key", "count", "prob"), method=False, function=False, differentiable=False)
def _binomial(key, count, prob):
    shape = jnp.broadcast_shapes(count.shape, prob.shape)
    return jax.random.binomial(_key(key), count, prob, shape, prob.dtype)


@public(method=False)
def binomial(count, prob, generator=None):
    return _binomial(_gen(generator)._key_leaf(), count, prob)
