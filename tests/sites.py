"""Stores and built sites for the site tests: a small roadmap full of hostile data, and
the example export this project ships, each put into a real SQLite store through the
store's own API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from roadmap.config import Config
from roadmap.model import Item, RemoteComment, RemoteIssue, RemotePull, RemoteRepo, Roadmap
from roadmap.parse import parse_roadmap
from roadmap.site.build import SiteResult, build_site
from roadmap.store import Store
from roadmap.track.history import record_history
from roadmap.track.overview import gather

REPO = "acme/widgets"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PWN = "window.__pwned=true"
#: Each runs script if a page lets it through as markup.
HOSTILE = [
    f"<script>{PWN}</script>",
    f'"><img src=x onerror="{PWN}">',
    f"<svg onload={PWN}>",
    f"javascript:{PWN}",
]
EVIL_LOGIN = f'"><img src=x onerror={PWN}>'

ROADMAP = f"""\
# Widgets roadmap

How to help: comment on an issue first.

## 1. Faster builds

Status: in progress

Builds should be fast. See [the design](docs/design.md) and [the docs](#3-documentation).

- [x] profile the build
- [ ] cache layers (#1)

### 1.1 Remote cache

Tracking issue: #2

## 2. Runtime ideas {HOSTILE[0]}

<script>{PWN}</script>
<img src=x onerror="{PWN}">
[click me](javascript:{PWN}) [data](data:text/html,<script>{PWN}</script>)
![pic](javascript:{PWN})
<a href="javascript:{PWN}">raw link</a>

- [ ] {HOSTILE[1]} #3

## 3. Documentation

Owner: @docs-person

Tracking issue: #4
"""


def when(days_ago: float) -> datetime:
    return NOW - timedelta(days=days_ago)


def remote_issue(number: int, title: str, *, body: str = "", state: str = "open",
                 labels: tuple[str, ...] = ("roadmap",), assignees: tuple[str, ...] = (),
                 updated: datetime | None = None, url: str | None = None,
                 author: str = "maint") -> RemoteIssue:
    updated = updated or when(2)
    return RemoteIssue(number, number, title, body, state, None, False, author, list(labels),
                       list(assignees), None, 0,
                       url or f"https://github.com/{REPO}/issues/{number}", when(40), updated,
                       updated if state == "closed" else None)


def comment(number: int, author: str, body: str, at: datetime, n: int = 0) -> RemoteComment:
    cid = number * 1000 + n
    return RemoteComment(cid, number, author, False, body,
                         f"https://github.com/{REPO}/issues/{number}#issuecomment-{cid}", at, at)


def hostile_issues() -> list[RemoteIssue]:
    return [
        remote_issue(1, "Cache image layers", labels=("roadmap", "good first issue")),
        remote_issue(2, f"Remote cache {HOSTILE[0]}", body="Roadmap: remote-cache",
                     labels=("roadmap", HOSTILE[1], HOSTILE[3])),
        remote_issue(3, f"{HOSTILE[1]} runtime", url=f"javascript:{PWN}",
                     assignees=("alice", "../../../escape")),
        remote_issue(4, "Write the docs", state="closed"),
        remote_issue(5, f"{HOSTILE[2]} unlinked", labels=("roadmap", HOSTILE[2])),
    ]


def hostile_comments() -> list[RemoteComment]:
    return [
        comment(2, "bob-dev", "/claim", when(3)),
        comment(1, EVIL_LOGIN, "/claim", when(3), 1),
        comment(1, "carol", "I'd like to work on this", when(90), 3),
    ]


def hostile_items() -> list[Item]:
    """Items no parser would make, as a tampered store could hold them."""
    return [
        Item(id="../../outside", number="9", title=f"Traversal {HOSTILE[0]}", level=2,
             parent=None, line=90, end_line=90, anchor=None, body=f"<script>{PWN}</script>"),
        Item(id="x/../../y", number=None, title="Slashes", level=2, parent=None, line=91,
             end_line=91, anchor=None),
    ]


def save_roadmap(store: Store, text: str = ROADMAP, extra: list[Item] | None = None) -> Roadmap:
    roadmap = parse_roadmap(text, "ROADMAP.md", repo=REPO)
    roadmap.items.extend(extra or [])
    store.save_items(roadmap)
    return roadmap


def fill_hostile(store: Store) -> None:
    """The hostile roadmap, issues, comments and a pull request, and two recorded
    histories: the roadmap alone a day before (where history starts), then everything (the
    changes the site shows)."""
    save_roadmap(store, extra=hostile_items())
    record_history(store, gather(store, config(), NOW - timedelta(days=1)),
                   NOW - timedelta(days=1))
    repo_id = store.save_repo(RemoteRepo(1, REPO, f"https://github.com/{REPO}"))
    store.save_issue_page(repo_id, hostile_issues(), "roadmap", None)
    store.save_comments(repo_id, hostile_comments(), None)
    ids = store.load_issue_ids(repo_id)
    store.save_details(ids[2], when(2), [], [RemotePull(
        f"javascript:{PWN}", REPO, 77, f"PR {HOSTILE[0]}", "open", False, "bob-dev",
        "closing", when(2))])
    record_history(store, gather(store, config(), NOW), NOW)


def config(roadmap: Path | None = None) -> Config:
    return Config(roadmap=roadmap or Path("ROADMAP.md"), repos=(REPO,))


@dataclass
class Built:
    store: Store
    out: Path
    result: SiteResult


def build(store: Store, out: Path, now: datetime = NOW,
          base_url: str | None = None) -> SiteResult:
    return build_site(store, config(), out, now, base_url=base_url, title="Widgets roadmap",
                      repo=REPO)


def hostile_site(folder: Path, base_url: str | None = None) -> Built:
    folder.mkdir(parents=True, exist_ok=True)
    store = Store.open(f"sqlite:///{folder / 'store.db'}")
    fill_hostile(store)
    out = folder / "site"
    return Built(store, out, build(store, out, base_url=base_url))


def example_site(folder: Path) -> Path:
    """This project's own roadmap and example export, built as `roadmap build` does."""
    from roadmap.build import EXAMPLE_EXPORT, import_export

    root = Path(__file__).resolve().parent.parent
    store = Store.open(f"sqlite:///{folder / 'example.db'}")
    roadmap = parse_roadmap((root / "ROADMAP.md").read_text(encoding="utf-8"), "ROADMAP.md")
    store.save_items(roadmap)
    import_export(store, EXAMPLE_EXPORT, "roadmap")
    settings = Config(roadmap=root / "ROADMAP.md")
    record_history(store, gather(store, settings, NOW), NOW)
    out = folder / "example-site"
    build_site(store, settings, out, NOW, title=roadmap.title, repo=roadmap.repo)
    store.close()
    return out
