"""Commands that publish: `roadmap build`, `roadmap site build|serve`, `roadmap report`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from roadmap.cli.app import (
    _config,
    _configured_roadmap,
    _now,
    _overview,
    _relative,
    _store,
    main,
)
from roadmap.errors import EXIT_PROBLEMS

if TYPE_CHECKING:

    pass



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
        data = build_report(store, overview, _roadmap_title(ctx), now, start, config.label)
        text = render_report(data, fmt, template, shutil.get_terminal_size().columns
                             if terminal else None)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
    if record:  # a preview is read-only: it must not move the next report's window
        store.save_report(now, fmt)


# -- answering on GitHub ----------------------------------------------------------------------


def _roadmap_title(ctx: click.Context) -> str | None:
    roadmap = _configured_roadmap(ctx)
    return roadmap.title if roadmap else None
