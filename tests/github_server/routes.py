"""Find the endpoint for a request; unknown paths and methods answer 404, as on GitHub."""

from __future__ import annotations

import re

from . import query
from .call import Call
from .endpoints import IN_REPO, TOP
from .reply import Answer, Reply, invalid, not_found

REPO = re.compile(r"/(?:repos/([^/]+)/([^/]+)|repositories/(\d+))(/.*)?")


def route(call: Call) -> Reply:
    """Answer a request, under the state's lock."""
    try:
        with call.state.lock:
            return _dispatch(call)
    except Answer as early:
        return early.reply
    except query.Invalid as problem:
        name = "q" if call.path.startswith("/search") else "query"
        return invalid(name, str(problem)).reply


def _dispatch(call: Call) -> Reply:
    for method, pattern, endpoint in TOP:
        found = pattern.fullmatch(call.path)
        if found and method == call.method:
            return endpoint(call, *found.groups())
    in_repo = REPO.fullmatch(call.path)
    if in_repo is None:
        raise not_found()
    owner, name, repo_id, rest = in_repo.groups()
    repo = call.repo(f"{owner}/{name}" if owner else None, repo_id)
    link = f"/repositories/{repo.id}{rest or ''}"
    for method, pattern, endpoint in IN_REPO:
        found = pattern.fullmatch(rest or "")
        if found and method == call.method:
            return endpoint(call, repo, link, *found.groups())
    raise not_found()
