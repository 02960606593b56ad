"""What a sync of many repositories shares: an organisation's list, the round, and the
departures counted across repositories.

- An organisation's repositories (`--org`) are listed page by page in creation order,
  each page conditional: when no repository changed, the list costs no point.
- A round is one pass over the repositories: a run that stops (`--no-wait` at an
  exhausted budget) leaves the rest of its round pending, and the next run syncs those
  first and only, so no repository is asked twice while another waits its turn.
- Departures of larger roadmaps (an issue unlabelled, deleted or transferred) are
  counted by one search per chunk of repositories (GitHub joins `repo:` qualifiers
  with OR, up to its query length limit) rather than one per repository; only a
  chunk whose count disagrees with the store's has its repositories counted apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from roadmap.github.client import GitHubClient, ListedRepo, scoped_queries
from roadmap.model import RemoteRepo
from roadmap.store import CursorState, Store
from roadmap.sync.run import PER_PAGE, Run

#: The store keeps a sync's own books (an organisation's list, the pending round) as
#: cursors of a row in `repositories` whose name no repository can have (no `/`).
BOOKS_URL = "https://github.com"


def books(store: Store, name: str) -> int:
    """The id of the bookkeeping row `name` (made on first use)."""
    return store.save_repo(RemoteRepo(0, name, BOOKS_URL))


# -- an organisation's repositories ---------------------------------------------------------


def list_org_repos(store: Store, client: GitHubClient, org: str) -> list[RemoteRepo]:
    """The organisation's repositories that can have issues, oldest first.

    Every page is conditional with the ETag it had: a page no repository on it changed
    answers 304 and stands for the repositories it listed last time. A full page is
    followed by the next (a new repository joins the end of the list).
    """
    kept_at = books(store, f"org:{org.lower()}")
    listed: list[ListedRepo] = []
    number = 1
    while True:
        name = f"org-repos:{number}"
        kept = store.load_cursor(kept_at, name)
        page = client.fetch_org_repos(org, number, kept.etag)
        if page.repos is None:
            repos = [_listed(entry) for entry in json.loads(kept.url or "[]")]
        else:
            repos = page.repos
            store.save_cursor(None, kept_at, name, CursorState(None, json.dumps(
                [[r.repo.id, r.repo.full_name, r.repo.html_url, r.has_issues] for r in repos]),
                page.etag))
        listed.extend(repos)
        if len(repos) < PER_PAGE:
            break
        number += 1
    store.drop_cursors(kept_at, "org-repos:", number)
    return [entry.repo for entry in listed if entry.has_issues]


def _listed(entry: list[object]) -> ListedRepo:
    repo_id, full_name, html_url, has_issues = entry
    return ListedRepo(RemoteRepo(int(str(repo_id)), str(full_name), str(html_url)),
                      bool(has_issues))


# -- the round ------------------------------------------------------------------------------


@dataclass(slots=True)
class Round:
    """The repositories a run syncs, in order: the rest of a stopped round, else all."""

    store: Store
    books_id: int
    pending: list[str] = field(default_factory=list)
    resumed: bool = False

    @classmethod
    def load(cls, store: Store, scope: str, repos: list[str]) -> Round:
        """The round of `repos` (named by `scope`): the repositories a stopped run left,
        in the order given, when there are any; else every one of `repos`."""
        books_id = books(store, f"round:{hashlib.sha256(scope.encode()).hexdigest()[:16]}")
        left = {name.lower() for name in json.loads(
            store.load_cursor(books_id, "round").url or "[]")}
        rest = [name for name in repos if name.lower() in left]
        found = cls(store, books_id, rest or list(repos), resumed=bool(rest))
        found.save()
        return found

    def done(self, repo: str) -> None:
        """`repo` is synced: the round no longer waits for it."""
        self.pending = [name for name in self.pending if name != repo]
        self.save()

    def save(self) -> None:
        self.store.save_cursor(None, self.books_id, "round",
                               CursorState(None, json.dumps(self.pending), None))


def round_scope(repos: list[str], org: str | None) -> str:
    """What names a round: the organisation, or the repositories asked for."""
    return f"org:{org.lower()}" if org else "repos:" + ",".join(sorted(r.lower() for r in repos))


# -- departures across repositories ---------------------------------------------------------


def departures_query(label: str) -> str:
    return f'label:"{label}" is:issue'


def org_agrees(store: Store, client: GitHubClient, org: str, label: str,
               repos: list[str]) -> bool:
    """Whether one search across the organisation counts as many labelled issues as the
    store holds for its repositories (all of them synced by this round)."""
    counted = client.fetch_search_count(f"org:{org} {departures_query(label)}", org)
    ids = [found for name in repos if (found := store.load_repo_id(name)) is not None]
    return counted == sum(len(store.load_roadmap_numbers(i, pulls=False)) for i in ids)


def count_departures(runs: list[Run], client: GitHubClient, label: str) -> list[Run]:
    """The larger roadmaps whose labelled issues GitHub counts differently from the
    store (some left the label's view), at one search point per chunk of repositories
    when every count agrees."""
    by_name = {run.repo: run for run in runs}
    differ: list[Run] = []
    for query, names in scoped_queries(list(by_name), departures_query(label)):
        counted = client.fetch_search_count(query, names[0])
        stored = sum(len(by_name[name].store.load_roadmap_numbers(by_name[name].repo_id,
                                                                   pulls=False))
                     for name in names)
        if counted != stored:
            differ.extend([by_name[names[0]]] if len(names) == 1
                          else _apart(names, by_name, client, label))
    return differ


def _apart(names: list[str], by_name: dict[str, Run], client: GitHubClient,
           label: str) -> list[Run]:
    """Each repository of a disagreeing chunk counted on its own."""
    differ = []
    for name in names:
        run = by_name[name]
        query = f"repo:{name} {departures_query(label)}"
        if client.fetch_search_count(query, name) != len(
                run.store.load_roadmap_numbers(run.repo_id, pulls=False)):
            differ.append(run)
    return differ
