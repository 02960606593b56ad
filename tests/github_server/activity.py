"""Mutations beyond one issue's fields: comments, transfer, deletion, links from pull
requests, and the bulk loader the benchmarks use."""

from __future__ import annotations

import hashlib

from .issues import Issues
from .model import Comment, Commit, Event, Gone, Issue, Label, Repo, User
from .state import RepoRef


class Activity(Issues):
    """The state plus conversation and cross-issue mutations."""

    def comment(self, repo: RepoRef, number: int, user: str, body: str) -> int:
        """Comment on an issue (bumps its `updated_at`); the new comment's id."""
        with self.lock:
            issue, now = self.issue(repo, number), self.clock.now()
            comment = Comment(self.next_id("comment"), issue, self.user(user), body, now, now)
            issue.comments.append(comment)
            issue.timeline.append(comment)
            issue.repo.comments[comment.id] = comment
            self._touch(issue)
            return comment.id

    def find_comment(self, repo: RepoRef, comment_id: int) -> Comment:
        return self.repo(repo).comments[comment_id]

    def edit_comment(
        self, repo: RepoRef, comment_id: int, body: str, *, bump_issue: bool = False
    ) -> None:
        """Edit a comment: its `updated_at` moves; the issue's only with `bump_issue`.

        Whether GitHub moves the issue's `updated_at` on a comment edit is not documented, so
        by default it does not: a sync must find edits through the repo's comment listing.
        """
        with self.lock:
            comment = self.find_comment(repo, comment_id)
            comment.body, comment.updated_at, comment.cache = body, self.clock.now(), None
            comment.issue.repo.comment_views.clear()
            if bump_issue:
                self._touch(comment.issue)

    def delete_comment(self, repo: RepoRef, comment_id: int) -> None:
        """Delete a comment; the issue's comment count and `updated_at` change."""
        with self.lock:
            comment = self.find_comment(repo, comment_id)
            issue = comment.issue
            issue.comments.remove(comment)
            issue.timeline.remove(comment)
            del issue.repo.comments[comment_id]
            self._touch(issue)

    def delete(self, repo: RepoRef, number: int) -> None:
        """Delete an issue: it leaves every listing and its URL answers 410 Gone."""
        with self.lock:
            issue = self.issue(repo, number)
            if issue.is_pr:
                raise ValueError("GitHub cannot delete a pull request")
            self._gone(issue, Gone())

    def transfer(self, repo: RepoRef, number: int, to_repo: RepoRef) -> int:
        """Move an issue to another repo, where it gets a new number and a new id.

        The old URL (and its sub-resources) answer 301 to the new issue; the issue leaves the
        old repo's listings and its comments and events move with it.
        """
        with self.lock:
            old, target, now = self.issue(repo, number), self.repo(to_repo), self.clock.now()
            if old.is_pr:
                raise ValueError("GitHub cannot transfer a pull request")
            new = Issue(
                id=self.next_id("issue"), repo=target, number=target.next_number,
                title=old.title, body=old.body, user=old.user, created_at=old.created_at,
                updated_at=now, labels=[self.create_label(target, x.name) for x in old.labels],
                assignees=list(old.assignees), state=old.state, state_reason=old.state_reason,
                closed_at=old.closed_at, closed_by=old.closed_by, locked=old.locked,
                comments=old.comments, events=old.events, timeline=old.timeline,
            )
            target.next_number += 1
            self._gone(old, Gone(moved_to=new))
            target.issues[new.number] = new
            self._adopt(new)
            self._move_family(old, new)
            self._touch(new)
            return new.number

    def _move_family(self, old: Issue, new: Issue) -> None:
        """A transferred issue keeps its place among sub-issues: its parent and its
        sub-issues now point at the new issue."""
        new.parent, new.children = old.parent, old.children
        old.parent, old.children = None, []
        if new.parent is not None:
            siblings = new.parent.children
            siblings[siblings.index(old)] = new
            self._rendered_anew(new.parent)
        for child in new.children:
            child.parent = new
            self._rendered_anew(child)

    def _adopt(self, issue: Issue) -> None:
        """Point a transferred issue's comments and events at it, in its new repo's lists."""
        repo = issue.repo
        for item in issue.timeline:
            item.issue = issue
            if isinstance(item, Comment):
                item.cache = None
        repo.comments = dict(
            sorted([*repo.comments.items(), *((c.id, c) for c in issue.comments)])
        )
        moved = [event for event in issue.events if event.id is not None]
        repo.events = sorted([*repo.events, *moved], key=lambda event: event.id or 0)

    def cross_reference(
        self, repo: RepoRef, number: int, pr: int, *, pr_repo: RepoRef | None = None,
        actor: str | None = None, bump: bool = False,
    ) -> None:
        """`pr` (an issue or pull request, in `pr_repo` or the same repo) mentions the issue:
        "Refs #N" is added to its body, which makes the issue's `cross-referenced` event.

        The event is timeline-only (not in `/events`) and, unless `bump`, leaves the
        issue's `updated_at` alone; the edited source's moves.
        """
        self._refer(repo, number, pr, "Refs", pr_repo=pr_repo, actor=actor, bump=bump)

    def push_commit(
        self, repo: RepoRef, number: int, author: str | None, *,
        commit_repo: RepoRef | None = None, bump: bool = False,
    ) -> str:
        """A commit whose message names the issue ("Refs #N") is pushed to `commit_repo`
        (default: the issue's): the issue gets a `referenced` event; its commit's id.

        The event's actor is the commit's author as GitHub maps it to an account
        (`author`); None is an author GitHub maps to none, whose event has no actor. As
        with a cross-reference, the issue's `updated_at` moves only with `bump`.
        """
        with self.lock:
            issue = self.issue(repo, number)
            pushed_to = issue.repo if commit_repo is None else self.repo(commit_repo)
            seed = f"{pushed_to.full_name}#{number}@{self.next_id('commit')}"
            sha = hashlib.sha1(seed.encode(), usedforsecurity=False).hexdigest()
            actor = None if author is None else self.user(author)
            self._event(issue, actor, "referenced", commit=Commit(sha, pushed_to))
            if bump:
                self._touch(issue)
            return sha

    def connect(
        self, repo: RepoRef, number: int, pr: int, *, pr_repo: RepoRef | None = None,
        actor: str | None = None, bump: bool = False,
    ) -> None:
        """Link a pull request that will close the issue: "Closes #N" in its body (and so a
        `cross-referenced` event) and a `connected` event, which, as in GitHub's REST
        answer, does not name the pull request. As with `cross_reference`, the issue's
        `updated_at` moves only with `bump`.
        """
        self._refer(repo, number, pr, "Closes", pr_repo=pr_repo, actor=actor, bump=bump)
        with self.lock:
            issue, source = self.issue(repo, number), self.issue(pr_repo or repo, pr)
            self._event(issue, source.user if actor is None else self.user(actor), "connected")

    def _refer(
        self, repo: RepoRef, number: int, pr: int, verb: str, *, pr_repo: RepoRef | None,
        actor: str | None, bump: bool,
    ) -> None:
        with self.lock:
            issue, source = self.issue(repo, number), self.issue(pr_repo or repo, pr)
            ref = f"#{number}" if issue.repo is source.repo else f"{issue.repo.full_name}#{number}"
            source.body = f"{source.body}\n\n{verb} {ref}".strip()
            self._mention(source, actor)
            self._touch(source)
            if bump:
                self._touch(issue)

    def bulk_create(
        self,
        repo: RepoRef,
        issues: int = 10_000,
        comments: int = 20_000,
        label: str | None = "roadmap",
        *,
        users: tuple[str, ...] = ("alice", "bob", "carol"),
        pr_every: int | None = None,
        closed_every: int | None = None,
        assign_every: int | None = None,
        spacing: int = 1,
    ) -> list[int]:
        """Many issues fast, for benchmarks: `spacing` seconds apart (a long history when
        large), then `comments` spread round robin over them, one second apart, each
        bumping its issue's `updated_at`.

        Every `pr_every`-th is a pull request, every `closed_every`-th is closed, every
        `assign_every`-th is assigned as it is made. Returns the new numbers; the clock ends
        one second after the last write.
        """
        with self.lock:
            target, start = self.repo(repo), self.clock.now()
            authors = [self.user(login) for login in users]
            tag = None if label is None else self.create_label(target, label)
            made = [self._bulk_issue(target, i, start + i * spacing, authors, tag, pr_every,
                                     closed_every, assign_every)
                    for i in range(issues)]
            first = start + issues * spacing
            for n in range(comments if made else 0):
                issue, when = made[n % len(made)], first + n
                comment = Comment(self.next_id("comment"), issue, authors[n % len(authors)],
                                  f"Comment {n} on #{issue.number}.", when, when)
                issue.comments.append(comment)
                issue.timeline.append(comment)
                target.comments[comment.id] = comment
                issue.updated_at = when
            target.forget_views()
            self.index.record_many(made)
            self.clock.set(first + comments)
            return [item.number for item in made]

    def bulk_pulls(
        self, repo: RepoRef, count: int, fixes: list[int], *, since: int,
        users: tuple[str, ...] = ("alice", "bob", "carol"), open_every: int = 10,
    ) -> list[int]:
        """`count` pull requests made evenly from `since` to now, the k-th saying "Fixes #N"
        of `fixes[k % len(fixes)]`; every `open_every`-th stays open, the others were
        merged a day after they were opened (or now, if that is later)."""
        with self.lock:
            target, now = self.repo(repo), self.clock.now()
            authors = [self.user(login) for login in users]
            step = max(1, (now - since) // max(1, count))
            made = []
            for k in range(count):
                when = since + k * step
                fixed = target.issues[fixes[k % len(fixes)]]
                pull = Issue(
                    id=self.next_id("issue"), repo=target, number=target.next_number,
                    title=f"Work on #{fixed.number}", body=f"Fixes #{fixed.number}.",
                    user=authors[k % len(authors)], created_at=when, updated_at=when,
                    is_pr=True,
                )
                target.next_number += 1
                target.issues[pull.number] = pull
                fixed.timeline.append(Event(None, fixed, pull.user, "cross-referenced", when,
                                            {"source": pull}, timeline_only=True))
                if k % open_every:
                    done = min(now, when + 86_400)
                    pull.state, pull.state_reason = "closed", "completed"
                    pull.closed_at = pull.merged_at = pull.updated_at = done
                made.append(pull)
            target.forget_views()
            self.index.record_many(made)
            return [pull.number for pull in made]

    def _bulk_issue(
        self, repo: Repo, i: int, when: int, authors: list[User], label: Label | None,
        pr_every: int | None, closed_every: int | None, assign_every: int | None,
    ) -> Issue:
        """One issue, its events made in time order (event ids grow with time, as on
        GitHub)."""
        issue = Issue(
            id=self.next_id("issue"), repo=repo, number=repo.next_number, title=f"Issue {i}",
            body=f"Body of generated issue {i}.", user=authors[i % len(authors)],
            created_at=when, updated_at=when, is_pr=bool(pr_every and i % pr_every == 0),
        )
        repo.next_number += 1
        repo.issues[issue.number] = issue
        if label is not None:
            issue.labels.append(label)
            self._bulk_event(issue, issue.user, "labeled", when, label=label)
        if closed_every and i % closed_every == 0:
            issue.state, issue.state_reason, issue.closed_at = "closed", "completed", when
            issue.closed_by = repo.owner
            self._bulk_event(issue, repo.owner, "closed", when, state_reason="completed")
        if assign_every and i % assign_every == 0:
            who = authors[(i // assign_every) % len(authors)]
            issue.assignees.append(who)
            self._bulk_event(issue, repo.owner, "assigned", when, assignee=who)
        return issue

    def _bulk_event(
        self, issue: Issue, actor: User, kind: str, when: int, **payload: object
    ) -> None:
        event = Event(self.next_id("event"), issue, actor, kind, when, payload)
        issue.events.append(event)
        issue.timeline.append(event)
        issue.repo.events.append(event)
