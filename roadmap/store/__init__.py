"""The store: SQLite by default, PostgreSQL for teams. `save_*` write, `load_*` read.

Every write is one transaction, so an interrupted sync leaves the store as it was
after its last committed page. SQLAlchemy objects never leave this package.
"""

from __future__ import annotations

from roadmap.store.base import CursorState, StaleIssue
from roadmap.store.engine import default_url
from roadmap.store.issues import IssueRows
from roadmap.store.items import HistoryRow, ItemRows

__all__ = ["CursorState", "HistoryRow", "StaleIssue", "Store", "default_url"]


class Store(IssueRows, ItemRows):
    """One database: `save_*` write, `load_*` read (issues.py: GitHub's side; items.py: the
    roadmap's side; base.py: opening, transactions and the sync lock)."""
