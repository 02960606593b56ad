"""The issue list: a small roadmap swept every time, a larger one probed; departures."""

from __future__ import annotations

import json
from typing import Any

from roadmap.collector import collector_paused
from roadmap.github.read import parse_issue
from roadmap.model import RemoteIssue, parse_time
from roadmap.store import CursorState
from roadmap.sync.run import (
    PER_PAGE,
    Run,
    save_stamp,
    stamp_of,
)

# -- the issue list -------------------------------------------------------------------------


def sync_issues(run: Run) -> bool:
    """Read what changed in the labelled issue list; whether it was swept whole.

    A small roadmap is swept, and so is a first sync's. A larger one is probed (its
    newest-changed page, which sees every change that moves `updated_at`), then swept
    too when its sweep is due by GitHub's clock, which the probe's answer tells. A first
    sync of a larger roadmap probes once after its sweep, for the ETag that makes the
    next probe free when nothing changed.
    """
    first = run.store.load_cursor(run.repo_id, "issues").position is None
    if first or small(run):
        sweep_issues(run)
        if first and not small(run):
            probe_issues(run, prime=True)
        return True
    probe_issues(run)
    if sweep_due(run):
        sweep_issues(run)
        return True
    return False


def small(run: Run) -> bool:
    labelled = len(run.store.load_roadmap_numbers(run.repo_id))
    return labelled <= run.options.sweep_pages * PER_PAGE


def sweep_due(run: Run) -> bool:
    """Whether a larger roadmap's last sweep is `sweep_every` old."""
    swept = parse_time(run.store.load_cursor(run.repo_id, "swept").position)
    return swept is None or run.now() - swept >= run.options.sweep_every


def probe_issues(run: Run, prime: bool = False) -> None:
    """The labelled issues, newest change first, one page, conditional.

    Any change that moves an issue's `updated_at` brings it to this page, and so does
    an issue gaining the label; a change to one of these hundred issues that moves
    none (a sub-issue added) changes the page too. When every issue on it changed
    since the cursor, more may have: the rest is read in keyset pages. With `prime`
    (right after a first read) it keeps the ETag, and what changed meanwhile.
    """
    store, client = run.store, run.client
    probe = store.load_cursor(run.repo_id, "issues-probe")
    params = {**_list_params(run.label, None), "direction": "desc"}
    page = client.get_page(f"/repos/{run.repo}/issues", params, probe.etag)
    if page.items is None:
        return  # 304: no labelled issue changed
    since = store.load_cursor(run.repo_id, "issues").position
    issues = [parse_issue(data) for data in page.items]
    floor = parse_time(since)
    changed = [i for i in issues if floor is None or i.updated_at > floor
               or (i.updated_at == floor and not prime)]
    keep = ("issues-probe", CursorState(None, None, page.etag))
    if len(changed) == len(issues) and page.next_url is not None and since is not None:
        read_issue_pages(run, since)  # more than a page changed: keyset from the cursor
        store.save_cursor(None, run.repo_id, *keep)
        return
    newest = stamp_of(max((i.updated_at for i in changed), default=None))
    save_issues(run, issues, None, seen=len(changed))
    store.save_cursor(None, run.repo_id, "issues", CursorState(max(
        [p for p in (since, newest) if p is not None], default=None), None, None))
    store.save_cursor(None, run.repo_id, *keep)


def read_issue_pages(run: Run, since: str | None) -> None:
    """Keyset pages of `sort=updated&direction=asc&since=<cursor>`, each committed.

    Offset pages shift while they are read; asking again from the newest
    `updated_at` seen cannot skip an issue. When a whole page shares one
    timestamp, the `next` link moves past it.
    """
    url = f"/repos/{run.repo}/issues"
    next_url: str | None = None
    while True:
        with collector_paused():  # a page's objects live until it is saved: no cycles
            page = (run.client.get_page(next_url) if next_url
                    else run.client.get_page(url, _list_params(run.label, since)))
            issues = [parse_issue(data) for data in page.items or []]
            newest = stamp_of(max((i.updated_at for i in issues), default=None)) or since
            save_issues(run, issues, ("issues", CursorState(newest, None, None)))
        if page.next_url is None:
            return  # the whole answer was this page (a full one too: asking again would loop)
        next_url = page.next_url if newest == since else None
        since = newest


