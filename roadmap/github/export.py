"""`roadmap import`: the JSON of `gh issue list --json ...`, for use without network.

The export carries no numeric ids for issues or the repository, so imported rows
have none until a sync fills them in; comment ids come from their URLs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap.errors import InputError
from roadmap.limits import cut_body, cut_label, cut_login, cut_title
from roadmap.model import RemoteComment, RemoteIssue, parse_repo
from roadmap.model import parse_time as when
from roadmap.parse.source import read_source

FIELDS = ("number,title,state,labels,assignees,author,url,createdAt,updatedAt,closedAt,"
          "comments,milestone,body")


@dataclass(slots=True)
class Export:
    """What an export holds: its repository, issues and their comments."""

    repo: str
    issues: list[RemoteIssue]
    comments: list[RemoteComment]


def read_export(path: Path, repo: str | None) -> Export:
    """Read and check an export; any problem is one InputError naming the file."""
    try:
        data = json.loads(read_source(path))
    except json.JSONDecodeError as error:
        raise InputError(f"{path}:{error.lineno}: not JSON ({error.msg})") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected the list `gh issue list --json {FIELDS}` prints")
    issues, comments = [], []
    for n, entry in enumerate(data):
        try:
            issue = _issue(entry)
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(f"{path}: entry {n + 1}: missing or malformed {error}") from None
        repo = repo or _repo_of(issue.html_url)
        issues.append(issue)
        comments.extend(_comments(entry, issue.number))
    if repo is None:
        raise InputError(f"{path}: cannot tell the repository; pass --repo OWNER/NAME")
    return Export(parse_repo(repo), issues, comments)


def _repo_of(url: str) -> str | None:
    parts = url.split("/")
    return f"{parts[3]}/{parts[4]}" if len(parts) > 5 and parts[2].endswith("github.com") \
        else None


def _issue(entry: dict[str, Any]) -> RemoteIssue:
    created = when(entry["createdAt"])
    updated = when(entry["updatedAt"])
    if created is None or updated is None:
        raise ValueError("createdAt/updatedAt")
    milestone = entry.get("milestone")
    state = str(entry["state"]).lower()
    return RemoteIssue(
        id=0, number=int(entry["number"]), title=cut_title(str(entry["title"])),
        body=cut_body(str(entry.get("body") or "")),
        state="closed" if state == "closed" else "open",
        state_reason=str(entry["stateReason"]).lower() if entry.get("stateReason") else None,
        is_pull_request="/pull/" in str(entry.get("url", "")),
        author=_login(entry.get("author")),
        labels=[cut_label(str(label["name"])) for label in entry.get("labels") or []],
        assignees=[login for user in entry.get("assignees") or [] if (login := _login(user))],
        milestone=cut_title(str(milestone["title"])) if isinstance(milestone, dict) else None,
        comments=len(entry.get("comments") or []), html_url=str(entry["url"]),
        created_at=created, updated_at=updated, closed_at=when(entry.get("closedAt")),
    )


def _login(user: Any) -> str | None:
    if not isinstance(user, dict) or not user.get("login"):
        return None
    return cut_login(str(user["login"]))


def _comments(entry: dict[str, Any], number: int) -> list[RemoteComment]:
    found = []
    for comment in entry.get("comments") or []:
        url = str(comment.get("url") or "")
        anchor = url.rpartition("#issuecomment-")[2]
        created = when(comment.get("createdAt"))
        if not anchor.isdigit() or created is None:
            continue
        author = comment.get("author")
        found.append(RemoteComment(
            id=int(anchor), issue_number=number, author=_login(author),
            author_is_bot=bool(isinstance(author, dict) and author.get("is_bot")),
            body=cut_body(str(comment.get("body") or "")), html_url=url, created_at=created,
            updated_at=created,
        ))
    return found


__all__ = ["FIELDS", "Export", "read_export"]
