"""The classic programs, how to run them small (tests) and larger (the README table), and how
close jtorch's final metric must be to PyTorch's on the same data."""

# script, metric, higher is better, margin (absolute), test args, table args
PROGRAMS = [
    ("mnist_cnn.py", "accuracy", True, 3.0, ["--epochs", "1", "--n-train", "640"], ["--epochs", "2"]),
    ("vae.py", "test_loss", False, 15.0, ["--epochs", "1", "--n-train", "640"], ["--epochs", "3"]),
    ("dcgan.py", "D_x", True, 0.3, ["--epochs", "1", "--n-train", "320"], ["--epochs", "2"]),
    ("word_language_model.py", "val_ppl", False, 5.0, ["--epochs", "1", "--words", "4000"], ["--epochs", "2"]),
    ("word_language_model.py --model Transformer", "val_ppl", False, 5.0,
     ["--epochs", "1", "--words", "4000", "--nlayers", "1"], ["--epochs", "2"]),
    ("time_sequence_prediction.py", "test_loss", False, 0.01, ["--steps", "2", "--length", "50"], ["--steps", "6"]),
    ("super_resolution.py", "psnr", True, 1.5, ["--epochs", "1", "--n-train", "300"], ["--epochs", "3"]),
    ("fast_neural_style.py", "loss", False, 0.01, ["--epochs", "1", "--n-train", "64"], ["--epochs", "2"]),
    ("siamese_network.py", "accuracy", True, 6.0, ["--epochs", "1", "--pairs", "640"], ["--epochs", "3"]),
    # One 3-epoch run on 1,000 samples is chaotic: the final accuracy of a single seed spreads with a standard
    # deviation of about 10 points under either library (PyTorch seeds 0-19: 40.4 to 80.6), and scaling the first
    # convolution's weights by 1 + 1e-7 moves PyTorch's own result by 12 points. So the table row trains 20 seeds
    # in one process (--seeds 20: seeds 0-19) under each library and compares the mean accuracies; the difference
    # of two such means has a standard deviation of about 3.4 points, so the 10-point margin fails by chance less
    # than 1% of the time. Step-by-step checks from identical weights and batches found no systematic difference
    # (issue 9; tests/test_classic_resnet.py). The test size stays one seed.
    ("resnet_cifar.py", "accuracy", True, 10.0, ["--epochs", "1", "--n-train", "200", "--width", "8"],
     ["--epochs", "3", "--width", "8", "--seeds", "20"]),
]


def parse_final(stdout):
    """{metric: value} from the program's last line, 'FINAL name=value [name=value]'."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("FINAL "):
            return {k: float(v) for k, v in (kv.split("=") for kv in line[6:].split())}
    raise ValueError("the program printed no FINAL line")
