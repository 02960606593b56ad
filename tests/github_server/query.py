"""Which issues and comments a listing or a search returns, and in what order.

A listing is computed once per repo state and parameters, then every page of it slices the
cached list; any mutation of the repo drops its cached listings.
"""

from __future__ import annotations

import operator
import shlex
from collections.abc import Callable, Iterable, Mapping

from .model import Comment, Issue, Repo, parse_time


class Invalid(ValueError):
    """A parameter GitHub would refuse with 422 Validation Failed."""


def choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name) or allowed[0]
    if value not in allowed:
        raise Invalid(f"{name}={value!r} is not one of {', '.join(allowed)}")
    return value


def since(params: Mapping[str, str]) -> int | None:
    text = params.get("since")
    if not text:
        return None
    try:
        return parse_time(text)
    except ValueError:
        raise Invalid(f"since={text!r} is not an ISO 8601 time") from None


def issues(repo: Repo, params: Mapping[str, str]) -> list[Issue]:
    """`GET /repos/{o}/{r}/issues`: labels (all must match), state, since, sort, direction."""
    wanted = {name.strip().lower() for name in params.get("labels", "").split(",")} - {""}
    key = (
        frozenset(wanted),
        choice(params, "state", ("open", "closed", "all")),
        choice(params, "sort", ("created", "updated", "comments")),
        choice(params, "direction", ("desc", "asc")),
        since(params),
    )
    if key not in repo.views:
        if len(repo.views) > 64:
            repo.views.clear()
        repo.views[key] = _issues(repo.issues.values(), *key)
    return repo.views[key]


def _issues(
    found: Iterable[Issue], wanted: frozenset[str], state: str, sort: str, direction: str,
    after: int | None,
) -> list[Issue]:
    chosen = [
        issue
        for issue in found
        if (state == "all" or issue.state == state)
        and (after is None or issue.updated_at >= after)
        and (not wanted or wanted <= issue.label_names())
    ]
    if sort == "updated":
        chosen.sort(key=lambda issue: (issue.updated_at, issue.id))
    elif sort == "comments":
        chosen.sort(key=lambda issue: (len(issue.comments), issue.id))
    # else creation order, which is already the order of `repo.issues`
    return chosen[::-1] if direction == "desc" else chosen


def pulls(repo: Repo, params: Mapping[str, str]) -> list[Issue]:
    """`GET /repos/{o}/{r}/pulls`: state (default open), sort created|updated, direction
    (default desc for created, else asc, as GitHub documents)."""
    state = choice(params, "state", ("open", "closed", "all"))
    sort = choice(params, "sort", ("created", "updated", "popularity", "long-running"))
    direction = choice(params, "direction", ("desc", "asc") if sort == "created"
                       else ("asc", "desc"))
    key = ("pulls", state, sort, direction)
    if key not in repo.views:
        chosen = [i for i in repo.issues.values()
                  if i.is_pr and (state == "all" or i.state == state)]
        if sort == "updated":
            chosen.sort(key=lambda issue: (issue.updated_at, issue.id))
        repo.views[key] = chosen[::-1] if direction == "desc" else chosen
    return repo.views[key]


def comments(repo: Repo, params: Mapping[str, str]) -> list[Comment]:
    """`GET /repos/{o}/{r}/issues/comments`: sort created|updated, direction, since."""
    key = (
        choice(params, "sort", ("created", "updated")),
        choice(params, "direction", ("asc", "desc")),
        since(params),
    )
    if key not in repo.comment_views:
        if len(repo.comment_views) > 64:
            repo.comment_views.clear()
        sort, direction, after = key
        chosen = [c for c in repo.comments.values() if after is None or c.updated_at >= after]
        if sort == "updated":
            chosen.sort(key=lambda c: (c.updated_at, c.id))
        repo.comment_views[key] = chosen[::-1] if direction == "desc" else chosen
    return repo.comment_views[key]


# -- search ------------------------------------------------------------------------------------

