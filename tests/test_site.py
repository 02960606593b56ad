"""The static site, without a browser: every page type, links that resolve (also under a
sub-path), incremental rebuilds, hostile data escaped, file names that stay inside the
output folder, the Atom feed, roadmap.json, `roadmap build` from a fresh checkout, and
the preview server."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from roadmap.errors import InputError
from roadmap.model import RemoteRepo
from roadmap.site.markdown import render_inline, render_markdown, safe_href
from roadmap.site.serve import serve_site
from roadmap.site.write import MANIFEST, inside, item_page, person_page
from roadmap.store import Store
from roadmap.track.history import record_history
from roadmap.track.overview import gather

from .conftest import ROOT, run
from .sites import (
    EVIL_LOGIN,
    NOW,
    PWN,
    REPO,
    ROADMAP,
    Built,
    build,
    comment,
    config,
    example_site,
    hostile_site,
    remote_issue,
    save_roadmap,
    when,
)

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://org.github.io/project/"
PAGE_TYPES = ["index.html", "help-wanted.html", "changes.html", "people/index.html",
              "items/faster-builds.html", "people/bob-dev.html", "feed.xml", "roadmap.json"]


class Page(HTMLParser):
    """Tags, attributes and text of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def links(self) -> list[str]:
        return [attrs[name] for _, attrs in self.tags for name in ("href", "src")
                if name in attrs]


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def all_stats(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    built = hostile_site(tmp_path_factory.mktemp("hostile"))
    yield built
    built.store.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Built]:
    built = hostile_site(tmp_path)
    yield built
    built.store.close()


# -- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_page_type_is_written(hostile: Built, name: str) -> None:
    assert (hostile.out / name).is_file()
    assert (hostile.out / name).stat().st_size > 200


def test_assets_have_fingerprinted_names(hostile: Built) -> None:
    names = sorted(p.name for p in (hostile.out / "assets").iterdir())
    assert [re.sub(r"\.[0-9a-f]{10}\.", ".", n) for n in names] == [
        "icon.svg", "site.js", "style.css"]
    assert all(re.fullmatch(r"[a-z]+\.[0-9a-f]{10}\.[a-z]+", n) for n in names)


def test_overview_shows_sections_status_progress_and_last_sync(hostile: Built) -> None:
    page = parse(hostile.out / "index.html")
    text = " ".join(page.text)
    assert "Faster builds" in text and "Remote cache" in text and "Documentation" in text
    assert "Last sync:" in text
    assert any(tag == "svg" and "bar" in attrs.get("class", "") for tag, attrs in page.tags)
    assert any("badge" in attrs.get("class", "") for _, attrs in page.tags)


def test_item_page_has_body_issues_claimants_pulls_and_history(hostile: Built) -> None:
    text = " ".join(parse(hostile.out / "items/remote-cache.html").text)
    assert "acme/widgets#2" in text
    assert "@bob-dev" in text and "claimed it" in text
    assert "Pull request" in text and "#77" in text
    # The claim as its card dates it; "item added" was the first record: no change.
    assert "History" in text and "claimed" in text and "item added" not in text


def test_markdown_body_rendered_with_relative_links_resolved(hostile: Built) -> None:
    page = parse(hostile.out / "items/faster-builds.html")
    links = page.links()
    assert f"https://github.com/{REPO}/blob/HEAD/docs/design.md" in links
    assert "../items/documentation.html" in links  # `#anchor` of another item: its page
    assert "cache layers" in " ".join(page.text)


def test_people_pages_mark_stale_claims(hostile: Built) -> None:
    text = " ".join(parse(hostile.out / "people/carol.html").text)
    assert "stale" in text


def test_help_wanted_lists_open_unclaimed_good_first_first(hostile: Built) -> None:
    wanted = _json(hostile)["help_wanted"]
    assert wanted, "nothing in help wanted"
    assert all(i["claim"] is None or i["claim"]["stale"] for i in wanted)
    flags = [i["good_first"] for i in wanted]
    assert flags == sorted(flags, reverse=True)


def _json(built: Built) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((built.out / "roadmap.json").read_text(encoding="utf-8"))
    return data


# -- links ---------------------------------------------------------------------------------


def _external(link: str) -> bool:
    return urlsplit(link).scheme in ("http", "https", "mailto")


