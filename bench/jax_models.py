"""Hand-written jax.jit + optax versions of bench/models.py: the speed jtorch must match.

Each returns (params, optimizer, loss_fn); `train_step` jits the step with the parameter and
optimizer-state buffers donated, the usual way to write JAX training.
"""
import jax
import jax.numpy as jnp
import optax

from models import SEQ, VOCAB, batches


def _dense(key, fan_in, fan_out):
    k1, k2 = jax.random.split(key)
    bound = 1 / fan_in ** 0.5
    return {"w": jax.random.uniform(k1, (fan_in, fan_out), jnp.float32, -bound, bound),
            "b": jax.random.uniform(k2, (fan_out,), jnp.float32, -bound, bound)}


def _xent(logits, y):
    return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()


def mlp():
    k = jax.random.split(jax.random.PRNGKey(0), 2)
    params = {"fc1": _dense(k[0], 784, 128), "fc2": _dense(k[1], 128, 10)}

    def loss_fn(p, x, y):
        h = jax.nn.relu(x.reshape(-1, 784) @ p["fc1"]["w"] + p["fc1"]["b"])
        return _xent(h @ p["fc2"]["w"] + p["fc2"]["b"], y)
    return params, optax.sgd(0.01), loss_fn


def _conv(key, cin, cout):
    k1, k2 = jax.random.split(key)
    bound = 1 / (cin * 9) ** 0.5
    return {"w": jax.random.uniform(k1, (cout, cin, 3, 3), jnp.float32, -bound, bound),
            "b": jax.random.uniform(k2, (cout,), jnp.float32, -bound, bound)}


def cnn():
    k = jax.random.split(jax.random.PRNGKey(0), 3)
    params = {"c1": _conv(k[0], 1, 16), "c2": _conv(k[1], 16, 32), "fc": _dense(k[2], 32 * 7 * 7, 10)}

    def block(x, c):
        x = jax.lax.conv_general_dilated(x, c["w"], (1, 1), ((1, 1), (1, 1)),
                                         dimension_numbers=("NCHW", "OIHW", "NCHW")) + c["b"][:, None, None]
        x = jax.nn.relu(x)
        return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def loss_fn(p, x, y):
        h = block(block(x, p["c1"]), p["c2"]).reshape(x.shape[0], -1)
        return _xent(h @ p["fc"]["w"] + p["fc"]["b"], y)
    return params, optax.adam(1e-3), loss_fn


def textcls():
    k = jax.random.split(jax.random.PRNGKey(0), 2)
    params = {"emb": jax.random.normal(k[0], (VOCAB, 100)), "fc": _dense(k[1], 100, 1)}

    def loss_fn(p, x, y):
        logits = (p["emb"][x].mean(1) @ p["fc"]["w"] + p["fc"]["b"])[:, 0]
        return optax.sigmoid_binary_cross_entropy(logits, y).mean()
    return params, optax.adam(1e-3), loss_fn


def lstm():
    k = jax.random.split(jax.random.PRNGKey(0), 4)
    hid = 128
    bound = 1 / hid ** 0.5
    params = {"emb": jax.random.normal(k[0], (VOCAB, 64)),
              "wih": jax.random.uniform(k[1], (64, 4 * hid), jnp.float32, -bound, bound),
              "whh": jax.random.uniform(k[2], (hid, 4 * hid), jnp.float32, -bound, bound),
              "b": jnp.zeros((4 * hid,)), "fc": _dense(k[3], hid, 1)}

    def loss_fn(p, x, y):
        e = p["emb"][x]                                   # (B, T, 64)
        xs = jnp.swapaxes(e @ p["wih"] + p["b"], 0, 1)    # (T, B, 4H)

        def cell(carry, xt):
            h, c = carry
            g = xt + h @ p["whh"]
            i, f, gg, o = jnp.split(g, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(gg)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None
        zeros = jnp.zeros((x.shape[0], hid))
        (h, _), _ = jax.lax.scan(cell, (zeros, zeros), xs)
        logits = (h @ p["fc"]["w"] + p["fc"]["b"])[:, 0]
        return optax.sigmoid_binary_cross_entropy(logits, y).mean()
    return params, optax.adam(1e-3), loss_fn


def transformer():
    d, heads, ff, layers = 64, 4, 128, 2
    keys = iter(jax.random.split(jax.random.PRNGKey(0), 4 + 4 * layers))
    params = {"emb": jax.random.normal(next(keys), (VOCAB, d)), "fc": _dense(next(keys), d, 2), "layers": [
        {"qkv": _dense(next(keys), d, 3 * d), "out": _dense(next(keys), d, d), "ff1": _dense(next(keys), d, ff),
         "ff2": _dense(next(keys), ff, d), "ln1": (jnp.ones(d), jnp.zeros(d)), "ln2": (jnp.ones(d), jnp.zeros(d))}
        for _ in range(layers)]}

    def ln(x, g_b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / jnp.sqrt(var + 1e-5) * g_b[0] + g_b[1]

    def layer(x, p):
        b, t, _ = x.shape
        q, k, v = jnp.split(x @ p["qkv"]["w"] + p["qkv"]["b"], 3, axis=-1)
        split = lambda a: a.reshape(b, t, heads, d // heads).transpose(0, 2, 1, 3)  # noqa: E731
        att = jax.nn.softmax(split(q) @ split(k).transpose(0, 1, 3, 2) / (d // heads) ** 0.5, axis=-1)
        a = (att @ split(v)).transpose(0, 2, 1, 3).reshape(b, t, d)
        x = ln(x + a @ p["out"]["w"] + p["out"]["b"], p["ln1"])
        h = jax.nn.relu(x @ p["ff1"]["w"] + p["ff1"]["b"]) @ p["ff2"]["w"] + p["ff2"]["b"]
        return ln(x + h, p["ln2"])

    def loss_fn(p, x, y):
        h = p["emb"][x]
        for lp in p["layers"]:
            h = layer(h, lp)
        return _xent(h.mean(1) @ p["fc"]["w"] + p["fc"]["b"], y)
    return params, optax.adam(1e-3), loss_fn


assert SEQ > 0


def train_step(name, dev):
    """run(i): one training step of model `name` on batch i of models.batches(name), on device dev,
    reading the loss back as a float (as every benchmark loop does)."""
    params, tx, loss_fn = globals()[name]()
    params = jax.device_put(params, dev)
    box = [params, tx.init(params)]

    def step(p, s, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        updates, s = tx.update(g, s, p)
        return optax.apply_updates(p, updates), s, loss

    step = jax.jit(step, donate_argnums=(0, 1))
    data = [(jax.device_put(x, dev), jax.device_put(y, dev)) for x, y in batches(name)]

    def run(i):
        box[0], box[1], loss = step(box[0], box[1], *data[i % len(data)])
        return float(loss)
    return run
