"""Configuration: `[tool.roadmap]` in pyproject.toml, or a roadmap.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from roadmap.errors import ConfigError, InputError
from roadmap.linear import find_slow_probe
from roadmap.model import parse_org, parse_repo

DEFAULT_LABEL = "roadmap"


@dataclass(slots=True, frozen=True)
class Housekeeping:
    """Opt-in care of claims by `roadmap respond` (`[tool.roadmap.housekeeping]`); all off
    by default."""

    #: Remind a claimant after this many days without activity (0: never).
    remind_days: int = 0
    #: Release a claim with no activity for `claim_expiry_days`, saying why.
    release: bool = False
    #: Issues with this label get neither reminders nor releases.
    pin_label: str | None = None
    #: How many active claims one person may hold at once (0: no cap).
    max_claims: int = 0

    @property
    def sweeps(self) -> bool:
        """Whether a scheduled run has anything to do."""
        return bool(self.remind_days or self.release)


@dataclass(slots=True, frozen=True)
class Config:
    """Settings, with paths resolved against the folder of the file they came from."""

    roadmap: Path = Path("ROADMAP.md")
    repos: tuple[str, ...] = ()
    #: An organisation whose repositories with labelled issues are synced too (`--org`).
    org: str | None = None
    label: str = DEFAULT_LABEL
    claim_expiry_days: int = 30
    stale_days: int = 30
    #: Regular expressions for claim and release comments; empty means the defaults.
    claim_patterns: tuple[str, ...] = ()
    release_patterns: tuple[str, ...] = ()
    housekeeping: Housekeeping = Housekeeping()
    #: How often a roadmap of more than 500 issues has its issue list swept whole (which
    #: sees what moves no `updated_at`, such as sub-issues added); smaller ones, every sync.
    sweep_hours: int = 24
    #: The file the settings were read from, or None for the defaults.
    source: Path | None = None

    @property
    def default_repo(self) -> str | None:
        """The repository `#123` means: the first configured, or None."""
        return self.repos[0] if self.repos else None

    def repo_or_default(self, given: str | None) -> str | None:
        """`--repo OWNER/NAME` when given (checked), else the default repository."""
        return parse_repo(given) if given else self.default_repo

    @property
    def sync_window(self) -> timedelta:
        """How far back a first sync reads events and closed pull requests: older ones
        change no claim and no status."""
        return timedelta(days=max(self.claim_expiry_days, self.stale_days))


_TYPES: dict[str, type] = {
    "roadmap": str, "repos": list, "org": str, "label": str, "claim_expiry_days": int,
    "stale_days": int, "claim_patterns": list, "release_patterns": list, "housekeeping": dict,
    "sweep_hours": int,
}
_HOUSEKEEPING: dict[str, type] = {"remind_days": int, "release": bool, "pin_label": str,
                                  "max_claims": int}


def as_typed(path: Path) -> Path:
    """A path as the user would type it: relative when it lies under the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def find_config(start: Path) -> Path | None:
    """The nearest roadmap.toml, or pyproject.toml with a [tool.roadmap] table, upwards."""
    for folder in (start, *start.parents):
        candidate = folder / "roadmap.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "tool" in _read(pyproject) and \
                "roadmap" in _read(pyproject)["tool"]:
            return pyproject
        if (folder / ".git").exists():
            break
    return None


def load_config(path: Path | None, start: Path | None = None) -> Config:
    """Settings from `path`, or from the nearest configuration file, or the defaults."""
    start = start or Path.cwd()
    path = path or find_config(start)
    if path is None:
        return Config(roadmap=start / "ROADMAP.md")
    data = _read(path)
    table = data.get("tool", {}).get("roadmap", {}) if path.name == "pyproject.toml" else data
    return _from_table(table, path)


def _read(path: Path) -> dict[str, Any]:
    import tomllib  # only with a configuration file: a few ms of `roadmap parse` otherwise

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def _did_you_mean(key: str) -> str:
    """` (did you mean `repos`?)` for a setting close to a known one, else ""."""
    import difflib

    close = difflib.get_close_matches(key.lower(), _TYPES, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _from_table(table: dict[str, Any], path: Path) -> Config:
    where = f"{path}: [tool.roadmap]" if path.name == "pyproject.toml" else str(path)
    for key, value in table.items():
        expected = _TYPES.get(key)
        if expected is None:
            raise ConfigError(f"{where}: unknown setting {key!r}{_did_you_mean(key)}")
        if not isinstance(value, expected) or isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be a {expected.__name__}")
    repos = table.get("repos", [])
    try:
        repos = [parse_repo(r) for r in repos]
    except InputError as error:
        raise ConfigError(f"{where}: repos: {error}") from None
    org = table.get("org")
    try:
        org = None if org is None else parse_org(org)
    except InputError as error:
        raise ConfigError(f"{where}: org: {error}") from None
    if table.get("sweep_hours", 24) < 1:
        raise ConfigError(f"{where}: sweep_hours must be at least 1")
    patterns = {key: _patterns(table.get(key, []), f"{where}: {key}")
                for key in ("claim_patterns", "release_patterns")}
    expiry = table.get("claim_expiry_days", 30)
    return Config(
        roadmap=path.parent / table.get("roadmap", "ROADMAP.md"),
        housekeeping=_housekeeping(table.get("housekeeping", {}), where, expiry),
        **patterns,
        repos=tuple(repos),
        org=org,
        label=table.get("label", DEFAULT_LABEL),
        claim_expiry_days=expiry,
        stale_days=table.get("stale_days", 30),
        sweep_hours=table.get("sweep_hours", 24),
        source=path,
    )


def _housekeeping(table: dict[str, Any], where: str, expiry_days: int) -> Housekeeping:
    where = f"{where}: housekeeping"
    for key, value in table.items():
        expected = _HOUSEKEEPING.get(key)
        if expected is None:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: {key} must be a {expected.__name__}")
        if isinstance(value, int) and value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
    found = Housekeeping(**table)
    if found.remind_days and found.remind_days >= expiry_days:
        raise ConfigError(f"{where}: remind_days must be less than claim_expiry_days "
                          f"({expiry_days}), or the claim is stale before the reminder")
    return found


def _patterns(values: list[Any], where: str) -> tuple[str, ...]:
    """Claim or release patterns, each compiled as it is used (case-insensitive) and
    refused unless it searches a comment line in linear time (see `roadmap.linear`)."""
    checked = []
    for value in values:
        try:
            compiled = re.compile(value, re.IGNORECASE)
        except (re.error, TypeError) as error:
            raise ConfigError(f"{where}: not a regular expression ({error})") from None
        slow = find_slow_probe(compiled)
        if slow is not None:
            raise ConfigError(f"{where}: {value!r} is not linear, so a long comment line "
                              f"could stall every command: {slow}")
        checked.append(compiled.pattern)
    return tuple(checked)