def test_every_link_resolves_to_a_file(hostile: Built) -> None:
    checked = 0
    for path in html_files(hostile.out):
        for link in parse(path).links():
            if _external(link) or link.startswith("#"):
                continue
            target = (path.parent / urlsplit(link).path).resolve()
            assert target.is_file(), f"{path.relative_to(hostile.out)} links to missing {link}"
            assert target.is_relative_to(hostile.out.resolve())
            checked += 1
    assert checked > 100


def test_links_work_under_a_sub_path(tmp_path: Path) -> None:
    built = hostile_site(tmp_path, base_url=BASE)
    for path in html_files(built.out):
        relative = path.relative_to(built.out).as_posix()
        page = parse(path)
        canonical = [a["href"] for t, a in page.tags if t == "link" and a.get("rel") ==
                     "canonical"]
        assert canonical == [BASE + relative]
        for link in page.links():
            url = urljoin(BASE + relative, link)
            if not url.startswith("https://org.github.io/"):
                continue
            assert url.startswith(BASE), f"{relative}: {link} leaves the sub-path"
            assert (built.out / urlsplit(url).path.removeprefix("/project/")).is_file()
    feed = ET.parse(built.out / "feed.xml").getroot()
    hrefs = [link.get("href") or "" for link in feed.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith(BASE) for h in hrefs)
    assert _json(built)["base_url"] == BASE
    built.store.close()


@pytest.mark.parametrize("url", ["ftp://x.org/", "javascript:alert(1)", "/relative/",
                                 'https://x.org/"><script>'])
def test_bad_base_url_is_refused(tmp_path: Path, url: str) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with pytest.raises(InputError, match="base-url"):
        build(store, tmp_path / "site", base_url=url)
    store.close()


# -- hostile data --------------------------------------------------------------------------


def test_hostile_data_is_escaped_everywhere(hostile: Built) -> None:
    script = re.compile(r"assets/site\.[0-9a-f]{10}\.js")
    for path in html_files(hostile.out):
        page = parse(path)
        name = path.relative_to(hostile.out)
        scripts = [a.get("src", "") for t, a in page.tags if t == "script"]
        assert all(script.search(src) for src in scripts), f"{name}: a foreign script"
        for tag, attrs in page.tags:
            handlers = [a for a in attrs if a.startswith("on")]
            assert not handlers, f"{name}: <{tag}> has {handlers}"
            for attribute in ("href", "src", "action", "formaction"):
                value = attrs.get(attribute, "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (
                    f"{name}: <{tag} {attribute}={value!r}>")
            assert tag not in ("iframe", "object", "embed", "svg" if "onload" in attrs else "")
            if tag == "img":
                assert re.search(r"assets/icon\.[0-9a-f]{10}\.svg$", attrs["src"]), name


def test_hostile_text_shows_as_text(hostile: Built) -> None:
    item = next(p for p in (hostile.out / "items").iterdir() if "runtime" in p.name)
    text = " ".join(parse(item).text)
    assert f"<script>{PWN}</script>" in text  # shown, as text
    assert f'onerror="{PWN}"' in text
    people = " ".join(parse(hostile.out / "people/index.html").text)
    assert f"@{EVIL_LOGIN}" in people


def test_feed_and_json_carry_hostile_text_safely(hostile: Built) -> None:
    ET.parse(hostile.out / "feed.xml")  # well-formed despite <, &, quotes
    data = _json(hostile)
    titles = [i["title"] for item in data["items"] for i in item["issues"]]
    assert any("<script>" in t for t in titles)  # data kept as it is, for other tools
    urls = [i["url"] for item in data["items"] for i in item["issues"]]
    assert None in urls and not any(u and u.startswith("javascript:") for u in urls)


