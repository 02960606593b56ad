"""At each sweep the stored sub-issue lists are asked again, each with its ETag: a sub-issue
off the roadmap that is transferred or retitled moves no summary and nothing else a sync
reads, but its parent's list names it anew; a list that did not change costs nothing (a
304), and one GitHub answers without an ETag is not asked again (each ask would cost a
point). A small roadmap is swept every sync, a larger one every `sweep_hours`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from .syncing import REPO, snapshot, sync
from .test_sync_github import fresh_full_sync, points, seed, server, store

__all__ = ["server", "store"]

OTHER = "acme/gadgets"


def children_of(store, number: int) -> list[tuple[str, int, str]]:
    return [(row[5], row[6], row[7]) for row in snapshot(store)["sub_issues"] if row[0] == number]


def sub_issue_asks(server) -> list[int | None]:
    return [r.status for r in server.log.records() if r.path.endswith("/sub_issues")]


@pytest.fixture
def family(server) -> tuple[int, int]:
    """Roadmap issue `parent` has one sub-issue, `child`, without the label."""
    parent = seed(server)[0]
    child = server.create_issue(REPO, "A part, off the roadmap")
    server.add_sub_issue(REPO, parent, REPO, child)
    server.add_repo(OTHER, collaborators={"alice"})
    return parent, child


def test_an_unchanged_list_asked_at_the_sweep_is_a_free_304(server, store, family):
    sync(server, store)
    spent = points(server, lambda: sync(server, store))
    assert spent == {"core": 0, "search": 0}
    assert sub_issue_asks(server) == [304]
    assert all(r.status == 304 for r in server.log.records())


def test_an_off_roadmap_sub_issue_retitled_is_seen_at_the_next_sweep(server, store, tmp_path,
                                                                       family):
    parent, child = family
    sync(server, store)
    server.edit(REPO, child, title="A part, renamed")
    server.clock.advance(60)
    spent = points(server, lambda: sync(server, store))
    assert children_of(store, parent) == [(REPO, child, "A part, renamed")]
    assert spent["core"] == 1 and sub_issue_asks(server) == [200]  # the list, once
    assert snapshot(store) == fresh_full_sync(server, tmp_path, store)


def test_a_larger_roadmap_sees_the_transfer_at_its_sweep_only(server, store, family):
    parent, child = family
    sync(server, store, large=True)
    server.transfer(REPO, child, OTHER)
    moved = server.repo(OTHER).issues
    (new_number,) = list(moved)
    server.clock.advance(60)
    sync(server, store, large=True)  # a probe: no sweep, no list asked
    assert children_of(store, parent) == [(REPO, child, "A part, off the roadmap")]
    server.clock.advance(int(timedelta(hours=24).total_seconds()))
    sync(server, store, large=True)
    assert children_of(store, parent) == [(OTHER, new_number, "A part, off the roadmap")]


def test_a_list_without_an_etag_is_not_asked_again(server, store, family):
    parent, child = family
    server.faults.add("no-etag", path=r"/sub_issues$", every=1)
    sync(server, store)
    assert children_of(store, parent) == [(REPO, child, "A part, off the roadmap")]
    spent = points(server, lambda: sync(server, store))
    assert spent == {"core": 0, "search": 0} and sub_issue_asks(server) == []


def test_a_list_stored_with_no_etag_kept_is_read_once_then_asked_for_free(server, store,
                                                                        family):
    """A store synced before the ETags were kept (its cursor is missing) reads each
    list once at its next sweep."""
    sync(server, store)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM cursors WHERE name LIKE :kept"),
                           {"kept": "sub-issues #%"})
    assert points(server, lambda: sync(server, store))["core"] == 1
    assert sub_issue_asks(server) == [200]
    assert points(server, lambda: sync(server, store))["core"] == 0
    assert sub_issue_asks(server) == [304]

