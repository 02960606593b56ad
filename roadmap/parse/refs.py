"""References to issues and pull requests, and links to issue searches.

These read URLs (from link tokens) and plain text (from text tokens), never
Markdown source, so a `#123` inside a code span or a link's text is not counted
twice.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from roadmap.model import OWNER, QueryLink, Ref, RefKind

GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})

_REPO = rf"{OWNER}/[A-Za-z0-9._-]{{1,100}}"
_TEXT_REF = re.compile(
    rf"(?<![\w/#&.-])(?:({_REPO})#|GH-|#)(\d{{1,9}})(?![\w-])"
)
#: A bare URL, which GitHub turns into a link (its "extended autolink"), up to a space or `<`.
_BARE_URL = re.compile(r"(?<![\w/])https?://(?:www\.)?github\.com/[^\s<]+", re.IGNORECASE)
_URL_TRAILER = "?!.,:;*_~'\""
_ROLE_REF = re.compile(rf"^(?:({_REPO})#|#)?(\d{{1,9}})$")
_LABEL_IN_QUERY = re.compile(r"""label:(?:"([^"]+)"|(\S+))""")
_KINDS: dict[str, RefKind] = {"issues": "issue", "pull": "pull", "pulls": "pull"}
#: A GitHub URL's host, path segments and query string.
_Parts = tuple[str, tuple[str, ...], str]


@dataclass(slots=True, frozen=True)
class Unresolved:
    """A bare `#123`, waiting for the repository the document is about."""

    number: int
    kind: RefKind = "issue"


@dataclass(slots=True, frozen=True)
class BadRef:
    """A link that looks like an issue or pull request but does not parse."""

    url: str


def github_url(host: str, repo: str, kind: RefKind, number: int) -> str:
    """The canonical web URL of an issue or pull request."""
    return f"https://{host}/{repo}/{'pull' if kind == 'pull' else 'issues'}/{number}"


def target_of_url(url: str, line: int) -> Ref | BadRef | QueryLink | None:
    """What a link points at: an issue or pull request, an issue search, or neither."""
    parts = _github_parts(url)
    if parts is None:
        return None
    return _ref_of_parts(url, parts) or _query_of_parts(url, parts, line)


def ref_of_url(url: str) -> Ref | BadRef | None:
    """The issue or pull request a GitHub URL points at, a BadRef, or None for other URLs."""
    parts = _github_parts(url)
    return None if parts is None else _ref_of_parts(url, parts)


def _ref_of_parts(url: str, parts: _Parts) -> Ref | BadRef | None:
    host, segments, _ = parts
    if len(segments) < 3 or segments[2] not in ("issues", "pull"):
        return None
    repo = f"{segments[0]}/{segments[1]}"
    kind = _KINDS[segments[2]]
    if len(segments) == 3:
        return None  # the issue list itself, not one issue
    if not segments[3][0].isdigit():
        return None  # a page such as /issues/new
    if not segments[3].isdigit() or len(segments[3]) > 9:
        return BadRef(url)
    return Ref(kind, repo, int(segments[3]), github_url(host, repo, kind, int(segments[3])))


def _query_of_parts(url: str, parts: _Parts, line: int) -> QueryLink | None:
    _, segments, query = parts
    if len(segments) < 3:
        return None
    repo = f"{segments[0]}/{segments[1]}" if segments[0] not in ("orgs", "search") else None
    if segments[2] == "labels" and len(segments) >= 4:
        return QueryLink(url, repo, unquote(segments[3]), None, line)
    if segments[2] not in ("issues", "pulls") or len(segments) != 3:
        return None
    params = parse_qs(query)
    q = params.get("q", [None])[0]
    label = params.get("labels", [None])[0]
    if q is not None:
        found = _LABEL_IN_QUERY.search(q)
        label = label or (found and (found.group(1) or found.group(2)))
    if q is None and label is None:
        return None
    return QueryLink(url, repo, label, q, line)


