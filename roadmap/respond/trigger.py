"""A GitHub event, read: from an Actions workflow's event file or a webhook delivery, into
the `Trigger` `respond` answers (everything in it untrusted)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap.errors import InputError
from roadmap.github.read import parse_comment, parse_issue, parse_pull
from roadmap.model import RemoteComment, RemoteIssue, RemotePull, parse_repo

#: Events whose payload is answered or kept; others are acknowledged and left alone.
SCHEDULED = ("schedule", "workflow_dispatch")


@dataclass(slots=True, frozen=True)
class Trigger:
    """What a GitHub event asks of `respond`, read from its payload (untrusted)."""

    event: str
    action: str
    repo: str | None = None
    issue: RemoteIssue | None = None
    comment: RemoteComment | None = None
    pull: tuple[RemotePull, dict[tuple[str, int], str]] | None = None

    @property
    def ref(self) -> str | None:
        return f"{self.repo}#{self.issue.number}" if self.repo and self.issue else None


def read_event_file(path: Path) -> Any:
    """The JSON of an event file (GITHUB_EVENT_PATH)."""
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: no such event file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    except ValueError:
        raise InputError(f"{path}: not a JSON event payload") from None


def parse_event(name: str, payload: Any) -> Trigger:
    """A `Trigger` of an event's name and payload; InputError when the payload is not
    shaped as GitHub's payload of that event is."""
    if not isinstance(payload, dict):
        raise InputError(f"{name} event: the payload is not a JSON object")
    action = str(payload.get("action") or "")
    if name in SCHEDULED or name == "ping":
        full_name = (payload.get("repository") or {}).get("full_name")
        return Trigger(name, action, parse_repo(full_name) if full_name else None)
    try:
        repo = parse_repo((payload.get("repository") or {}).get("full_name"))
        issue = parse_issue(payload["issue"]) if isinstance(payload.get("issue"), dict) else None
        comment = None
        if name == "issue_comment":
            comment = parse_comment(payload["comment"])
            if issue is None or comment is None:
                raise ValueError("no issue or comment")
        pull = None
        if name == "pull_request":
            pull = parse_pull(payload["pull_request"], repo)
    except (KeyError, TypeError, ValueError, AttributeError, InputError):
        raise InputError(f"{name} event: not a payload of GitHub's {name} event") from None
    return Trigger(name, action, repo, issue, comment, pull)


