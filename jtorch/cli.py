"""`jtorch run script.py [args...]`: run an unmodified PyTorch script on jtorch.

`torch`, `torchvision` and `torchtext` (and all their submodules) are aliased to
jtorch's modules before the script starts, so `import torch.nn as nn` gives jtorch.nn.
"""
import argparse
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

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
    runpy.run_path(script, run_name="__main__")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="jtorch", description="Run PyTorch scripts on JAX through jtorch.")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run a script with torch/torchvision/torchtext aliased to jtorch")
    r.add_argument("script")
    r.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    if ns.command == "run":
        run(ns.script, ns.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
