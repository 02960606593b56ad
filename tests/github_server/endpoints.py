"""The REST endpoints, each a small function; the tables at the end route to them.

Endpoints under a repository get `(call, repo, link_path, *groups)`, where `link_path` is the
request path rewritten to `/repositories/{id}/...`, the form GitHub's `Link` URLs use.
"""

from __future__ import annotations

import email.utils
import json
import re
from collections.abc import Callable
from urllib.parse import unquote

from . import query, render
from .call import Call
from .hierarchy import SubIssueRefused
from .model import Comment, Event, Issue, Label, Repo
from .reply import DOCS, Answer, Reply, error, invalid, not_found, paginate, reply

SEARCH_DOCS = "https://docs.github.com/v3/search/"
SEARCH_CAP = 1000  # results a search can page to
SEARCH_LENGTH = 256  # GitHub refuses a longer query ("Limitations on query length")
TYPE_QUALIFIERS = {"is:issue", "is:pull-request", "is:pr", "type:issue", "type:pr"}
COLOR = re.compile(r"[0-9a-fA-F]{6}")
LOCK_REASONS = ("off-topic", "too heated", "resolved", "spam")


def modified(reply_: Reply, epoch: int) -> Reply:
    """A single resource's `Last-Modified`, as GitHub sends it."""
    reply_.headers["Last-Modified"] = email.utils.formatdate(epoch, usegmt=True)
    return reply_

# -- outside a repository ----------------------------------------------------------------------


def rate_limit(call: Call) -> Reply:
    core, search = (call.limits.budget(call.token, name).as_json() for name in ("core", "search"))
    graphql = {"limit": 5000, "used": 0, "remaining": 5000, "reset": core["reset"]}
    resources = {"core": core, "search": search, "graphql": graphql}
    return reply(200, {"resources": resources, "rate": core})


def me(call: Call) -> Reply:
    who = call.writer()
    shown = {**render.user(call.urls, who), **render.account(who), **render.private_account()}
    return modified(reply(200, shown), call.state.clock.now())


def user(call: Call, login: str) -> Reply:
    if login not in call.state.users:
        raise not_found()
    found = call.state.users[login]
    shown = {**render.user(call.urls, found), **render.account(found)}
    return modified(reply(200, shown), call.state.clock.now())


def org_repos(call: Call, org: str, org_id: str | None = None) -> Reply:
    """`GET /orgs/{org}/repos` (and `/organizations/{id}/repos`, the form its `Link`
    URLs take): the organisation's repositories, private ones only for their members;
    `type`, `sort` (created, updated, pushed, full_name) and `direction` as documented."""
    state = call.state
    owner = (next((u for u in state.users.values() if u.id == int(org_id)), None) if org_id
             else state.users.get(org) or next((u for u in state.users.values()
                                                 if u.login.lower() == org.lower()), None))
    if owner is None:
        raise not_found()
    kind = query.choice(call.params, "type", ("all", "public", "private", "forks", "sources",
                                              "member"))
    sort = query.choice(call.params, "sort", ("created", "updated", "pushed", "full_name"))
    direction = query.choice(call.params, "direction",
                             ("asc", "desc") if sort == "full_name" else ("desc", "asc"))
    found = [repo for repo in state.repos.values() if repo.owner is owner
             and (not repo.private or call.member(repo))
             and (kind != "private" or repo.private) and (kind != "public" or not repo.private)
             and kind != "forks"]
    found.sort(key=(lambda r: r.full_name.lower()) if sort == "full_name"
               else (lambda r: (r.created_at, r.id)))
    found = found[::-1] if direction == "desc" else found
    urls = call.urls
    return paginate(call.pager(f"/organizations/{owner.id}/repos"), found,
                    lambda repo: render.dumps(render.repository(urls, repo)))


def org_repos_by_id(call: Call, org_id: str) -> Reply:
    return org_repos(call, "", org_id)


