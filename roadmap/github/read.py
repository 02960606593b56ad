"""GitHub's JSON as the model's plain values: issues, comments, sub-issues, pull requests
and their references, events. Everything in it is untrusted: cut to GitHub's own limits."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from roadmap.limits import cut_body, cut_label, cut_login, cut_title
from roadmap.model import (
    Ref,
    RemoteComment,
    RemoteEvent,
    RemoteIssue,
    RemotePull,
    RemoteSubIssue,
    SubIssues,
    issue_number_of,
)
from roadmap.model import (
    parse_time as when,
)
from roadmap.parse.refs import ref_keys_of_text, ref_of_url, urls_of_text

#: The event kinds the tool keeps (what changes a claim or a status); `referenced`: a
#: commit whose message names the issue, its actor the commit's author as GitHub maps it.
_EVENTS_KEPT = frozenset({"assigned", "unassigned", "labeled", "unlabeled", "closed",
                          "reopened", "renamed", "transferred", "referenced"})
#: A commit id as GitHub gives it: SHA-1 or, in SHA-256 repositories, 64 hex digits.
_COMMIT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


# -- raw JSON to plain values -----------------------------------------------------------------


def _login(user: Any) -> str | None:
    if not isinstance(user, dict) or not user.get("login"):
        return None
    return cut_login(str(user["login"]))


def _title(data: dict[str, Any]) -> str:
    return cut_title(str(data.get("title") or ""))


def _body(data: dict[str, Any]) -> str:
    return cut_body(str(data.get("body") or ""))


def parse_issue(data: dict[str, Any]) -> RemoteIssue:
    """An issue or pull request of a list answer, its text cut at GitHub's limits."""
    milestone = data.get("milestone")
    return RemoteIssue(
        id=int(data["id"]), number=int(data["number"]), title=_title(data),
        body=_body(data), state=str(data.get("state") or "open"),
        state_reason=data.get("state_reason"),
        is_pull_request="pull_request" in data,
        author=_login(data.get("user")),
        labels=[cut_label(str(label["name"])) for label in data.get("labels") or []
                if isinstance(label, dict) and "name" in label],
        assignees=[login for user in data.get("assignees") or [] if (login := _login(user))],
        milestone=_title(milestone) if isinstance(milestone, dict) else None,
        comments=int(data.get("comments") or 0), html_url=str(data.get("html_url") or ""),
        created_at=when(data["created_at"]) or datetime.now(UTC),
        updated_at=when(data["updated_at"]) or datetime.now(UTC),
        closed_at=when(data.get("closed_at")),
        sub_issues=_summary(data.get("sub_issues_summary")),
        parent_url=str(data["parent_issue_url"]) if data.get("parent_issue_url") else None,
    )


def _summary(data: Any) -> SubIssues | None:
    """GitHub's `sub_issues_summary`, when it is whole."""
    if not isinstance(data, dict):
        return None
    total, completed, percent = (data.get("total"), data.get("completed"),
                                 data.get("percent_completed"))
    if not (isinstance(total, int) and isinstance(completed, int)
            and isinstance(percent, int) and min(total, completed, percent) >= 0):
        return None
    total, completed, percent = int(total), int(completed), int(percent)  # bools as ints
    return SubIssues(total, min(completed, total), min(percent, 100))


def repo_of_html_url(url: str) -> str | None:
    """`owner/name` of the issue or pull request page GitHub names in an `html_url` field,
    on github.com or any GitHub Enterprise host; None for any other URL.

    (References people write are read by `parse.refs`, which knows only github.com.)
    """
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) < 4 or parts[2] not in ("issues", "pull") or not parts[3].isdigit():
        return None
    return f"{parts[0]}/{parts[1]}"


def parse_sub_issue(data: Any) -> RemoteSubIssue | None:
    """A sub-issue of `GET .../sub_issues` (an issue object), with its repository read
    from its URL: sub-issues may live in other repositories of the same owner."""
    if not isinstance(data, dict) or data.get("id") is None or data.get("number") is None:
        return None
    url = str(data.get("html_url") or "")
    repo = repo_of_html_url(url) or ""
    return RemoteSubIssue(int(data["id"]), repo, int(data["number"]),
                          str(data.get("title") or ""), str(data.get("state") or "open"),
                          data.get("state_reason"), url)


def parse_comment(data: dict[str, Any]) -> RemoteComment | None:
    """A comment of a list answer, its body cut at GitHub's limit; None without its issue."""
    number = issue_number_of(str(data.get("issue_url") or ""))
    if number is None:
        return None
    user = data.get("user")
    return RemoteComment(
        id=int(data["id"]), issue_number=number, author=_login(user),
        author_is_bot=isinstance(user, dict) and user.get("type") == "Bot",
        body=_body(data), html_url=str(data.get("html_url") or ""),
        created_at=when(data["created_at"]) or datetime.now(UTC),
        updated_at=when(data.get("updated_at") or data["created_at"]) or datetime.now(UTC),
    )


#: A closing keyword and the word after it, which may be the issue it closes ("Fixes #12").
#: Searched in lower-cased text: without IGNORECASE and a leading `\b`, `re` finds the
#: keywords by their letters ten times faster (the word boundary is checked on each match).
#: Possessive repeats: `\s*:?\s+` could split a run of spaces every way, which took
#: seconds on "fix" and 64 KB of spaces. The word is a lookahead, so a keyword inside a
#: word ("prefix") takes nothing from the next one.
_CLOSING = re.compile(r"(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?:\s*+:\s++|\s++)(?=(\S++))")


