"""A small DCGAN (Radford et al.; the architecture of pytorch/examples' dcgan, this code written for jtorch)
on 16x16 MNIST digits: ConvTranspose2d, BatchNorm2d, LeakyReLU, two Adam optimizers, detach, BCELoss."""
import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402

LATENT, G_WIDTH, D_WIDTH = 16, 32, 32


def _grow(cin, cout, stride, padding):
    """A 4x4 transposed convolution, batch norm, ReLU."""
    return [nn.ConvTranspose2d(cin, cout, 4, stride, padding, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True)]


def generator():
    """[N, LATENT, 1, 1] noise -> [N, 1, 16, 16] images in (-1, 1)."""
    return nn.Sequential(
        *_grow(LATENT, 2 * G_WIDTH, 1, 0),  # 1x1 -> 4x4
        *_grow(2 * G_WIDTH, G_WIDTH, 2, 1),  # -> 8x8
        nn.ConvTranspose2d(G_WIDTH, 1, 4, 2, 1, bias=False), nn.Tanh())  # -> 16x16


class Critic(nn.Module):
    """[N, 1, 16, 16] images -> [N] probabilities that each one is real."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(1, D_WIDTH, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),  # -> 8x8
            nn.Conv2d(D_WIDTH, 2 * D_WIDTH, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * D_WIDTH),
            nn.LeakyReLU(0.2, inplace=True),  # -> 4x4
            nn.Conv2d(2 * D_WIDTH, 1, 4, 1, 0, bias=False), nn.Sigmoid())  # -> 1x1

    def forward(self, images):
        return self.layers(images).reshape(-1)


def dcgan_init_(net):
    """The paper's initialisation: convolutions N(0, 0.02), batch-norm scales N(1, 0.02), shifts 0."""
    for layer in net.modules():
        if isinstance(layer, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(layer.weight, 0.0, 0.02)
        elif isinstance(layer, nn.BatchNorm2d):
            nn.init.normal_(layer.weight, 1.0, 0.02)
            nn.init.zeros_(layer.bias)


def main():
    parser = argparse.ArgumentParser(description="DCGAN")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--n-train", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    (digits, _), _ = _data.mnist(args.n_train, 0)
    small = F.interpolate(torch.from_numpy(digits), size=(16, 16), mode="bilinear", align_corners=False) * 2 - 1
    loader = DataLoader(TensorDataset(small), batch_size=args.batch_size, shuffle=True, drop_last=True)
    gen, critic = generator().to(device), Critic().to(device)
    dcgan_init_(gen)
    dcgan_init_(critic)
    bce = nn.BCELoss()
    probe = torch.randn(64, LATENT, 1, 1, device=device)  # fixed noise for the final samples
    opt_g = optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = optim.Adam(critic.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_on_real = 0.0
    for epoch in range(args.epochs):
        for step, (real,) in enumerate(loader):
            real = real.to(device)
            n = real.size(0)
            is_real, is_fake = torch.ones(n, device=device), torch.zeros(n, device=device)
            # critic: push D(real) up and D(G(z)) down; G is held fixed through detach
            opt_d.zero_grad()
            p_real = critic(real)
            fake = gen(torch.randn(n, LATENT, 1, 1, device=device))
            loss_d = bce(p_real, is_real) + bce(critic(fake.detach()), is_fake)
            loss_d.backward()
            opt_d.step()
            # generator: make the critic call its images real (the non-saturating loss)
            opt_g.zero_grad()
            loss_g = bce(critic(fake), is_real)
            loss_g.backward()
            opt_g.step()
            d_on_real = p_real.mean().item()
            if step % 10 == 0:
                print(f"epoch {epoch} step {step}/{len(loader)}: critic loss {loss_d.item():.4f}, "
                      f"generator loss {loss_g.item():.4f}, D(real) {d_on_real:.4f}")
    with torch.no_grad():
        samples = gen(probe)
    print(f"FINAL D_x={d_on_real:.3f} sample_std={samples.std().item():.3f}")


if __name__ == "__main__":
    main()
