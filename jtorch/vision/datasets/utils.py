"""Download and file helpers (torchvision.datasets.utils): urllib downloads with md5 checks
that never overwrite existing files, and archive extraction."""
import gzip
import hashlib
import os
import shutil
import tarfile
import urllib.error
import urllib.request
import zipfile


def calculate_md5(fpath, chunk_size=1024 * 1024):
    md5 = hashlib.md5()
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    if not os.path.isfile(fpath):
        return False
    return True if md5 is None else check_md5(fpath, md5)


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download `url` into root/filename unless a file with the right md5 is already there.
    Never overwrites: a download goes to a temporary name and is renamed when complete."""
    root = os.path.expanduser(root)
    filename = filename or os.path.basename(url)
    fpath = os.path.join(root, filename)
    os.makedirs(root, exist_ok=True)
    if os.path.isfile(fpath):
        if check_integrity(fpath, md5):
            return fpath
        raise RuntimeError(f"{fpath} exists but its md5 does not match {md5}; jtorch does not overwrite it. "
                           "Delete it to download again.")
    tmp = fpath + ".part"
    req = urllib.request.Request(url, headers={"User-Agent": "jtorch"})
    with urllib.request.urlopen(req, timeout=30) as resp, open(tmp, "wb") as out:
        shutil.copyfileobj(resp, out)
    if not check_integrity(tmp, md5):
        os.remove(tmp)
        raise RuntimeError(f"File downloaded from {url} failed its md5 check ({md5}).")
    os.replace(tmp, fpath)
    return fpath


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract .tar(.gz)/.tgz/.zip/.gz archives; existing files are kept, not overwritten."""
    to_path = os.path.dirname(from_path) if to_path is None else to_path
    if from_path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(from_path, "r:*") as tar:
            members = [m for m in tar.getmembers() if not os.path.exists(os.path.join(to_path, m.name))]
            tar.extractall(to_path, members=members, filter="data")
    elif from_path.endswith(".zip"):
        with zipfile.ZipFile(from_path) as z:
            for name in z.namelist():
                if not os.path.exists(os.path.join(to_path, name)):
                    z.extract(name, to_path)
    elif from_path.endswith(".gz"):
        out = os.path.join(to_path, os.path.basename(from_path)[:-3])
        if not os.path.exists(out):
            with gzip.open(from_path, "rb") as src, open(out + ".part", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(out + ".part", out)
    else:
        raise RuntimeError(f"Extraction of {from_path} not supported")
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    fpath = download_url(url, download_root, filename, md5)
    return extract_archive(fpath, extract_root or download_root, remove_finished)


def download_from_mirrors(mirrors, filename, folder, md5):
    """Try each mirror in turn; raise a RuntimeError listing every failure."""
    errors = []
    for mirror in mirrors:
        url = f"{mirror}{filename}"
        try:
            return download_url(url, folder, filename, md5)
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            errors.append(f"{url}: {e}")
    # one line: callers quote it inside a longer sentence
    raise RuntimeError(f"Could not download {filename} into {folder} ({'; '.join(errors)})")


def missing_files_error(name, folder, missing, hint="Use download=True to download them, or put the files in "
                                                   "that folder."):
    return RuntimeError(f"{name} dataset not found: missing {', '.join(missing)} in {os.path.abspath(folder)}. {hint}")
