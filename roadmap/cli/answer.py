"""Answers on GitHub: `roadmap respond` (Actions) and `roadmap webhook serve`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from roadmap.cli.app import (
    _API,
    _DRY,
    _client,
    _config,
    _store,
    main,
)
from roadmap.errors import InputError

if TYPE_CHECKING:

    from roadmap.github.client import GitHubClient



def _responder(ctx: click.Context, client: GitHubClient, dry_run: bool) -> Any:
    """What answers need: the store, GitHub, the settings, the roadmap's items."""
    from roadmap.respond.responder import build_responder

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
    from roadmap.respond.route import respond
    from roadmap.respond.trigger import parse_event, read_event_file

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