@pytest.mark.parametrize("text", [
    f"<script>{PWN}</script>", f"<img src=x onerror={PWN}>", f"[a](javascript:{PWN})",
    f"[a](JaVaScRiPt:{PWN})", f"[a](java\tscript:{PWN})", f"<javascript:{PWN}>",
    f"[a](data:text/html,<script>{PWN}</script>)", f"[a](vbscript:{PWN})",
    f"![a](javascript:{PWN})", f'[a](https://x.org "t\\" onmouseover={PWN}")',
    f"[a][r]\n\n[r]: javascript:{PWN}", f"<a href='javascript:{PWN}'>x</a>",
    f"[a](&#106;avascript:{PWN})", f"[a](file:///etc/passwd) {PWN}",
])
def test_markdown_renders_nothing_that_runs(text: str) -> None:
    for html in (render_markdown(text), render_inline(text)):
        page = Page()
        page.feed(html)
        for tag, attrs in page.tags:
            assert tag not in ("script", "img", "iframe"), html
            assert not any(a.startswith("on") for a in attrs), html
            href = attrs.get("href", "")
            assert not href or (safe_href(href) and not href.lower().startswith("file:")), html


@pytest.mark.parametrize(("href", "ok"), [
    ("https://x.org/a", True), ("http://x.org", True), ("mailto:a@b.org", True),
    ("docs/a.md", True), ("#anchor", True), ("?q=1", True), ("javascript:x", False),
    ("data:text/html,x", False), ("file:///etc", False), ("https:", False),
    ("java\nscript:x", False), ("vbscript:x", False), ("\\\\evil\\share", False),
])
def test_safe_href(href: str, ok: bool) -> None:
    assert safe_href(href) is ok


# -- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize("item_id", ["../x", "a/b", "..", "a..b/", "A-b", "a b", "", "a\x00",
                                     "a" * 201, "x.html", "-a", "a--b"])
def test_item_ids_that_are_not_slugs_get_no_page(item_id: str) -> None:
    assert item_page(item_id) is None


@pytest.mark.parametrize("login", ["../x", "a/b", "a--b", "-a", "a-", "a" * 40, "<b>", "",
                                   "dependabot[bot]", "a.b", EVIL_LOGIN])
def test_logins_that_are_not_github_logins_get_no_page(login: str) -> None:
    assert person_page(login) is None


def test_good_ids_and_logins_get_pages() -> None:
    assert item_page("remote-cache-2") == "items/remote-cache-2.html"
    assert person_page("Bob-Dev") == "people/bob-dev.html"


@pytest.mark.parametrize("relative", ["../x.html", "/etc/passwd", "a/../../x", "a\\b", "",
                                      "a//b", "./x"])
def test_writer_refuses_paths_outside_the_folder(tmp_path: Path, relative: str) -> None:
    with pytest.raises(InputError):
        inside(tmp_path / "site", relative)


def test_hostile_ids_and_logins_write_nothing_outside(hostile: Built) -> None:
    folder = hostile.out.parent
    outside = [p for p in folder.rglob("*") if p.is_file()
               and not p.is_relative_to(hostile.out) and not p.name.startswith("store.db")]
    assert outside == []
    names = {p.relative_to(hostile.out).as_posix() for p in hostile.out.rglob("*.html")}
    assert all(re.fullmatch(r"(items|people)/[a-z0-9-]+\.html|[a-z-]+\.html|people/index"
                            r"\.html", n) for n in names), names
    ids = [i["id"] for i in _json(hostile)["items"]]
    assert "../../outside" in ids  # shown on the overview, with no page of its own
    assert "Traversal" in " ".join(parse(hostile.out / "index.html").text)