Test = Callable[[Issue], bool]
SCOPES = ("repo", "org", "user")  # the qualifiers naming where to search
COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def search(
    repos: Iterable[Repo], q: str, params: Mapping[str, str],
    indexed: Callable[[Repo], Iterable[Issue]] = lambda repo: repo.issues.values(),
) -> list[Issue]:
    """`GET /search/issues` over `indexed(repo)` (the issues as the search index shows
    them): qualifiers repo:, org:, user: (joined with OR), label: (also `label:"a b"`,
    `-label:`), is:, state:, type:, author:, assignee:, no:assignee, created:/updated:
    (`>=DATE` ...), and words matched in the title or body."""
    try:
        terms = shlex.split(q)
    except ValueError:
        raise Invalid(f"cannot parse q={q!r}") from None
    scope = {(name, value.lower()) for term in terms
             for name, _, value in [term.lower().partition(":")] if name in SCOPES and value}
    tests = [_qualifier(term) for term in terms if term.lower().partition(":")[0] not in SCOPES]
    found = [
        issue
        for repo in repos
        if not scope or _in_scope(repo, scope)
        for issue in indexed(repo)
        if all(test(issue) for test in tests)
    ]
    sort = choice(params, "sort", ("best-match", "created", "updated", "comments"))
    order = choice(params, "order", ("desc", "asc"))
    keys: dict[str, Callable[[Issue], tuple[int, int]]] = {
        "updated": lambda issue: (issue.updated_at, issue.id),
        "comments": lambda issue: (len(issue.comments), issue.id),
    }
    found.sort(key=keys.get(sort, lambda issue: (issue.created_at, issue.id)))
    return found[::-1] if order == "desc" else found


def _in_scope(repo: Repo, scope: set[tuple[str, str]]) -> bool:
    """Whether a repository is in a search's scope: GitHub joins its `repo:`, `org:` and
    `user:` qualifiers with OR (`repo:a/x repo:a/y` searches both)."""
    owner = repo.owner.login.lower()
    return ("repo", repo.full_name.lower()) in scope or ("org", owner) in scope \
        or ("user", owner) in scope


def _qualifier(term: str) -> Test:
    negate = term.startswith("-") and ":" in term
    name, _, value = term.removeprefix("-").partition(":")
    test = _positive(name.lower(), value) if value else _words(term)
    return (lambda issue: not test(issue)) if negate else test


def _positive(name: str, value: str) -> Test:
    low = value.lower()
    simple: dict[str, Test] = {
        "label": lambda issue: bool(set(low.split(",")) & issue.label_names()),
        "state": lambda issue: issue.state == low,
        "author": lambda issue: issue.user.login.lower() == low,
        "assignee": lambda issue: low in {u.login.lower() for u in issue.assignees},
        "no": lambda issue: low != "assignee" or not issue.assignees,
        "in": lambda issue: True,
    }
    if name in ("is", "type"):
        return _is(low)
    if name in ("created", "updated"):
        return _when(name, value)
    return simple.get(name, _words(f"{name}:{value}"))


def _is(value: str) -> Test:
    tests: dict[str, Test] = {
        "issue": lambda issue: not issue.is_pr,
        "pr": lambda issue: issue.is_pr,
        "pull-request": lambda issue: issue.is_pr,
        "open": lambda issue: issue.state == "open",
        "closed": lambda issue: issue.state == "closed",
    }
    if value not in tests:
        raise Invalid(f"is:{value} is not supported")
    return tests[value]


def _when(name: str, value: str) -> Test:
    op = next((sign for sign in COMPARE if value.startswith(sign)), None)
    try:
        bound = parse_time(value.removeprefix(op or ""))
    except ValueError:
        raise Invalid(f"{name}:{value} is not a date") from None
    compare = COMPARE[op] if op else operator.ge
    attribute = f"{name}_at"
    return lambda issue: bool(compare(getattr(issue, attribute), bound))


def _words(word: str) -> Test:
    low = word.lower()
    return lambda issue: low in issue.title.lower() or low in issue.body.lower()
