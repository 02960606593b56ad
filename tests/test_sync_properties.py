"""Property: after any changes and incremental syncs, the store equals one full sync.

Random sequences of what maintainers do on GitHub (open, edit, label, close, assign,
comment, transfer, delete, link pull requests), clock steps of 0 to 90 seconds (0, so
timestamps collide) and incremental syncs run against the test server; then one more
incremental sync must leave the store equal to a fresh store after one full sync.

Pull requests change without moving their issues' `updated_at` (a mention added, a
merge): the pull request list shows those, so they are in the sequences too.

Changes also come in the very second a sync read them (the clock does not move during a
sync, and steps of 0 keep it still): timestamps have whole seconds, so such a change keeps
the issue's `updated_at` as read. The sync leaves what changed in the second it asked in
to be read again (pinned below too).

The server answers as GitHub does: its search index lags `LAG` seconds behind (a departure
is seen by the first sync after the index caught up, so the last sync comes after the
clock moved past the lag), and adding or removing a sub-issue moves no `updated_at`. Both
shapes of roadmap run: swept every sync (small), and probed with a search count (large).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roadmap.store import Store
from roadmap.store.models import Base

from .github_server import GitHubServer
from .github_server.fixtures import seed_acme
from .stores import BACKENDS, database_url
from .stores import opened_store as opened
from .syncing import REPO, TOKEN, snapshot, sync

#: Examples per backend; raise it for a deeper search: ROADMAP_SYNC_EXAMPLES=500 pytest ...
EXAMPLES = int(os.environ.get("ROADMAP_SYNC_EXAMPLES", "40"))
LAG = 45  # seconds the server's search index lags behind
OTHER = "acme/other"
USERS = ("alice", "bob", "carol", "renovate[bot]")
INDEX = st.integers(0, 63)  # which live issue or comment: taken modulo how many there are

OPERATION = st.one_of(
    st.tuples(st.just("create"), st.booleans(), st.booleans(), INDEX),  # labelled, PR, fixes
    st.tuples(st.just("edit"), INDEX, st.sampled_from(["title", "body", "both"])),
    st.tuples(st.just("label"), INDEX),
    st.tuples(st.just("unlabel"), INDEX),
    st.tuples(st.just("close"), INDEX, st.sampled_from(["completed", "not_planned"])),
    st.tuples(st.just("reopen"), INDEX),
    st.tuples(st.just("assign"), INDEX, st.sampled_from(USERS)),
    st.tuples(st.just("unassign"), INDEX, st.sampled_from(USERS)),
    st.tuples(st.just("comment"), INDEX, st.sampled_from(USERS)),
    st.tuples(st.just("edit_comment"), INDEX),
    st.tuples(st.just("delete_comment"), INDEX),
    st.tuples(st.just("transfer"), INDEX),
    st.tuples(st.just("delete"), INDEX),
    st.tuples(st.sampled_from(["cross_reference", "connect"]), INDEX, INDEX, st.booleans()),
    st.tuples(st.just("merge"), INDEX),
    st.tuples(st.just("sub_add"), INDEX, INDEX),
    st.tuples(st.just("sub_remove"), INDEX),
    st.tuples(st.just("advance"), st.sampled_from([0, 0, 1, 59, 90]) | st.integers(0, 90)),
)
# a sync one time in four, so that most examples sync between changes
STEP = st.tuples(st.integers(0, 3), OPERATION).map(lambda p: ("sync",) if p[0] == 3 else p[1])
OPERATIONS = st.lists(STEP, min_size=4, max_size=40)


@dataclass
class World:
    """The server, the store under test, and what the operations need to pick targets."""

    server: GitHubServer
    store: Store
    large: bool = False
    edits: int = 0

    def numbers(self, pulls: bool = True) -> list[int]:
        issues = self.server.repo(REPO).issues
        return [n for n, issue in issues.items() if pulls or not issue.is_pr]

    def pick(self, index: int, pulls: bool = True) -> int | None:
        numbers = self.numbers(pulls)
        return numbers[index % len(numbers)] if numbers else None

    def pick_comment(self, index: int) -> int | None:
        ids = list(self.server.repo(REPO).comments)
        return ids[index % len(ids)] if ids else None

    def is_pr(self, number: int) -> bool:
        return self.server.issue(REPO, number).is_pr


def apply(world: World, operation: tuple[Any, ...]) -> None:
    """Do one operation on the server (or sync); one whose target is missing does nothing."""
    kind, *args = operation
    server, world.edits = world.server, world.edits + 1
    if kind == "create":
        labelled, pull, fixes = args
        target = world.pick(fixes, pulls=False)
        body = f"Fixes #{target}" if pull and target and fixes % 2 else f"Body {world.edits}"
        server.create_issue(REPO, f"Item {world.edits}", body=body,
                            labels=["roadmap"] if labelled else [], pull_request=pull,
                            user=USERS[fixes % len(USERS)])
    elif kind == "advance":
        server.clock.advance(args[0])
    elif kind == "sync":
        sync(server, world.store, large=world.large)
    elif kind in ("edit_comment", "delete_comment"):
        comment = world.pick_comment(args[0])
        if comment is None:
            return
        if kind == "edit_comment":
            server.edit_comment(REPO, comment, f"Edited {world.edits}", bump_issue=True)
        else:
            server.delete_comment(REPO, comment)
    else:
        number = world.pick(args[0], pulls=kind not in ("transfer", "delete"))
        if number is not None:
            change(world, kind, number, args[1:])


def change(world: World, kind: str, number: int, args: list[Any]) -> None:
    """An operation on issue (or pull request) `number`."""
    server = world.server
    if kind == "edit":
        title = f"Title {world.edits}" if args[0] in ("title", "both") else None
        body = f"Body {world.edits}" if args[0] in ("body", "both") else None
        server.edit(REPO, number, title=title, body=body)
    elif kind == "label":
        server.add_label(REPO, number, "roadmap")
    elif kind == "unlabel":
        server.remove_label(REPO, number, "roadmap")
    elif kind == "close":
        server.close(REPO, number, state_reason=args[0])
    elif kind == "reopen":
        server.reopen(REPO, number)
    elif kind == "assign":
        server.assign(REPO, number, args[0])
    elif kind == "unassign":
        server.unassign(REPO, number, args[0])
    elif kind == "comment":
        server.comment(REPO, number, args[0], f"Comment {world.edits}")
    elif kind == "transfer":
        if not off_roadmap_sub_issue(server, number):  # a known limit: see the xfail below
            server.transfer(REPO, number, OTHER)
    elif kind == "delete":
        server.delete(REPO, number)
    elif kind in ("cross_reference", "connect"):
        source = world.pick(args[0])
        if source is not None and source != number:
            getattr(server, kind)(REPO, number, source, bump=args[1])
    elif kind == "merge" and world.is_pr(number) and server.issue(REPO, number).state == "open":
        server.merge(REPO, number)
    elif kind in ("sub_add", "sub_remove"):
        sub_issue(world, kind, number, args)


def off_roadmap_sub_issue(server: GitHubServer, number: int) -> bool:
    """A sub-issue without the label: GitHub tells nothing when it is transferred (its
    parent's summary stays, its events leave with it), so only `sync --full` sees it go."""
    issue = server.issue(REPO, number)
    return issue.parent is not None and "roadmap" not in issue.label_names()


def sub_issue(world: World, kind: str, number: int, args: list[Any]) -> None:
    """Add a sub-issue to issue `number`, or take its first one away; what GitHub would
    refuse (a pull request, the issue itself, a second parent, a cycle) does nothing."""
    server = world.server
    try:
        if kind == "sub_add":
            child = world.pick(args[0], pulls=False)
            if child is not None and not world.is_pr(number):
                server.add_sub_issue(REPO, number, REPO, child)
        else:
            children = server.issue(REPO, number).children
            if children:
                server.remove_sub_issue(REPO, number, children[0].repo.full_name,
                                        children[0].number)
    except (ValueError, KeyError):
        pass


def seed(server: GitHubServer) -> None:
    """Something to act on from the first operation: labelled or not, an issue and a PR."""
    seed_acme(server)
    server.add_repo(OTHER, collaborators={"alice"})
    # every sync makes one search call; the default 30 a minute would make tests wait
    server.set_rate_limit(TOKEN, limit=100_000, remaining=100_000, resource="search")
    first = server.create_issue(REPO, "Planned", labels=["roadmap"], assignees=["alice"])
    server.create_issue(REPO, "Not planned yet", labels=["bug"])
    server.create_issue(REPO, "A pull request", body=f"Fixes #{first}", user="bob",
                        pull_request=True)
    server.comment(REPO, first, "bob", "/claim")




def emptied(store: Store) -> Store:
    """The store with every row gone (a new database per example is slow on PostgreSQL)."""
    with store.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    return store


def full_sync_of(server: GitHubServer, backend: str, folder: Path) -> dict[str, Any]:
    with opened(backend, folder / "reference") as fresh:
        sync(server, fresh, full=True)
        return snapshot(fresh)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("large", [False, True], ids=["swept", "probed"])
def test_incremental_syncs_end_equal_to_one_full_sync(backend, large, tmp_path):
    examples = EXAMPLES if backend == "sqlite" else max(1, EXAMPLES // 3)
    with opened(backend, tmp_path / "main") as main, \
            opened(backend, tmp_path / "reference") as reference:

        @settings(max_examples=examples, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(OPERATIONS)
        # one issue leaves and another joins: the search's count and first result stay (304)
        @example([("create", True, False, 0), ("sync",), ("unlabel", 0), ("label", 1)])
        # an issue renamed, then labelled and closed, then reopened: its older events count
        @example([("edit", 35, "title"), ("sync",), ("label", 2), ("close", 53, "completed"),
                  ("sync",), ("reopen", 47)])
        # the first sync finds no roadmap issue (reads no event); one joins, with a pull
        # request that sync read while the issue was not on the roadmap
        @example([("label", 0), ("unlabel", 0), ("sync",), ("label", 0)])
        # a sub-issue added to an issue that no sync sees change
        @example([("sub_add", 0, 1), ("sync",), ("close", 1, "completed"), ("sync",)])
        # a roadmap sub-issue transferred away: its parent's summary stays, its list must not
        @example([("label", 1), ("sub_add", 0, 1), ("sync",), ("transfer", 1)])
        def incremental_equals_full(operations: list[tuple[Any, ...]]) -> None:
            with GitHubServer(search_lag=LAG) as server:
                seed(server)
                world = World(server, emptied(main), large)
                for operation in operations:
                    apply(world, operation)
                server.clock.advance(LAG + 1)  # the search index catches up
                sync(server, main, large=large)
                sync(server, emptied(reference), full=True)
                assert snapshot(main) == snapshot(reference)

        incremental_equals_full()


# -- cases the random search seldom reaches, pinned -----------------------------------------


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    with database_url(request.param, tmp_path):
        pass  # skips (or fails in CI) here when there is no PostgreSQL server
    return request.param


@pytest.fixture
def server():
    with GitHubServer() as running:
        seed(running)
        yield running


def test_a_full_last_page_in_one_second_ends(server, backend, tmp_path):
    """100 issues (a full page, no `next`) and 100 comments, all in one second: asking
    again from that second gave the same full page, forever."""
    numbers = [server.create_issue(REPO, f"Item {n}", labels=["roadmap"]) for n in range(99)]
    for n in range(99):  # and the seed's
        server.comment(REPO, numbers[0], "bob", f"Comment {n}")
    for number in [1, *numbers]:
        server.close(REPO, number)  # no timelines: the budget below counts list calls
    server.set_rate_limit(TOKEN, remaining=30)  # a loop ends as RateLimited, not a hang
    with opened(backend, tmp_path / "main") as store:
        sync(server, store, wait_for_reset=False)
        data = snapshot(store)
        assert (len(data["issues"]), len(data["comments"])) == (100, 100)


def test_deleted_comments_and_older_comments_of_a_joining_issue(server, backend, tmp_path):
    """With many changed issues the repository's comment list since the cursor is read,
    which shows neither a deleted comment nor the older comments of an issue that has
    just been labelled."""
    numbers = [server.create_issue(REPO, f"Item {n}", labels=["roadmap"]) for n in range(12)]
    server.comment(REPO, 2, "bob", "older")  # #2 is not on the roadmap yet
    server.clock.advance(5)
    doomed = server.comment(REPO, numbers[0], "bob", "doomed")
    server.clock.advance(5)
    with opened(backend, tmp_path / "main") as store:
        sync(server, store)
        server.clock.advance(5)
        server.delete_comment(REPO, doomed)
        server.add_label(REPO, 2, "roadmap")
        for number in numbers[1:]:
            server.comment(REPO, number, "carol", "busy day")
        server.clock.advance(5)
        server.log.clear()
        sync(server, store)
        assert server.log.count("/issues/comments$") == 1  # the repository's list
        assert snapshot(store) == full_sync_of(server, backend, tmp_path)


def test_a_comment_edited_in_the_second_of_the_last_sync(server, backend, tmp_path):
    """The edit keeps the issue's `updated_at` (whole seconds): the sync that read the issue
    in that second left it to be read again."""
    with opened(backend, tmp_path / "main") as store:
        sync(server, store)
        (comment,) = server.repo(REPO).comments
        server.edit_comment(REPO, comment, "/unclaim", bump_issue=True)  # clock unmoved
        server.clock.advance(60)
        sync(server, store)
        assert snapshot(store) == full_sync_of(server, backend, tmp_path)


def test_an_off_roadmap_sub_issue_transferred_away_is_seen(server, backend, tmp_path):
    """Issue 2 (no label) is a sub-issue of the roadmap issue 1, then moves to another
    repository: the parent's summary stays, and the child's events leave with it; the
    sweep asks the parent's list again (conditionally) and sees where it went."""
    server.add_sub_issue(REPO, 1, REPO, 2)
    with opened(backend, tmp_path / "main") as store:
        sync(server, store)
        server.transfer(REPO, 2, OTHER)
        sync(server, store)
        assert [row[5] for row in snapshot(store)["sub_issues"] if row[0] == 1] == [OTHER]


def test_a_roadmap_sub_issue_transferred_away_is_listed_where_it_went(server, backend, tmp_path):
    """The same with the label on the child: its transfer is seen by the sweep, and the
    parent's list is read again though its summary did not move."""
    server.add_label(REPO, 2, "roadmap")
    server.add_sub_issue(REPO, 1, REPO, 2)
    with opened(backend, tmp_path / "main") as store:
        sync(server, store)
        assert [row[5] for row in snapshot(store)["sub_issues"] if row[0] == 1] == [REPO]
        server.transfer(REPO, 2, OTHER)
        sync(server, store)
        assert [row[5] for row in snapshot(store)["sub_issues"] if row[0] == 1] == [OTHER]