def test_a_tampered_manifest_cannot_delete_outside(fresh: Built, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    manifest = json.loads((fresh.out / MANIFEST).read_text())
    manifest["files"]["../victim.txt"] = [7, 0]
    manifest["inputs"] = "changed"
    (fresh.out / MANIFEST).write_text(json.dumps(manifest))
    build(fresh.store, fresh.out)
    assert victim.read_text() == "keep me"


# -- incremental ---------------------------------------------------------------------------


def test_rebuild_with_nothing_changed_writes_nothing(fresh: Built) -> None:
    before = all_stats(fresh.out)
    result = build(fresh.store, fresh.out)
    assert result.skipped and result.written == [] and result.removed == []
    assert all_stats(fresh.out) == before


def test_a_change_the_pages_do_not_show_rewrites_nothing(fresh: Built) -> None:
    before = all_stats(fresh.out)
    repo_id = fresh.store.load_repo_id(REPO)
    assert repo_id is not None
    fresh.store.save_comments(repo_id, [comment(4, "passer-by", "nice", NOW, 9)], None)
    result = build(fresh.store, fresh.out)
    assert not result.skipped  # the store changed: the site was gathered and compared
    assert result.written == []
    after = all_stats(fresh.out)
    assert {n for n in before if before[n] != after[n]} == {MANIFEST}  # its new inputs


def test_a_changed_issue_rewrites_only_the_pages_showing_it(fresh: Built) -> None:
    before = all_stats(fresh.out)
    repo_id = fresh.store.load_repo_id(REPO)
    assert repo_id is not None
    # Later the same day: the overview's "newest issue activity" (a date) stays.
    fresh.store.save_issue_page(repo_id, [remote_issue(
        4, "Write the docs, renamed", state="closed", updated=NOW - timedelta(days=1.9))],
        "roadmap", None)
    result = build(fresh.store, fresh.out)
    # The changes page and the feed show #4's change ("issue added") with its title now.
    shown = {"items/documentation.html", "roadmap.json", "changes.html", "feed.xml"}
    assert set(result.written) == shown
    after = all_stats(fresh.out)
    assert {n for n in before if before[n] != after.get(n)} == {*shown, MANIFEST}
    # Only that item's page was rendered again (beside what is always made: the assets,
    # the changes page, the feed and roadmap.json); every other page kept its key.
    assets = len(list((fresh.out / "assets").iterdir()))
    assert result.rendered == assets + len(shown)


def test_a_page_changed_on_disk_is_rendered_again(fresh: Built) -> None:
    page = fresh.out / "items/faster-builds.html"
    written = page.read_bytes()
    page.write_bytes(written.replace(b"Faster builds", b"Slower builds"))
    repo_id = fresh.store.load_repo_id(REPO)
    assert repo_id is not None
    fresh.store.save_comments(repo_id, [comment(4, "passer-by", "nice", NOW, 9)], None)
    result = build(fresh.store, fresh.out)
    assert result.written == ["items/faster-builds.html"]
    assert page.read_bytes() == written


def test_a_manifest_of_an_older_format_renders_every_page_and_writes_none(
        fresh: Built) -> None:
    manifest = json.loads((fresh.out / MANIFEST).read_bytes())
    (fresh.out / MANIFEST).write_text(json.dumps({**manifest, "format": 1}))
    result = build(fresh.store, fresh.out)
    assert result.written == [] and result.rendered == result.unchanged


def test_removed_items_and_people_lose_their_pages(fresh: Built) -> None:
    assert (fresh.out / "items/documentation.html").is_file()
    assert (fresh.out / "people/docs-person.html").is_file()
    save_roadmap(fresh.store, ROADMAP.split("## 3. Documentation")[0])
    result = build(fresh.store, fresh.out)
    assert {"items/documentation.html", "people/docs-person.html"} <= set(result.removed)
    assert not (fresh.out / "items/documentation.html").exists()
    assert not (fresh.out / "people/docs-person.html").exists()
    assert (fresh.out / "index.html").is_file()


def test_a_deleted_page_is_written_again(fresh: Built) -> None:
    (fresh.out / "changes.html").unlink()
    result = build(fresh.store, fresh.out)
    assert result.written == ["changes.html"]


def test_claims_going_stale_with_time_rebuild_the_pages_they_touch(fresh: Built) -> None:
    result = build(fresh.store, fresh.out, now=NOW + timedelta(days=60))
    assert not result.skipped
    assert "people/bob-dev.html" in result.written
    bob = " ".join(parse(fresh.out / "people/bob-dev.html").text)
    assert "stale" in bob


def test_files_it_did_not_write_are_left_alone(fresh: Built) -> None:
    (fresh.out / "CNAME").write_text("roadmap.example.org\n")
    save_roadmap(fresh.store, ROADMAP.split("## 2.")[0])
    build(fresh.store, fresh.out)
    assert (fresh.out / "CNAME").read_text() == "roadmap.example.org\n"


def site_tree(out: Path) -> dict[str, bytes]:
    """Every file of a built site but the manifest (which records when it was written)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def test_each_incremental_rebuild_is_what_a_full_build_writes(fresh: Built,
                                                                tmp_path: Path) -> None:
    repo_id = fresh.store.load_repo_id(REPO)
    assert repo_id is not None
    changes = [
        lambda: fresh.store.save_issue_page(repo_id, [remote_issue(
            1, "Cache image layers, retitled", labels=("roadmap",))], "roadmap", None),
        lambda: fresh.store.save_comments(repo_id, [comment(5, "dave", "/claim", NOW, 8)], None),
        lambda: fresh.store.save_issue_page(repo_id, [remote_issue(
            2, "Remote cache", state="closed", updated=NOW)], "roadmap", None),
        lambda: record_history(fresh.store, gather(fresh.store, config(), NOW), NOW),
        lambda: save_roadmap(fresh.store, ROADMAP.split("## 3. Documentation")[0]),
    ]
    for n, change in enumerate(changes):
        change()
        result = build(fresh.store, fresh.out)
        assert result.written, f"change {n} wrote nothing"
        full = tmp_path / f"full-{n}"
        build(fresh.store, full)
        assert site_tree(fresh.out) == site_tree(full), f"change {n}"
    later = NOW + timedelta(days=60)  # claims go stale with time alone
    build(fresh.store, fresh.out, now=later)
    build(fresh.store, tmp_path / "later", now=later)
    assert site_tree(fresh.out) == site_tree(tmp_path / "later")


# -- feed and JSON -------------------------------------------------------------------------


def test_feed_parses_as_atom(hostile: Built) -> None:
    root = ET.parse(hostile.out / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)


def test_roadmap_json_has_a_schema_and_the_documented_keys(hostile: Built) -> None:
    data = _json(hostile)
    assert data["schema"] == 1
    assert list(data) == ["schema", "title", "base_url", "last_sync", "data_as_of", "totals",
                          "items", "people", "help_wanted", "changes"]
    item = data["items"][0]
    for key in ("id", "number", "title", "parent", "children", "page", "status", "declared",
                "progress", "people", "owners", "issues", "history", "body", "tasks"):
        assert key in item
    issue = next(i for item in data["items"] for i in item["issues"])
    for key in ("repo", "number", "title", "url", "state", "labels", "claims", "pulls"):
        assert key in issue


def test_pages_do_not_depend_on_the_clock(tmp_path: Path) -> None:
    """Built twice from the same data an hour apart: the same bytes."""
    first = hostile_site(tmp_path / "a")
    second = hostile_site(tmp_path / "b")
    later = build(second.store, tmp_path / "c", now=NOW + timedelta(hours=1))
    assert later.written
    for path in sorted(first.out.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            relative = path.relative_to(first.out)
            assert (tmp_path / "c" / relative).read_bytes() == path.read_bytes(), relative
    first.store.close()
    second.store.close()


# -- roadmap build, site build and serve from the command line -----------------------------


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This repository's ROADMAP.md and pyproject.toml, with no token and no gh."""
    shutil.copy(ROOT / "ROADMAP.md", tmp_path / "ROADMAP.md")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "ROADMAP_DATABASE_URL", "GITHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-gh"))
    return tmp_path


