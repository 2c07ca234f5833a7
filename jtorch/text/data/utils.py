"""torchtext.data.utils: get_tokenizer and ngrams_iterator."""
import re

_patterns = [r"\'", r"\"", r"\.", r"<br \/>", r",", r"\(", r"\)", r"\!", r"\?", r"\;", r"\:", r"\s+"]
_replacements = [" '  ", "", " . ", " ", " , ", " ( ", " ) ", " ! ", " ? ", " ", " ", " "]
_patterns_dict = list((re.compile(p), r) for p, r in zip(_patterns, _replacements))


def _basic_english_normalize(line):
    """torchtext's 'basic_english': lowercase, split off punctuation, drop quotes and <br />."""
    line = line.lower()
    for pattern_re, replaced_str in _patterns_dict:
        line = pattern_re.sub(replaced_str, line)
    return line.split()


def _split_tokenizer(x):
    return x.split()


_spacy_cache = {}


def _spacy_tokenizer(language):
    """spaCy's rule-based tokenizer of a blank pipeline: no model download needed."""
    try:
        import spacy
    except ImportError:
        raise ModuleNotFoundError(
            "tokenize='spacy' needs the 'spacy' package (pip install spacy); jtorch uses spacy.blank(language) "
            "so no model download is needed") from None
    lang = {"en_core_web_sm": "en", "en_core_web_md": "en", "en_core_web_lg": "en"}.get(language, language)
    nlp = _spacy_cache.get(lang)
    if nlp is None:
        nlp = _spacy_cache[lang] = spacy.blank(lang)
    tok = nlp.tokenizer

    def tokenize(text):
        return [t.text for t in tok(text)]
    return tokenize


def get_tokenizer(tokenizer, language="en"):
    """A tokenizer function: None (str.split), 'basic_english', 'spacy', 'moses'/'toktok'/'revtok' not
    bundled, or any callable (returned as is)."""
    if tokenizer is None:
        return _split_tokenizer
    if callable(tokenizer):
        return tokenizer
    if tokenizer == "basic_english":
        if language != "en":
            raise ValueError("Basic normalization is only available for Enlish(en)")
        return _basic_english_normalize
    if tokenizer == "spacy":
        return _spacy_tokenizer(language)
    if tokenizer == "subword" or tokenizer in ("moses", "toktok", "revtok"):
        raise NotImplementedError(f"jtorch.text: tokenizer {tokenizer!r} is not bundled")
    raise ValueError(f"Requested tokenizer {tokenizer}, valid choices are a callable that takes a single string as "
                     "input, \"revtok\" for the revtok reversible tokenizer, \"subword\" for the revtok caps-aware "
                     "tokenizer, \"spacy\" for the SpaCy English tokenizer, or \"moses\" for the NLTK port of the "
                     "Moses tokenization script.")


def ngrams_iterator(token_list, ngrams):
    """Yield the tokens, then every n-gram up to `ngrams` joined by spaces."""
    def _get_ngrams(n):
        return zip(*[token_list[i:] for i in range(n)])

    for x in token_list:
        yield x
    for n in range(2, ngrams + 1):
        for x in _get_ngrams(n):
            yield " ".join(x)
