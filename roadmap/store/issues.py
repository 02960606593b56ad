"""What a sync writes and reads: repositories, cursors, runs, issues, comments, events,
sub-issues and linked pull requests, and the records the views are built from."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Text,
    case,
    cast,
    delete,
    func,
    literal,
    null,
    select,
    update,
)
from sqlalchemy.orm import Session

from roadmap.model import (
    IssueRecord,
    RemoteComment,
    RemoteEvent,
    RemoteIssue,
    RemotePull,
    RemoteRepo,
    RemoteSubIssue,
    StoredIssue,
    SubIssues,
)
from roadmap.parse.comments import stored_words
from roadmap.store.base import CursorState, StaleIssue, StoreBase, now
from roadmap.store.models import (
    Comment,
    Cursor,
    Event,
    Issue,
    PullLink,
    Repository,
    RoadmapItem,
    SubIssue,
    SyncRun,
)


class IssueRows(StoreBase):
    """The rows GitHub's answers become."""

    # -- sync bookkeeping ---------------------------------------------------------------

    def save_repo(self, repo: RemoteRepo) -> int:
        """Record a repository (GitHub's id may be unknown: None); return the store's id."""
        with self.session() as session:
            existing = session.scalar(select(Repository).where(
                func.lower(Repository.full_name) == repo.full_name.lower()))
            if existing is None:
                existing = Repository(full_name=repo.full_name, html_url=repo.html_url)
                session.add(existing)
            existing.full_name, existing.html_url = repo.full_name, repo.html_url
            existing.github_id = repo.id or existing.github_id
            session.flush()
            return existing.id

    def load_cursor(self, repo_id: int, name: str) -> CursorState:
        cursors = Cursor.__table__.c
        with self.transaction() as connection:
            row = connection.execute(select(cursors.position, cursors.url, cursors.etag).where(
                cursors.repo_id == repo_id, cursors.name == name)).first()
        return CursorState(*row) if row else CursorState(None, None, None)

    def save_cursor(self, session: Session | Connection | None, repo_id: int, name: str,
                    state: CursorState) -> None:
        """Move a cursor, inside `session` when given so it commits with the page."""
        row = {"repo_id": repo_id, "name": name, "position": state.position,
               "url": state.url, "etag": state.etag}
        if session is not None:
            self._upsert(session, Cursor, [row], ["repo_id", "name"])
            return
        with self.transaction() as own:
            self._upsert(own, Cursor, [row], ["repo_id", "name"])

    def reset_cursors(self, repo_id: int) -> None:
        with self.session() as session:
            session.execute(delete(Cursor).where(Cursor.repo_id == repo_id))

    def drop_cursors(self, repo_id: int, prefix: str, keep: int) -> None:
        """Forget the cursors `<prefix>N` for N above `keep` (pages a list no longer has)."""
        with self.session() as session:
            names = session.scalars(select(Cursor.name).where(
                Cursor.repo_id == repo_id, Cursor.name.startswith(prefix)))
            gone = [n for n in names if n[len(prefix):].isdigit() and int(n[len(prefix):]) > keep]
            if gone:
                session.execute(delete(Cursor).where(Cursor.repo_id == repo_id,
                                                     Cursor.name.in_(gone)))

    def begin_run(self, repo: str, full: bool) -> int:
        with self.session() as session:
            run = SyncRun(repo=repo, started_at=now(), full=full)
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, **fields: Any) -> None:
        with self.session() as session:
            session.execute(update(SyncRun).where(SyncRun.id == run_id)
                            .values(finished_at=now(), **fields))

    # -- issues -------------------------------------------------------------------------

    def save_issue_page(self, repo_id: int, issues: list[RemoteIssue], label: str,
                        cursor: tuple[str, CursorState] | None) -> tuple[int, int, int]:
        """Upsert one page of issues and move the cursor, in one transaction.

        Returns how many were new, updated, and dropped (no longer labelled).
        """
        wanted = label.lower()
        columns = Issue.__table__.c
        with self.transaction() as connection:
            known = dict(connection.execute(
                select(columns.number, columns.updated_at).where(
                    columns.repo_id == repo_id, columns.number.in_([i.number for i in issues]))
            ).all())
            synced = now()  # one moment for the page: it commits as one
            rows = [_issue_row(repo_id, issue, wanted, synced) for issue in issues]
            self._upsert(connection, Issue, rows, ["repo_id", "number"])
            if cursor is not None:
                self.save_cursor(connection, repo_id, cursor[0], cursor[1])
        new = sum(1 for i in issues if i.number not in known)
        updated = sum(1 for i in issues
                      if i.number in known and known[i.number] != i.updated_at)
        dropped = sum(1 for row in rows if not row["on_roadmap"])
        return new, updated, dropped

    def mark_gone(self, repo_id: int, number: int, gone: str, moved_to: str | None) -> None:
        """An issue deleted, transferred or unlabelled leaves the roadmap; its history stays."""
        with self.session() as session:
            session.execute(update(Issue).where(Issue.repo_id == repo_id,
                                                Issue.number == number)
                            .values(on_roadmap=False, gone=gone, moved_to=moved_to,
                                    synced_at=now()))
            # A sub-issue that moved moves no parent's summary: its parents' lists are
            # read again (`load_sub_issue_work`), so they name it where it is now.
            full_name = select(Repository.full_name).where(Repository.id == repo_id)
            parents = select(SubIssue.issue_id).where(SubIssue.repo == full_name.scalar_subquery(),
                                                      SubIssue.number == number)
            session.execute(update(Issue).where(Issue.id.in_(parents)).values(sub_listed=None))

    def load_repo_id(self, full_name: str, synced: bool = True) -> int | None:
        """The store's id of a repository; with `synced`, only one GitHub's id is known for."""
        query = select(Repository.id).where(
            func.lower(Repository.full_name) == full_name.lower())
        if synced:
            query = query.where(Repository.github_id.is_not(None))
        with self.session() as session:
            return session.scalar(query)

    def load_roadmap_numbers(self, repo_id: int, pulls: bool | None = None) -> set[int]:
        """Numbers of the repository's roadmap issues; `pulls` True or False keeps only
        pull requests or only issues."""
        query = select(Issue.number).where(Issue.repo_id == repo_id, Issue.on_roadmap.is_(True))
        if pulls is not None:
            query = query.where(Issue.is_pull_request.is_(pulls))
        with self.transaction() as connection:  # plain rows: a sync reads these often
            return set(connection.scalars(query))

    def load_issue_ids(self, repo_id: int) -> dict[int, int]:
        """Number to id of every issue the store knows in a repository."""
        with self.transaction() as connection:
            return dict(connection.execute(select(Issue.number, Issue.id).where(
                Issue.repo_id == repo_id)).all())

    def load_stale_details(self, repo_id: int) -> list[StaleIssue]:
        """Roadmap issues whose comments, events and pulls are older than the issue,
        oldest change first."""
        stored = (select(func.count(Comment.id)).where(Comment.issue_id == Issue.id)
                  .correlate(Issue).scalar_subquery())
        with self.transaction() as connection:
            return [StaleIssue(*row) for row in connection.execute(
                select(Issue.id, Issue.number, Issue.updated_at, Issue.comments, stored,
                       Issue.details_at.is_(None))
                .where(Issue.repo_id == repo_id, Issue.on_roadmap.is_(True),
                       (Issue.details_at.is_(None)) | (Issue.details_at < Issue.updated_at))
                .order_by(Issue.updated_at)
            ).all()]

    def mark_details(self, repo_id: int, issue_ids: Sequence[int],
                     unsettled_since: datetime | None) -> int:
        """The stored details of these issues now stand for their `updated_at`, except
        where that is at or after `unsettled_since`, the second GitHub's answers were
        dated: another change in that second keeps the same `updated_at`, so those are
        left a second behind, to be read again. Returns how many were left unsettled."""
        with self.session() as session:
            for chunk in _chunks(list(issue_ids), 500):
                session.execute(update(Issue).where(Issue.id.in_(chunk))
                                .values(details_at=Issue.updated_at))
            if unsettled_since is None:
                return 0
            unsettled = session.execute(select(Issue.id, Issue.updated_at).where(
                Issue.repo_id == repo_id, Issue.on_roadmap.is_(True),
                Issue.updated_at >= unsettled_since)).all()
            for issue_id, updated_at in unsettled:
                session.execute(update(Issue).where(Issue.id == issue_id).values(
                    details_at=updated_at - timedelta(seconds=1)))
            return len(unsettled)

    def load_sub_issue_work(self, repo_id: int) -> list[tuple[int, int, str | None]]:
        """Roadmap issues whose stored sub-issues do not stand for GitHub's summary: (id,
        number, the summary as "total/completed", None when it has none now)."""
        with self.session() as session:
            rows = session.execute(select(Issue.id, Issue.number, Issue.sub_total,
                                          Issue.sub_completed, Issue.sub_listed).where(
                Issue.repo_id == repo_id, Issue.on_roadmap.is_(True),
                (Issue.sub_total > 0) | Issue.sub_listed.is_not(None))).all()
        work = []
        for issue_id, number, total, completed, listed in rows:
            summary = f"{total}/{completed}" if total else None
            if summary != listed:
                work.append((issue_id, number, summary))
        return work

    def load_sub_issue_lists(self, repo_id: int) -> list[tuple[int, int, str]]:
        """Roadmap issues with a stored list of sub-issues: (id, number, the summary the
        list stands for)."""
        with self.session() as session:
            rows = session.execute(select(Issue.id, Issue.number, Issue.sub_listed).where(
                Issue.repo_id == repo_id, Issue.on_roadmap.is_(True),
                Issue.sub_listed.is_not(None)).order_by(Issue.number)).all()
        return [(issue_id, number, str(listed)) for issue_id, number, listed in rows]

    def save_sub_issues(self, issue_id: int, children: list[RemoteSubIssue],
                        listed: str | None) -> None:
        """An issue's sub-issues, complete, standing for the summary `listed`."""
        rows = [{"issue_id": issue_id, "github_id": child.id, "position": n,
                 "repo": child.repo, "number": child.number, "title": child.title,
                 "state": child.state, "state_reason": child.state_reason,
                 "html_url": child.html_url} for n, child in enumerate(children)]
        with self.session() as session:
            session.execute(delete(SubIssue).where(SubIssue.issue_id == issue_id))
            if rows:
                session.execute(self._insert(SubIssue), rows)
            session.execute(update(Issue).where(Issue.id == issue_id)
                            .values(sub_listed=listed))

    def load_issue_keys(self) -> dict[tuple[str, int], int]:
        """(lower-case repository, number) to id, of every issue the store knows."""
        with self.session() as session:
            return {(repo.lower(), number): issue_id for issue_id, number, repo in
                    session.execute(select(Issue.id, Issue.number, Repository.full_name)
                                    .join(Repository))}

    def save_comments(self, repo_id: int, comments: list[RemoteComment],
                      cursor: tuple[str, CursorState] | None,
                      replace_for: int | None = None,
                      ids: dict[int, int] | None = None) -> int:
        """Upsert comments of known issues (others are skipped); with `replace_for`, the
        given list is that issue's complete set and stored comments not in it go.

        `ids` (number to id, from `load_issue_ids`) saves reading them for every page."""
        ids = self.load_issue_ids(repo_id) if ids is None else ids
        rows = [_comment_row(ids[c.issue_number], c) for c in comments if c.issue_number in ids]
        with self.transaction() as connection:
            if replace_for is not None:
                connection.execute(delete(Comment).where(
                    Comment.issue_id == replace_for,
                    Comment.id.not_in([row["id"] for row in rows])))
            self._upsert(connection, Comment, rows, ["id"])
            if cursor is not None:
                self.save_cursor(connection, repo_id, cursor[0], cursor[1])
        return len(rows)

    def save_details(self, issue_id: int, updated_at: datetime, events: list[RemoteEvent],
                     pulls: list[RemotePull]) -> None:
        """An issue's events and linked pull requests, complete, as of `updated_at`."""
        with self.session() as session:
            session.execute(delete(Event).where(Event.issue_id == issue_id))
            session.execute(delete(PullLink).where(PullLink.issue_id == issue_id))
            self._upsert(session, Event, [_event_row(issue_id, e) for e in events], ["id"])
            pull_rows = {p.url: _pull_row(issue_id, p) for p in pulls}
            self._upsert(session, PullLink, list(pull_rows.values()), ["issue_id", "pr_url"])
            session.execute(update(Issue).where(Issue.id == issue_id)
                            .values(details_at=updated_at))

    def save_events(self, repo_id: int, events: list[tuple[int, RemoteEvent]],
                    cursor: tuple[str, CursorState] | None, ids: dict[int, int]) -> int:
        """Upsert events of the repository's known issues (by number: `ids`, from
        `load_issue_ids`); others are skipped. Returns how many were kept."""
        rows = [_event_row(ids[number], event) for number, event in events if number in ids]
        with self.session() as session:
            self._upsert(session, Event, rows, ["id"])
            if cursor is not None:
                self.save_cursor(session, repo_id, cursor[0], cursor[1])
        return len(rows)

    def save_pulls(self, pulls: list[tuple[RemotePull, dict[tuple[str, int], str]]],
                   keys: dict[tuple[str, int], int]) -> int:
        """Each pull request's links, as its text has them now: its earlier links go, and
        one is made to each known issue it refers to (`keys`, from `load_issue_keys`)."""
        rows = {(keys[ref], pull.url): _pull_row(keys[ref], replace(pull, kind=kind))
                for pull, refs in pulls for ref, kind in refs.items() if ref in keys}
        with self.session() as session:
            for chunk in _chunks([pull.url for pull, _ in pulls], 500):
                session.execute(delete(PullLink).where(PullLink.pr_url.in_(chunk)))
            self._upsert(session, PullLink, list(rows.values()), ["issue_id", "pr_url"])
        return len(rows)

    def load_issues(self, state: str = "all") -> list[StoredIssue]:
        """The roadmap issues in the store, newest change first."""
        query = (select(Issue, Repository.full_name).join(Repository)
                 .where(Issue.on_roadmap.is_(True))
                 .order_by(Issue.updated_at.desc(), Issue.id))
        if state in ("open", "closed"):
            query = query.where(Issue.state == state)
        with self.session() as session:
            return [StoredIssue(repo, i.number, i.title, i.state, list(i.assignees),
                                list(i.labels), i.is_pull_request, i.comments, i.updated_at,
                                i.html_url)
                    for i, repo in session.execute(query)]

    def load_counts(self) -> dict[str, int]:
        """How many rows each table holds, for summaries and tests."""
        models = {"issues": Issue, "comments": Comment, "events": Event,
                  "pull_links": PullLink, "sub_issues": SubIssue, "items": RoadmapItem,
                  "sync_runs": SyncRun}
        with self.session() as session:
            return {name: session.scalar(select(func.count()).select_from(model)) or 0
                    for name, model in models.items()}

    def load_records(self, words: bool = True) -> list[IssueRecord]:
        """Every roadmap issue with its comments, events and linked pull requests.

        Only what links, claims and status read is loaded: an issue's body when it may
        hold a `Roadmap:` line (else ""), and comments on open issues only (a closed
        issue has no claims). Without `words` (the default claim patterns), a comment's
        body and own words are left out too ("" and None) when its commands were kept.
        Comments, events and pull requests come in no particular order: sorting them
        was a fifth to a quarter of the comments' query (claims put them in time order).
        """
        # Rows of plain columns, not ORM objects: building 30,000 entities was half of a
        # large report's time (issue 5). A 10,000-issue store's bodies and comments are
        # megabytes of text that nothing here reads.
        # SQLite's LIKE ignores ASCII case already; its `ilike` adds a lower() that took
        # half of the query's time.
        like = Issue.body.ilike if self.engine.dialect.name == "postgresql" else Issue.body.like
        body = case((like("%roadmap%"), Issue.body), else_=literal(""))
        said = (Comment.body, Comment.own_words) if words else (
            case((Comment.commands.is_(None), Comment.body), else_=literal("")), null())
        with self.session() as session:
            read = session.connection().execute
            decoded: dict[str | None, list[str]] = {}  # most issues share their labels' text

            def strings(raw: str | None) -> list[str]:
                if raw not in decoded:
                    decoded[raw] = [str(s) for s in json.loads(raw or "[]")]
                return list(decoded[raw])

            records = {issue_id: IssueRecord(repo, number, title, content, state, reason, pull,
                                             author, strings(labels), strings(assignees),
                                             *rest)
                       for issue_id, repo, number, title, content, state, reason, pull, author,
                       labels, assignees, *rest in read(
                select(Issue.id, Repository.full_name, Issue.number, Issue.title, body,
                       Issue.state, Issue.state_reason, Issue.is_pull_request, Issue.author,
                       cast(Issue.labels, Text), cast(Issue.assignees, Text), Issue.created_at,
                       Issue.updated_at, Issue.closed_at, Issue.html_url)
                .join(Repository).where(Issue.on_roadmap.is_(True))
                .order_by(Repository.full_name, Issue.number)).all()}
            for issue_id, total, completed, percent in read(
                    select(Issue.id, Issue.sub_total, Issue.sub_completed, Issue.sub_percent)
                    .where(Issue.on_roadmap.is_(True), Issue.sub_total > 0)).all():
                if issue_id in records:
                    records[issue_id].sub_issues = SubIssues(total or 0, completed or 0,
                                                             percent or 0)
            for issue_id, child_id, child_repo, number, child_title, child_state, why, url in read(
                    select(SubIssue.issue_id, SubIssue.github_id, SubIssue.repo,
                           SubIssue.number, SubIssue.title, SubIssue.state,
                           SubIssue.state_reason, SubIssue.html_url)
                    .order_by(SubIssue.issue_id, SubIssue.position)).all():
                if issue_id in records:
                    records[issue_id].children.append(RemoteSubIssue(
                        child_id, child_repo, number, child_title, child_state, why, url))
            rows = read(select(
                Comment.issue_id, Comment.id, Comment.author, Comment.author_is_bot, said[0],
                Comment.html_url, Comment.created_at, Comment.updated_at, said[1],
                Comment.commands,
            ).join(Issue).where(Issue.on_roadmap.is_(True), Issue.state == "open")).all()
            for issue_id, comment_id, author, bot, content, url, created, updated, *kept in rows:
                if issue_id in records:
                    record = records[issue_id]
                    record.comments.append(RemoteComment(comment_id, record.number, author, bot,
                                                         content, url, created, updated, *kept))
            events = read(select(Event.issue_id, Event.id, Event.event, Event.actor,
                                 Event.subject, Event.created_at)).all()
            for issue_id, event_id, kind, actor, subject, at in events:
                if issue_id in records:
                    event = RemoteEvent(event_id, kind, actor, subject, at)
                    records[issue_id].events.append(event)
            pulls = read(select(PullLink.issue_id, PullLink.pr_url, PullLink.repo,
                                PullLink.number, PullLink.title, PullLink.state,
                                PullLink.merged, PullLink.author, PullLink.kind,
                                PullLink.updated_at)).all()
            for issue_id, *pull in pulls:
                if issue_id in records:
                    records[issue_id].pulls.append(RemotePull(*pull))
            return list(records.values())


