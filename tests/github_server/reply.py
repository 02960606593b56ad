"""Answers as values: a status, JSON bytes and headers; errors in GitHub's words; pages with
GitHub's `Link` header."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlencode

from .render import dumps

T = TypeVar("T")
DOCS = "https://docs.github.com/rest"


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def reply(status: int, value: object, **headers: str) -> Reply:
    return Reply(status, dumps(value), dict(headers))


class Answer(Exception):
    """Raised to answer early (an error or a redirect)."""

    def __init__(self, answer: Reply) -> None:
        super().__init__(answer.status)
        self.reply = answer


def error(status: int, message: str, docs: str = DOCS, **extra: object) -> Answer:
    body = {"message": message, **extra, "documentation_url": docs, "status": str(status)}
    return Answer(reply(status, body))


def not_found() -> Answer:
    return error(404, "Not Found")


def invalid(field_name: str, detail: str) -> Answer:
    problem = {"field": field_name, "code": "invalid", "message": detail}
    return error(422, "Validation Failed", errors=[problem])


@dataclass(frozen=True, slots=True)
class Pager:
    """What a paginated answer needs from its request."""

    api: str  # the server's base URL
    link_path: str  # e.g. /repositories/1000/issues
    pairs: Sequence[tuple[str, str]]  # the query as sent, in order
    omit_last: bool

    def numbers(self) -> tuple[int, int]:
        params = dict(self.pairs)
        return _int(params.get("page"), 1, 1 << 30), _int(params.get("per_page"), 30, 100)

    def links(self, page: int, last: int) -> str:
        kept = [(key, value) for key, value in self.pairs if key != "page"]

        def url(number: int) -> str:
            return f"{self.api}{self.link_path}?{urlencode([*kept, ('page', str(number))])}"

        rels = [("prev", page - 1)] if page > 1 else []
        if page < last:
            rels += [("next", page + 1)] + ([] if self.omit_last else [("last", last)])
        rels += [("first", 1)] if page > 1 else []
        return ", ".join(f'<{url(number)}>; rel="{rel}"' for rel, number in rels)


def _int(text: str | None, default: int, high: int) -> int:
    try:
        number = int(text or default)
    except ValueError:
        return default
    return default if number < 1 else min(number, high)


def paginate(
    pager: Pager, items: Sequence[T], render: Callable[[T], bytes], total: int | None = None
) -> Reply:
    """One page of `items` as a JSON array (or, given `total`, a search result object)."""
    page, per_page = pager.numbers()
    chunk = items[(page - 1) * per_page : page * per_page]
    body = b"[" + b",".join(render(item) for item in chunk) + b"]"
    if total is not None:
        head = b'{"total_count":%d,"incomplete_results":false,"search_type":"lexical",' % total
        head += b'"items":'
        body = head + body + b"}"
    last = max(1, -(-len(items) // per_page))
    links = pager.links(page, last)
    return Reply(200, body, {"Link": links} if links else {})
