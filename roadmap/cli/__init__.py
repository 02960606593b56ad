"""The `roadmap` command line: click commands only.

Each command reads its options, calls one core function and prints the result.
Cores are imported inside the commands so `roadmap --help` stays fast; errors are
turned into one line and an exit code in `RoadmapGroup.invoke`, nowhere else.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from roadmap import __version__
from roadmap.errors import EXIT_PROBLEMS, InputError, ProblemsFound, RoadmapError

if TYPE_CHECKING:
    from datetime import datetime

    from roadmap.config import Config
    from roadmap.github.client import GitHubClient
    from roadmap.model import Roadmap
    from roadmap.respond.claim import Outcome
    from roadmap.store import Store
    from roadmap.track.status import Overview

EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class RoadmapGroup(click.Group):
    """Runs a command and turns every RoadmapError into one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RoadmapError as error:
            if _verbose(ctx):
                raise
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug: one line, and the traceback on request
            if _verbose(ctx):
                raise
            _fail(f"internal error: {type(error).__name__}: {error} "
                  "(run with -v for the traceback)", EXIT_INTERNAL)


def _verbose(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.get("verbose"))


def _fail(message: str, code: int) -> None:
    from roadmap.cli.output import terminal_safe

    click.echo(f"roadmap: {terminal_safe(message)}", err=True)
    sys.exit(code)


@click.group(cls=RoadmapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", metavar="URL", envvar="ROADMAP_DATABASE_URL",
              help="SQLAlchemy database URL (env ROADMAP_DATABASE_URL; default: SQLite "
                   "file .roadmap/roadmap.db beside the roadmap).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Configuration file (default: roadmap.toml or [tool.roadmap] in "
                   "pyproject.toml, searched upwards).")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and debug logging.")
@click.version_option(__version__, prog_name="roadmap")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, config_path: Path | None,
         verbose: bool) -> None:
    """Keep ROADMAP.md and the GitHub issues labelled `roadmap` in step.

    \b
    Exit codes: 0 ok, 1 problems found or a refused request, 2 usage or input
    error, 3 internal error, 4 `sync --no-wait` stopped at the rate limit,
    130 interrupted.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(config_path=config_path, verbose=verbose, db_url=db_url)
    if verbose:
        import logging

        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        logging.getLogger("roadmap").setLevel(logging.DEBUG)


def _config(ctx: click.Context) -> Config:
    """The configuration, read once per command."""
    from roadmap.config import load_config

    if "config" not in ctx.obj:
        ctx.obj["config"] = load_config(ctx.obj["config_path"])
    config: Config = ctx.obj["config"]
    return config


def _parse(ctx: click.Context, file: Path | None, repo: str | None) -> Roadmap:
    """Parse FILE, or the configured roadmap, resolving `#123` against the chosen repo."""
    from roadmap.model import parse_repo
    from roadmap.parse import parse_file

    config = _config(ctx)
    repo = parse_repo(repo) if repo else (config.repos[0] if config.repos else None)
    return parse_file(file or _relative(config.roadmap), repo=repo)


def _relative(path: Path) -> Path:
    """A path as the user would type it: relative when it lies under the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


@main.command()
@click.option("--workflow", is_flag=True,
              help="Also write the GitHub Actions workflow (.github/workflows/roadmap.yml).")
@click.option("--force", is_flag=True, help="Replace an existing configuration (and workflow).")
def init(workflow: bool, force: bool) -> None:
    """Write [tool.roadmap] (or roadmap.toml) with the repository and label detected here."""
    from roadmap.init import check_first, detect, render_init, write_config, write_workflow

    folder = Path.cwd()
    check_first(folder, force, workflow)
    detected = detect(folder)
    written = [write_config(folder, detected)]
    if workflow:
        written.append(write_workflow(folder))
    click.echo(render_init(detected, written))


_FILE = click.argument("file", required=False, type=click.Path(path_type=Path))
_REPO = click.option("--repo", metavar="OWNER/NAME",
                     help="Repository that bare #123 references point at.")


@main.command()
@_FILE
@_REPO
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@click.pass_context
def parse(ctx: click.Context, file: Path | None, repo: str | None, as_json: bool) -> None:
    """Print the structured items of a roadmap file (default: the configured ROADMAP.md)."""
    from roadmap.cli.output import render_roadmap_json, render_tree

    roadmap = _parse(ctx, file, repo)
    click.echo(render_roadmap_json(roadmap) if as_json else render_tree(roadmap))