def references(text: str, pr_repo: str) -> dict[tuple[str, int], str]:
    """The issues a pull request's title and body refer to, by (lower-case repo, number),
    read as the roadmap's own references are (`#12`, `GH-12`, `owner/repo#12`, GitHub
    URLs): "closing" when a closing keyword comes first, else "cross-referenced"."""
    # Each distinct word once: a body may repeat one reference thousands of times.
    closing = {key for word in dict.fromkeys(closing_words(text)) for key in _refs(word, pr_repo)}
    return {key: "closing" if key in closing else "cross-referenced"
            for key in _refs(text, pr_repo)}


def closing_words(text: str) -> list[str]:
    """The words after closing keywords ("Fixes #12" gives "#12"), which may name issues."""
    lowered = _lower(text)
    return [text[match.start(1):match.end(1)] for match in _CLOSING.finditer(lowered)
            if not match.start() or not _is_word(lowered[match.start() - 1])]


def _lower(text: str) -> str:
    """Lower-case text of the same length (U+0130 alone lower-cases to two characters)."""
    return text.replace("\u0130", "i").lower()


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches


def _refs(text: str, pr_repo: str) -> list[tuple[str, int]]:
    """(lower-case repo, number) of each issue the text names, once each."""
    found = ref_keys_of_text(text, pr_repo or None)
    if "github.com" not in text.lower():  # most text: no search for URLs
        return list(found)
    for url in dict.fromkeys(urls_of_text(text)):
        ref = ref_of_url(url)
        if isinstance(ref, Ref) and ref.repo:
            found.setdefault((ref.repo.lower(), ref.number))
    return list(found)


def parse_pull(data: dict[str, Any], pr_repo: str) -> tuple[
        RemotePull, dict[tuple[str, int], str]]:
    """A pull request of `GET /repos/{o}/{r}/pulls` and the issues it refers to. The
    link's kind in the returned RemotePull is a placeholder: it depends on the issue."""
    title = _title(data)
    text = f"{title}\n{_body(data)}"
    pull = RemotePull(
        url=str(data.get("html_url") or ""), repo=pr_repo, number=int(data["number"]),
        title=title, state=str(data.get("state") or "open"),
        merged=bool(data.get("merged_at")), author=_login(data.get("user")),
        kind="cross-referenced", updated_at=when(data.get("updated_at")) or datetime.now(UTC),
    )
    return pull, references(text, pr_repo)


def parse_repo_event(entry: dict[str, Any]) -> tuple[int, RemoteEvent] | None:
    """An event of the repository-wide `/issues/events` list, with its issue's number;
    None for kinds the tool does not keep."""
    issue = entry.get("issue")
    if (entry.get("event") not in _EVENTS_KEPT or entry.get("id") is None
            or not isinstance(issue, dict) or issue.get("number") is None):
        return None
    return int(issue["number"]), _event(entry)


def parse_timeline(entries: list[dict[str, Any]], repo: str = "",
                   number: int = 0) -> tuple[list[RemoteEvent], list[RemotePull]]:
    """Assignment and label events, and linked pull requests, from an issue's timeline.

    A pull request is linked while its title or body refers to the issue (the
    timeline keeps a cross-reference whose mention was since edited away), so that
    the timeline and the pull request list agree. GitHub's `connected` event does
    not name its pull request; one whose text closes the issue ("Fixes #12") is
    the closing link.
    """
    events: list[RemoteEvent] = []
    pulls: list[RemotePull] = []
    for entry in entries:
        kind = entry.get("event")
        if kind in _EVENTS_KEPT and entry.get("id") is not None:
            events.append(_event(entry))
        elif kind == "cross-referenced":
            pull = _pull(entry, repo, number)
            if pull is not None:
                pulls.append(pull)
    return events, pulls


def _event(entry: dict[str, Any]) -> RemoteEvent:
    """An event; its subject is the label, assignee, new title or referencing commit."""
    subject = None
    if entry.get("event") == "referenced":
        commit = str(entry.get("commit_id") or "").lower()
        subject = commit if _COMMIT_ID.fullmatch(commit) else None
    elif isinstance(entry.get("label"), dict) and entry["label"].get("name") is not None:
        subject = cut_label(str(entry["label"]["name"]))
    elif isinstance(entry.get("assignee"), dict):
        subject = _login(entry["assignee"])
    elif isinstance(entry.get("rename"), dict) and entry["rename"].get("to") is not None:
        subject = cut_title(str(entry["rename"]["to"]))
    return RemoteEvent(int(entry["id"]), str(entry["event"]), _login(entry.get("actor")),
                       subject, when(entry.get("created_at")) or datetime.now(UTC))


def _pull(entry: dict[str, Any], repo_name: str, issue_number: int) -> RemotePull | None:
    source = entry.get("source") or {}
    issue = source.get("issue") if isinstance(source, dict) else None
    if not isinstance(issue, dict) or "pull_request" not in issue:
        return None
    url = str(issue.get("html_url") or "")
    pr_repo = str((issue.get("repository") or {}).get("full_name") or "") or \
        repo_of_html_url(url) or ""
    data = {**issue, "merged_at": (issue["pull_request"] or {}).get("merged_at")}
    pull, refs = parse_pull(data, pr_repo)
    kind = refs.get((repo_name.lower(), issue_number))
    return None if kind is None else replace(pull, kind=kind)


