"""Reading what the ranks of a launched job print."""
import json
import re


def results_in(stdout):
    """Every rank's `RESULT {json}`, wherever it sits: the ranks share one unbuffered stdout, so one rank's
    text can land before the other's newline."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(stdout, m.end())[0] for m in re.finditer(r"RESULT ", stdout)]
