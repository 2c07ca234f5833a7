"""Style transfer (after pytorch/examples fast_neural_style): the TransformerNet with
InstanceNorm2d, residual blocks and Upsample, trained with a content loss and a Gram-matrix
style loss on features of a small fixed (random, frozen) convolutional network."""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402


class ConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.reflection_pad = nn.ReflectionPad2d(k // 2)
        self.conv2d = nn.Conv2d(cin, cout, k, stride)

    def forward(self, x):
        return self.conv2d(self.reflection_pad(x))


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.in1 = ConvLayer(c, c, 3, 1), nn.InstanceNorm2d(c, affine=True)
        self.conv2, self.in2 = ConvLayer(c, c, 3, 1), nn.InstanceNorm2d(c, affine=True)
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.relu(self.in1(self.conv1(x)))
        return self.in2(self.conv2(out)) + x


class UpsampleConvLayer(nn.Module):
    def __init__(self, cin, cout, k, stride, upsample=None):
        super().__init__()
        self.upsample = nn.Upsample(scale_factor=upsample, mode="nearest") if upsample else None
        self.reflection_pad = nn.ReflectionPad2d(k // 2)
        self.conv2d = nn.Conv2d(cin, cout, k, stride)

    def forward(self, x):
        if self.upsample is not None:
            x = self.upsample(x)
        return self.conv2d(self.reflection_pad(x))


class TransformerNet(nn.Module):
    def __init__(self, c=16):
        super().__init__()
        self.conv1, self.in1 = ConvLayer(3, c, 9, 1), nn.InstanceNorm2d(c, affine=True)
        self.conv2, self.in2 = ConvLayer(c, 2 * c, 3, 2), nn.InstanceNorm2d(2 * c, affine=True)
        self.res1, self.res2 = ResidualBlock(2 * c), ResidualBlock(2 * c)
        self.deconv1, self.in4 = UpsampleConvLayer(2 * c, c, 3, 1, upsample=2), nn.InstanceNorm2d(c, affine=True)
        self.deconv2 = ConvLayer(c, 3, 9, 1)
        self.relu = nn.ReLU()

    def forward(self, x):
        y = self.relu(self.in1(self.conv1(x)))
        y = self.relu(self.in2(self.conv2(y)))
        y = self.res2(self.res1(y))
        y = self.relu(self.in4(self.deconv1(y)))
        return self.deconv2(y)


def gram_matrix(y):
    b, ch, h, w = y.size()
    features = y.view(b, ch, w * h)
    return features.bmm(features.transpose(1, 2)) / (ch * h * w)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--n-train", type=int, default=256)
    parser.add_argument("--style-weight", type=float, default=1e4)
    args = parser.parse_args()
    torch.manual_seed(42)
    x, _ = _data.shapes(args.n_train, size=32, seed=3)
    images = torch.from_numpy(x)
    style = torch.from_numpy(_data.shapes(1, size=32, seed=9)[0])
    loader = DataLoader(TensorDataset(images), batch_size=16, shuffle=True)
    features = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
    for p in features.parameters():
        p.requires_grad_(False)
    gram_style = gram_matrix(features(style))
    net = TransformerNet()
    optimizer = optim.Adam(net.parameters(), 1e-3)
    mse = nn.MSELoss()
    total = 0.0
    for epoch in range(args.epochs):
        total, n = 0.0, 0
        for (batch,) in loader:
            optimizer.zero_grad()
            y = net(batch)
            fy, fx = features(y), features(batch)
            content = mse(fy, fx)
            style_loss = args.style_weight * mse(gram_matrix(fy), gram_style.expand(fy.size(0), -1, -1))
            loss = content + style_loss
            loss.backward()
            optimizer.step()
            total += loss.item()
            n += 1
        total /= n
        print(f"Epoch {epoch + 1}: total loss {total:.4f}")
    print(f"FINAL loss={total:.4f}")


if __name__ == "__main__":
    main()