def test_roadmap_build_makes_the_whole_site_with_no_token(checkout: Path) -> None:
    result = run("build")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("roadmap Project Roadmap — ROADMAP.md:")
    assert "sync skipped: no GitHub token" in result.output
    assert "example export" in result.output
    site = checkout / "_site"
    for name in ("report.md", *PAGE_TYPES[:4], "feed.xml", "roadmap.json"):
        assert (site / name).is_file(), name
    data = json.loads((site / "roadmap.json").read_text())
    assert len(data["items"]) == 13
    assert all((site / i["page"]).is_file() for i in data["items"])
    assert {p["login"] for p in data["people"]} >= {"esme-o", "dnovak", "bkowalski"}
    assert all((site / p["page"]).is_file() for p in data["people"])
    assert data["help_wanted"]
    # The first sync's facts are where history starts, not changes (issue 13).
    assert data["changes"] == []
    assert "No change recorded yet" in (site / "changes.html").read_text(encoding="utf-8")
    feed = ET.parse(site / "feed.xml").getroot()
    assert feed.findall(f"{ATOM}entry") == []

    again = run("build")
    assert again.exit_code == 0, again.output
    assert "up to date" in again.output


def test_roadmap_build_imports_a_given_export(checkout: Path) -> None:
    export = ROOT / "roadmap" / "examples" / "roadmap-issues.json"
    result = run("build", "--import", str(export), "--out", "public")
    assert result.exit_code == 0, result.output
    assert f"imported {export}" in result.output
    assert (checkout / "public" / "index.html").is_file()


