"""`roadmap site build`: the published roadmap, a static site, written incrementally.

Gather, then write: the whole site is gathered into one `Site` (`roadmap.json`),
rendered into files, and only files whose bytes differ are written. Before any of
that, a digest of everything a page could show (the store's version, the
templates, the assets, the settings) is compared with the last build's: when it
matches, the files are as they were and nothing goes stale before `valid_until`,
the build stops there, having read a few aggregates instead of the whole store.
Otherwise a page whose own key (a digest of what it shows, `site.keys`) is the one
the last build recorded, its file untouched, is not rendered again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from roadmap import __version__
from roadmap.config import Config
from roadmap.errors import InputError
from roadmap.model import Roadmap
from roadmap.site.gather import gather_site, valid_until
from roadmap.site.render import load_assets, render_site, templates_digest
from roadmap.site.write import kept_on_disk, load_manifest, unchanged_on_disk, write_files
from roadmap.store import Store
from roadmap.store.site import load_store_version
from roadmap.track.overview import gather, stamp
from roadmap.track.status import Overview

DEFAULT_OUT = "_site"
#: Bumped when the site's code changes what it writes, so an old build is not trusted.
SITE_FORMAT = 1


@dataclass(slots=True)
class SiteResult:
    """What a build did to the output folder."""

    out: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    #: Nothing could have changed since the last build: no page was even rendered.
    skipped: bool = False
    #: How many files were made (rendered or copied); the other pages were kept as they
    #: were, their keys unchanged (see `site.keys`).
    rendered: int = 0

    def summary(self) -> str:
        if self.skipped or not (self.written or self.removed):
            return f"site: {self.out} is up to date ({self.unchanged} files unchanged)"
        return (f"site: {self.out}: {len(self.written)} files written, {self.unchanged} "
                f"unchanged, {len(self.removed)} removed; open {self.out / 'index.html'}")


def default_out(config: Config) -> Path:
    """`_site` beside the roadmap."""
    return config.roadmap.parent / DEFAULT_OUT


def check_base_url(url: str | None) -> str | None:
    """An absolute http(s) URL ending in `/`, or an InputError."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or \
            parts.fragment or any(ch in url for ch in "\"'<>` \t\n"):
        raise InputError(f"--base-url: not an http(s) URL of a folder: {url!r}")
    return url.strip().rstrip("/") + "/"


def refresh_items(store: Store, config: Config) -> Roadmap | None:
    """Parse the configured roadmap into the store (as every reading command does)."""
    from roadmap.parse import parse_configured

    if not config.roadmap.is_file():
        return None
    roadmap = parse_configured(config)
    store.save_items(roadmap)
    return roadmap


def build_site(store: Store, config: Config, out: Path, now: datetime, *,
               base_url: str | None = None, title: str | None = None,
               repo: str | None = None, overview: Overview | None = None) -> SiteResult:
    """Write the site for the store's items and issues into `out`, changing only what
    changed. `overview` saves gathering again when the caller has one for `now`."""
    base_url = check_base_url(base_url)
    frame = _frame(config, base_url, title, repo)
    inputs = hashlib.sha256(f"{frame}:{load_store_version(store)}".encode()).hexdigest()
    previous = load_manifest(out)
    if (previous.inputs == inputs and _holds(previous.valid_until, now)
            and unchanged_on_disk(out, previous)):
        return SiteResult(out, unchanged=len(previous.files), skipped=True)
    overview = overview or gather(store, config, now)
    site = gather_site(store, overview, title, base_url, config.label)
    pages = render_site(site, repo, frame=frame,
                        keep=lambda name, key: kept_on_disk(out, previous, name, key))
    until = valid_until(overview, config.claim_expiry_days, config.stale_days)
    done = write_files(out, pages.files, previous, inputs, stamp(until), pages.keys,
                       pages.kept)
    return SiteResult(out, done.written, len(done.unchanged), done.removed,
                      rendered=len(pages.files))


def build_configured_site(store: Store, config: Config, out: Path, now: datetime,
                          base_url: str | None = None) -> SiteResult:
    """`roadmap site build`: refresh the items from the roadmap file, then build."""
    roadmap = refresh_items(store, config)
    repo = roadmap.repo if roadmap else config.default_repo
    return build_site(store, config, out, now, base_url=base_url,
                      title=roadmap.title if roadmap else None, repo=repo)


def _holds(until: str | None, now: datetime) -> bool:
    """Whether nothing goes stale between the last build and `now`."""
    return until is None or str(stamp(now)) < until  # both `YYYY-MM-DDTHH:MM:SSZ`


def _frame(config: Config, base_url: str | None, title: str | None,
           repo: str | None) -> str:
    """A digest of what every page could show beyond the store: the settings, the
    templates and the assets."""
    settings = (SITE_FORMAT, __version__, base_url, title, repo, config.label,
                config.claim_expiry_days, config.stale_days, config.claim_patterns,
                config.release_patterns, config.repos)
    digest = hashlib.sha256(repr(settings).encode())
    digest.update(templates_digest().encode())
    digest.update(repr(sorted(load_assets().names.values())).encode())
    return digest.hexdigest()
