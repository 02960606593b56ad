"""Whether a configured regular expression searches a line in linear time.

Claim and release patterns are searched on every line of every comment, and a comment
line may be 65,536 characters long. Python's `re` backtracks: `(\\w+\\s*)+$` takes
exponential time, `(.+?)\\s*$` quadratic, on lines anyone can write. A pattern is
searched on probe lines (runs of spaces, letters, digits, punctuation, and of the
pattern's own characters, after its own leading text), each size growing in small steps
from a few characters (so an exponential pattern is caught while a probe is still
cheap) to PROBE_SIZE. A search that takes longer than BUDGET_BASE plus BUDGET_PER_CHAR
a character (a linear pattern takes a small fraction of that) makes the pattern refused.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

PROBE_SIZE = 2048
#: A linear pattern searches a probe in well under a tenth of a microsecond a character;
#: one that backtracks over the line takes its length in steps for each character.
BUDGET_BASE = 0.001
BUDGET_PER_CHAR = 1e-6
_SIZES = (4, 8, 12, 16, 24, 32, 64, 128, 256, 512, 1024, PROBE_SIZE)
_UNITS = (" ", "\t", "a", "1", "-", "/", "@", ".", ":", "_", "'", "a ", "a-", "1.", "a/")
_META = frozenset("\\.^$*+?{}[]()|")


def find_slow_probe(pattern: re.Pattern[str]) -> str | None:
    """None when `pattern` searches every probe within the budget; else what took long:
    the probe's make-up, its length and the time."""
    for head, unit, tail in _probes(pattern.pattern):
        for size in _SIZES:
            line = head + unit * size + tail
            took = _search_time(pattern, line)
            if took > BUDGET_BASE + BUDGET_PER_CHAR * len(line):
                took = min(took, _search_time(pattern, line))  # once more: not a pause
            if took > BUDGET_BASE + BUDGET_PER_CHAR * len(line):
                return (f"searching {len(line):,} characters ({head!r} then {unit!r} "
                        f"repeated) took {took * 1000:.0f} ms")
    return None


def _search_time(pattern: re.Pattern[str], line: str) -> float:
    start = time.perf_counter()
    pattern.search(line)
    return time.perf_counter() - start


def _probes(text: str) -> Iterator[tuple[str, str, str]]:
    """(head, repeated unit, tail) of each probe line: the unit alone, and after the
    pattern's leading literal text (and a space); ending in a character patterns rarely
    take, so that a match must fail and backtrack."""
    own = sorted({ch.lower() for ch in text if ch.isalnum() or ch in "/@#!:.,'-_"}
                 - set(_UNITS))
    lead = _leading_text(text)
    heads = dict.fromkeys(["", lead, f"{lead} "])
    for unit in (*_UNITS, *own):
        for head in heads:
            yield head, unit, "\x00"


def _leading_text(text: str) -> str:
    """The literal characters a pattern starts with (`/take` of `^/take\\s+...`)."""
    found = []
    for ch in text.lstrip("^"):
        if ch in _META:
            break
        found.append(ch)
    return "".join(found)
