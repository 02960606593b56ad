"""Mutations of one issue's fields, as a maintainer makes them on github.com: each moves
`updated_at` to the clock's now and records the issue event GitHub would."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Issue, User
from .state import RepoRef, State


class Issues(State):
    """The state plus issue creation and edits (title, labels, state, assignees, milestone)."""

    def create_issue(
        self,
        repo: RepoRef,
        title: str,
        body: str = "",
        labels: Iterable[str] = (),
        assignees: Iterable[str] = (),
        user: str = "alice",
        pull_request: bool = False,
        milestone: str | None = None,
    ) -> int:
        """Open an issue (or a pull request: they share the number sequence); its number."""
        with self.lock:
            target, now = self.repo(repo), self.clock.now()
            author = self.user(user)
            issue = Issue(
                id=self.next_id("issue"), repo=target, number=target.next_number, title=title,
                body=body, user=author, created_at=now, updated_at=now, is_pr=pull_request,
            )
            target.next_number += 1
            target.issues[issue.number] = issue
            for name in labels:
                self._add_label(issue, name, author)
            for login in assignees:
                self._assign(issue, self.user(login), author)
            if milestone is not None:
                issue.milestone = self._milestone(target, milestone)
                self._event(issue, author, "milestoned", milestone=issue.milestone)
            self._mention(issue)
            self._touch(issue)
            return issue.number

    def edit(
        self, repo: RepoRef, number: int, *, title: str | None = None, body: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Change the title (a `renamed` event) and/or the body (no event)."""
        with self.lock:
            issue = self.issue(repo, number)
            if title is not None and title != issue.title:
                rename = {"from": issue.title, "to": title}
                self._event(issue, self._actor(issue, actor), "renamed", rename=rename)
                issue.title = title
            if body is not None:
                issue.body = body
            self._mention(issue)
            self._touch(issue)

    def add_label(self, repo: RepoRef, number: int, *names: str, actor: str | None = None) -> None:
        with self.lock:
            issue = self.issue(repo, number)
            for name in names:
                self._add_label(issue, name, self._actor(issue, actor))
            self._touch(issue)

    def remove_label(self, repo: RepoRef, number: int, name: str, actor: str | None = None) -> None:
        with self.lock:
            issue = self.issue(repo, number)
            for label in [x for x in issue.labels if x.name.lower() == name.lower()]:
                issue.labels.remove(label)
                self._event(issue, self._actor(issue, actor), "unlabeled", label=label)
            self._touch(issue)

    def close(
        self, repo: RepoRef, number: int, state_reason: str = "completed", actor: str | None = None
    ) -> None:
        """Close as `completed` or `not_planned`."""
        with self.lock:
            issue = self.issue(repo, number)
            closer = self._actor(issue, actor)
            issue.state, issue.state_reason = "closed", state_reason
            issue.closed_at, issue.closed_by = self.clock.now(), closer
            self._event(issue, closer, "closed", state_reason=state_reason)
            self._touch(issue)

    def reopen(self, repo: RepoRef, number: int, actor: str | None = None) -> None:
        with self.lock:
            issue = self.issue(repo, number)
            issue.state, issue.state_reason, issue.closed_at = "open", "reopened", None
            self._event(issue, self._actor(issue, actor), "reopened", state_reason="reopened")
            self._touch(issue)

    def merge(self, repo: RepoRef, number: int, actor: str | None = None) -> None:
        """Merge a pull request: `merged` then `closed`, and `pull_request.merged_at` set."""
        with self.lock:
            issue = self.issue(repo, number)
            if not issue.is_pr:
                raise ValueError(f"#{number} is an issue, not a pull request")
            issue.merged_at = self.clock.now()
            self._event(issue, self._actor(issue, actor), "merged")
            self.close(repo, number, "completed", actor)

    def assign(self, repo: RepoRef, number: int, *logins: str, actor: str | None = None) -> None:
        """Assign users (as an admin would: push access is not checked, unlike the REST API)."""
        with self.lock:
            issue = self.issue(repo, number)
            for login in logins:
                self._assign(issue, self.user(login), self._actor(issue, actor))
            self._touch(issue)

    def unassign(self, repo: RepoRef, number: int, *logins: str, actor: str | None = None) -> None:
        with self.lock:
            issue = self.issue(repo, number)
            for login in logins:
                user = self.user(login)
                if user in issue.assignees:
                    issue.assignees.remove(user)
                    assigner = self._actor(issue, actor)
                    self._event(issue, assigner, "unassigned", assignee=user, assigner=assigner)
            self._touch(issue)

    def set_milestone(
        self, repo: RepoRef, number: int, title: str | None, actor: str | None = None
    ) -> None:
        """Put the issue in milestone `title` (created if new), or take it out (`None`)."""
        with self.lock:
            issue = self.issue(repo, number)
            who = self._actor(issue, actor)
            if issue.milestone is not None:
                self._touch(issue)  # the old milestone's counts change too
                self._event(issue, who, "demilestoned", milestone=issue.milestone)
            issue.milestone = None if title is None else self._milestone(issue.repo, title)
            if issue.milestone is not None:
                self._event(issue, who, "milestoned", milestone=issue.milestone)
            self._touch(issue)

    def lock_issue(
        self, repo: RepoRef, number: int, reason: str | None = None, actor: str | None = None
    ) -> None:
        """Lock the conversation (`reason`: off-topic, too heated, resolved, spam)."""
        with self.lock:
            issue = self.issue(repo, number)
            issue.locked, issue.lock_reason = True, reason
            self._event(issue, self._actor(issue, actor), "locked", lock_reason=reason)
            self._touch(issue)

    def unlock_issue(self, repo: RepoRef, number: int, actor: str | None = None) -> None:
        with self.lock:
            issue = self.issue(repo, number)
            issue.locked, issue.lock_reason = False, None
            self._event(issue, self._actor(issue, actor), "unlocked")
            self._touch(issue)

    def _add_label(self, issue: Issue, name: str, actor: User) -> None:
        label = self.create_label(issue.repo, name)
        if label not in issue.labels:
            issue.labels.append(label)
            self._event(issue, actor, "labeled", label=label)

    def _assign(self, issue: Issue, user: User, assigner: User) -> None:
        if user not in issue.assignees and len(issue.assignees) < 10:
            issue.assignees.append(user)
            self._event(issue, assigner, "assigned", assignee=user, assigner=assigner)
