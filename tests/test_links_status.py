"""Links between items and issues, suggestions, each item's status and drift, roll-up, and
manual links that survive the roadmap being renumbered, reordered or retitled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roadmap.config import Config
from roadmap.model import (
    IssueRecord,
    Item,
    Ref,
    RemoteComment,
    RemoteIssue,
    RemotePull,
    RemoteRepo,
    Status,
    StatusValue,
)
from roadmap.parse import parse_roadmap
from roadmap.store import Store
from roadmap.track.links import ManualLink, find_item, link_items, suggest_links
from roadmap.track.overview import gather
from roadmap.track.status import build_overview, progress
from roadmap.track.views import status_view

REPO = "acme/widgets"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
RECENT = NOW - timedelta(days=2)
EXPIRY = STALE = 30


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def issue(number: int, title: str | None = None, *, body: str = "", state: str = "open",
          reason: str | None = None, labels=("roadmap",), assignees=(), comments=(),
          pulls=(), updated: datetime = RECENT, repo: str = REPO) -> IssueRecord:
    return IssueRecord(repo, number, title or f"Issue {number}", body, state,
                       reason if state == "closed" else None, False, "maint", list(labels),
                       list(assignees), updated - timedelta(days=1), updated,
                       updated if state == "closed" else None,
                       f"https://github.com/{repo}/issues/{number}", list(comments), [],
                       list(pulls))


def claim_comment(number: int, author: str, when: datetime, body: str = "/claim"):
    return RemoteComment(number * 100, number, author, False, body,
                         f"https://github.com/{REPO}/issues/{number}#issuecomment-{number * 100}",
                         when, when)


def open_pull(author: str, when: datetime = RECENT) -> RemotePull:
    return RemotePull(f"https://github.com/{REPO}/pull/90", REPO, 90, "Fix", "open", False,
                      author, "closing", when)


def item(id: str, number: str | None = None, title: str | None = None, *, level: int = 2,
         parent: str | None = None, declared: StatusValue | None = None, refs=()) -> Item:
    return Item(id, number, title or id.replace("-", " ").capitalize(), level, parent, 1, 1,
                None, refs=[Ref("issue", REPO, n, f"https://github.com/{REPO}/issues/{n}")
                            for n in refs],
                status=Status(declared, declared) if declared else None)


def overview(items, records, manual=()):
    return build_overview(list(items), list(records), list(manual), NOW, EXPIRY, STALE)


def state_of(view, item_id: str):
    return next(s for s in view.items if s.item.id == item_id)


ITEMS = [
    item("features", "1", "Features", level=1),
    item("runtime-improvements", "1.1", "Runtime improvements", parent="features", refs=[1]),
    item("internal-decoupling", "1.2", "Internal decoupling", parent="features"),
    item("tooling", "2", "Custom assembly tooling", level=1),
]


# -- links --------------------------------------------------------------------------------


def links_by_how(items, records, manual=()):
    return {(link.item_id, link.number, link.how)
            for link in link_items(items, records, manual)}


def test_link_by_a_reference_in_the_item_text():
    assert links_by_how(ITEMS, [issue(1)]) == {("runtime-improvements", 1, "ref")}


def test_reference_to_an_issue_not_in_the_store_links_nothing():
    assert links_by_how(ITEMS, [issue(2)]) == set()


@pytest.mark.parametrize("body", [
    "Roadmap: internal-decoupling",
    "Roadmap: 1.2",
    "roadmap: Internal Decoupling",
    "Some context.\n\n**Roadmap:** 1.2\n\nMore context.",
    "Roadmap item: `internal-decoupling`",
])
def test_link_by_a_roadmap_marker_in_the_issue_body(body):
    assert links_by_how(ITEMS, [issue(2, body=body)]) == {("internal-decoupling", 2, "marker")}


def test_marker_naming_no_item_links_nothing():
    assert links_by_how(ITEMS, [issue(2, body="Roadmap: 9.9")]) == set()


def test_an_item_is_named_by_id_then_number_then_title_wherever_it_is_named():
    # "2" is one item's number and another's title; "docs" one's id and another's title.
    items = [item("two", None, "2"), item("docs-item", "2", "Docs"),
             item("docs", "3", "Other"), item("first", None, "Same"), item("second", None, "Same")]
    found = {name: getattr(find_item(items, name), "id", None) for name in ("2", "DOCS", "same")}
    # a number over a title, an id over a title, the first of equal titles
    assert found == {"2": "docs-item", "DOCS": "docs", "same": "first"}
    assert find_item(items, "nothing") is None
    for name, expected in (("2", "docs-item"), ("docs", "docs"), ("Same", "first")):
        assert links_by_how(items, [issue(2, body=f"Roadmap: {name}")]) == {
            (expected, 2, "marker")}


def test_link_by_a_roadmap_item_label():
    records = [issue(3, labels=["roadmap", "roadmap:tooling"])]
    assert links_by_how(ITEMS, records) == {("tooling", 3, "label")}


def test_manual_link():
    manual = [ManualLink("tooling", REPO, 4, "link")]
    assert links_by_how(ITEMS, [issue(4)], manual) == {("tooling", 4, "manual")}


def test_manual_link_to_an_item_that_no_longer_exists_is_ignored():
    manual = [ManualLink("gone-item", REPO, 4, "link")]
    assert links_by_how(ITEMS, [issue(4)], manual) == set()


def test_manual_unlink_removes_a_reference_link():
    manual = [ManualLink("runtime-improvements", REPO, 1, "unlink")]
    assert links_by_how(ITEMS, [issue(1)], manual) == set()


def test_manual_unlink_matches_the_repository_whatever_its_case():
    manual = [ManualLink("runtime-improvements", "Acme/Widgets", 1, "unlink")]
    assert links_by_how(ITEMS, [issue(1)], manual) == set()


def test_manual_unlink_removes_marker_and_label_links():
    records = [issue(2, body="Roadmap: 1.2"), issue(3, labels=["roadmap", "roadmap:tooling"])]
    manual = [ManualLink("internal-decoupling", REPO, 2, "unlink"),
              ManualLink("tooling", REPO, 3, "unlink")]
    assert links_by_how(ITEMS, records, manual) == set()


def test_one_issue_may_link_to_two_items_by_different_means():
    records = [issue(1, body="Roadmap: tooling")]
    assert links_by_how(ITEMS, records) == {("runtime-improvements", 1, "ref"),
                                            ("tooling", 1, "marker")}


def test_suggestion_by_title_similarity_for_an_unlinked_issue():
    records = [issue(1), issue(5, "Improve the runtime"), issue(6, "Unrelated paperwork")]
    links = link_items(ITEMS, records)
    found = suggest_links(ITEMS, records, links)
    assert [(s.item_id, s.number, s.how) for s in found] == [
        ("runtime-improvements", 5, "suggested")]
    assert found[0].score is not None and found[0].score >= 60


def test_linked_issue_gets_no_suggestion():
    records = [issue(5, "Runtime improvements", body="Roadmap: tooling")]
    links = link_items(ITEMS, records)
    assert suggest_links(ITEMS, records, links) == []


def test_suggestion_is_not_counted_in_the_items_issues_or_status():
    claimed = issue(5, "Runtime improvements, faster", assignees=["alice"])
    view = overview(ITEMS, [claimed])
    assert [(s.item_id, s.number) for s in view.suggestions] == [("runtime-improvements", 5)]
    assert view.links == []
    state = state_of(view, "runtime-improvements")
    assert (state.issues, state.status, state.people) == ([], "planned", [])
    assert view.unlinked == [claimed]
    assert view.item_of(claimed) is None
    assert status_view(view).to_dict()["suggestions"] == [
        {"issue": f"{REPO}#5", "item": "runtime-improvements", "score": view.suggestions[0].score}]


# -- status --------------------------------------------------------------------------------


def leaf_status(*records, declared: StatusValue | None = None):
    items = [item("runtime-improvements", "1.1", "Runtime improvements", refs=[1, 2],
                  declared=declared)]
    return state_of(overview(items, records), "runtime-improvements").status


def test_planned_when_nothing_started():
    assert leaf_status(issue(1), issue(2)) == "planned"


def test_planned_with_no_issue_at_all():
    assert leaf_status() == "planned"


def test_in_progress_when_claimed_in_a_comment():
    claimed = issue(1, comments=[claim_comment(1, "alice", RECENT)])
    assert leaf_status(claimed, issue(2)) == "in-progress"


def test_in_progress_when_assigned():
    assert leaf_status(issue(1, assignees=["alice"]), issue(2)) == "in-progress"


def test_in_progress_when_a_linked_pull_request_is_open():
    assert leaf_status(issue(1, pulls=[open_pull("carol")]), issue(2)) == "in-progress"


def test_in_progress_when_part_of_the_work_is_done():
    done = issue(1, state="closed", reason="completed")
    assert leaf_status(done, issue(2)) == "in-progress"


def test_done_when_declared():
    assert leaf_status(issue(1), declared="done") == "done"


def test_done_when_every_linked_issue_is_closed_as_completed():
    closed = [issue(n, state="closed", reason="completed") for n in (1, 2)]
    assert leaf_status(*closed) == "done"


def test_done_when_some_completed_and_the_rest_not_planned():
    assert leaf_status(issue(1, state="closed", reason="completed"),
                       issue(2, state="closed", reason="not_planned")) == "done"


def test_dropped_when_every_linked_issue_is_closed_as_not_planned():
    closed = [issue(n, state="closed", reason="not_planned") for n in (1, 2)]
    assert leaf_status(*closed) == "dropped"


def test_not_done_while_one_issue_is_open():
    assert leaf_status(issue(1, state="closed", reason="completed"),
                       issue(2, assignees=["alice"])) == "in-progress"


def test_stalled_when_in_progress_but_quiet_for_stale_days():
    quiet = ago(STALE + 5)
    claimed = issue(1, comments=[claim_comment(1, "alice", quiet)], updated=quiet)
    assert leaf_status(claimed) == "stalled"


def test_stalled_when_assigned_but_quiet():
    assert leaf_status(issue(1, assignees=["alice"], updated=ago(STALE + 1))) == "stalled"


def test_stalled_with_an_open_pull_request_gone_quiet():
    quiet = ago(STALE + 5)
    assert leaf_status(issue(1, pulls=[open_pull("carol", quiet)], updated=quiet)) == "stalled"


def test_stale_boundary_for_an_item():
    at_edge = ago(STALE)
    claimed = issue(1, comments=[claim_comment(1, "alice", at_edge)], updated=at_edge)
    assert leaf_status(claimed) == "in-progress"


def test_recent_activity_by_the_claimant_keeps_it_in_progress():
    old = ago(STALE + 20)
    claimed = issue(1, comments=[claim_comment(1, "alice", old),
                                 claim_comment(2, "alice", RECENT, "Pushed a draft.")],
                    updated=RECENT)
    assert leaf_status(claimed) == "in-progress"


# -- drift ----------------------------------------------------------------------------------


def drift_of(items, records, item_id):
    return state_of(overview(items, records), item_id).drift


def test_drift_declared_done_with_open_issues():
    items = [item("runtime-improvements", refs=[1, 2, 3], declared="done")]
    records = [issue(1), issue(2), issue(3, state="closed", reason="completed")]
    assert drift_of(items, records, "runtime-improvements") == [
        "declared done, but #1, #2 are still open"]


def test_drift_declared_done_with_one_open_issue():
    items = [item("runtime-improvements", refs=[1], declared="done")]
    assert drift_of(items, [issue(1)], "runtime-improvements") == [
        "declared done, but #1 is still open"]


def test_drift_all_issues_closed_but_not_declared_done():
    items = [item("runtime-improvements", refs=[1, 2])]
    records = [issue(n, state="closed", reason="completed") for n in (1, 2)]
    assert drift_of(items, records, "runtime-improvements") == [
        "every linked issue is closed, but the roadmap does not say done"]


def test_no_drift_when_the_document_agrees():
    items = [item("runtime-improvements", refs=[1], declared="done")]
    closed = [issue(1, state="closed", reason="completed")]
    assert drift_of(items, closed, "runtime-improvements") == []
    assert drift_of([item("runtime-improvements", refs=[1])], [issue(1)],
                    "runtime-improvements") == []


def test_drift_roadmap_issue_linked_to_no_item():
    view = overview(ITEMS, [issue(1), issue(7, "Paperwork nobody planned")])
    assert [r.number for r in view.unlinked] == [7]
    assert status_view(view).attention.unlinked_issues == [f"{REPO}#7"]


def test_an_item_with_no_issue_is_not_drift():
    view = overview(ITEMS, [issue(1)])
    # Nothing disagrees yet: the item is marked, and listed apart from drift (issue 13).
    assert state_of(view, "internal-decoupling").drift == []
    assert state_of(view, "internal-decoupling").no_issue
    assert state_of(view, "runtime-improvements").drift == []
    # A parent is judged by its children, a leaf declared done needs no issue.
    assert state_of(view, "features").drift == []
    done = [item("tooling", declared="done")]
    assert drift_of(done, [], "tooling") == []
    assert not state_of(view, "features").no_issue
    attention = status_view(view).attention
    assert attention.drift == []
    assert attention.items_without_issue == ["internal-decoupling", "tooling"]


# -- roll-up -------------------------------------------------------------------------------


def test_parent_rolls_up_children_status_and_people():
    records = [issue(1, assignees=["alice"]), issue(2, state="closed", reason="completed",
                                                    body="Roadmap: 1.2")]
    view = overview(ITEMS, records)
    parent = state_of(view, "features")
    assert state_of(view, "runtime-improvements").status == "in-progress"
    assert state_of(view, "internal-decoupling").status == "done"
    assert (parent.status, parent.people) == ("in-progress", ["alice"])
    assert parent.children == ["runtime-improvements", "internal-decoupling"]
    assert progress(view.items, parent) == {"in-progress": 1, "done": 1}


def test_parent_is_done_when_every_child_is():
    records = [issue(n, state="closed", reason="completed", body=b)
               for n, b in ((1, ""), (2, "Roadmap: 1.2"))]
    view = overview(ITEMS, records)
    assert state_of(view, "features").status == "done"
    assert progress(view.items, state_of(view, "features")) == {"done": 2}


def test_parent_is_planned_when_no_child_started():
    view = overview(ITEMS, [issue(1)])
    assert state_of(view, "features").status == "planned"


def test_parent_declared_done_stays_done():
    items = [item("features", "1", "Features", level=1, declared="done"), *ITEMS[1:]]
    view = overview(items, [issue(1, assignees=["alice"])])
    assert state_of(view, "features").status == "done"


def test_grandchildren_roll_up_through_their_parent():
    items = [item("a", "1", level=1), item("b", "1.1", parent="a", level=2),
             item("c", "1.1.1", parent="b", level=3, refs=[1])]
    view = overview(items, [issue(1, pulls=[open_pull("carol")])])
    assert [state_of(view, i).status for i in "abc"] == ["in-progress"] * 3
    assert state_of(view, "a").people == ["carol"]


def test_overview_reports_conflicts():
    claimed = issue(1, comments=[claim_comment(1, "alice", RECENT),
                                 claim_comment(2, "bob", RECENT, "take")])
    view = overview(ITEMS, [claimed])
    assert view.conflicts == [f"{REPO}#1: claimed by 2 people (@alice, @bob)"]


# -- the store: links that survive edits to the roadmap --------------------------------------


ROADMAP = """\
# Widgets roadmap

