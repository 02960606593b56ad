"""Webhook deliveries for tests: payloads shaped as GitHub's, filled from the test server's
state, and sent over HTTP with a real HMAC signature, as GitHub sends them.

The trimmed payloads in `fixtures/webhooks/` come from GitHub's recorded examples
(`github-recorded/webhooks-issues.json`) and its webhook OpenAPI description; the test
server's own renderings replace the issue, comment, repository and sender in them.
"""

from __future__ import annotations

import copy
import functools
import http.client
import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from roadmap.respond.webhook import signature_of

from .github_server import GitHubServer, render

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
SECRET = b"It's a Secret to Everybody"


@functools.cache
def _fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def fixture(name: str) -> dict[str, Any]:
    """A trimmed recorded payload, e.g. `issue_comment.created`."""
    return copy.deepcopy(_fixture(name))


def comment_payload(server: GitHubServer, repo: str, comment_id: int,
                    action: str = "created") -> dict[str, Any]:
    """An `issue_comment` payload for a comment the server holds."""
    payload = fixture("issue_comment.created")
    with server.lock:
        comment = server.find_comment(repo, comment_id)
        issue, urls = comment.issue, server.urls
        payload.update(action=action, issue=render.issue(urls, issue),
                       comment=render.comment(urls, comment),
                       repository=render.repository(urls, issue.repo),
                       sender=render.user(urls, comment.user))
    return payload


def issue_payload(server: GitHubServer, repo: str, number: int,
                  action: str = "labeled") -> dict[str, Any]:
    """An `issues` payload for an issue the server holds."""
    return _issue_event(server, repo, number, "issues", action)


def pull_payload(server: GitHubServer, repo: str, number: int,
                 action: str = "opened") -> dict[str, Any]:
    """A `pull_request` payload for a pull request the server holds."""
    return _issue_event(server, repo, number, "pull_request", action)


def _issue_event(server: GitHubServer, repo: str, number: int, event: str,
                 action: str) -> dict[str, Any]:
    """An `issues` or `pull_request` payload (the recorded one of that event), filled from
    the server's issue or pull request."""
    payload = fixture("issues.labeled" if event == "issues" else "pull_request.opened")
    with server.lock:
        issue, urls = server.issue(repo, number), server.urls
        if event == "issues":
            payload.update(issue=render.issue(urls, issue))
        else:
            payload.update(number=number, pull_request=render.pull(urls, issue))
        payload.update(action=action, repository=render.repository(urls, issue.repo),
                       sender=render.user(urls, issue.user))
    return payload


def deliver(url: str, event: str, payload: Any, *, delivery: str | None = None,
            secret: bytes | None = SECRET, signature: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str]:
    """POST a delivery as GitHub does; (status, message). `payload` may be raw bytes."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    sent = {"Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/test",
            "X-GitHub-Event": event, "X-GitHub-Delivery": delivery or str(uuid.uuid4())}
    if signature is not None:
        sent["X-Hub-Signature-256"] = signature
    elif secret is not None:
        sent["X-Hub-Signature-256"] = signature_of(secret, body)
    sent.update(headers or {})
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port,
                                            timeout=30)
    try:
        connection.request("POST", where.path or "/", body, sent)
        answer = connection.getresponse()
        text = answer.read().decode()
        return answer.status, json.loads(text)["message"] if text else ""
    finally:
        connection.close()