def save_issues(run: Run, issues: list[RemoteIssue], cursor: tuple[str, CursorState] | None,
                seen: int | None = None) -> None:
    """Save a page of issues; `seen` of them count as seen (all, unless told)."""
    summary = run.summary
    new, updated, dropped = run.store.save_issue_page(run.repo_id, issues, run.label, cursor)
    summary.issues_seen += len(issues) if seen is None else seen
    summary.new, summary.updated = summary.new + new, summary.updated + updated
    summary.dropped += dropped
    run.tick("issues", len(issues))


def _list_params(label: str, since: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"labels": label, "state": "all", "sort": "updated",
                              "direction": "asc", "per_page": PER_PAGE}
    if since:
        params["since"] = since
    return params


# -- the sweep and departures ---------------------------------------------------------------


def sweep_issues(run: Run) -> None:
    """Every page of the labelled list in creation order, each conditional.

    Creation order keeps pages where they were, so a page nobody touched answers 304
    (free, and it holds the numbers it held). A page that changed is read and saved,
    whatever changed on it, `updated_at` or not. Issues the store has and no page
    lists left the label's view: each is looked at (unlabelled, deleted, transferred).
    Each page commits with its own ETag, so an interrupted sweep resumes at no cost.
    (An issue leaving while the pages are read shifts the next one back a place, so
    one issue may be passed over; the shift changes that page, and the next sweep
    reads it.)
    """
    store, client = run.store, run.client
    listed: set[int] = set()
    newest = store.load_cursor(run.repo_id, "issues").position
    number = 1
    while True:
        name = f"sweep:{number}"
        kept = store.load_cursor(run.repo_id, name)
        params = {"labels": run.label, "state": "all", "sort": "created",
                  "direction": "asc", "per_page": PER_PAGE, "page": number}
        with collector_paused():  # a page's objects live until it is saved: no cycles
            page = client.get_page(f"/repos/{run.repo}/issues", params, kept.etag)
            if page.items is None:  # 304: the numbers it held last time
                numbers = [int(n) for n in json.loads(kept.url or "[]")]
            else:
                issues = [parse_issue(data) for data in page.items]
                numbers = [i.number for i in issues]
                save_issues(run, issues, (name, CursorState(None, json.dumps(numbers),
                                                             page.etag)))
                stamps = [stamp for i in issues if (stamp := stamp_of(i.updated_at))]
                newest = max([*stamps, *([newest] if newest else [])], default=None)
        listed.update(numbers)
        if len(numbers) < PER_PAGE:
            break
        number += 1
    store.drop_cursors(run.repo_id, "sweep:", number)
    if newest is not None:
        store.save_cursor(None, run.repo_id, "issues", CursorState(newest, None, None))
    run.summary.dropped += look_at_missing(run, store.load_roadmap_numbers(run.repo_id) - listed)
    save_stamp(run, "swept")


def sync_departures(run: Run) -> None:
    """Notice issues that left the label's view (unlabelled, deleted, transferred),
    which the probe cannot show: one search counts the labelled issues, and only
    when that differs from the store's count is the list swept.

    GitHub's search index lags behind changes: a count taken in the lag may miss a
    departure (the next sync sees it) or disagree for an issue that just joined (the
    sweep finds nothing missing, at the cost of its changed pages).
    """
    query = f'repo:{run.repo} label:"{run.label}" is:issue'
    counted = run.client.fetch_search_count(query, run.repo)
    if counted != len(run.store.load_roadmap_numbers(run.repo_id, pulls=False)):
        sweep_issues(run)


def look_at_missing(run: Run, numbers: set[int]) -> int:
    """Ask GitHub about each issue the store has but the labelled list lacks; how many
    left the roadmap (a relabelled one is saved and stays)."""
    store, client, repo = run.store, run.client, run.repo
    dropped = 0
    for number in sorted(numbers):
        fate, detail = client.fetch_issue(repo, number)
        if fate == "ok" and isinstance(detail, RemoteIssue):
            store.save_issue_page(run.repo_id, [detail], run.label, None)
            if run.label.lower() in (name.lower() for name in detail.labels):
                continue  # relabelled meanwhile: it was saved above
        else:
            store.mark_gone(run.repo_id, number, fate, detail if isinstance(detail, str) else None)
        dropped += 1
    return dropped
