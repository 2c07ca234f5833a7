"""CIFAR10 / CIFAR100 from the python-pickle batches (ROOT/cifar-10-batches-py/...)."""
import os
import pickle

import numpy as np
from PIL import Image

from ..transforms.transforms import batch_transform
from .utils import check_integrity, download_and_extract_archive, missing_files_error
from .vision import VisionDataset


class CIFAR10(VisionDataset):
    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {"filename": "batches.meta", "key": "label_names", "md5": "5ff9c542aee3614f3951f8cda6e48888"}
    _labels_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        folder = os.path.join(self.root, self.base_folder)
        if download and self._missing():
            try:
                self.download()
            except (RuntimeError, OSError) as e:  # offline: say which files to put where
                raise missing_files_error(self.__class__.__name__, folder, self._missing(),
                                          hint=f"Downloading {self.url} failed ({e}). Put the files in that "
                                          "folder by hand.") from None
        missing = self._missing()
        if missing:
            raise missing_files_error(self.__class__.__name__, folder, missing)
        data, targets = [], []
        for file_name, _ in (self.train_list if train else self.test_list):
            entry = self._unpickle(os.path.join(self.root, self.base_folder, file_name))
            data.append(entry["data"])
            targets.extend(entry["labels"] if "labels" in entry else entry["fine_labels"])
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        self.targets = targets
        self._targets_np = (None, None)
        self._load_meta()

    @staticmethod
    def _unpickle(path):
        try:
            with open(path, "rb") as f:
                return pickle.load(f, encoding="latin1")
        except Exception as e:
            raise RuntimeError(f"Could not read CIFAR batch file {path}: {e}") from None

    def _load_meta(self):
        data = self._unpickle(os.path.join(self.root, self.base_folder, self.meta["filename"]))
        self.classes = data[self.meta["key"]]
        self.class_to_idx = {_class: i for i, _class in enumerate(self.classes)}

    def _missing(self):
        names = [n for n, _ in (self.train_list if self.train else self.test_list)] + [self.meta["filename"]]
        return [n for n in names if not os.path.isfile(os.path.join(self.root, self.base_folder, n))]

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, n), md5)
                   for n, md5 in self.train_list + self.test_list)

    def __getitem__(self, index):
        img, target = Image.fromarray(self.data[index]), self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def _batch_fetch(self, indices):
        if self.target_transform is not None:
            return None
        idx = np.asarray(indices, dtype=np.int64)
        x = batch_transform(self.transform, self.data[idx])
        if x is None:
            return None
        key = (id(self.targets), len(self.targets))
        if self._targets_np[0] != key:  # users may replace .targets, as with torchvision
            self._targets_np = (key, np.asarray(self.targets, np.int64))
        return [x, self._targets_np[1][idx]]

    def __len__(self):
        return len(self.data)

    def download(self):
        if not os.path.isdir(os.path.join(self.root, self.base_folder)):
            download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {"filename": "meta", "key": "fine_label_names", "md5": "7973b15100ade9c7d40fb424638fde48"}


