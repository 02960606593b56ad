"""The search index: what `/search/issues` finds, `search_lag` seconds behind the store.

GitHub's search answers from an index that lags behind changes. Every change to an issue's
rendered form records a snapshot of the issue (a deletion or transfer records None) at the
clock's now; a search at `now - lag` sees, for each issue changed since, its newest snapshot
from before (or nothing, if it did not exist then), and the live issue for all the others.
So a search costs one pass over the repository's issues plus the changes inside the lag.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable

from .model import Issue, Repo

Key = tuple[int, int]  # (repository id, issue number)


class SearchIndex:
    """Snapshots of every issue change, in clock order."""

    def __init__(self) -> None:
        self._changes: list[tuple[int, Key]] = []  # (when, which issue), ascending
        self._versions: dict[Key, list[tuple[int, Issue | None]]] = {}

    def record(self, issue: Issue, when: int, *, gone: bool = False) -> None:
        """Index the issue's form as of `when` (`gone`: it left its repository)."""
        key = (issue.repo.id, issue.number)
        bisect.insort_right(self._changes, (when, key), key=lambda change: change[0])
        versions = self._versions.setdefault(key, [])
        bisect.insort_right(versions, (when, None if gone else snapshot(issue)),
                            key=lambda version: version[0])

    def record_many(self, issues: Iterable[Issue]) -> None:
        """Index many issues (a bulk load), each as of its `updated_at`."""
        for issue in issues:
            key = (issue.repo.id, issue.number)
            self._changes.append((issue.updated_at, key))
            versions = self._versions.setdefault(key, [])
            versions.append((issue.updated_at, snapshot(issue)))
            versions.sort(key=lambda version: version[0])
        self._changes.sort(key=lambda change: change[0])

    def indexed(self, repo: Repo, now: int, lag: float) -> Iterable[Issue]:
        """The repository's issues as the index shows them `lag` seconds before `now`."""
        if lag <= 0:
            return repo.issues.values()
        cutoff = now - lag
        start = bisect.bisect_right(self._changes, cutoff, key=lambda change: change[0])
        dirty = {key for _, key in self._changes[start:] if key[0] == repo.id}
        if not dirty:
            return repo.issues.values()
        shown = [issue for issue in repo.issues.values() if (repo.id, issue.number) not in dirty]
        for key in dirty:
            earlier = self._as_of(key, cutoff)
            if earlier is not None:
                shown.append(earlier)
        return shown

    def _as_of(self, key: Key, cutoff: float) -> Issue | None:
        versions = self._versions[key]
        at = bisect.bisect_right(versions, cutoff, key=lambda version: version[0])
        return versions[at - 1][1] if at else None

    def forget_renders(self) -> None:
        """Drop the snapshots' cached JSON (the server's address changed)."""
        for versions in self._versions.values():
            for _, shown in versions:
                if shown is not None:
                    shown.cache = None


FIELDS = [field.name for field in dataclasses.fields(Issue)]


def snapshot(issue: Issue) -> Issue:
    """A frozen copy of what the search index shows of an issue: its fields, labels,
    assignees, comment count and sub-issue summary as of now."""
    copy = object.__new__(Issue)  # a field-by-field copy: `dataclasses.replace` is 10x slower
    for name in FIELDS:
        setattr(copy, name, getattr(issue, name))
    copy.labels, copy.assignees = list(issue.labels), list(issue.assignees)
    copy.comments, copy.events, copy.timeline, copy.children = list(issue.comments), [], [], []
    copy.cache, copy.frozen_summary = None, issue.sub_issue_counts()
    return copy
