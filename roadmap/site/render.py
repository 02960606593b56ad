"""Render the gathered site into files: pages, feed, `roadmap.json` and assets.

Templates are `templates/site/*.j2`. Every file the site renders is HTML or XML, so
its environment escapes everything, whatever the template is called; it carries the
filters of the project's one Jinja environment (`report.jinja_env`). Links between
pages are relative (`root` is `""` or `"../"`), so the site works from any sub-path
and from disk; `base_url` only makes the feed, `roadmap.json` and canonical links
absolute. Asset names carry a hash of their content, so a browser never keeps an
old stylesheet.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap.resources import data_path
from roadmap.site.data import Change, Site
from roadmap.site.gather import FEED_ENTRIES
from roadmap.site.keys import JsonParts, dumps, json_parts, page_keys
from roadmap.site.markdown import Resolver, link_resolver, render_inline, render_markdown

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

ASSET_SUFFIXES = (".css", ".js", ".svg", ".png", ".ico", ".woff2")
#: The pages of the whole site with a key: (path, template, navigation entry).
PAGES = (("index.html", "index.html.j2", "overview"),
         ("help-wanted.html", "help-wanted.html.j2", "help"),
         ("people/index.html", "people.html.j2", "people"))
_NAMESPACE = uuid.UUID("5b1b6a3e-52a4-4c55-9d0e-6f4d3c1f2a10")


@dataclass(slots=True, frozen=True)
class Assets:
    """The files of `site/`, under their fingerprinted names (`assets/style.1a2b3c4d5e.css`)."""

    names: dict[str, str]
    files: dict[str, bytes]


def load_assets(folder: Path | None = None) -> Assets:
    folder = folder or data_path("site")
    names, files = {}, {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix in ASSET_SUFFIXES and not path.name.startswith("."):
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            names[path.name] = f"assets/{path.stem}.{digest}{path.suffix}"
            files[names[path.name]] = data
    return Assets(names, files)


@functools.cache
def site_env() -> Environment:
    """The report environment's loader and filters, with autoescaping always on, and the
    site's own HTML pieces (`site.html`)."""
    from jinja2 import Environment, StrictUndefined

    from roadmap.markup import jinja_env
    from roadmap.site.html import FILTERS

    shared = jinja_env()
    env = Environment(loader=shared.loader, autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(shared.filters)
    env.filters.update(FILTERS)
    return env


def template_folder() -> Path:
    return data_path("templates") / "site"


@dataclass(slots=True)
class Rendered:
    """The files of a build: those rendered, the key of each page (what it shows), and
    the pages not rendered because the disk holds them for the same key."""

    files: dict[str, bytes]
    keys: dict[str, str]
    kept: list[str]


def render_site(site: Site, repo: str | None, assets: Assets | None = None, frame: str = "",
                keep: Callable[[str, str], bool] | None = None) -> Rendered:
    """Every file of the site, by its path inside the output folder; a page `keep` says
    the disk holds for its key (see `site.keys`; `frame` digests what every page shares)
    is not rendered."""
    assets = assets or load_assets()
    env = site_env()
    by_id = {item.id: item for item in site.items}
    common = {"site": site, "assets": assets.names, "by_id": by_id}
    anchors = {item.anchor: item.page for item in site.items if item.anchor and item.page}
    parts = json_parts(site)
    keys = page_keys(site, parts, frame, anchors)
    done = Rendered(dict(assets.files), keys, [])

    def wanted(path: str) -> bool:
        if keep is not None and keep(path, keys[path]):
            done.kept.append(path)
            return False
        return True

    def page(template: str, path: str, **context: Any) -> None:
        root = "../" * path.count("/")
        text = env.get_template(f"site/{template}").render(
            **common, **context, root=root, path=path)
        done.files[path] = text.encode("utf-8")

    for path, template, nav in PAGES:
        if wanted(path):
            page(template, path, nav=nav)
    resolve = _resolver(repo, anchors, "../")  # item pages are all one folder down
    for item in site.items:
        if item.page and wanted(item.page):
            page("item.html.j2", item.page, nav="overview", item=item,
                 body=_markup(render_markdown(item.body, resolve, repo)),
                 tasks=[_markup(render_inline(t.text, resolve, repo)) for t in item.tasks])
    for person in site.people:
        if person.page and wanted(person.page):
            page("person.html.j2", person.page, nav="people", person=person)
    page("changes.html.j2", "changes.html", nav="changes")  # small: always made
    done.files["feed.xml"] = render_feed(site)
    done.files["roadmap.json"] = render_json(site, parts)
    return done


def _resolver(repo: str | None, anchors: dict[str, str], root: str) -> Resolver:
    return link_resolver(repo, {anchor: root + target for anchor, target in anchors.items()})


def _markup(html: str) -> Markup:
    from markupsafe import Markup

    return Markup(html)  # markdown-it's output with raw HTML off: safe to insert


def render_json(site: Site, parts: JsonParts | None = None) -> bytes:
    """`roadmap.json`: the gathered site as it is, for other tools, from its parts (each
    item and person encoded apart, for the pages' keys), byte for byte `json.dumps` of
    the whole (compact: with `indent`, json falls back to its pure-Python encoder, twenty
    times slower on a large roadmap; the C encoder asks `plain` for each dataclass)."""
    parts = parts or json_parts(site)
    values = {**parts.rest, "items": f"[{','.join(parts.items)}]",
              "people": f"[{','.join(parts.people)}]"}
    fields = ",".join(f"{dumps(name)}:{values[name]}" for name in site.__slots__)
    return f"{{{fields}}}\n".encode()


@dataclass(slots=True, frozen=True)
class FeedEntry:
    """A change as an entry of the feed: its own id and link."""

    change: Change
    id: str
    href: str


def render_feed(site: Site) -> bytes:
    """The Atom feed of the newest changes."""
    base = site.base_url or ""
    entries = [FeedEntry(change, f"urn:uuid:{_entry_id(change)}",
                         base + (change.item_page or "changes.html"))
               for change in site.changes[:FEED_ENTRIES]]
    # With no entry, the feed changes only at a sync (not with each issue's activity).
    updated = entries[0].change.at if entries else (site.last_sync or "1970-01-01T00:00:00Z")
    feed_id = f"{base}feed.xml" if base else f"urn:uuid:{uuid.uuid5(_NAMESPACE, site.title)}"
    text = site_env().get_template("site/feed.xml.j2").render(
        site=site, entries=entries, updated=updated, feed_id=feed_id, base=base)
    return text.encode("utf-8")


def _entry_id(change: Change) -> uuid.UUID:
    key = "\x1f".join(str(v) for v in (change.at, change.kind, change.subject, change.detail))
    return uuid.uuid5(_NAMESPACE, key)


def templates_digest() -> str:
    """A digest of the site templates, so a changed template rebuilds every page."""
    digest = hashlib.sha256()
    for path in sorted(template_folder().glob("*.j2")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
