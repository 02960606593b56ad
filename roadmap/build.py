"""`roadmap build`: the whole job in one run, as a schedule runs it.

Parse and lint the roadmap; fill the store (an `--import` export, else a sync when
there is a token and configured repositories, else nothing, with a note); record
what changed; write `report.md` and the site into one folder.

With no token and no export, this project's own roadmap still gets a full site:
the package ships an export of its issues (`roadmap/examples/roadmap-issues.json`),
used when the roadmap follows that repository and the store holds none of its
issues yet, so a fresh clone builds the real site offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from roadmap.config import Config
from roadmap.model import Problem, Roadmap
from roadmap.site.build import SiteResult, build_site
from roadmap.store import Store
from roadmap.sync import SyncSettings
from roadmap.track.status import Overview

EXAMPLE_EXPORT = Path(__file__).resolve().parent / "examples" / "roadmap-issues.json"
EXAMPLE_REPO = "roadmap-tool/roadmap"
REPORT_NAME = "report.md"


@dataclass(slots=True)
class BuildOutcome:
    """What `roadmap build` did, for the command to print."""

    roadmap: Roadmap
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    report: Path | None = None
    site: SiteResult | None = None

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def run_build(store: Store, config: Config, out: Path, now: datetime, sync: SyncSettings,
              import_file: Path | None = None, base_url: str | None = None) -> BuildOutcome:
    """Parse, lint, fill the store, record history, write the report and the site."""
    from roadmap.parse import parse_configured
    from roadmap.parse.lint import lint_roadmap
    from roadmap.track.history import record_history
    from roadmap.track.overview import gather

    roadmap = parse_configured(config)
    outcome = BuildOutcome(roadmap, lint_roadmap(roadmap))
    store.save_items(roadmap)
    outcome.notes += fill_store(store, config, roadmap.repo, import_file, sync)
    overview = gather(store, config, now, roadmap.items)
    changed = record_history(store, overview, now)
    outcome.notes.append(f"history: {changed} change{'s' if changed != 1 else ''} recorded")
    outcome.report = write_report(store, overview, roadmap.title, now, out / REPORT_NAME)
    outcome.notes.append(f"report: {outcome.report}")
    outcome.site = build_site(store, config, out, now, base_url=base_url, title=roadmap.title,
                              repo=roadmap.repo, overview=overview)
    outcome.notes.append(outcome.site.summary())
    return outcome


def fill_store(store: Store, config: Config, repo: str | None, import_file: Path | None,
               sync: SyncSettings) -> list[str]:
    """Import the given export, or sync, or say why not (and use the example if it fits)."""
    if import_file is not None:
        return [import_export(store, import_file, config.label)]
    if sync.token and (config.repos or config.org):
        return sync_configured(store, config, sync)
    why = "no `repos` nor `org` in the configuration" if sync.token else \
        "no GitHub token (GITHUB_TOKEN, GH_TOKEN or `gh auth token`)"
    notes = [f"sync skipped: {why}"]
    if EXAMPLE_REPO in (config.repos or (repo,)):
        notes.append(_use_example(store, config.label))
    return notes


def import_export(store: Store, path: Path, label: str) -> str:
    """Load a `gh issue list --json` export, as `roadmap import` does."""
    from roadmap.github.export import read_export
    from roadmap.sync import save_export

    done = save_export(store, read_export(path, None), label)
    return f"imported {path}: {done.issues} issues and {done.comments} comments of {done.repo}"


def _use_example(store: Store, label: str) -> str:
    repo_id = store.load_repo_id(EXAMPLE_REPO, synced=False)
    if repo_id is not None and store.load_issue_ids(repo_id):
        return f"using the {EXAMPLE_REPO} issues already in the store"
    note = import_export(store, EXAMPLE_EXPORT, label)
    return note.replace(str(EXAMPLE_EXPORT), "the example export shipped with roadmap", 1)


def sync_configured(store: Store, config: Config, sync: SyncSettings) -> list[str]:
    """Sync the configured repositories, incrementally."""
    from roadmap.sync import Options, sync_github

    summaries = sync_github(store, sync, list(config.repos), config.label, False,
                            Options.of(config), org=config.org)
    return [f"synced {summary.line()}" for summary in summaries]


def write_report(store: Store, overview: Overview, title: str | None, now: datetime,
                 path: Path) -> Path:
    """The Markdown status report, since the previous one; remembered for the next."""
    from roadmap.report.gather import build_report
    from roadmap.report.render import render_report

    text = render_report(build_report(store, overview, title, now, None), "md")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    store.save_report(now, "md")
    return path
