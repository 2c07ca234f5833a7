"""Array copies in each benchmark model's compiled training step, under the accelerator
donation rule (every buffer of 1,024 elements or more), on whatever backend runs it.

    python bench/copies.py [--models mlp,cnn] [--compile]

A donated buffer should hold the new value of the tensor it held before. A copy of a
parameter in the step means XLA could not do that, for example because the buffer went to
an output of the same shape that is computed before the parameter is last read. Most other
copies are layout transposes (convolutions, attention). Counts are deterministic for a
given jax version; no timing.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

_COPY = re.compile(r"= \w+\[[0-9,]*\]\{[0-9,]*\} copy\(")
_ALIAS = re.compile(r"input_output_alias=\{(.*?)\}, entry")


def step_hlo(name, compiled):
    """The optimised HLO text of the model's training step (its fourth call)."""
    import jax

    import jtorch as m
    import models
    from jtorch._engine import sync
    sync._on_accelerator = lambda: True
    seen = {"on": False}
    jit = jax.jit

    def capturing_jit(f, **kw):
        fn = jit(f, **kw)

        def call(*args):
            if seen["on"]:
                seen["hlo"] = fn.lower(*args).compile().as_text()
            return fn(*args)
        return call

    jax.jit = capturing_jit  # every program jtorch compiles from here on
    m.manual_seed(0)
    model, opt, crit = models.build(m, name)
    data = [(m.from_numpy(x), m.from_numpy(y)) for x, y in models.batches(name)]

    step = models.train_step(model, opt, crit)
    fn = m.compile(step) if compiled else step
    for i in range(4):
        seen["on"] = i == 3
        fn(*data[i % len(data)]).item()
    return seen["hlo"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="mlp,cnn,textcls,lstm,transformer")
    ap.add_argument("--compile", action="store_true", help="the jtorch.compile step instead of the lazy one")
    ap.add_argument("--one")
    args = ap.parse_args()
    if args.one:
        hlo = step_hlo(args.one, args.compile)
        aliases = _ALIAS.search(hlo)
        n_alias = len(re.findall(r"\{\d+\}: \(", aliases.group(1))) if aliases else 0
        params = set(re.findall(r"(%[\w.]+) = [^=]*parameter\(", hlo.split("ENTRY", 1)[1]))
        of_inputs = sum(1 for op in re.findall(r"copy\((%[\w.]+)\)", hlo) if op in params)
        print(f"| {args.one} | {n_alias} | {of_inputs} | {len(_COPY.findall(hlo))} |")
        return
    import subprocess
    print(f"Step: {'jtorch.compile' if args.compile else 'lazy'}; donation rule: accelerator (>= 1,024 elements).\n")
    print("| model | donated buffers | copies of step inputs | all array copies |")
    print("|---|---|---|---|")
    for name in args.models.split(","):  # one process each: the rule is patched in
        cmd = [sys.executable, __file__, "--one", name] + (["--compile"] if args.compile else [])
        p = subprocess.run(cmd, capture_output=True, text=True)
        print(p.stdout.strip() if p.returncode == 0 else f"| {name} | failed: {p.stderr.strip()[-80:]} | | |",
              flush=True)


if __name__ == "__main__":
    main()
