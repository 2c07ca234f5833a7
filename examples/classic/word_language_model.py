"""Word-level language modelling (the task of pytorch/examples' word_language_model; this code is written
for jtorch): an Embedding feeding an LSTM, GRU, tanh RNN or a causally masked TransformerEncoder, trained
with truncated backpropagation through time (the recurrent state is carried across windows but detached),
clip_grad_norm_, SGD with a halving learning rate, and validation perplexity. The token stream is
column-batched with narrow/view/t/contiguous. Data: tokens drawn from a small Markov chain."""
import argparse
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402

VOCAB, EVAL_COLUMNS = 50, 10


class RecurrentLM(nn.Module):
    """Embedding -> dropout -> multi-layer RNN -> dropout -> vocabulary logits."""

    def __init__(self, cell, vocab, width, hidden, layers, dropout=0.2):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.embed = nn.Embedding(vocab, width)
        self.rnn = getattr(nn, cell)(width, hidden, layers, dropout=dropout)
        self.project = nn.Linear(hidden, vocab)
        self.state_shape = (layers, hidden)
        self.paired_state = cell == "LSTM"  # an LSTM carries (h, c); GRU and RNN carry h alone
        # a small uniform start for the embedding and output matrices, the output bias at zero
        nn.init.uniform_(self.embed.weight, -0.1, 0.1)
        nn.init.zeros_(self.project.bias)
        nn.init.uniform_(self.project.weight, -0.1, 0.1)

    def initial_state(self, columns):
        layers, hidden = self.state_shape
        zeros = lambda: self.project.weight.new_zeros(layers, columns, hidden)  # noqa: E731
        return (zeros(), zeros()) if self.paired_state else zeros()

    def forward(self, tokens, state):
        seq, state = self.rnn(self.dropout(self.embed(tokens)), state)
        logits = self.project(self.dropout(seq))
        return F.log_softmax(logits.reshape(-1, logits.shape[-1]), dim=1), state


class CausalTransformerLM(nn.Module):
    """Scaled embedding -> TransformerEncoder under a causal mask -> vocabulary logits; no recurrent state."""

    def __init__(self, vocab, width, heads, hidden, layers, dropout=0.2):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        block = nn.TransformerEncoderLayer(width, heads, hidden, dropout)
        self.encoder = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.project = nn.Linear(width, vocab)
        self.scale = math.sqrt(width)

    def initial_state(self, columns):
        return None

    def forward(self, tokens, state=None):
        causal = nn.Transformer.generate_square_subsequent_mask(tokens.shape[0]).to(tokens.device)
        logits = self.project(self.encoder(self.embed(tokens) * self.scale, causal))
        return F.log_softmax(logits, dim=-1).reshape(-1, logits.shape[-1]), None


def as_columns(stream, columns):
    """[T] tokens -> [T // columns, columns]: the stream cut into `columns` contiguous pieces, side by side."""
    rows = stream.size(0) // columns
    return stream.narrow(0, 0, rows * columns).view(columns, rows).t().contiguous()


def windows(columns, length):
    """(inputs, next-token targets flattened) for consecutive windows of at most `length` rows."""
    last = columns.size(0) - 1
    for start in range(0, last, length):
        stop = min(start + length, last)
        yield columns[start:stop], columns[start + 1:stop + 1].reshape(-1)


def detached(state):
    """The recurrent state cut off from the graph that produced it (None and tuples pass through)."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(detached(s) for s in state)
    return state.detach()


def main():
    parser = argparse.ArgumentParser(description="word language model")
    parser.add_argument("--model", default="LSTM", choices=["LSTM", "GRU", "RNN_TANH", "Transformer"])
    parser.add_argument("--emsize", type=int, default=64)
    parser.add_argument("--nhid", type=int, default=64)
    parser.add_argument("--nlayers", type=int, default=2)
    parser.add_argument("--lr", type=float, default=5.0)
    parser.add_argument("--clip", type=float, default=0.25)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--bptt", type=int, default=35)
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    stream = torch.from_numpy(_data.corpus(args.words, VOCAB))
    cut = int(0.9 * len(stream))
    train_cols = as_columns(stream[:cut], args.batch_size).to(device)
    valid_cols = as_columns(stream[cut:], EVAL_COLUMNS).to(device)
    if args.model == "Transformer":
        model = CausalTransformerLM(VOCAB, args.emsize, 2, args.nhid, args.nlayers)
    else:
        cell = "RNN" if args.model == "RNN_TANH" else args.model
        model = RecurrentLM(cell, VOCAB, args.emsize, args.nhid, args.nlayers)
    model.to(device)
    nll = nn.NLLLoss()
    sgd = optim.SGD(model.parameters(), lr=args.lr)

    def validation_loss():
        model.eval()
        state, weighted = model.initial_state(EVAL_COLUMNS), 0.0
        with torch.no_grad():
            for inputs, targets in windows(valid_cols, args.bptt):
                log_probs, state = model(inputs, state)
                weighted += inputs.size(0) * nll(log_probs, targets).item()  # mean per token, weighted by rows
        return weighted / (valid_cols.size(0) - 1)

    val_loss = float("inf")
    for epoch in range(1, args.epochs + 1):
        model.train()
        state = model.initial_state(args.batch_size)
        for inputs, targets in windows(train_cols, args.bptt):
            sgd.zero_grad()
            log_probs, state = model(inputs, detached(state))  # backpropagate through this window only
            nll(log_probs, targets).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            sgd.step()
        val_loss = validation_loss()
        print(f"epoch {epoch}: validation loss {val_loss:5.2f}, perplexity {math.exp(val_loss):8.2f}")
        for group in sgd.param_groups:
            group["lr"] /= 2.0
    print(f"FINAL val_ppl={math.exp(val_loss):.2f}")


if __name__ == "__main__":
    main()
