"""torch.hub: downloading checkpoints into torch's cache, and loading models from a hubconf.py.

The cache folder is torch's own ($TORCH_HOME/hub, default ~/.cache/torch/hub), so files torch downloaded are
found here too. A GitHub repository is fetched as its zip archive into the same place torch keeps it.
"""
import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import urllib.request
import zipfile
from urllib.parse import urlparse  # noqa: F401  (libraries import it from here)
from .serialization import load as _load
import warnings

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_hub_dir = [None]


def _get_torch_home():
    home = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.join("~", ".cache")), "torch")
    return os.path.expanduser(os.environ.get("TORCH_HOME", home))


def get_dir():
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead")
    return _hub_dir[0] if _hub_dir[0] is not None else os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    _hub_dir[0] = os.path.expanduser(d)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download `url` to `dst` through a temporary file; check the sha256 prefix when given."""
    dst = os.path.expanduser(dst)
    folder = os.path.dirname(os.path.abspath(dst))
    digest = hashlib.sha256() if hash_prefix is not None else None
    with tempfile.NamedTemporaryFile(delete=False, dir=folder) as tmp:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "torch.hub"})) as r:
                while True:
                    chunk = r.read(1 << 16)
                    if not chunk:
                        break
                    tmp.write(chunk)
                    if digest is not None:
                        digest.update(chunk)
            tmp.close()
            if digest is not None and not digest.hexdigest().startswith(hash_prefix):
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest.hexdigest()}")')
            shutil.move(tmp.name, dst)
        finally:
            if os.path.exists(tmp.name):
                os.remove(tmp.name)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """Download once into <hub dir>/checkpoints and torch.load it."""
    model_dir = model_dir or os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        prefix = HASH_REGEX.search(filename).group(1) if check_hash and HASH_REGEX.search(filename) else None
        download_url_to_file(url, cached, prefix, progress=progress)
    return _load(cached, map_location=map_location, weights_only=weights_only)


def _repo_dir(github, force_reload):
    """A GitHub 'owner/repo[:ref]' unpacked under the hub dir (downloaded once)."""
    owner_repo, _, ref = github.partition(":")
    owner, repo = owner_repo.split("/")
    ref = ref or "main"
    target = os.path.join(get_dir(), f"{owner}_{repo}_{ref.replace('/', '_')}")
    if force_reload or not os.path.isdir(target):
        os.makedirs(get_dir(), exist_ok=True)
        archive = target + ".zip"
        download_url_to_file(f"https://github.com/{owner}/{repo}/zipball/{ref}", archive)
        with zipfile.ZipFile(archive) as z:
            top = z.namelist()[0].split("/")[0]
            z.extractall(get_dir())
        os.remove(archive)
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(os.path.join(get_dir(), top), target)
    return target


def _hubconf(repo_dir):
    path = os.path.join(repo_dir, "hubconf.py")
    if not os.path.exists(path):
        raise FileNotFoundError(f"Cannot find hubconf.py in {repo_dir}")
    sys.path.insert(0, repo_dir)
    try:
        spec = importlib.util.spec_from_file_location("hubconf", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_dir)
    return module


def _entry(module, model):
    fn = getattr(module, model, None)
    if fn is None or not callable(fn):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return fn


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):  # noqa: A001
    module = _hubconf(_repo_dir(github, force_reload))
    return [n for n in dir(module) if callable(getattr(module, n)) and not n.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):  # noqa: A001
    return _entry(_hubconf(_repo_dir(github, force_reload)), model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    repo_dir = repo_or_dir if source == "local" else _repo_dir(repo_or_dir, force_reload)
    return _entry(_hubconf(repo_dir), model)(*args, **kwargs)
