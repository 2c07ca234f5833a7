"""Python loops against PyTorch, cold cache: long loops without a sync (an LSTMCell over 999 time
steps with backward; a small GPT sampling tokens with multinomial and cat) and loops whose shapes
change every step (items built by `x[1:1+n] = ix` for varying n; a growing cat with a sync per token).

    python bench/loops.py                 # every case, torch and jtorch, each in a fresh process
    python bench/loops.py --case lstm --lib jtorch   # one case in this process (prints one JSON line)

Each case runs in its own process with JAX's persistent compilation cache off (JTORCH_CACHE_DIR=""),
so compile time is counted as a new user meets it. The table gives seconds, the ratio jtorch / torch
and jtorch's whole-program compiles.
"""
import argparse
import json
import os
import subprocess
import sys
import time


def _lstm(torch, steps, iters=2):
    """pytorch/examples' time_sequence_prediction shape: two LSTMCells (1->51, 51->51) over `steps`
    time steps in float64, MSE, backward and an SGD step; `iters` times."""
    nn = torch.nn
    torch.manual_seed(0)
    cell1, cell2, head = nn.LSTMCell(1, 51).double(), nn.LSTMCell(51, 51).double(), nn.Linear(51, 1).double()
    params = list(cell1.parameters()) + list(cell2.parameters()) + list(head.parameters())
    opt = torch.optim.SGD(params, lr=0.01)
    t = torch.arange(steps + 1, dtype=torch.float64)
    data = torch.sin(t[None, :] / 20 + torch.arange(8, dtype=torch.float64)[:, None])
    x, y = data[:, :-1], data[:, 1:]
    losses = []
    for _ in range(iters):
        opt.zero_grad()
        h1 = c1 = torch.zeros(8, 51, dtype=torch.float64)
        h2 = c2 = torch.zeros(8, 51, dtype=torch.float64)
        outs = []
        for i in range(steps):
            h1, c1 = cell1(x[:, i:i + 1], (h1, c1))
            h2, c2 = cell2(h1, (h2, c2))
            outs.append(head(h2))
        loss = ((torch.cat(outs, 1) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses[-1]


def _gpt(torch, vocab=65, width=32, heads=2, layers=2, block=16):
    nn = torch.nn
    torch.manual_seed(0)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
            self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
            self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

        def forward(self, x):
            n = x.shape[1]
            mask = torch.triu(torch.ones(n, n, dtype=torch.bool), 1)
            a = self.ln1(x)
            x = x + self.attn(a, a, a, attn_mask=mask, need_weights=False)[0]
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(vocab, width), nn.Embedding(block, width)
            self.blocks = nn.Sequential(*[Block() for _ in range(layers)])
            self.ln, self.head = nn.LayerNorm(width), nn.Linear(width, vocab)

        def forward(self, idx):
            n = idx.shape[1]
            x = self.tok(idx) + self.pos(torch.arange(n))
            return self.head(self.ln(self.blocks(x)))

    return GPT().eval(), block


def _sample(torch, tokens):
    """A small GPT samples `tokens` tokens (multinomial over softmax, cat), no sync per token."""
    model, block = _gpt(torch)
    idx = torch.zeros(1, 1, dtype=torch.long)
    with torch.no_grad():
        for _ in range(tokens):
            logits = model(idx[:, -block:])[:, -1, :]
            nxt = torch.multinomial(torch.softmax(logits, -1), 1)
            idx = torch.cat((idx, nxt), 1)
    return len(idx[0].tolist())


def _sample_sync(torch, tokens):
    """The same sampling with a sync per token (`.item()` to stop at an end token): shapes grow each step."""
    model, block = _gpt(torch)
    idx = torch.zeros(1, 1, dtype=torch.long)
    with torch.no_grad():
        for _ in range(tokens):
            logits = model(idx[:, -block:])[:, -1, :]
            nxt = torch.argmax(logits, -1, keepdim=True)
            if nxt.item() == vocab_end:
                break
            idx = torch.cat((idx, nxt), 1)
    return idx.shape[1]


vocab_end = 64


def _charmodel(torch, steps):
    """A character model whose training items are built with tensor ops on words of varying length
    (`x[1:1+len(ix)] = ix` into a fixed-size buffer), one optimizer step and loss.item() per batch."""
    import random
    nn = torch.nn
    torch.manual_seed(0)
    rng = random.Random(0)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 15)))
             for _ in range(2000)]
    stoi = {c: i + 1 for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")}
    width = 16

    def item(w):
        ix = torch.tensor([stoi[c] for c in w], dtype=torch.long)
        x = torch.zeros(width + 1, dtype=torch.long)
        y = torch.zeros(width + 1, dtype=torch.long)
        x[1:1 + len(ix)] = ix
        y[:len(ix)] = ix
        y[len(ix) + 1:] = -1
        return x, y

    model = nn.Sequential(nn.Embedding(27, 32), nn.Flatten(0, -1), nn.Linear(32 * (width + 1), 27 * (width + 1)))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss = None
    for s in range(steps):
        x, y = item(words[s])
        logits = model(x).view(width + 1, 27)
        loss = nn.functional.cross_entropy(logits, y, ignore_index=-1)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss = loss.item()
    return loss


CASES = {
    "lstm": lambda torch: _lstm(torch, int(os.environ.get("LOOPS_LSTM_STEPS", "999"))),
    "sample": lambda torch: _sample(torch, 200),
    "charmodel": lambda torch: _charmodel(torch, 100),
    "sample_sync": lambda torch: _sample_sync(torch, 200),
}


def run_one(case, lib):
    t0 = time.perf_counter()
    if lib == "torch":
        import torch
        torch.set_num_threads(1)
    else:
        import jtorch as torch
    t1, c1 = time.perf_counter(), time.process_time()
    result = CASES[case](torch)
    t2, c2 = time.perf_counter(), time.process_time()
    out = {"case": case, "lib": lib, "seconds": t2 - t1, "cpu_seconds": c2 - c1, "import": t1 - t0, "result": result}
    if lib == "jtorch":
        m = torch.debug.metrics()
        out.update(compiles=m["compiles"], syncs=m["syncs"], compile_seconds=m["compile_seconds"],
                   op_by_op_runs=m.get("op_by_op_runs", 0))
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=sorted(CASES))
    ap.add_argument("--lib", choices=("torch", "jtorch"))
    ap.add_argument("--cases", default=",".join(CASES))
    args = ap.parse_args()
    if args.case and args.lib:
        return run_one(args.case, args.lib)
    env = dict(os.environ, JTORCH_CACHE_DIR="")
    print("| case | torch s (cpu s) | jtorch s (cpu s) | jtorch / torch, wall (cpu) | whole-program compiles | "
          "op-by-op syncs | jtorch compile s |")
    print("|---|---|---|---|---|---|---|")
    for case in args.cases.split(","):
        res = {}
        for lib in ("torch", "jtorch"):
            p = subprocess.run([sys.executable, __file__, "--case", case, "--lib", lib], env=env,
                               capture_output=True, text=True)
            if p.returncode:
                print(p.stderr[-3000:], file=sys.stderr)
                res[lib] = None
                continue
            res[lib] = json.loads(p.stdout.strip().splitlines()[-1])
        t, j = res["torch"], res["jtorch"]
        if t is None or j is None:
            print(f"| {case} | failed | | | | | |")
            continue
        print(f"| {case} | {t['seconds']:.2f} ({t['cpu_seconds']:.2f}) | {j['seconds']:.2f} ({j['cpu_seconds']:.2f}) | "
              f"{j['seconds'] / t['seconds']:.2f}x ({j['cpu_seconds'] / t['cpu_seconds']:.2f}x) | {j['compiles']} | "
              f"{j['op_by_op_runs']} | {j['compile_seconds']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
