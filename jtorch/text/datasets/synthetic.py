"""A small synthetic sentiment corpus in the aclImdb layout, for tests and offline examples.

Reviews mix positive or negative words (with a few words of the other polarity as noise)
into neutral filler, at varied lengths. Every word is a plain lowercase word or '.' / ',',
so 'basic_english', spaCy and str.split agree on the token count.
"""
import os
import random

POSITIVE = ("good great excellent wonderful superb brilliant amazing enjoyable delightful fantastic lovely "
            "beautiful charming moving touching masterful fun gripping stunning perfect best loved hilarious "
            "clever engaging refreshing impressive memorable heartfelt outstanding").split()
NEGATIVE = ("bad awful terrible boring dull horrible poor weak lame stupid painful worst mediocre tedious "
            "annoying predictable disappointing ugly mess pointless silly bland forgettable clumsy waste "
            "unwatchable dreadful shallow confusing tiresome").split()
NEUTRAL = ("the a movie film story plot actor actress scene director it was is this that and of to in with "
           "character script camera music ending start middle time people we they he she saw watched about "
           "there some very quite rather really seemed felt looked like more than one two night cinema "
           "screen role cast dialogue part show series sequel studio year").split()


def _review(rng, label, length):
    own, other = (POSITIVE, NEGATIVE) if label == "pos" else (NEGATIVE, POSITIVE)
    n_own = max(2, int(length * rng.uniform(0.12, 0.25)))
    n_other = int(length * rng.uniform(0.0, 0.06))
    words = [rng.choice(own) for _ in range(n_own)] + [rng.choice(other) for _ in range(n_other)]
    words += [rng.choice(NEUTRAL) for _ in range(length - len(words))]
    rng.shuffle(words)
    for i in range(7, length - 1, rng.randint(7, 12)):  # punctuation as separate tokens
        words[i] = rng.choice((".", ","))
    return " ".join(words)


def make_imdb_corpus(root=".data", n_train=2000, n_test=2000, seed=0, lengths=None, layout="legacy"):
    """Write reviews to ROOT/imdb/aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt (legacy torchtext's
    layout; layout='current' writes ROOT/IMDB/aclImdb/... as torchtext>=0.12 expects).

    lengths: None for lengths drawn from 20..200 tokens, or a sequence of token counts to choose from
    (few distinct lengths mean few distinct padded batch shapes, so few compiles).
    Returns the aclImdb folder.
    """
    rng = random.Random(seed)
    base = os.path.join(root, "imdb" if layout == "legacy" else "IMDB", "aclImdb")
    for split, n in (("train", n_train), ("test", n_test)):
        for label in ("pos", "neg"):
            os.makedirs(os.path.join(base, split, label), exist_ok=True)
        for i in range(n):
            label = "pos" if i % 2 == 0 else "neg"
            length = rng.randint(20, 200) if lengths is None else rng.choice(list(lengths))
            rating = rng.randint(7, 10) if label == "pos" else rng.randint(1, 4)
            path = os.path.join(base, split, label, f"{i // 2}_{rating}.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write(_review(rng, label, length))
    return base