def test_site_build_command(checkout: Path) -> None:
    assert run("build").exit_code == 0
    result = run("site", "build", "--out", "elsewhere", "--base-url", BASE)
    assert result.exit_code == 0, result.output
    assert (checkout / "elsewhere" / "items" / "claims.html").is_file()
    assert run("site", "build", "--base-url", "nope").exit_code == 2


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read()


def test_preview_serves_rebuilds_on_change_and_stops(fresh: Built, tmp_path: Path) -> None:
    roadmap = tmp_path / "ROADMAP.md"
    roadmap.write_text(ROADMAP, encoding="utf-8")

    def rebuild() -> str:
        save_roadmap(fresh.store, roadmap.read_text(encoding="utf-8"))
        return build(fresh.store, fresh.out).summary()

    with serve_site(fresh.out, 0, rebuild, [roadmap], interval=0.1) as preview:
        assert preview.url.startswith("http://127.0.0.1:")
        status, body = _get(preview.url + "index.html")
        assert status == 200 and b"Faster builds" in body
        roadmap.write_text(ROADMAP + "\n## 4. Brand new\n", encoding="utf-8")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and preview.rebuilds == 0:
            time.sleep(0.1)
        assert preview.rebuilds >= 1
        assert _get(preview.url + "items/brand-new.html")[0] == 200
        url = preview.url
    with pytest.raises(urllib.error.URLError):
        _get(url + "index.html")


def test_preview_on_a_busy_port_is_one_clear_error(fresh: Built) -> None:
    with serve_site(fresh.out, 0, lambda: "", []) as first:
        port = int(first.url.rsplit(":", 1)[1].strip("/"))
        with pytest.raises(InputError, match=f"cannot serve on 127.0.0.1:{port}"), \
                serve_site(fresh.out, port, lambda: "", []):
            pass


def test_site_serve_command_serves_and_stops_on_ctrl_c(checkout: Path) -> None:
    command = [sys.executable, "-c", "from roadmap.cli import main; main()", "site", "serve",
               "--port", "0"]
    with subprocess.Popen(command, cwd=checkout, stderr=subprocess.PIPE,
                          stdout=subprocess.DEVNULL, text=True) as process:
        try:
            assert process.stderr is not None
            line = ""
            deadline = time.monotonic() + 60
            while "serving" not in line and time.monotonic() < deadline:
                line = process.stderr.readline()
            match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            assert match, line
            status, body = _get(match.group(1) + "index.html")
            assert status == 200 and b"roadmap Project Roadmap" in body
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
            assert "stopped" in process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
        with pytest.raises(urllib.error.URLError):
            _get(match.group(1) + "index.html")


def test_example_site_builds(tmp_path: Path) -> None:
    out = example_site(tmp_path)
    data = json.loads((out / "roadmap.json").read_text())
    assert data["title"] == "roadmap Project Roadmap"
    statuses = {i["id"]: i["status"] for i in data["items"]}
    assert statuses["the-published-site"] == "in-progress"
    assert statuses["a-parser-for-every-common-roadmap-style"] == "done"


# -- what the screens say (issue 13) --------------------------------------------------------


def _two_syncs(folder: Path) -> Built:
    """A first sync that finds bob-dev's claim on #2, made a week before it, then a sync
    that finds carol's claim on #1, made half a day before that one."""
    store = Store.open(f"sqlite:///{folder / 'store.db'}")
    save_roadmap(store)
    repo_id = store.save_repo(RemoteRepo(1, REPO, f"https://github.com/{REPO}"))
    store.save_issue_page(repo_id, [remote_issue(1, "Cache image layers"),
                                    remote_issue(2, "Remote cache")], "roadmap", None)
    store.save_comments(repo_id, [comment(2, "bob-dev", "Hi! /claim", when(9))], None)
    record_history(store, gather(store, config(), when(2)), when(2))
    store.save_comments(repo_id, [comment(1, "carol", "/claim", when(1.5))], None)
    record_history(store, gather(store, config(), NOW), NOW)
    out = folder / "site"
    return Built(store, out, build(store, out))


