"""Variational autoencoder on MNIST digits (the model of Kingma & Welling, as in pytorch/examples' vae;
this code is written for jtorch): a Bernoulli decoder, a diagonal-Gaussian encoder sampled with the
reparameterisation trick (randn_like), the negative ELBO as the loss, and a grid of samples written with
torchvision's save_image when torchvision is installed."""
import argparse
import os
import sys

import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _data  # noqa: E402

try:
    from torchvision.utils import save_image
except ImportError:  # plain PyTorch installs may lack torchvision
    save_image = None

PIXELS, HIDDEN, LATENT = 28 * 28, 400, 20


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc_hidden = nn.Linear(PIXELS, HIDDEN)
        self.enc_mean = nn.Linear(HIDDEN, LATENT)
        self.enc_logvar = nn.Linear(HIDDEN, LATENT)
        self.dec_hidden = nn.Linear(LATENT, HIDDEN)
        self.dec_pixels = nn.Linear(HIDDEN, PIXELS)

    def posterior(self, images):
        """Mean and log-variance of q(z | x) for a batch of images."""
        h = F.relu(self.enc_hidden(images.flatten(1)))
        return self.enc_mean(h), self.enc_logvar(h)

    def decode(self, z):
        """Per-pixel Bernoulli probabilities, [N, 784]."""
        return torch.sigmoid(self.dec_pixels(F.relu(self.dec_hidden(z))))

    def forward(self, images):
        mean, logvar = self.posterior(images)
        spread = torch.exp(0.5 * logvar)
        z = mean + torch.randn_like(spread) * spread  # differentiable in mean and logvar
        return self.decode(z), mean, logvar


def negative_elbo(images, probs, mean, logvar):
    """Reconstruction cross-entropy plus KL(q(z | x) || N(0, I)), both summed over the batch."""
    reconstruction = F.binary_cross_entropy(probs, images.flatten(1), reduction="sum")
    kl = (1 + logvar - mean.pow(2) - logvar.exp()).sum() * -0.5
    return reconstruction + kl


def mean_loss(model, loader, device, optimizer=None):
    """Average per-image loss over one pass; trains when an optimizer is given."""
    model.train(optimizer is not None)
    total = 0.0
    with torch.set_grad_enabled(optimizer is not None):
        for (images,) in loader:
            images = images.to(device)
            loss = negative_elbo(images, *model(images))
            if optimizer is not None:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total += loss.item()
    return total / len(loader.dataset)


def main():
    parser = argparse.ArgumentParser(description="VAE MNIST")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--n-train", type=int, default=4000)
    parser.add_argument("--out", default="vae_samples.png")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    (x_train, _), (x_test, _) = _data.mnist(args.n_train, 1000)
    train_loader = DataLoader(TensorDataset(torch.from_numpy(x_train)), batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(TensorDataset(torch.from_numpy(x_test)), batch_size=args.batch_size)
    model = VAE().to(device)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    test_loss = 0.0
    for epoch in range(1, args.epochs + 1):
        train_loss = mean_loss(model, train_loader, device, optimizer)
        test_loss = mean_loss(model, test_loader, device)
        print(f"epoch {epoch}: train loss {train_loss:.4f}, test loss {test_loss:.4f} (per image)")
    with torch.no_grad():
        grid = model.decode(torch.randn(64, LATENT).to(device)).cpu()
    if save_image is not None:
        save_image(grid.view(64, 1, 28, 28), args.out)
    print(f"FINAL test_loss={test_loss:.2f}")


if __name__ == "__main__":
    main()
