"""torchvision.models for jtorch: architectures with torchvision's parameter names (weights=None only)."""
from .resnet import (
    BasicBlock as BasicBlock, Bottleneck as Bottleneck, ResNet as ResNet, resnet18 as resnet18,
    resnet34 as resnet34, resnet50 as resnet50,
)
from .vgg import VGG as VGG, vgg11 as vgg11, vgg11_bn as vgg11_bn
