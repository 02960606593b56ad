"""GitHub's own limits on the text it keeps, enforced on whatever an answer holds.

GitHub refuses a body or comment longer than 65,536 characters, a title longer than
256, a label name longer than 50, and gives no login more than 39. A proxy or a
misbehaving server can send more; what is longer is cut at the limit, with a visible
marker, when an answer (or an export) is parsed, so that no later stage reads more.
"""

from __future__ import annotations

BODY_LIMIT = 65_536
TITLE_LIMIT = 256
LABEL_LIMIT = 50
LOGIN_LIMIT = 39
#: Ends a title, label or login that was cut: no login has it, so a cut login names nobody.
CUT_MARK = "…"
#: Ends a body or comment that was cut.
BODY_CUT_NOTE = "\n\n… (cut: longer than GitHub's 65,536 characters)"


def cut(text: str, limit: int) -> str:
    """`text`, or when it is longer than `limit` its start and `…`, `limit` in all."""
    return text if len(text) <= limit else text[: limit - len(CUT_MARK)] + CUT_MARK


def cut_body(text: str) -> str:
    """A body or comment, or when longer than GitHub allows its start and a note saying
    it was cut, BODY_LIMIT characters in all."""
    if len(text) <= BODY_LIMIT:
        return text
    return text[: BODY_LIMIT - len(BODY_CUT_NOTE)] + BODY_CUT_NOTE


def cut_title(text: str) -> str:
    return cut(text, TITLE_LIMIT)


def cut_label(text: str) -> str:
    return cut(text, LABEL_LIMIT)


def cut_login(text: str) -> str:
    return cut(text, LOGIN_LIMIT)