def _issue_row(repo_id: int, issue: RemoteIssue, label: str,
               synced: datetime) -> dict[str, Any]:
    labelled = label in (name.lower() for name in issue.labels)
    return {
        "github_id": issue.id or None, "repo_id": repo_id, "number": issue.number,
        "title": issue.title,
        "body": issue.body, "state": issue.state, "state_reason": issue.state_reason,
        "is_pull_request": issue.is_pull_request, "author": issue.author,
        "labels": issue.labels, "assignees": issue.assignees, "milestone": issue.milestone,
        "comments": issue.comments, "html_url": issue.html_url,
        "created_at": issue.created_at, "updated_at": issue.updated_at,
        "closed_at": issue.closed_at, "on_roadmap": labelled,
        "gone": None if labelled else "unlabeled", "moved_to": None, "synced_at": synced,
        "sub_total": issue.sub_issues.total if issue.sub_issues else None,
        "sub_completed": issue.sub_issues.completed if issue.sub_issues else None,
        "sub_percent": issue.sub_issues.percent_completed if issue.sub_issues else None,
        "parent_url": issue.parent_url,
    }


def _comment_row(issue_id: int, comment: RemoteComment) -> dict[str, Any]:
    return {"id": comment.id, "issue_id": issue_id, "author": comment.author,
            "author_is_bot": comment.author_is_bot, "body": comment.body,
            "html_url": comment.html_url, "created_at": comment.created_at,
            "updated_at": comment.updated_at, **stored_words(comment.body)}


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _event_row(issue_id: int, event: RemoteEvent) -> dict[str, Any]:
    return {"id": event.id, "issue_id": issue_id, "event": event.event, "actor": event.actor,
            "subject": event.subject, "created_at": event.created_at}


def _pull_row(issue_id: int, pull: RemotePull) -> dict[str, Any]:
    return {"issue_id": issue_id, "pr_url": pull.url, "repo": pull.repo,
            "number": pull.number, "title": pull.title, "state": pull.state,
            "merged": pull.merged, "author": pull.author, "kind": pull.kind,
            "updated_at": pull.updated_at}


