"""The hidden markers that end this tool's answers on GitHub, and what they tell.

An answer says which comment it answers and how (`<!-- roadmap-respond: answer to 123:
refused -->`), a reminder or a release which quiet stretch it is about. A later run reads
them on the issue, or from the store once a sync brought them in; only bots' comments are
believed (anyone else could type one).
"""

from __future__ import annotations

import re

MARKER = "<!-- roadmap-respond: "
#: A marker of an answer: the comment's id and the answer's kind.
ANSWERED = re.compile(r"<!-- roadmap-respond: answer to (\d+): ([a-z ]+) -->")
#: Answers after which the comment claims nothing, whatever it says: a claim turned down.
HOLDS_NOTHING = frozenset({"refused", "over cap", "closed", "not on roadmap", "pull request"})


def marker(what: str) -> str:
    return f"{MARKER}{what} -->"


def answered_marker(comment_id: int, kind: str) -> str:
    """The marker of the answer to a comment, with what the answer was."""
    return marker(f"answer to {comment_id}: {kind}")
