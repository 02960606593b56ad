"""Feedback while a long command runs: a progress bar and countdowns on a terminal only."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

import click

from roadmap.cli.output import terminal_safe


class Feedback:
    """Talks to the person at the terminal on standard error; silent when piped."""

    def __init__(self, quiet: bool = False) -> None:
        self.interactive = sys.stderr.isatty() and not quiet

    def warn(self, message: str) -> None:
        click.echo(f"roadmap: warning: {terminal_safe(message)}", err=True)

    def wait(self, seconds: float, reason: str) -> None:
        """Sleep, with a visible countdown on a terminal and one line otherwise."""
        if not self.interactive:
            click.echo(f"roadmap: waiting {seconds:.0f}s for the {reason}", err=True)
            time.sleep(seconds)
            return
        from rich.console import Console

        console = Console(stderr=True)
        end = time.monotonic() + seconds
        with console.status("") as status:
            while (left := end - time.monotonic()) > 0:
                status.update(f"waiting for the {reason}: {left:.0f}s left")
                time.sleep(min(1.0, left))

    @contextlib.contextmanager
    def progress(self) -> Iterator[Callable[[str, int], None] | None]:
        """A callback `(what, count)` that advances a bar, or None when not on a terminal."""
        if not self.interactive:
            yield None
            return
        from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn

        with Progress(SpinnerColumn(), TextColumn("{task.description}"),
                      TextColumn("{task.completed}"), transient=True) as bar:
            tasks: dict[str, TaskID] = {}

            def advance(what: str, count: int) -> None:
                if what not in tasks:
                    tasks[what] = bar.add_task(what, total=None)
                bar.advance(tasks[what], count)

            yield advance
