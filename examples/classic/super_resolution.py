"""Super-resolution (after pytorch/examples super_resolution): an ESPCN-style net with
PixelShuffle upscaling 3x, trained on MNIST digits downsampled with interpolate; reports PSNR."""
import argparse
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init as init
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402


class Net(nn.Module):
    def __init__(self, upscale_factor):
        super().__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 32, 5, 1, 2)
        self.conv2 = nn.Conv2d(32, 32, 3, 1, 1)
        self.conv3 = nn.Conv2d(32, 16, 3, 1, 1)
        self.conv4 = nn.Conv2d(16, upscale_factor ** 2, 3, 1, 1)
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        init.orthogonal_(self.conv1.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv2.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv3.weight, init.calculate_gain("relu"))
        init.orthogonal_(self.conv4.weight)

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        return self.pixel_shuffle(self.conv4(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upscale", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--n-train", type=int, default=1000)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    torch.manual_seed(123)
    (xtr, _), (xte, _) = _data.mnist(args.n_train, 200)
    hr_tr = torch.from_numpy(xtr[:, :, 2:26, 2:26])  # 24x24 crops, divisible by 3
    hr_te = torch.from_numpy(xte[:, :, 2:26, 2:26])
    lr_tr = F.interpolate(hr_tr, scale_factor=1 / args.upscale, mode="bilinear", align_corners=False)
    lr_te = F.interpolate(hr_te, scale_factor=1 / args.upscale, mode="bilinear", align_corners=False)
    loader = DataLoader(TensorDataset(lr_tr, hr_tr), batch_size=50, shuffle=True)
    model = Net(args.upscale)
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    psnr = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        epoch_loss = 0.0
        for lr_img, hr_img in loader:
            optimizer.zero_grad()
            loss = criterion(model(lr_img), hr_img)
            epoch_loss += loss.item()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            mse = criterion(model(lr_te), hr_te).item()
        psnr = 10 * math.log10(1 / mse)
        print(f"===> Epoch {epoch}: loss {epoch_loss / len(loader):.4f}, test PSNR {psnr:.2f} dB")
    print(f"FINAL psnr={psnr:.2f}")


if __name__ == "__main__":
    main()
