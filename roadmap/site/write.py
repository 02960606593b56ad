"""Writing the site: safe file names, and a folder changed only where the bytes differ.

Item ids and logins come from ROADMAP.md and GitHub and end up in file names, so
they are checked against the shapes they must have (a slug; GitHub's login
pattern) and every path is checked to stay inside the output folder. The manifest
(`.roadmap-site.json`) lists the files the last build wrote, so pages of removed
items and people are deleted and nothing else in the folder ever is, and with each
page the digest of what it shows, so an unchanged page is not even rendered again.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from roadmap.errors import InputError
from roadmap.model import is_login

MANIFEST = ".roadmap-site.json"
MANIFEST_FORMAT = 2
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def item_page(item_id: str) -> str | None:
    """`items/<id>.html`, or None when the id is not a slug (no page is made for it)."""
    return f"items/{item_id}.html" if len(item_id) <= 200 and _ID.fullmatch(item_id) else None


def person_page(login: str) -> str | None:
    """`people/<login>.html` (lower case), or None when it is not a GitHub login."""
    return f"people/{login.lower()}.html" if is_login(login) else None


def inside(out: Path, relative: str) -> Path:
    """`out/relative`, refusing anything that could land outside `out`."""
    parts = relative.split("/")
    if ("\\" in relative or "\x00" in relative
            or any(part in ("", ".", "..") for part in parts)):
        raise InputError(f"refusing to write {relative!r}: not a plain path inside the site")
    target = out.joinpath(*parts)
    if not target.resolve().is_relative_to(out.resolve()):
        raise InputError(f"refusing to write {relative!r}: it leads outside {out}")
    return target


@dataclass(slots=True, frozen=True)
class Entry:
    """A file as the last build left it: its size and mtime, and the digest of what the
    page shows (`site.keys`; "" for a file always compared by its bytes)."""

    size: int
    mtime: int
    key: str = ""


@dataclass(slots=True)
class Manifest:
    """What the last build wrote: its inputs, until when they hold, and each file's entry."""

    inputs: str = ""
    valid_until: str | None = None
    files: dict[str, Entry] = field(default_factory=dict)

    def to_json(self) -> bytes:
        data = {"format": MANIFEST_FORMAT, "inputs": self.inputs,
                "valid_until": self.valid_until,
                "files": {name: [e.size, e.mtime, e.key]
                          for name, e in sorted(self.files.items())}}
        return (json.dumps(data, indent=1) + "\n").encode()


def load_manifest(out: Path) -> Manifest:
    """The last build's manifest, or an empty one (a first build, an older format, or a
    damaged file: then every page is rendered and compared with the disk)."""
    try:
        data = json.loads((out / MANIFEST).read_bytes())
        if data.get("format") != MANIFEST_FORMAT:
            return Manifest()
        files = {str(name): Entry(int(size), int(mtime), str(key))
                 for name, (size, mtime, key) in data["files"].items()}
        return Manifest(str(data["inputs"]), data.get("valid_until"), files)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return Manifest()


def _as_written(out: Path, name: str, entry: Entry) -> bool:
    """Whether `name` is still on disk as the last build wrote it."""
    try:
        stat = inside(out, name).stat()
    except (OSError, InputError):
        return False
    return (stat.st_size, stat.st_mtime_ns) == (entry.size, entry.mtime)


def unchanged_on_disk(out: Path, manifest: Manifest) -> bool:
    """Whether every file the manifest lists is still there as it was written."""
    return bool(manifest.files) and all(_as_written(out, name, entry)
                                        for name, entry in manifest.files.items())


def kept_on_disk(out: Path, manifest: Manifest, name: str, key: str) -> bool:
    """Whether the page `name` on disk is what the last build wrote for the same `key`
    (what the page shows), so rendering it again would give the same bytes."""
    entry = manifest.files.get(name)
    return bool(key) and entry is not None and entry.key == key and \
        _as_written(out, name, entry)


@dataclass(slots=True)
class Written:
    """What a write changed: files written, left as they were, and removed."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def write_files(out: Path, files: dict[str, bytes], previous: Manifest, inputs: str,
                valid_until: str | None, keys: dict[str, str] | None = None,
                kept: list[str] | None = None) -> Written:
    """Write the files whose bytes differ, keep those `kept` as they are (not rendered:
    the same `keys` as last time), remove those the last build made and this one does
    not, and record the new manifest."""
    out.mkdir(parents=True, exist_ok=True)
    keys, kept = keys or {}, kept or []
    result = Written(unchanged=list(kept))
    entries = {name: previous.files[name] for name in kept}
    for name, data in files.items():
        target = inside(out, name)
        if _same(target, data):
            result.unchanged.append(name)
        else:
            _write(target, data)
            result.written.append(name)
        stat = target.stat()
        entries[name] = Entry(stat.st_size, stat.st_mtime_ns, keys.get(name, ""))
    for name in sorted(set(previous.files) - set(entries)):
        try:
            inside(out, name).unlink()
        except (FileNotFoundError, InputError):
            continue
        result.removed.append(name)
    manifest = Manifest(inputs, valid_until, entries).to_json()
    if not _same(out / MANIFEST, manifest):
        _write(out / MANIFEST, manifest)
    return result


def _same(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _write(target: Path, data: bytes) -> None:
    """Replace a file in one step, so a reader never sees half a page."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
