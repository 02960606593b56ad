"""The `roadmap` command line: click commands only.

Each command reads its options, calls one core function and prints the result; the
commands live by what they serve (document, publish, data, work, answer), on the group
and the shared helpers of `app`, which loads a command's module when it is asked for.
"""

from roadmap.cli.app import main

__all__ = ["main"]