@main.command()
@_FILE
@_REPO
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.pass_context
def lint(ctx: click.Context, file: Path | None, repo: str | None, strict: bool) -> None:
    """Report problems as FILE:LINE: SEVERITY: MESSAGE; exit 1 when there is an error."""
    from roadmap.cli.output import render_problems
    from roadmap.parse.lint import lint_roadmap

    roadmap = _parse(ctx, file, repo)
    problems = lint_roadmap(roadmap)
    if problems:
        click.echo(render_problems(roadmap.source, problems))
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        raise ProblemsFound(f"{roadmap.source}: {len(failing)} problem(s) found")


_OUT = click.option("--out", type=click.Path(path_type=Path, file_okay=False),
                    help="Output folder (default: _site beside the roadmap).")
_BASE_URL = click.option("--base-url", metavar="URL",
                         help="Where the site is published (https://org.github.io/project/): "
                              "absolute links in the feed and roadmap.json.")


@main.command()
@click.option("--import", "import_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Load this `gh issue list --json` export instead of syncing.")
@_OUT
@_BASE_URL
@click.pass_context
def build(ctx: click.Context, import_file: Path | None, out: Path | None,
          base_url: str | None) -> None:
    """The main job: parse and lint ROADMAP.md, sync (or import), write the report and site."""
    from roadmap.build import run_build
    from roadmap.cli.output import render_build
    from roadmap.cli.progress import Feedback
    from roadmap.github.client import api_url_from_env, find_token
    from roadmap.site.build import default_out
    from roadmap.sync import SyncSettings

    config, feedback = _config(ctx), Feedback()
    with feedback.progress() as progress:
        sync = SyncSettings(None if import_file else find_token(), api_url_from_env(),
                            feedback.wait, progress)
        outcome = run_build(_store(ctx), config, _relative(out or default_out(config)),
                            _now(), sync, import_file, base_url)
    click.echo(render_build(outcome))
    if outcome.failed:
        sys.exit(EXIT_PROBLEMS)


@main.group("site")
def site_group() -> None:
    """The published roadmap: a static site to build, or to preview on this machine."""


@site_group.command("build")
@_OUT
@_BASE_URL
@click.pass_context
def site_build(ctx: click.Context, out: Path | None, base_url: str | None) -> None:
    """Write the site: overview, item and people pages, help wanted, changes, feed, JSON."""
    from roadmap.site.build import build_configured_site, default_out

    config = _config(ctx)
    result = build_configured_site(_store(ctx), config, _relative(out or default_out(config)),
                                   _now(), base_url)
    click.echo(result.summary())


@site_group.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@_OUT
@click.pass_context
def site_serve(ctx: click.Context, port: int, out: Path | None) -> None:
    """Build the site, serve it on 127.0.0.1, and rebuild when the roadmap or store changes."""
    from roadmap.site.build import build_configured_site, default_out
    from roadmap.site.serve import serve_site, store_files

    config, store = _config(ctx), _store(ctx)
    folder = _relative(out or default_out(config))

    def rebuild() -> str:
        return build_configured_site(store, config, folder, _now()).summary()

    click.echo(rebuild())
    with serve_site(folder, port, rebuild, [config.roadmap, *store_files(store)],
                    lambda line: click.echo(line, err=True)) as preview:
        click.echo(f"serving {folder} at {preview.url} (Ctrl-C stops)", err=True)
        preview.wait()
    click.echo("stopped", err=True)


def _store(ctx: click.Context, create: bool = False) -> Store:
    """The store named by --db / ROADMAP_DATABASE_URL, or the default SQLite file.

    Without `create` (only `sync` and `import` fill a store from nothing), a folder with
    no roadmap, no configuration and no store is refused before anything is made there.
    """
    from roadmap.store import Store

    if "store" not in ctx.obj:  # opened (and its schema checked) once per command
        store = Store.open(_store_url(ctx, create))
        ctx.call_on_close(store.close)
        ctx.obj["store"] = store
    opened: Store = ctx.obj["store"]
    return opened


@main.command()
@click.option("--repo", "repos", multiple=True, metavar="OWNER/NAME",
              help="Repository to sync (repeatable; default: `repos` in the configuration).")
@click.option("--label", help="Label that marks roadmap issues (default: configured, or "
                              "`roadmap`).")
