"""Sub-issues: GitHub's breakdown of an issue into smaller issues, with its limits.

Adding or removing a sub-issue moves neither issue's `updated_at`, but both issues' JSON
changes (`sub_issues_summary`, `parent_issue_url`), so their cached renderings go; a
sub-issue closing or reopening changes its parent's summary the same way. Each link and
unlink is an issue event on both sides (`sub_issue_added` on the parent, `parent_issue_added`
on the sub-issue; `..._removed` likewise), as GitHub's issue event schema describes.
"""

from __future__ import annotations

from .activity import Activity
from .model import Issue, User
from .state import RepoRef

MAX_SUB_ISSUES = 100  # per parent
MAX_LEVELS = 8  # levels of sub-issues below the top issue of a tree


class SubIssueRefused(ValueError):
    """A sub-issue GitHub would not add (answered 422 over REST)."""


class Hierarchy(Activity):
    """The state plus parent and sub-issue links."""

    def add_sub_issue(
        self, repo: RepoRef, parent_number: int, child_repo: RepoRef, child_number: int,
        *, replace_parent: bool = False, actor: str | None = None,
    ) -> None:
        """Make issue `child_number` of `child_repo` a sub-issue of `parent_number`."""
        with self.lock:
            parent = self.issue(repo, parent_number)
            child = self.issue(child_repo, child_number)
            self.link_sub_issue(parent, child, replace_parent, self._actor(parent, actor))

    def remove_sub_issue(
        self, repo: RepoRef, parent_number: int, child_repo: RepoRef, child_number: int,
        *, actor: str | None = None,
    ) -> None:
        with self.lock:
            parent, child = self.issue(repo, parent_number), self.issue(child_repo, child_number)
            if child.parent is not parent:
                raise SubIssueRefused(f"#{child_number} is not a sub-issue of #{parent_number}")
            self.unlink_sub_issue(child, self._actor(parent, actor))

    def issue_by_id(self, issue_id: int) -> Issue | None:
        """The live issue with this id, in any repository."""
        with self.lock:
            for repo in self.repos.values():
                for issue in repo.issues.values():
                    if issue.id == issue_id:
                        return issue
            return None

    def link_sub_issue(
        self, parent: Issue, child: Issue, replace_parent: bool, actor: User
    ) -> None:
        problem = link_problem(parent, child, replace_parent)
        if problem is not None:
            raise SubIssueRefused(problem)
        if child.parent is not None:
            self.unlink_sub_issue(child, actor)
        parent.children.append(child)
        child.parent = parent
        self._event(parent, actor, "sub_issue_added", sub_issue=child)
        self._event(child, actor, "parent_issue_added", parent_issue=parent)
        self._rendered_anew(child)  # and its parent's

    def unlink_sub_issue(self, child: Issue, actor: User) -> None:
        parent = child.parent
        assert parent is not None
        parent.children.remove(child)
        child.parent = None
        self._event(parent, actor, "sub_issue_removed", sub_issue=child)
        self._event(child, actor, "parent_issue_removed", parent_issue=parent)
        self._rendered_anew(child)
        self._rendered_anew(parent)


def link_problem(parent: Issue, child: Issue, replace_parent: bool) -> str | None:
    """Why GitHub would refuse to make `child` a sub-issue of `parent`, or None."""
    if parent.is_pr or child.is_pr:
        return "Pull requests cannot be sub-issues or have sub-issues"
    if parent.repo.owner is not child.repo.owner:
        return "Sub-issues must be in a repository of the same owner as the parent issue"
    if child is parent or child in ancestors(parent):
        return "An issue cannot be a sub-issue of itself or of one of its sub-issues"
    if child.parent is parent:
        return "Issue is already a sub-issue of this issue"
    if child.parent is not None and not replace_parent:
        return "Sub issue may only have one parent"
    if len(parent.children) >= MAX_SUB_ISSUES:
        return f"Parent issue may only have {MAX_SUB_ISSUES} sub-issues"
    if len(ancestors(parent)) + height(child) > MAX_LEVELS:
        return f"Sub-issues may only be nested {MAX_LEVELS} levels deep"
    return None


def ancestors(issue: Issue) -> list[Issue]:
    found = []
    while issue.parent is not None:
        issue = issue.parent
        found.append(issue)
    return found


def height(issue: Issue) -> int:
    """Levels in the tree under and including `issue` (1 for an issue without sub-issues)."""
    return 1 + max((height(child) for child in issue.children), default=0)