_GITHUB_URL = re.compile(r"https?://(?:www\.)?github\.com(?::443)?(/[^?#]*)?(?:\?([^#]*))?",
                         re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _github_parts(url: str) -> _Parts | None:
    """Host, path segments and query of a GitHub web URL, or None for any other URL.

    Links repeat (the same issue, the same label query), hence the cache.
    """
    if not url.startswith(("https://", "http://")) or "github.com" not in url[:30].lower():
        return None
    match = _GITHUB_URL.fullmatch(url)
    if match is None:
        return None
    path, query = match.group(1) or "", match.group(2) or ""
    return "github.com", tuple(s for s in path.split("/") if s), query


def refs_of_text(text: str) -> list[Ref | Unresolved]:
    """`#123`, `GH-123` and `owner/repo#123` in plain text."""
    found: list[Ref | Unresolved] = []
    if "#" not in text and "GH-" not in text:  # most text: skip the regex
        return found
    for match in _TEXT_REF.finditer(text):
        repo, number = match.group(1), int(match.group(2))
        if repo:
            url = github_url("github.com", repo, "issue", number)
            found.append(Ref("issue", repo, number, url))
        else:
            found.append(Unresolved(number))
    return found


def ref_spans(text: str) -> list[tuple[int, int, str | None, int]]:
    """Where `#123`, `GH-123` and `owner/repo#123` stand in plain text: (start, end,
    named repository or None, number), as `refs_of_text` reads them (the site links them)."""
    if "#" not in text and "GH-" not in text:
        return []
    return [(m.start(), m.end(), m.group(1), int(m.group(2))) for m in _TEXT_REF.finditer(text)]


def ref_keys_of_text(text: str, repo: str | None) -> dict[tuple[str, int], None]:
    """(lower-case repo, number) of each `#123`, `GH-123` and `owner/repo#123` in plain
    text, bare ones resolved against `repo` (or left out), each once and in order: what
    a pull request refers to, without a Ref for each of thousands of mentions."""
    found: dict[tuple[str, int], None] = {}
    default = repo.lower() if repo else None
    for start, end in _mark_spans(text):
        for named, digits in dict.fromkeys(_TEXT_REF.findall(text, start, end)):
            owner = named.lower() if named else default
            if owner:
                found.setdefault((owner, int(digits)))
    return found


#: A reference holds a `#` or `GH-`: the regex is searched only in the chunks of text
#: that hold one (`str.find` skips the rest far faster), widened by the longest
#: repository name before the mark and `GH-`, nine digits and one more character after.
_CHUNK = 4096
_BEFORE, _AFTER = 141, 16


def _mark_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of text that can hold a reference, in order."""
    chunks: set[int] = set()
    for mark in ("#", "GH-"):
        at = text.find(mark)
        while at != -1:
            chunk = at // _CHUNK
            chunks.add(chunk)
            at = text.find(mark, (chunk + 1) * _CHUNK)
    spans: list[tuple[int, int]] = []
    for chunk in sorted(chunks):
        start, end = max(0, chunk * _CHUNK - _BEFORE), (chunk + 1) * _CHUNK + _AFTER
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def urls_of_text(text: str) -> list[str]:
    """The GitHub URLs written bare in plain text, without the punctuation that ends a
    sentence (GitHub leaves a trailing `.` or an unbalanced `)` out of the link)."""
    return [_trim_url(match.group(0)) for match in _BARE_URL.finditer(text)]


def _trim_url(url: str) -> str:
    """A bare URL without its trailing punctuation and unbalanced `)`, counted once (a
    count per `)` took quadratic time on a URL followed by thousands of them)."""
    end = len(url.rstrip(_URL_TRAILER))
    unbalanced = url.count(")", 0, end) - url.count("(", 0, end)
    while unbalanced > 0 and url[end - 1] == ")":
        end -= 1
        unbalanced -= 1
        while url[end - 1] in _URL_TRAILER:
            end -= 1
    return url[:end]


def ref_of_role(text: str, kind: RefKind) -> Ref | Unresolved | None:
    """The target of a MyST `{issue}` or `{pr}` role: `123` or `owner/repo#123`."""
    match = _ROLE_REF.match(text.strip())
    if match is None:
        return None
    repo, number = match.group(1), int(match.group(2))
    if repo is None:
        return Unresolved(number, kind)
    return Ref(kind, repo, number, github_url("github.com", repo, kind, number))


def resolve(ref: Ref | Unresolved, repo: str | None) -> Ref:
    """A bare `#123` resolved against the document's repository (or left without one)."""
    if isinstance(ref, Ref):
        return ref
    url = github_url("github.com", repo, ref.kind, ref.number) if repo else None
    return Ref(ref.kind, repo, ref.number, url)
