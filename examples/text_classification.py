"""Sentiment classification on IMDB with jtorch.text (torchtext's current API).

    python examples/text_classification.py [--epochs 10] [--batch-size 64] [--max-len 200] [--data .data]

The seed's model - Embedding(vocab, 100) -> mean over tokens -> Linear(100, 1), BCEWithLogitsLoss,
Adam lr 1e-3 - on the current API: get_tokenizer, build_vocab_from_iterator, transforms and a
DataLoader. IMDB is read from DATA/IMDB/aclImdb (downloaded if missing, or by `jtorch data imdb DATA`);
offline, a synthetic sentiment corpus in the same layout is generated there instead, with a notice.

Every batch is truncated / padded to --max-len tokens so all batches share one shape and the
training step compiles once (padding each batch to its own longest review, as torch scripts
often do, compiles one program per distinct length).

Needs nothing beyond jtorch (the 'basic_english' tokenizer is built in); tqdm draws progress bars
when installed.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import jtorch as torch  # noqa: E402
import jtorch.nn as nn  # noqa: E402
import jtorch.optim as optim  # noqa: E402
from jtorch.text import transforms as T  # noqa: E402
from jtorch.text.data import get_tokenizer, to_map_style_dataset  # noqa: E402
from jtorch.text.datasets import IMDB  # noqa: E402
from jtorch.text.datasets.imdb import prepare_imdb  # noqa: E402
from jtorch.text.vocab import build_vocab_from_iterator  # noqa: E402
from jtorch.utils.data import DataLoader  # noqa: E402

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional: a plain iterator
    def tqdm(it, **kwargs):
        return it


def load_imdb(root):
    try:
        return IMDB(root=root)
    except FileNotFoundError as e:
        print(f"{str(e).split(' Provide')[0]}\nGenerating a synthetic sentiment corpus there instead "
              f"(the same as `jtorch data imdb {root} --synthetic`)")
        prepare_imdb(root, synthetic=True)
        return IMDB(root=root)


class MeanEmbeddingClassifier(nn.Module):
    """Embedding -> mean over the real (non-padding) tokens -> Linear."""

    def __init__(self, vocab_size, embedding_dim, pad_idx):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=pad_idx)
        self.fc = nn.Linear(embedding_dim, 1)
        self.pad_idx = pad_idx

    def forward(self, text):
        embedded = self.embedding(text)                          # [batch, seq, dim]
        lengths = (text != self.pad_idx).sum(dim=1, keepdim=True).clamp_min(1)
        return self.fc(embedded.sum(dim=1) / lengths)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=10, help="passes over the training reviews (default: 10)")
    p.add_argument("--batch-size", type=int, default=64, help="reviews per training step (default: 64)")
    p.add_argument("--max-len", type=int, default=200,
                   help="tokens per review after truncating / padding; one length compiles one program (default: 200)")
    p.add_argument("--data", default=".data", help="root folder holding IMDB/aclImdb (default: .data)")
    args = p.parse_args()
    torch.manual_seed(0)
    train_iter, test_iter = load_imdb(args.data)
    train_data, test_data = to_map_style_dataset(train_iter), to_map_style_dataset(test_iter)
    tokenizer = get_tokenizer("basic_english")
    vocab = build_vocab_from_iterator((tokenizer(text) for _, text in train_data), specials=["<unk>", "<pad>"],
                                      max_tokens=25000)
    vocab.set_default_index(vocab["<unk>"])
    pad = vocab["<pad>"]
    text_pipeline = T.Sequential(T.VocabTransform(vocab), T.Truncate(args.max_len))

    def collate(batch):
        labels = torch.tensor([label - 1 for label, _ in batch], dtype=torch.float)   # 1 = neg, 2 = pos
        ids = text_pipeline([tokenizer(text) for _, text in batch])
        ids[0] = ids[0] + [pad] * (args.max_len - len(ids[0]))                         # pad to a fixed length
        return T.ToTensor(padding_value=pad)(ids), labels

    train_loader = DataLoader(train_data, batch_size=args.batch_size, shuffle=True, collate_fn=collate,
                              drop_last=True)
    test_loader = DataLoader(test_data, batch_size=args.batch_size, collate_fn=collate)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = MeanEmbeddingClassifier(len(vocab), 100, pad).to(device)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.BCEWithLogitsLoss()
    print(f"{len(train_data)} train / {len(test_data)} test reviews, vocab {len(vocab)}, device {device}")
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        bar = tqdm(train_loader, desc=f"epoch {epoch + 1}/{args.epochs}", leave=False)
        for text, label in bar:
            text, label = text.to(device), label.to(device)
            optimizer.zero_grad()
            loss = criterion(model(text).squeeze(1), label)
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch + 1}: train loss {total / len(train_loader):.4f}")
    model.eval()
    correct = n = 0
    with torch.no_grad():
        for text, label in tqdm(test_loader, desc="test", leave=False):
            text, label = text.to(device), label.to(device)
            pred = torch.round(torch.sigmoid(model(text).squeeze(1)))
            correct += (pred == label).float().sum().item()
            n += len(label)
    print(f"test accuracy {correct / n:.4f} ({time.time() - t0:.1f}s)")


if __name__ == "__main__":
    main()
