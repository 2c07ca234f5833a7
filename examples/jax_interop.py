"""Using jtorch with JAX: one small regression problem solved four ways.

    python examples/jax_interop.py [--steps 200]

1. A jtorch model trained by plain JAX code: `jtorch.interop.functional` gives its pure function,
   which `jax.jit`, `jax.value_and_grad` and an optax chain drive.
2. The same model trained the torch way with `torch.optim.Optax` (any optax transformation as a
   torch optimizer, fused into the step like the built-in ones, with an LR scheduler).
3. A JAX function as a jtorch op (`@jtorch.interop.jax_op`): its gradient flows into `backward()`.
4. A Flax NNX layer inside a jtorch model (`jtorch.interop.from_flax`), trained by a jtorch optimizer
   (skipped when flax is not installed: it is an optional extra).
5. The data as a tensorflow-datasets dataset (written to a temporary folder as ArrayRecord files),
   read by `jtorch.interop.TFDSDataset` and batched by `DataLoader` (skipped without tensorflow-datasets).

Tensors and jax arrays cross without copies in both directions (`torch.as_tensor(jax_array)`,
`jnp.asarray(tensor)`, DLPack).
"""
import argparse

import jax
import jax.numpy as jnp
import numpy as np
import optax

import jtorch as torch
from jtorch import interop, nn


def make_data(n=256, seed=0):
    """y = sin(3 x0) + x1^2 with a little noise, as jax arrays."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2)).astype(np.float32)
    y = (np.sin(3 * x[:, :1]) + x[:, 1:] ** 2 + 0.05 * rng.normal(size=(n, 1))).astype(np.float32)
    return jnp.asarray(x), jnp.asarray(y)


def mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 1))


def train_with_jax(x, y, steps):
    model = mlp()
    params, buffers, apply = interop.functional(model)
    tx = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(1e-2))
    state = tx.init(params)

    @jax.jit
    def step(params, state):
        loss, grads = jax.value_and_grad(lambda p: jnp.mean((apply(p, buffers, x) - y) ** 2))(params)
        updates, state = tx.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss

    for _ in range(steps):
        params, state, _ = step(params, state)
    interop.load_params(model, params)  # the trained arrays back in the jtorch module
    return float(jnp.mean((apply(params, buffers, x) - y) ** 2)), model


def train_with_optax_optimizer(x, y, steps):
    model = mlp()
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)  # no copy: the tensors hold the jax arrays
    tx = optax.chain(optax.clip_by_global_norm(1.0), optax.inject_hyperparams(optax.adam)(learning_rate=1e-2))
    opt = torch.optim.Optax(model.parameters(), tx)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(xt), yt)
        loss.backward()
        opt.step()
        sched.step()
    return loss.item()


@interop.jax_op
def smooth_l1(pred, target):
    """A loss written in JAX, used as a jtorch op."""
    return jnp.mean(optax.huber_loss(pred, target, delta=0.5))


def train_with_jax_loss(x, y, steps):
    model = mlp()
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        loss = smooth_l1(model(xt), yt)
        loss.backward()
        opt.step()
    return loss.item()


def train_with_flax_layer(x, y, steps):
    try:
        from flax import nnx
    except ImportError:
        return None
    torch.manual_seed(0)
    model = nn.Sequential(interop.from_flax(nnx.Linear(2, 32, rngs=nnx.Rngs(0))), nn.Tanh(), nn.Linear(32, 1))
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(xt), yt)
        loss.backward()
        opt.step()
    return loss.item()


def train_from_tfds(x, y, steps):
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        return None
    import tempfile

    class RegressionPoints(tfds.core.GeneratorBasedBuilder):
        """The points of make_data as a tfds dataset (a real one would come from `tfds build`)."""
        __module__ = "regression_points"  # a one-part name: tfds locates the builder without package resources
        VERSION = tfds.core.Version("1.0.0")

        def _info(self):
            return tfds.core.DatasetInfo(builder=self, features=tfds.features.FeaturesDict({
                "x": tfds.features.Tensor(shape=(2,), dtype=np.float32),
                "y": tfds.features.Tensor(shape=(1,), dtype=np.float32)}))

        def _split_generators(self, dl_manager):
            return {"train": self._generate_examples()}

        def _generate_examples(self):
            for i, (xi, yi) in enumerate(zip(np.asarray(x), np.asarray(y))):
                yield i, {"x": xi, "y": yi}

    tfds.disable_progress_bar()
    with tempfile.TemporaryDirectory() as data_dir:
        RegressionPoints(data_dir=data_dir, file_format="array_record").download_and_prepare()
        loader = torch.utils.data.DataLoader(interop.TFDSDataset("regression_points", "train", data_dir),
                                             batch_size=64, shuffle=True)
        model = mlp()
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        done = 0
        while done < steps:
            for batch in loader:
                opt.zero_grad()
                loss = nn.functional.mse_loss(model(batch["x"]), batch["y"])
                loss.backward()
                opt.step()
                done += 1
                if done == steps:
                    break
    return nn.functional.mse_loss(model(torch.as_tensor(x)), torch.as_tensor(y)).item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=200, help="training steps of each run (default: 200)")
    args = ap.parse_args()
    x, y = make_data()
    xt, yt = torch.as_tensor(x), torch.as_tensor(y)
    print(f"untrained MSE: {nn.functional.mse_loss(mlp()(xt), yt).item():.4f}")
    loss, model = train_with_jax(x, y, args.steps)
    print(f"1. jax.jit + optax on functional(model):  MSE {loss:.4f}  "
          f"(the jtorch module after load_params: {nn.functional.mse_loss(model(xt), yt).item():.4f})")
    print(f"2. torch.optim.Optax + LR scheduler:       MSE {train_with_optax_optimizer(x, y, args.steps):.4f}")
    print(f"3. a JAX loss as a jtorch op (@jax_op):    Huber {train_with_jax_loss(x, y, args.steps):.4f}")
    flax_loss = train_with_flax_layer(x, y, args.steps)
    print("4. a Flax NNX layer in a jtorch model:     " +
          ("skipped (flax is not installed)" if flax_loss is None else f"MSE {flax_loss:.4f}"))
    tfds_loss = train_from_tfds(x, y, args.steps)
    print("5. a tfds dataset through DataLoader:      " +
          ("skipped (tensorflow-datasets is not installed)" if tfds_loss is None else f"MSE {tfds_loss:.4f}"))


if __name__ == "__main__":
    main()