def search_issues(call: Call) -> Reply:
    """Search the index (`search_lag` behind); no ETag and `no-cache`, as on GitHub; a
    query without `is:issue`/`is:pr` answers 422 to a token that needs one; only the first
    1,000 results can be paged to, though `total_count` counts them all."""
    q = call.params.get("q", "")
    if not q.strip():
        raise invalid("q", "q is missing")
    if len(q) > SEARCH_LENGTH:
        raise error(422, "Validation Failed", SEARCH_DOCS, errors=[{
            "message": f"The search is longer than {SEARCH_LENGTH} characters.",
            "resource": "Search", "field": "q", "code": "invalid",
        }])
    if _needs_type(call) and not TYPE_QUALIFIERS & {term.lower() for term in q.split()}:
        raise error(422, "Validation Failed", SEARCH_DOCS, errors=[{
            "message": "Query must include 'is:issue' or 'is:pull-request'",
            "resource": "Search", "field": "q", "code": "invalid",
        }])
    pager = call.pager("/search/issues")
    page, per_page = pager.numbers()
    if (page - 1) * per_page >= SEARCH_CAP:
        raise error(422, "Only the first 1000 search results are available", SEARCH_DOCS)
    state, now = call.state, call.state.clock.now()
    repos = [r for r in state.repos.values() if not r.private]
    found = query.search(repos, q, call.params,
                         lambda repo: state.index.indexed(repo, now, state.search_lag))
    urls = call.urls

    def scored(issue: Issue) -> bytes:
        # a search item's body is a string, never null (`issue-search-result-item`); the
        # top-level key is the only unescaped `"body":` in an issue's JSON
        shown = render.issue_bytes(urls, issue).replace(b'"body":null,', b'"body":"",', 1)
        return shown[:-1] + b',"score":1.0}'

    answer = paginate(pager, found[:SEARCH_CAP], scored, total=len(found))
    answer.headers["Cache-Control"] = "no-cache"  # and so no ETag (handler)
    return answer


def _needs_type(call: Call) -> bool:
    wanted = None if call.user is None else call.user.search_needs_type
    return call.state.search_needs_type if wanted is None else wanted


# -- a repository and its issues ---------------------------------------------------------------


def get_repo(call: Call, repo: Repo, link: str) -> Reply:
    return modified(reply(200, render.repository(call.urls, repo)), repo.created_at)


def list_issues(call: Call, repo: Repo, link: str) -> Reply:
    urls = call.urls
    found = query.issues(repo, call.params)
    return paginate(call.pager(link), found, lambda issue: render.issue_bytes(urls, issue))


def list_pulls(call: Call, repo: Repo, link: str) -> Reply:
    urls = call.urls
    found = query.pulls(repo, call.params)
    return paginate(call.pager(link), found, lambda pr: render.dumps(render.pull(urls, pr)))


def get_issue(call: Call, repo: Repo, link: str, number: str) -> Reply:
    found = call.issue(repo, number)
    return modified(reply(200, render.issue(call.urls, found, detail=True)), found.updated_at)


def create_issue(call: Call, repo: Repo, link: str) -> Reply:
    """Open an issue; labels, assignees and a milestone only from a caller with push
    access (GitHub drops them silently otherwise)."""
    author, data = call.writer(), call.json()
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise invalid("title", "title is missing")
    body = data.get("body")
    pushes = repo.can_push(author.login)
    labels = _names(data.get("labels") or [], "labels") if pushes else []
    logins = _names(data.get("assignees") or [], "assignees") if pushes else []
    milestone = _milestone_title(repo, data.get("milestone")) if pushes else None
    number = call.state.create_issue(
        repo, title, body if isinstance(body, str) else "", labels=labels,
        assignees=[x for x in logins if repo.can_push(x)], user=author.login,
        milestone=milestone,
    )
    shown = render.issue(call.urls, repo.issues[number], detail=True)
    return reply(201, shown, Location=str(shown["url"]))


def _names(value: object, field_name: str) -> list[str]:
    """A list of names (labels may also come as `{"name": ...}` objects)."""
    if not isinstance(value, list):
        raise invalid(field_name, f"{field_name} must be a list")
    names = [x.get("name") if isinstance(x, dict) else x for x in value]
    if not all(isinstance(x, str) and x for x in names):
        raise invalid(field_name, f"{field_name} must be a list of names")
    return [str(x) for x in names]


