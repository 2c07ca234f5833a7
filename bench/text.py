"""Text training throughput (tokens per second) beside PyTorch and hand-written JAX: the seed
IMDB classifier (Embedding -> mean -> Linear) and an LSTM classifier.

    python bench/text.py [--device cpu|cuda]
"""
import os
import subprocess
import sys

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    sys.exit(subprocess.call([sys.executable, os.path.join(here, "run_all.py"), "--models", "textcls,lstm"]
                             + sys.argv[1:]))
