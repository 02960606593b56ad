"""roadmap: keep ROADMAP.md and the GitHub issues labelled `roadmap` in step."""

__version__ = "0.1.0"