def _milestone_title(repo: Repo, number: object) -> str | None:
    if number is None:
        return None
    found = repo.milestones.get(number) if isinstance(number, int) else None
    if found is None:
        raise invalid("milestone", f"milestone {number!r} does not exist")
    return found.title


def add_labels(call: Call, repo: Repo, link: str, number: str) -> Reply:
    """Add labels (made on first use); the answer lists all the issue's labels."""
    actor, issue = _pusher(call, repo), call.issue(repo, number, "/labels")
    value = _json_value(call)
    names = _names(value.get("labels") if isinstance(value, dict) else value, "labels")
    call.state.add_label(repo, issue.number, *names, actor=actor)
    return reply(200, [render.label(call.urls, repo, tag) for tag in issue.labels])


def lock_issue(call: Call, repo: Repo, link: str, number: str) -> Reply:
    actor, issue = _pusher(call, repo), call.issue(repo, number, "/lock")
    reason = call.json().get("lock_reason") if call.body else None
    if reason is not None and reason not in LOCK_REASONS:
        raise invalid("lock_reason", f"lock_reason must be one of {', '.join(LOCK_REASONS)}")
    call.state.lock_issue(repo, issue.number, reason if isinstance(reason, str) else None,
                          actor=actor)
    return Reply(204)


def unlock_issue(call: Call, repo: Repo, link: str, number: str) -> Reply:
    actor, issue = _pusher(call, repo), call.issue(repo, number, "/lock")
    call.state.unlock_issue(repo, issue.number, actor=actor)
    return Reply(204)


def _pusher(call: Call, repo: Repo) -> str:
    """The caller's login, if they have push access: 403 otherwise."""
    who = call.writer()
    if not repo.can_push(who.login):
        raise error(403, "Must have push access to this repository")
    return who.login


def _json_value(call: Call) -> object:
    try:
        return json.loads(call.body or b"{}")
    except ValueError:
        raise error(400, "Problems parsing JSON") from None


# -- labels ------------------------------------------------------------------------------------

LABEL_DOCS = f"{DOCS}/issues/labels"


def list_labels(call: Call, repo: Repo, link: str) -> Reply:
    urls = call.urls
    found = sorted(repo.labels.values(), key=lambda tag: tag.name.lower())
    return paginate(call.pager(link), found,
                    lambda tag: render.dumps(render.label(urls, repo, tag)))


def create_label(call: Call, repo: Repo, link: str) -> Reply:
    _pusher(call, repo)
    data = call.json()
    name, color = data.get("name"), str(data.get("color") or "ededed").removeprefix("#")
    if not isinstance(name, str) or not name.strip():
        raise _label_invalid("name", "missing_field", "create-a-label")
    if not COLOR.fullmatch(color):
        raise _label_invalid("color", "invalid", "create-a-label")
    if name.lower() in repo.labels:
        raise _label_invalid("name", "already_exists", "create-a-label")
    description = data.get("description")
    made = call.state.create_label(repo, name, color,
                                   description if isinstance(description, str) else None)
    shown = render.label(call.urls, repo, made)
    return reply(201, shown, Location=str(shown["url"]))


def _label_invalid(field_name: str, code: str, anchor: str) -> Answer:
    problem = {"resource": "Label", "code": code, "field": field_name}
    return error(422, "Validation Failed", f"{LABEL_DOCS}#{anchor}", errors=[problem])


def _label(repo: Repo, name: str) -> Label:
    found = repo.labels.get(unquote(name).lower())
    if found is None:
        raise not_found()
    return found


def get_label(call: Call, repo: Repo, link: str, name: str) -> Reply:
    found = _label(repo, name)
    return modified(reply(200, render.label(call.urls, repo, found)), found.updated_at)


def update_label(call: Call, repo: Repo, link: str, name: str) -> Reply:
    _pusher(call, repo)
    found, data = _label(repo, name), call.json()
    new_name, color = data.get("new_name"), data.get("color")
    description = data.get("description")
    if color is not None and not (isinstance(color, str) and COLOR.fullmatch(color)):
        raise _label_invalid("color", "invalid", "update-a-label")
    if isinstance(new_name, str) and new_name.lower() != found.name.lower() \
            and new_name.lower() in repo.labels:
        raise _label_invalid("name", "already_exists", "update-a-label")
    changed = call.state.update_label(
        repo, found.name, new_name=new_name if isinstance(new_name, str) else None,
        color=color, description=description if isinstance(description, str) else None,
    )
    return reply(200, render.label(call.urls, repo, changed))


