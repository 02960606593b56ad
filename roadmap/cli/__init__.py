"""The `roadmap` command line: click commands only.

Each command reads its options, calls one core function and prints the result; the
commands live by what they serve (document, publish, data, work, answer), on the group
and the shared helpers of `app`.
"""

from roadmap.cli import answer, data, document, publish, work
from roadmap.cli.app import main

__all__ = ["answer", "data", "document", "main", "publish", "work"]