@click.option("--api-url", envvar="GITHUB_API_URL", metavar="URL",
              help="GitHub API URL (env GITHUB_API_URL; GitHub Enterprise or a test server).")
@click.option("--full", is_flag=True, help="Read everything again instead of what changed.")
@click.option("--no-wait", is_flag=True,
              help="Stop (exit 4, place saved) instead of waiting when the rate limit runs out.")
@click.option("--json", "as_json", is_flag=True, help="Print a summary per repository as JSON.")
@click.pass_context
def sync(ctx: click.Context, repos: tuple[str, ...], label: str | None, api_url: str | None,
         full: bool, no_wait: bool, as_json: bool) -> None:
    """Fetch the roadmap issues, comments, events and linked pull requests into the store."""
    from roadmap.cli.output import render_json, render_sync
    from roadmap.cli.progress import Feedback
    from roadmap.github.client import DEFAULT_API_URL, find_token
    from roadmap.model import parse_repo
    from roadmap.sync import Options, SyncSettings, SyncStopped, sync_github

    config = _config(ctx)
    chosen = [parse_repo(r) for r in repos] or list(config.repos)
    if not chosen:
        raise InputError("no repository to sync: pass --repo OWNER/NAME or set `repos` "
                         "in the configuration")
    store = _store(ctx, create=True)
    _save_items(store, config)
    token = find_token()
    feedback = Feedback(quiet=as_json)
    if token is None:
        feedback.warn("no GitHub token (GITHUB_TOKEN, GH_TOKEN or `gh auth token`): "
                      "syncing unauthenticated, 60 requests an hour")
    try:
        with feedback.progress() as progress:
            settings = SyncSettings(token, api_url or DEFAULT_API_URL, feedback.wait, progress,
                                    wait_for_reset=not no_wait)
            summaries = sync_github(store, settings, chosen, label or config.label, full,
                                    Options.of(config))
    except SyncStopped as stopped:
        if as_json:  # what was done, so a script can resume (the exit code says it stopped)
            click.echo(render_json([s.to_dict() for s in stopped.summaries]))
        raise
    _record_history(ctx, store)
    click.echo(render_json([s.to_dict() for s in summaries]) if as_json
               else render_sync(summaries))


def _record_history(ctx: click.Context, store: Store) -> None:
    """Keep what changed since the last sync, for `roadmap report --since`."""
    from roadmap.track.history import record_history
    from roadmap.track.overview import gather

    now = _now()
    record_history(store, gather(store, _config(ctx), now), now)


def _save_items(store: Store, config: Config) -> None:
    """Store the parsed roadmap beside the issues, when there is one to parse."""
    from roadmap.parse import parse_file

    if config.roadmap.is_file():
        repo = config.repos[0] if config.repos else None
        store.save_items(parse_file(_relative(config.roadmap), repo=repo))


@main.command("issues")
@click.option("--state", type=click.Choice(["open", "closed", "all"]), default="open",
              show_default=True, help="Which issues to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the issues as JSON.")
@click.pass_context
def issues_command(ctx: click.Context, state: str, as_json: bool) -> None:
    """List the synced roadmap issues from the store."""
    from roadmap.cli.output import render_issues, render_json

    store = _store(ctx)
    found = store.load_issues(state)
    if as_json:
        click.echo(render_json([i.to_dict() for i in found]))
        return
    every = found if state == "all" else store.load_issues("all")
    pulls = sum(i.is_pull_request for i in every)
    click.echo(render_issues(found, _width(), (len(every) - pulls, pulls)), nl=False)


def _width() -> int | None:
    """The terminal's width, or None (no wrapping) when the output is piped."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--repo", metavar="OWNER/NAME",
              help="Repository the export is from (default: read from the issue URLs).")
@click.option("--label", help="Label that marks roadmap issues (default: configured).")
@click.pass_context
def import_command(ctx: click.Context, file: Path, repo: str | None, label: str | None) -> None:
    """Load a `gh issue list --json ...` export into the store, for offline use."""
    from roadmap.github.export import read_export
    from roadmap.model import parse_repo
    from roadmap.sync import save_export

    export = read_export(file, parse_repo(repo) if repo else None)
    done = save_export(_store(ctx, create=True), export, label or _config(ctx).label)
    click.echo(f"{done.repo}: imported {done.issues} issues and {done.comments} comments")


@main.group()
def db() -> None:
    """Database migrations."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Bring the store's schema to the newest revision (every command also does this)."""
    from roadmap.store.migrate import upgrade_store

    before, after = upgrade_store(_store_url(ctx))
    click.echo(f"upgraded from {before or 'empty'} to {after}" if before != after
               else f"already at {after}")


