"""Time-sequence prediction: two stacked LSTM cells learn sine waves in float64, fitted with LBFGS
(a closure that re-evaluates the loss), then keep forecasting past the end of the observed values.
The task is the one of pytorch/examples' time_sequence_prediction; this code is written for jtorch."""
import argparse

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


class StackedCellForecaster(nn.Module):
    """Reads a [batch, time] series one value per step and predicts the value that follows; once the
    series runs out it feeds its own last prediction back in for `future` more steps."""

    def __init__(self, hidden=51):
        super().__init__()
        self.hidden = hidden
        self.cells = nn.ModuleList([nn.LSTMCell(1, hidden), nn.LSTMCell(hidden, hidden)])
        self.readout = nn.Linear(hidden, 1)

    def _tick(self, value, memory):
        """One time step through every cell; memory holds an (h, c) pair per cell."""
        updated = []
        signal = value
        for cell, hc in zip(self.cells, memory):
            signal, cell_state = cell(signal, hc)
            updated.append((signal, cell_state))
        return self.readout(signal), updated

    def forward(self, series, future=0):
        rows = series.shape[0]
        memory = [(series.new_zeros(rows, self.hidden), series.new_zeros(rows, self.hidden)) for _ in self.cells]
        guesses = []
        for t in range(series.shape[1]):  # teacher forcing: the true value goes in at each step
            guess, memory = self._tick(series[:, t:t + 1], memory)
            guesses.append(guess)
        for _ in range(future):  # free running: the model's own guess goes in
            guess, memory = self._tick(guess, memory)
            guesses.append(guess)
        return torch.cat(guesses, dim=1)


def sine_waves(count=40, length=200, period=20, seed=2):
    """`count` float64 sine waves of `length` samples, each shifted by a random whole number of samples."""
    shifts = np.random.default_rng(seed).integers(-4 * period, 4 * period, count)
    t = np.arange(length)[None, :] + shifts[:, None]
    return np.sin(t / period)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--length", type=int, default=100)
    parser.add_argument("--hidden", type=int, default=51)
    args = parser.parse_args()
    torch.manual_seed(0)
    waves = torch.from_numpy(sine_waves(length=args.length))
    held_out, seen = waves[:3], waves[3:]  # the first three waves are only ever forecast
    model = StackedCellForecaster(args.hidden)
    model.double()
    mse = nn.MSELoss()
    lbfgs = optim.LBFGS(model.parameters(), lr=0.8)

    def objective():
        lbfgs.zero_grad()
        err = mse(model(seen[:, :-1]), seen[:, 1:])
        err.backward()
        return err

    horizon = 20
    held_out_mse = float("nan")
    for step in range(args.steps):
        train_mse = lbfgs.step(objective)
        with torch.no_grad():
            forecast = model(held_out[:, :-1], future=horizon)
            held_out_mse = mse(forecast[:, :-horizon], held_out[:, 1:]).item()
        print(f"step {step}: train mse {train_mse.item():.6f}, held-out mse {held_out_mse:.6f}")
    print(f"FINAL test_loss={held_out_mse:.6f}")


if __name__ == "__main__":
    main()
