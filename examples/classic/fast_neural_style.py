"""Fast style transfer (Johnson et al.'s image transformation network, the model of pytorch/examples'
fast_neural_style; this code is written for jtorch): reflection-padded convolutions with InstanceNorm2d,
residual blocks, nearest-neighbour Upsample then convolution instead of transposed convolution, trained with
a content loss and a Gram-matrix style loss on the features of a small fixed (random, frozen) network."""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402


def padded_conv(cin, cout, kernel, stride=1):
    """A convolution that sees a mirrored border, so stride 1 keeps the image size without zero edges."""
    return nn.Sequential(nn.ReflectionPad2d(kernel // 2), nn.Conv2d(cin, cout, kernel, stride))


def conv_in_relu(cin, cout, kernel, stride=1, upsample=False):
    """(optional 2x nearest upsampling) -> padded conv -> affine instance norm -> ReLU."""
    grow = [nn.Upsample(scale_factor=2, mode="nearest")] if upsample else []
    return nn.Sequential(*grow, padded_conv(cin, cout, kernel, stride), nn.InstanceNorm2d(cout, affine=True), nn.ReLU())


class Residual(nn.Module):
    """x + IN(conv(ReLU(IN(conv(x))))), with no activation after the sum."""

    def __init__(self, channels):
        super().__init__()
        self.branch = nn.Sequential(
            conv_in_relu(channels, channels, 3),
            padded_conv(channels, channels, 3), nn.InstanceNorm2d(channels, affine=True))

    def forward(self, x):
        return x + self.branch(x)


def transformation_net(width=16):
    """3-channel image -> 3-channel image of the same size: down once, two residual blocks, up once."""
    return nn.Sequential(
        conv_in_relu(3, width, 9),
        conv_in_relu(width, 2 * width, 3, stride=2),
        Residual(2 * width), Residual(2 * width),
        conv_in_relu(2 * width, width, 3, upsample=True),
        padded_conv(width, 3, 9))


def gram(features):
    """[B, C, H, W] -> [B, C, C] channel correlations, divided by C * H * W."""
    flat = features.flatten(2)
    return torch.bmm(flat, flat.transpose(1, 2)) / flat[0].numel()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--n-train", type=int, default=256)
    parser.add_argument("--style-weight", type=float, default=1e4)
    args = parser.parse_args()
    torch.manual_seed(42)
    contents = torch.from_numpy(_data.shapes(args.n_train, size=32, seed=3)[0])
    style_image = torch.from_numpy(_data.shapes(1, size=32, seed=9)[0])
    loader = DataLoader(TensorDataset(contents), batch_size=16, shuffle=True)
    # stands in for VGG: a fixed random feature extractor, never trained
    perceive = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
    perceive.requires_grad_(False)
    style_target = gram(perceive(style_image))
    net = transformation_net()
    adam = optim.Adam(net.parameters(), 1e-3)
    mse = nn.MSELoss()
    epoch_loss = 0.0
    for epoch in range(args.epochs):
        losses = []
        for (batch,) in loader:
            adam.zero_grad()
            seen_out, seen_in = perceive(net(batch)), perceive(batch)
            style_err = mse(gram(seen_out), style_target.expand(batch.size(0), -1, -1))
            loss = mse(seen_out, seen_in) + args.style_weight * style_err
            loss.backward()
            adam.step()
            losses.append(loss.item())
        epoch_loss = sum(losses) / len(losses)
        print(f"epoch {epoch + 1}: mean loss {epoch_loss:.4f}")
    print(f"FINAL loss={epoch_loss:.4f}")


if __name__ == "__main__":
    main()