@db.command()
@click.pass_context
def current(ctx: click.Context) -> None:
    """Print the store's schema revision, and whether it is the newest."""
    from roadmap.store.migrate import store_revisions

    revision, head = store_revisions(_store_url(ctx))
    click.echo(f"{revision or 'empty'} ({'up to date' if revision == head else f'head is {head}'})")


def _store_url(ctx: click.Context, create: bool = False) -> str:
    """--db / ROADMAP_DATABASE_URL, or the SQLite file beside the roadmap, which only
    `sync` and `import` may make where there is no project at all."""
    from roadmap.store import default_url

    if ctx.obj["db_url"]:
        return str(ctx.obj["db_url"])
    config = _config(ctx)
    url = default_url(config.roadmap)
    if not create and config.source is None and not config.roadmap.exists() and \
            not Path(url.removeprefix("sqlite:///")).exists():
        raise InputError(f"no roadmap here: no {_relative(config.roadmap)}, no configuration "
                         "(roadmap.toml or [tool.roadmap] in pyproject.toml) and no store; "
                         "run `roadmap init` in your project, or pass --config or --db")
    return url


# -- who works on what ------------------------------------------------------------------------


def _now() -> datetime:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _overview(ctx: click.Context) -> Overview:
    """The store's items (refreshed from the roadmap file), issues, links and claims."""
    from roadmap.track.overview import gather

    store = _store(ctx)
    _save_items(store, _config(ctx))
    return gather(store, _config(ctx), _now())


def _default_repo(ctx: click.Context, repo: str | None) -> str | None:
    from roadmap.model import parse_repo

    config = _config(ctx)
    return parse_repo(repo) if repo else (config.repos[0] if config.repos else None)


