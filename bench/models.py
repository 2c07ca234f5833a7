"""The benchmark models, written once against the torch API: `build(m, name)` works for
m = torch and m = jtorch alike, so both run exactly the same program text."""

SPECS = {
    # name: (batch, steps timed on CPU, steps timed on GPU)
    "mlp": (64, 300, 1000),
    "cnn": (64, 40, 500),
    "textcls": (64, 100, 1000),   # the seed IMDB classifier: Embedding -> mean -> Linear
    "lstm": (32, 30, 300),
    "transformer": (32, 40, 500),
}
VOCAB, SEQ = 5000, 64


def build(m, name):
    """(model, optimizer, criterion) for `name` using library module m."""
    nn = m.nn
    if name == "mlp":
        class Net(nn.Module):  # the seed MNIST MLP
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(784, 128)
                self.fc2 = nn.Linear(128, 10)

            def forward(self, x):
                x = x.view(-1, 784)
                x = m.relu(self.fc1(x))
                return self.fc2(x)
        model = Net()
        return model, m.optim.SGD(model.parameters(), lr=0.01), nn.CrossEntropyLoss()
    if name == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
        return model, m.optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    if name == "textcls":
        class TextClassifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(VOCAB, 100)
                self.fc = nn.Linear(100, 1)

            def forward(self, text):
                return self.fc(self.embedding(text).mean(dim=1)).squeeze(1)
        model = TextClassifier()
        return model, m.optim.Adam(model.parameters(), lr=1e-3), nn.BCEWithLogitsLoss()
    if name == "lstm":
        class LSTMClassifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(VOCAB, 64)
                self.lstm = nn.LSTM(64, 128, batch_first=True)
                self.fc = nn.Linear(128, 1)

            def forward(self, x):
                _, (h, _) = self.lstm(self.embedding(x))
                return self.fc(h[-1]).squeeze(1)
        model = LSTMClassifier()
        return model, m.optim.Adam(model.parameters(), lr=1e-3), nn.BCEWithLogitsLoss()
    if name == "transformer":
        class TransformerClassifier(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(VOCAB, 64)
                layer = nn.TransformerEncoderLayer(64, 4, dim_feedforward=128, dropout=0.0, batch_first=True)
                self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
                self.fc = nn.Linear(64, 2)

            def forward(self, x):
                return self.fc(self.encoder(self.embedding(x)).mean(dim=1))
        model = TransformerClassifier()
        return model, m.optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    raise ValueError(name)


def train_step(model, opt, crit):
    """The ordinary PyTorch training step, for either library: returns step(x, y) -> loss."""
    def step(x, y):
        opt.zero_grad()
        loss = crit(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return step


def batches(name, n=8, seed=0):
    """n fixed (x, y) numpy batches for `name` (the same data for every implementation)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    batch = SPECS[name][0]
    out = []
    for _ in range(n):
        if name in ("mlp", "cnn"):
            x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
            y = rng.integers(0, 10, batch).astype(np.int64)
        elif name in ("lstm", "textcls"):
            x = rng.integers(0, VOCAB, (batch, SEQ)).astype(np.int64)
            y = rng.integers(0, 2, batch).astype(np.float32)
        else:
            x = rng.integers(0, VOCAB, (batch, SEQ)).astype(np.int64)
            y = rng.integers(0, 2, batch).astype(np.int64)
        out.append((x, y))
    return out