## How can I help?

Comment on an issue labelled roadmap before you start.

# 1. Features

## 1.1 Runtime improvements

Tracked in #1.

## 1.2 Internal decoupling

Nothing filed yet.

# 2. Tooling

## 2.1 Custom assembly tooling
"""

RENUMBERED = """\
# Widgets roadmap

# 1. Tooling

## 1.1 Custom assembly tooling

# 2. Features

## 2.1 Internal decoupling

Nothing filed yet.

## 2.2 Runtime improvements

Tracked in #1.
"""

RETITLED = ROADMAP.replace("## 1.1 Runtime improvements", "## 1.1 Faster runtime")


def remote(number: int, title: str, body: str = "", assignees=()) -> RemoteIssue:
    return RemoteIssue(5000 + number, number, title, body, "open", None, False, "maint",
                       ["roadmap"], list(assignees), None, 0,
                       f"https://github.com/{REPO}/issues/{number}", RECENT, RECENT, None)


@pytest.fixture
def store(tmp_path):
    opened = Store.open(f"sqlite:///{tmp_path}/r.db")
    repo_id = opened.save_repo(RemoteRepo(77, REPO, f"https://github.com/{REPO}"))
    opened.save_issue_page(repo_id, [remote(1, "Speed up start"),
                                     remote(2, "Split the daemon", assignees=["alice"]),
                                     remote(3, "Assembly tool")], "roadmap", None)
    yield opened
    opened.close()


def save(store: Store, text: str) -> None:
    store.save_items(parse_roadmap(text, repo=REPO))


def links_in(store: Store) -> set[tuple[str, int, str]]:
    view = gather(store, Config(repos=(REPO,)), NOW)
    return {(link.item_id, link.number, link.how) for link in view.links}


def test_store_manual_link_and_unlink(store):
    save(store, ROADMAP)
    assert links_in(store) == {("runtime-improvements", 1, "ref")}
    store.save_manual_link("internal-decoupling", REPO, 2, "link")
    store.save_manual_link("runtime-improvements", REPO, 1, "unlink")
    assert store.load_manual_links() == [("internal-decoupling", REPO, 2, "link"),
                                         ("runtime-improvements", REPO, 1, "unlink")]
    assert links_in(store) == {("internal-decoupling", 2, "manual")}
    store.save_manual_link("internal-decoupling", REPO, 2, "unlink")
    assert store.load_manual_links()[0][3] == "unlink"
    assert links_in(store) == set()


def test_store_status_reads_links_and_claims(store):
    save(store, ROADMAP)
    store.save_manual_link("internal-decoupling", REPO, 2, "link")
    view = gather(store, Config(repos=(REPO,)), NOW)
    assert state_of(view, "internal-decoupling").status == "in-progress"
    assert state_of(view, "internal-decoupling").people == ["alice"]
    assert state_of(view, "runtime-improvements").status == "planned"
    assert [r.number for r in view.unlinked] == [3]


def test_the_items_just_parsed_give_the_overview_the_store_gives(store):
    """`roadmap build` and the reading commands hand the overview the items they parsed
    and saved instead of reading them back: the same overview either way."""
    roadmap = parse_roadmap(ROADMAP, repo=REPO)
    store.save_items(roadmap)
    store.save_manual_link("internal-decoupling", REPO, 2, "link")
    config = Config(repos=(REPO,))
    assert status_view(gather(store, config, NOW, roadmap.items)) == \
        status_view(gather(store, config, NOW))


def test_renumbered_and_reordered_roadmap_keeps_manual_links(store):
    save(store, ROADMAP)
    store.save_manual_link("internal-decoupling", REPO, 2, "link")
    store.save_manual_link("custom-assembly-tooling", REPO, 3, "link")
    before = links_in(store)
    save(store, RENUMBERED)
    rows = {r.id: r for r in store.load_items()}
    assert (rows["internal-decoupling"].number, rows["custom-assembly-tooling"].number) == (
        "2.1", "1.1")
    assert rows["internal-decoupling"].parent == "features"
    assert links_in(store) == before == {("runtime-improvements", 1, "ref"),
                                         ("internal-decoupling", 2, "manual"),
                                         ("custom-assembly-tooling", 3, "manual")}


def test_retitled_item_with_the_same_references_keeps_its_manual_link(store):
    save(store, ROADMAP)
    store.save_manual_link("runtime-improvements", REPO, 2, "link")
    save(store, RETITLED)
    assert "runtime-improvements" not in {r.id for r in store.load_items()}
    assert store.load_manual_links() == [("faster-runtime", REPO, 2, "link")]
    assert links_in(store) == {("faster-runtime", 1, "ref"), ("faster-runtime", 2, "manual")}


def test_retitled_item_keeps_its_manual_unlink(store):
    save(store, ROADMAP)
    store.save_manual_link("runtime-improvements", REPO, 1, "unlink")
    assert links_in(store) == set()
    save(store, RETITLED)
    assert links_in(store) == set()


def test_retitled_item_without_references_cannot_be_recognised(store):
    save(store, ROADMAP)
    store.save_manual_link("internal-decoupling", REPO, 2, "link")
    save(store, ROADMAP.replace("Internal decoupling", "Decoupled internals"))
    # Nothing shows it is the same item: the link is kept but resolves to nothing.
    assert store.load_manual_links() == [("internal-decoupling", REPO, 2, "link")]
    assert ("decoupled-internals", 2, "manual") not in links_in(store)
    save(store, ROADMAP)
    assert ("internal-decoupling", 2, "manual") in links_in(store)
