"""FakeData: random PIL images, the same image for the same index every time."""
import numpy as np
from PIL import Image

from .vision import VisionDataset


class FakeData(VisionDataset):
    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes, self.image_size, self.random_offset = size, num_classes, image_size, random_offset

    def __getitem__(self, index):
        if index >= len(self):
            raise IndexError(f"{self.__class__.__name__} index out of range")
        rng = np.random.default_rng(index + self.random_offset)  # per index, never the global RNG
        arr = rng.integers(0, 256, self.image_size, dtype=np.uint8).transpose(1, 2, 0)
        target = int(rng.integers(0, self.num_classes))
        img = Image.fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return self.size