@main.command()
@click.argument("login", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print people and their issues as JSON.")
@click.pass_context
def who(ctx: click.Context, login: str | None, as_json: bool) -> None:
    """Who is working on what: each person's issues, since when, last activity, stale or not."""
    from roadmap.cli.output import render_json, render_who
    from roadmap.track.overview import known_login, who_view

    overview = _overview(ctx)
    view = who_view(overview, login)
    click.echo(render_json(view) if as_json else render_who(
        view, login, login is not None and known_login(overview, login)))


@main.command()
@click.option("--label", help="Only issues with this label (e.g. `good first issue`).")
@click.option("--json", "as_json", is_flag=True, help="Print the issues as JSON.")
@click.pass_context
def available(ctx: click.Context, label: str | None, as_json: bool) -> None:
    """Open roadmap issues nobody holds an active claim on; good first issues first."""
    from roadmap.cli.output import render_available, render_json
    from roadmap.track.overview import available_view, nothing_available

    overview = _overview(ctx)
    view = available_view(overview, label)
    click.echo(render_json(view) if as_json else render_available(
        view, "" if view else nothing_available(overview, label)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """One screen: progress per top-level item, who works on it, what needs attention."""
    from roadmap.cli.output import render_json, render_status
    from roadmap.track.overview import status_view

    view = status_view(_overview(ctx))
    click.echo(render_json(view) if as_json else render_status(view))


_REF = click.argument("ref")
_REF_REPO = click.option("--repo", metavar="OWNER/NAME",
                         help="Repository a bare issue number belongs to.")


def _client(ctx: click.Context, api_url: str | None,
            write_interval: float = 1.0) -> GitHubClient:
    from roadmap.github.client import GitHubClient, api_url_from_env, find_token

    token = find_token()
    if token is None:
        raise InputError("this needs a GitHub token (GITHUB_TOKEN, GH_TOKEN or "
                         "`gh auth login`); nothing was written")
    client = GitHubClient(api_url or api_url_from_env(), token, write_interval=write_interval)
    ctx.call_on_close(client.close)
    return client


_API = click.option("--api-url", envvar="GITHUB_API_URL", metavar="URL",
                    help="GitHub API URL (env GITHUB_API_URL).")
_DRY = click.option("--dry-run", is_flag=True, help="Print the GitHub calls; make none.")


@main.command()
@_REF
@_REF_REPO
@click.option("--force", is_flag=True, help="Take over a stale claim (and say so).")
@_DRY
@_API
@click.pass_context
def claim(ctx: click.Context, ref: str, repo: str | None, force: bool, dry_run: bool,
          api_url: str | None) -> None:
    """Claim an issue: comment `/claim` and self-assign, unless someone holds it."""
    from roadmap.model import parse_ref
    from roadmap.respond.claim import claim_issue
    from roadmap.track.overview import patterns_of

    target, number = parse_ref(ref, _default_repo(ctx, repo))
    config = _config(ctx)
    client = _client(ctx, api_url)
    outcome = claim_issue(_store(ctx), client, target, number, label=config.label,
                          expiry_days=config.claim_expiry_days, now=_now(), force=force,
                          dry_run=dry_run, patterns=patterns_of(config))
    _echo_outcome(outcome, dry_run)


@main.command()
@_REF
@_REF_REPO
@_DRY
@_API
@click.pass_context
def unclaim(ctx: click.Context, ref: str, repo: str | None, dry_run: bool,
            api_url: str | None) -> None:
    """Release your claim on an issue: comment `/unclaim` and unassign yourself."""
    from roadmap.model import parse_ref
    from roadmap.respond.claim import unclaim_issue
    from roadmap.track.overview import patterns_of

    target, number = parse_ref(ref, _default_repo(ctx, repo))
    config = _config(ctx)
    outcome = unclaim_issue(_store(ctx), _client(ctx, api_url), target, number,
                            label=config.label, expiry_days=config.claim_expiry_days,
                            now=_now(), dry_run=dry_run, patterns=patterns_of(config))
    _echo_outcome(outcome, dry_run)


def _echo_outcome(outcome: Outcome, dry_run: bool) -> None:
    from roadmap.cli.output import terminal_safe

    if dry_run:
        for call in outcome.calls:
            click.echo(terminal_safe(call))
    click.echo(terminal_safe(outcome.message))


@main.command()
@_REF
@click.argument("item")
@_REF_REPO
@click.pass_context
def link(ctx: click.Context, ref: str, item: str, repo: str | None) -> None:
    """Pin an issue to a roadmap item (by id, number or title); kept across edits."""
    _manual_link(ctx, ref, item, repo, "link")


@main.command()
@_REF
@click.argument("item")
@_REF_REPO
@click.pass_context
def unlink(ctx: click.Context, ref: str, item: str, repo: str | None) -> None:
    """Undo a link between an issue and a roadmap item, however it was made."""
    _manual_link(ctx, ref, item, repo, "unlink")


def _manual_link(ctx: click.Context, ref: str, item: str, repo: str | None,
                 action: str) -> None:
    from roadmap.cli.output import terminal_safe
    from roadmap.model import parse_ref

    target, number = parse_ref(ref, _default_repo(ctx, repo))
    store = _store(ctx)
    _save_items(store, _config(ctx))
    rows = store.load_items()
    wanted = item.lower()
    match = next((r for r in rows if r.id == item), None) or next(
        (r for r in rows if (r.number or "").lower() == wanted or r.title.lower() == wanted),
        None)
    if match is None:
        raise InputError(f"no roadmap item {item!r} (give an id, number or title; "
                         "see `roadmap parse`)")
    if action == "link" and not _on_roadmap(store, target, number):
        raise InputError(f"{target}#{number}: no such roadmap issue in the store (give it the "
                         f"{_config(ctx).label!r} label and run `roadmap sync`); nothing linked")
    store.save_manual_link(match.id, target, number, action)
    verb = "linked to" if action == "link" else "unlinked from"
    click.echo(terminal_safe(f"{target}#{number} {verb} {match.id} ({match.title})"))


def _on_roadmap(store: Store, repo: str, number: int) -> bool:
    """Whether the store holds `repo#number` as a roadmap issue (a link to any other
    would count nowhere: an issue that exists nowhere is refused, issue 13)."""
    return any(i.number == number and i.repo.lower() == repo.lower()
               for i in store.load_issues("all"))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "text"]),
              default="text", show_default=True, help="Output format.")
@click.option("--since", metavar="WHEN",
              help="Changes since a duration (7d, 12h), a date (2026-11-01) or an ISO time "
                   "(default: the previous report, else 7 days).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE instead of standard output.")
@click.option("--template", type=click.Path(path_type=Path, dir_okay=False),
              help="Your own Jinja2 template for md or html.")
@click.option("--record", is_flag=True,
              help="Record this as a published report: the next report's changes start "
                   "here (`roadmap build` records its own).")
