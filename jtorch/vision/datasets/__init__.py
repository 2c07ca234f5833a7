"""torchvision.datasets for jtorch."""
from .cifar import CIFAR10 as CIFAR10, CIFAR100 as CIFAR100
from .fakedata import FakeData as FakeData
from .folder import DatasetFolder as DatasetFolder, ImageFolder as ImageFolder
from .mnist import EMNIST as EMNIST, KMNIST as KMNIST, MNIST as MNIST, FashionMNIST as FashionMNIST
from .vision import VisionDataset as VisionDataset
