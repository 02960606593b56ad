"""The one exception hierarchy; `cli` turns each into a line and an exit code."""

from __future__ import annotations

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class RoadmapError(Exception):
    "Base of every error the tool reports as one line."

    exit_code = EXIT_USAGE


class InputError(RoadmapError):
    "A file or argument the tool cannot use."


class ConfigError(RoadmapError):
    "The configuration is malformed or names something that does not exist."


class ProblemsFound(RoadmapError):
    "The command ran and found problems (lint errors, a refused claim)."

    exit_code = EXIT_PROBLEMS

EXIT_RATE_LIMITED = 4


class GitHubError(RoadmapError):
    "GitHub refused or could not be reached (bad token, unknown repository, network)."


class RateLimited(RoadmapError):
    "The API budget ran out and waiting was not allowed; the cursor is saved, run again later."

    exit_code = EXIT_RATE_LIMITED


class StoreBusy(RoadmapError):
    "Another sync holds the store; this one refuses rather than interleave."

    exit_code = EXIT_PROBLEMS
