"""Single-image super-resolution with a sub-pixel convolution network (ESPCN, Shi et al.; the task of
pytorch/examples' super_resolution, this code written for jtorch): the network works at low resolution and
PixelShuffle rearranges its last r*r channels into an r-times larger image. MNIST digits shrunk 3x with
interpolate are the inputs; the report is the test PSNR."""
import argparse
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402


class SubPixelNet(nn.Module):
    def __init__(self, scale):
        super().__init__()
        same = lambda cin, cout, k: nn.Conv2d(cin, cout, k, 1, k // 2)  # noqa: E731  (keeps the size)
        self.trunk = nn.Sequential(same(1, 32, 5), nn.ReLU(), same(32, 32, 3), nn.ReLU(), same(32, 16, 3), nn.ReLU())
        self.to_subpixels = same(16, scale * scale, 3)
        self.shuffle = nn.PixelShuffle(scale)
        # orthogonal weights, scaled for the ReLU that follows (the last layer has none)
        for layer in self.trunk:
            if isinstance(layer, nn.Conv2d):
                nn.init.orthogonal_(layer.weight, nn.init.calculate_gain("relu"))
        nn.init.orthogonal_(self.to_subpixels.weight)

    def forward(self, small):
        return self.shuffle(self.to_subpixels(self.trunk(small)))


def shrink(images, scale):
    return F.interpolate(images, scale_factor=1 / scale, mode="bilinear", align_corners=False)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upscale", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    torch.manual_seed(123)
    (x_train, _), (x_test, _) = _data.mnist(args.n_train, 200)
    # 24x24 centre crops, so the size divides by the scale
    sharp_train = torch.from_numpy(x_train[:, :, 2:26, 2:26])
    sharp_test = torch.from_numpy(x_test[:, :, 2:26, 2:26])
    pairs = DataLoader(TensorDataset(shrink(sharp_train, args.upscale), sharp_train), batch_size=50, shuffle=True)
    blurry_test = shrink(sharp_test, args.upscale)
    net = SubPixelNet(args.upscale)
    mse = nn.MSELoss()
    adam = optim.Adam(net.parameters(), lr=args.lr)
    psnr = 0.0
    for epoch in range(1, args.epochs + 1):
        net.train()
        running = 0.0
        for small, target in pairs:
            adam.zero_grad()
            err = mse(net(small), target)
            err.backward()
            adam.step()
            running += err.item()
        net.eval()
        with torch.no_grad():
            test_mse = mse(net(blurry_test), sharp_test).item()
        psnr = 10 * math.log10(1 / test_mse)  # pixel values lie in [0, 1]
        print(f"epoch {epoch}: train mse {running / len(pairs):.4f}, test PSNR {psnr:.2f} dB")
    print(f"FINAL psnr={psnr:.2f}")


if __name__ == "__main__":
    main()
