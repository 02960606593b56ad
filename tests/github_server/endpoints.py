"""The REST endpoints, each a small function; the tables at the end route to them.

Endpoints under a repository get `(call, repo, link_path, *groups)`, where `link_path` is the
request path rewritten to `/repositories/{id}/...`, the form GitHub's `Link` URLs use.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import query, render
from .call import Call
from .model import Comment, Event, Issue, Repo
from .reply import Reply, invalid, not_found, paginate, reply

# -- outside a repository ----------------------------------------------------------------------


def rate_limit(call: Call) -> Reply:
    core, search = (call.limits.budget(call.token, name).as_json() for name in ("core", "search"))
    graphql = {"limit": 5000, "used": 0, "remaining": 5000, "reset": core["reset"]}
    resources = {"core": core, "search": search, "graphql": graphql}
    return reply(200, {"resources": resources, "rate": core})


def me(call: Call) -> Reply:
    who = call.writer()
    return reply(200, {**render.user(call.urls, who), "name": who.login, "email": None})


def user(call: Call, login: str) -> Reply:
    if login not in call.state.users:
        raise not_found()
    return reply(200, render.user(call.urls, call.state.users[login]))


def search_issues(call: Call) -> Reply:
    q = call.params.get("q", "")
    if not q.strip():
        raise invalid("q", "q is missing")
    found = query.search([r for r in call.state.repos.values() if not r.private], q, call.params)
    urls = call.urls

    def scored(issue: Issue) -> bytes:
        return render.issue_bytes(urls, issue)[:-1] + b',"score":1.0}'

    # like GitHub, only the first 1,000 results can be paged to
    return paginate(call.pager("/search/issues"), found[:1000], scored, total=len(found))


# -- a repository and its issues ---------------------------------------------------------------


def get_repo(call: Call, repo: Repo, link: str) -> Reply:
    return reply(200, render.repository(call.urls, repo))


def list_issues(call: Call, repo: Repo, link: str) -> Reply:
    urls = call.urls
    found = query.issues(repo, call.params)
    return paginate(call.pager(link), found, lambda issue: render.issue_bytes(urls, issue))


def list_pulls(call: Call, repo: Repo, link: str) -> Reply:
    urls = call.urls
    found = query.pulls(repo, call.params)
    return paginate(call.pager(link), found, lambda pr: render.dumps(render.pull(urls, pr)))


def get_issue(call: Call, repo: Repo, link: str, number: str) -> Reply:
    return reply(200, render.issue(call.urls, call.issue(repo, number), detail=True))


def list_comments(call: Call, repo: Repo, link: str, number: str) -> Reply:
    issue, urls = call.issue(repo, number, "/comments"), call.urls
    after = query.since(call.params)
    found = [c for c in issue.comments if after is None or c.updated_at >= after]
    return paginate(call.pager(link), found, lambda c: render.comment_bytes(urls, c))


def post_comment(call: Call, repo: Repo, link: str, number: str) -> Reply:
    author, issue = call.writer(), call.issue(repo, number, "/comments")
    body = call.json().get("body")
    if not isinstance(body, str) or not body:
        raise invalid("body", "body is missing")
    made = call.state.find_comment(repo, call.state.comment(repo, issue.number, author.login, body))
    shown = render.comment(call.urls, made)
    return reply(201, shown, Location=str(shown["url"]))


def list_repo_comments(call: Call, repo: Repo, link: str) -> Reply:
    urls = call.urls
    found = query.comments(repo, call.params)
    return paginate(call.pager(link), found, lambda c: render.comment_bytes(urls, c))


def get_comment(call: Call, repo: Repo, link: str, comment_id: str) -> Reply:
    found = repo.comments.get(int(comment_id))
    if found is None:
        raise not_found()
    return reply(200, render.comment(call.urls, found))


def list_events(call: Call, repo: Repo, link: str, number: str) -> Reply:
    issue, urls = call.issue(repo, number, "/events"), call.urls
    return paginate(call.pager(link), issue.events, lambda e: render.dumps(render.event(urls, e)))


def list_repo_events(call: Call, repo: Repo, link: str) -> Reply:
    urls = call.urls

    def shown(event: Event) -> bytes:
        return render.dumps(render.event(urls, event, with_issue=True))

    return paginate(call.pager(link), repo.events[::-1], shown)


def get_event(call: Call, repo: Repo, link: str, event_id: str) -> Reply:
    found = next((e for e in repo.events if e.id == int(event_id)), None)
    if found is None:
        raise not_found()
    return reply(200, render.event(call.urls, found, with_issue=True))


def list_timeline(call: Call, repo: Repo, link: str, number: str) -> Reply:
    issue, urls = call.issue(repo, number, "/timeline"), call.urls

    def shown(entry: Event | Comment) -> bytes:
        return render.dumps(render.timeline_entry(urls, entry))

    return paginate(call.pager(link), issue.timeline, shown)


def add_assignees(call: Call, repo: Repo, link: str, number: str) -> Reply:
    """Assign; like GitHub, silently ignore logins without push access, and everything
    when the caller has none."""
    actor, issue = call.writer(), call.issue(repo, number, "/assignees")
    wanted = _logins(call)
    if repo.can_push(actor.login):
        allowed = [x for x in wanted if repo.can_push(x)]
        fresh = [x for x in allowed if x not in {u.login for u in issue.assignees}]
        if fresh:
            call.state.assign(repo, issue.number, *fresh, actor=actor.login)
    return reply(201, render.issue(call.urls, issue, detail=True))


def remove_assignees(call: Call, repo: Repo, link: str, number: str) -> Reply:
    actor, issue = call.writer(), call.issue(repo, number, "/assignees")
    present = {u.login for u in issue.assignees}
    gone = [x for x in _logins(call) if x in present]
    if gone and repo.can_push(actor.login):
        call.state.unassign(repo, issue.number, *gone, actor=actor.login)
    return reply(200, render.issue(call.urls, issue, detail=True))


def _logins(call: Call) -> list[str]:
    logins = call.json().get("assignees")
    if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
        raise invalid("assignees", "assignees must be a list of logins")
    return logins


Endpoint = Callable[..., Reply]


def _table(rows: list[tuple[str, str, Endpoint]]) -> list[tuple[str, re.Pattern[str], Endpoint]]:
    return [(method, re.compile(pattern), endpoint) for method, pattern, endpoint in rows]


TOP = _table([
    ("GET", r"/rate_limit", rate_limit),
    ("GET", r"/user", me),
    ("GET", r"/users/([^/]+)", user),
    ("GET", r"/search/issues", search_issues),
])

IN_REPO = _table([
    ("GET", r"", get_repo),
    ("GET", r"/issues", list_issues),
    ("GET", r"/issues/comments", list_repo_comments),
    ("GET", r"/issues/comments/(\d+)", get_comment),
    ("GET", r"/issues/events", list_repo_events),
    ("GET", r"/issues/events/(\d+)", get_event),
    ("GET", r"/issues/(\d+)", get_issue),
    ("GET", r"/pulls", list_pulls),
    ("GET", r"/issues/(\d+)/comments", list_comments),
    ("POST", r"/issues/(\d+)/comments", post_comment),
    ("GET", r"/issues/(\d+)/events", list_events),
    ("GET", r"/issues/(\d+)/timeline", list_timeline),
    ("POST", r"/issues/(\d+)/assignees", add_assignees),
    ("DELETE", r"/issues/(\d+)/assignees", remove_assignees),
])
