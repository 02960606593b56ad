"""Who works on what: `roadmap who`, `available`, `status`, `claim`, `unclaim`, `link`,
`unlink`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from roadmap.cli.app import (
    _API,
    _DRY,
    _client,
    _config,
    _now,
    _overview,
    _save_items,
    _store,
    main,
)
from roadmap.errors import InputError

if TYPE_CHECKING:

    from roadmap.respond.claim import Outcome
    from roadmap.store import Store



@main.command()
@click.argument("login", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print people and their issues as JSON.")
@click.pass_context
def who(ctx: click.Context, login: str | None, as_json: bool) -> None:
    """Who is working on what: each person's issues, since when, last activity, stale or not."""
    from roadmap.cli.output import render_json, render_who
    from roadmap.track.views import known_login, who_view

    overview = _overview(ctx)
    view = who_view(overview, login)
    click.echo(render_json([p.to_dict() for p in view]) if as_json else render_who(
        view, login, login is not None and known_login(overview, login)))


@main.command()
@click.option("--label", help="Only issues with this label (e.g. `good first issue`).")
@click.option("--json", "as_json", is_flag=True, help="Print the issues as JSON.")
@click.pass_context
def available(ctx: click.Context, label: str | None, as_json: bool) -> None:
    """Open roadmap issues nobody holds an active claim on; good first issues first."""
    from roadmap.cli.output import render_available, render_json
    from roadmap.track.views import available_view, nothing_available

    overview = _overview(ctx)
    view = available_view(overview, label)
    click.echo(render_json([i.to_dict() for i in view]) if as_json else render_available(
        view, "" if view else nothing_available(overview, label)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """One screen: progress per top-level item, who works on it, what needs attention."""
    from roadmap.cli.output import render_json, render_status
    from roadmap.track.views import status_view

    view = status_view(_overview(ctx))
    click.echo(render_json(view.to_dict()) if as_json else render_status(view))


_REF = click.argument("ref")


_REF_REPO = click.option("--repo", metavar="OWNER/NAME",
                         help="Repository a bare issue number belongs to.")


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

    target, number = parse_ref(ref, _config(ctx).repo_or_default(repo))
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

    target, number = parse_ref(ref, _config(ctx).repo_or_default(repo))
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
    from roadmap.track.links import find_item

    target, number = parse_ref(ref, _config(ctx).repo_or_default(repo))
    store = _store(ctx)
    _save_items(ctx, store)
    match = find_item(store.load_items(), item)
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