@click.pass_context
def report(ctx: click.Context, fmt: str, since: str | None, output: Path | None,
           template: Path | None, record: bool) -> None:
    """A status report: progress, who works on what, attention, help wanted, changes."""
    import shutil

    from roadmap.collector import collector_paused
    from roadmap.report.gather import build_report, parse_since
    from roadmap.report.render import render_report

    now = _now()
    start = parse_since(since, now) if since is not None else None
    # Rich tables and colours on a terminal; plain text when piped or written to a file.
    terminal = fmt == "text" and output is None and sys.stdout.isatty()
    with collector_paused():  # everything gathered lives until the report is written
        overview = _overview(ctx)
        store = _store(ctx)
        config = _config(ctx)
        data = build_report(store, overview, _roadmap_title(config), now, start, config.label)
        text = render_report(data, fmt, template, shutil.get_terminal_size().columns
                             if terminal else None)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
    if record:  # a preview is read-only: it must not move the next report's window
        store.save_report(now, fmt)


def _roadmap_title(config: Config) -> str | None:
    from roadmap.parse import parse_file

    if not config.roadmap.is_file():
        return None
    repo = config.repos[0] if config.repos else None
    return parse_file(_relative(config.roadmap), repo=repo).title


# -- answering on GitHub ----------------------------------------------------------------------


def _responder(ctx: click.Context, client: GitHubClient, dry_run: bool) -> Any:
    """What answers need: the store, GitHub, the settings, the roadmap's items."""
    from roadmap.respond.events import build_responder

    return build_responder(_store(ctx), client, _config(ctx), dry_run)


@main.command("respond")
@click.option("--event", "event_file", type=click.Path(path_type=Path, dir_okay=False),
              envvar="GITHUB_EVENT_PATH",
              help="The event's JSON payload (env GITHUB_EVENT_PATH, as in GitHub Actions).")
@click.option("--event-name", envvar="GITHUB_EVENT_NAME", metavar="NAME",
              help="issue_comment, issues, pull_request, schedule... (env GITHUB_EVENT_NAME).")
@_DRY
@_API
@click.pass_context
def respond_command(ctx: click.Context, event_file: Path | None, event_name: str | None,
            dry_run: bool, api_url: str | None) -> None:
    """Answer a claim or release made in a comment, on GitHub (for an Actions workflow)."""
    from roadmap.cli.output import terminal_safe
    from roadmap.respond.events import parse_event, read_event_file
    from roadmap.respond.route import respond

    if event_file is None or not event_name:
        raise InputError("respond needs an event: --event FILE and --event-name NAME (or "
                         "GITHUB_EVENT_PATH and GITHUB_EVENT_NAME, as Actions sets them)")
    trigger = parse_event(event_name, read_event_file(event_file))
    responder = _responder(ctx, _client(ctx, api_url), dry_run)
    for outcome in respond(responder, trigger):
        for call in outcome.calls if dry_run else []:
            click.echo(terminal_safe(call))
        click.echo(terminal_safe(outcome.message))


@main.group("webhook")
def webhook_group() -> None:
    """A self-hosted receiver of GitHub's webhook deliveries, answering claims."""


@webhook_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--write-interval", type=click.FloatRange(0, 60), default=1.0,
              show_default=True, metavar="SECONDS",
              help="Least time between two writes to GitHub (its secondary limits allow "
                   "about 80 a minute).")
@_API
@click.pass_context
def webhook_serve(ctx: click.Context, host: str, port: int, write_interval: float,
                  api_url: str | None) -> None:
    """Receive deliveries (signed with ROADMAP_WEBHOOK_SECRET) and answer as `respond` does."""
    import os

    from roadmap.cli.output import terminal_safe
    from roadmap.respond.webhook import SECRET_ENV, serve_webhooks

    secret = os.environ.get(SECRET_ENV, "").encode()
    if not secret:
        raise InputError(f"set {SECRET_ENV} to the webhook's secret (the one GitHub signs "
                         "deliveries with)")
    responder = _responder(ctx, _client(ctx, api_url, write_interval), dry_run=False)

    def report(line: str) -> None:
        click.echo(terminal_safe(line), err=True)

    with serve_webhooks(responder, secret, host, port, report) as receiver:
        click.echo(f"receiving GitHub deliveries at {receiver.url} (Ctrl-C stops)", err=True)
        receiver.wait_forever()
    click.echo("stopped", err=True)
