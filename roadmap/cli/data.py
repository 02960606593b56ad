"""Commands that fill and tend the store: `roadmap sync`, `issues`, `import`, `db`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadmap.cli.app import (
    _config,
    _record_history,
    _save_items,
    _store,
    _store_url,
    _width,
    main,
)
from roadmap.errors import InputError

if TYPE_CHECKING:

    pass



@main.command()
@click.option("--repo", "repos", multiple=True, metavar="OWNER/NAME",
              help="Repository to sync (repeatable; default: `repos` in the configuration).")
@click.option("--org", metavar="NAME",
              help="Also sync the organisation's repositories that have labelled issues "
                   "(default: `org` in the configuration).")
@click.option("--label", help="Label that marks roadmap issues (default: configured, or "
                              "`roadmap`).")
@click.option("--api-url", envvar="GITHUB_API_URL", metavar="URL",
              help="GitHub API URL (env GITHUB_API_URL; GitHub Enterprise or a test server).")
@click.option("--full", is_flag=True, help="Read everything again instead of what changed.")
@click.option("--no-wait", is_flag=True,
              help="Stop (exit 4, place saved) instead of waiting when the rate limit runs out.")
@click.option("--json", "as_json", is_flag=True, help="Print a summary per repository as JSON.")
@click.pass_context
def sync(ctx: click.Context, repos: tuple[str, ...], org: str | None, label: str | None,
         api_url: str | None, full: bool, no_wait: bool, as_json: bool) -> None:
    """Fetch the roadmap issues, comments, events and linked pull requests into the store."""
    from roadmap.cli.output import render_json, render_sync
    from roadmap.cli.progress import Feedback
    from roadmap.github.client import DEFAULT_API_URL, find_token
    from roadmap.model import parse_org, parse_repo
    from roadmap.sync import Options, SyncSettings, SyncStopped, sync_github

    config = _config(ctx)
    chosen = [parse_repo(r) for r in repos] or ([] if org else list(config.repos))
    org = parse_org(org) if org else (None if repos else config.org)
    if not chosen and not org:
        raise InputError("no repository to sync: pass --repo OWNER/NAME or --org NAME, or "
                         "set `repos` or `org` in the configuration")
    store = _store(ctx, create=True)
    _save_items(ctx, store)
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
                                    Options.of(config), org=org)
    except SyncStopped as stopped:
        if as_json:  # what was done, so a script can resume (the exit code says it stopped)
            click.echo(render_json([s.to_dict() for s in stopped.summaries]))
        raise
    _record_history(ctx, store)
    click.echo(render_json([s.to_dict() for s in summaries]) if as_json
               else render_sync(summaries))


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