def test_changes_leave_out_the_first_sync_and_are_dated_as_on_github(tmp_path: Path) -> None:
    built = _two_syncs(tmp_path)
    try:
        changes = _json(built)["changes"]
        # Only what the second sync found, dated at carol's comment, not at the sync.
        assert [(c["kind"], c["subject"], c["detail"], c["at"]) for c in changes] == [
            ("claimed", f"{REPO}#1", "@carol", "2026-11-29T00:00:00Z")]
        assert (changes[0]["issue_title"], changes[0]["issue_url"]) == (
            "Cache image layers", f"https://github.com/{REPO}/issues/1")
        page = parse(built.out / "changes.html")
        assert f"https://github.com/{REPO}/issues/1" in page.links()
        text = " ".join(" ".join(page.text).split())
        assert "2026-11-29 claimed acme/widgets#1 Cache image layers: @carol" in text
        assert "bob-dev" not in text  # the first sync's claim is where history starts
        feed = ET.parse(built.out / "feed.xml").getroot()
        (entry,) = feed.findall(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == (
            "claimed: acme/widgets#1 Cache image layers (Faster builds)")
        assert entry.findtext(f"{ATOM}updated") == "2026-11-29T00:00:00Z"
    finally:
        built.store.close()


def test_an_items_history_dates_a_claim_as_its_card_does(tmp_path: Path) -> None:
    built = _two_syncs(tmp_path)
    try:
        item = next(i for i in _json(built)["items"] if i["id"] == "remote-cache")
        (claim,) = item["issues"][0]["claims"]
        assert claim["since"] == "2026-11-21T12:00:00Z"  # bob-dev's comment, 9 days ago
        assert [(h["kind"], h["at"]) for h in item["history"]] == [
            ("claimed", "2026-11-21T12:00:00Z")]
        text = " ".join(" ".join(parse(built.out / "items/remote-cache.html").text).split())
        assert "claimed it 2026-11-21" in text and "2026-11-21 claimed acme/widgets#2" in text
    finally:
        built.store.close()


def test_a_tracking_issue_in_an_items_text_is_a_link(hostile: Built) -> None:
    page = parse(hostile.out / "items/remote-cache.html")
    prose = (hostile.out / "items/remote-cache.html").read_text(encoding="utf-8")
    assert f'Tracking issue: <a href="https://github.com/{REPO}/issues/2"' in prose
    assert f"https://github.com/{REPO}/issues/2" in page.links()


def test_an_item_with_no_issue_is_no_disagreement(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        save_roadmap(store)
        out = tmp_path / "site"
        build(store, out)
        html = (out / "items/remote-cache.html").read_text(encoding="utf-8")
        assert "disagree" not in html
        assert "No issue is linked to this item yet." in html
    finally:
        store.close()


def test_help_wanted_chips_leave_out_the_roadmap_label_and_say_good_first_once(
        tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        save_roadmap(store)
        repo_id = store.save_repo(RemoteRepo(1, REPO, f"https://github.com/{REPO}"))
        store.save_issue_page(repo_id, [remote_issue(
            1, "Cache image layers", labels=("roadmap", "good first issue", "area/cache"))],
            "roadmap", None)
        out = tmp_path / "site"
        build(store, out)
        html = (out / "help-wanted.html").read_text(encoding="utf-8")
        (card,) = [c for c in html.split('<li class="card"')[1:] if "Cache image layers" in c]
        assert card.count(">good first issue<") == 1  # the badge, no chip besides
        assert '<li class="label">area/cache</li>' in card
        assert '<li class="label">roadmap</li>' not in html
        item = (out / "items/faster-builds.html").read_text(encoding="utf-8")
        assert '<li class="label">good first issue</li>' in item  # no badge there
        assert '<li class="label">roadmap</li>' not in item
    finally:
        store.close()


def test_people_cards_name_the_issues_by_title_active_work_first(hostile: Built) -> None:
    people = _json(hostile)["people"]
    assert people[0]["active"] >= 1  # never "0 active, 3 stale" first
    claimants = [p["active"] for p in people if p["issues"]]
    assert claimants == sorted(claimants, reverse=True)
    text = " ".join(" ".join(parse(hostile.out / "people/index.html").text).split())
    assert "acme/widgets#2 Remote cache" in text