def delete_label(call: Call, repo: Repo, link: str, name: str) -> Reply:
    _pusher(call, repo)
    call.state.delete_label(repo, _label(repo, name).name)
    return Reply(204)


# -- sub-issues --------------------------------------------------------------------------------

SUB_ISSUE_DOCS = f"{DOCS}/issues/sub-issues"


def list_sub_issues(call: Call, repo: Repo, link: str, number: str) -> Reply:
    issue, urls = call.issue(repo, number, "/sub_issues"), call.urls
    return paginate(call.pager(link), issue.children, lambda i: render.issue_bytes(urls, i))


def add_sub_issue(call: Call, repo: Repo, link: str, number: str) -> Reply:
    """Link a sub-issue by its id; 201 with the parent issue."""
    actor = call.state.user(_pusher(call, repo))
    parent, data = call.issue(repo, number, "/sub_issues"), call.json()
    child = _sub_issue(call, data)
    try:
        call.state.link_sub_issue(parent, child, data.get("replace_parent") is True, actor)
    except SubIssueRefused as problem:
        message = f"An error occurred while adding the sub-issue to the parent issue. {problem}"
        raise error(422, message, f"{SUB_ISSUE_DOCS}#add-sub-issue") from None
    shown = render.issue(call.urls, parent)
    return reply(201, shown, Location=str(shown["url"]))


def remove_sub_issue(call: Call, repo: Repo, link: str, number: str) -> Reply:
    """Unlink a sub-issue by its id; 200 with the parent issue."""
    actor = call.state.user(_pusher(call, repo))
    parent = call.issue(repo, number, "/sub_issue")
    child = _sub_issue(call, call.json())
    if child.parent is not parent:
        raise not_found()
    call.state.unlink_sub_issue(child, actor)
    shown = render.issue(call.urls, parent)
    return reply(200, shown, Location=str(shown["url"]))


def _sub_issue(call: Call, data: dict[str, object]) -> Issue:
    wanted = data.get("sub_issue_id")
    if not isinstance(wanted, int) or isinstance(wanted, bool):
        raise invalid("sub_issue_id", "sub_issue_id must be an issue id")
    found = call.state.issue_by_id(wanted)
    if found is None:
        raise not_found()
    return found


def get_parent(call: Call, repo: Repo, link: str, number: str) -> Reply:
    issue = call.issue(repo, number, "/parent")
    if issue.parent is None:
        raise not_found()
    shown = render.issue(call.urls, issue.parent)
    return modified(reply(200, shown), issue.parent.updated_at)


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
    return modified(reply(200, render.comment(call.urls, found)), found.updated_at)


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
    return modified(reply(200, render.event(call.urls, found, with_issue=True)),
                    found.created_at)


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
    ("GET", r"/orgs/([^/]+)/repos", org_repos),
    ("GET", r"/organizations/(\d+)/repos", org_repos_by_id),
])

IN_REPO = _table([
    ("GET", r"", get_repo),
    ("GET", r"/issues", list_issues),
    ("POST", r"/issues", create_issue),
    ("GET", r"/labels", list_labels),
    ("POST", r"/labels", create_label),
    ("GET", r"/labels/([^/]+)", get_label),
    ("PATCH", r"/labels/([^/]+)", update_label),
    ("DELETE", r"/labels/([^/]+)", delete_label),
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
    ("POST", r"/issues/(\d+)/labels", add_labels),
    ("PUT", r"/issues/(\d+)/lock", lock_issue),
    ("DELETE", r"/issues/(\d+)/lock", unlock_issue),
    ("GET", r"/issues/(\d+)/sub_issues", list_sub_issues),
    ("POST", r"/issues/(\d+)/sub_issues", add_sub_issue),
    ("DELETE", r"/issues/(\d+)/sub_issue", remove_sub_issue),
    ("GET", r"/issues/(\d+)/parent", get_parent),
])
