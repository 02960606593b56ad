"""GitHub's JSON shapes, as in the recorded exchanges (octokit fixtures, webhook payloads).

Issues and comments are rendered once to bytes and cached on the object until it changes,
so a page of a big listing is a join of cached bytes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from .model import Comment, Event, Issue, Label, Milestone, Repo, User, iso

Json = dict[str, object]


@dataclass(frozen=True, slots=True)
class Urls:
    """Where rendered links point: the API (this server) and the web pages."""

    api: str
    html: str


def dumps(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def node_id(kind: str, number: int) -> str:
    """A legacy global node id, e.g. `MDU6SXNzdWUx` for `05:Issue1`."""
    return base64.b64encode(f"{len(kind):02d}:{kind}{number}".encode()).decode()


def user(urls: Urls, who: User) -> Json:
    if who.cache is None:
        api, login = f"{urls.api}/users/{who.login}", who.login
        who.cache = {
            "login": login, "id": who.id, "node_id": node_id("User", who.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{who.id}?v=4",
            "gravatar_id": "", "url": api, "html_url": f"{urls.html}/{login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions", "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos", "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": "Bot" if who.bot else "User", "user_view_type": "public",
            "site_admin": who.site_admin,
        }
    return who.cache


def label(urls: Urls, repo: Repo, tag: Label) -> Json:
    return {
        "id": tag.id, "node_id": node_id("Label", tag.id),
        "url": f"{urls.api}/repos/{repo.full_name}/labels/{tag.name.replace(' ', '%20')}",
        "name": tag.name, "color": tag.color, "default": tag.default,
        "description": tag.description,
    }


def milestone(urls: Urls, repo: Repo, stone: Milestone) -> Json:
    api = f"{urls.api}/repos/{repo.full_name}/milestones/{stone.number}"
    members = [issue for issue in repo.issues.values() if issue.milestone is stone]
    closed = sum(issue.state == "closed" for issue in members)
    return {
        "url": api, "html_url": f"{urls.html}/{repo.full_name}/milestone/{stone.number}",
        "labels_url": f"{api}/labels", "id": stone.id, "node_id": node_id("Milestone", stone.id),
        "number": stone.number, "title": stone.title, "description": stone.description,
        "creator": user(urls, stone.creator), "open_issues": len(members) - closed,
        "closed_issues": closed, "state": stone.state, "created_at": iso(stone.created_at),
        "updated_at": iso(stone.created_at), "due_on": iso(stone.due_on), "closed_at": None,
    }


def reactions(url: str) -> Json:
    kinds = ["+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes"]
    return {"url": url, "total_count": 0, **dict.fromkeys(kinds, 0)}


def association(repo: Repo, who: User) -> str:
    if who is repo.owner:
        return "OWNER"
    return "COLLABORATOR" if who.login in repo.collaborators else "NONE"


def issue(urls: Urls, item: Issue, *, detail: bool = False) -> Json:
    """An issue as listings answer it; `detail` adds `closed_by`, as the single GET does."""
    repo, number = item.repo, item.number
    api, repo_api = f"{urls.api}/repos/{repo.full_name}/issues/{number}", repo_url(urls, repo)
    kind = "pull" if item.is_pr else "issues"
    data: Json = {
        "url": api, "repository_url": repo_api, "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments", "events_url": f"{api}/events",
        "html_url": f"{urls.html}/{repo.full_name}/{kind}/{number}",
        "id": item.id, "node_id": node_id("Issue", item.id), "number": number,
        "title": item.title, "user": user(urls, item.user),
        "labels": [label(urls, repo, tag) for tag in item.labels], "state": item.state,
        "locked": item.locked,
        "assignee": user(urls, item.assignees[0]) if item.assignees else None,
        "assignees": [user(urls, who) for who in item.assignees],
        "milestone": milestone(urls, repo, item.milestone) if item.milestone else None,
        "comments": len(item.comments), "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at), "closed_at": iso(item.closed_at),
        "author_association": association(repo, item.user), "active_lock_reason": None,
    }
    if item.is_pr:
        data["draft"] = False
        data["pull_request"] = pull_request(urls, item)
    data["body"] = item.body or None
    if detail:
        data["closed_by"] = user(urls, item.closed_by) if item.closed_by else None
    data["reactions"] = reactions(f"{api}/reactions")
    data["timeline_url"] = f"{api}/timeline"
    data["performed_via_github_app"] = None
    data["state_reason"] = item.state_reason
    return data


def pull_request(urls: Urls, item: Issue) -> Json:
    html = f"{urls.html}/{item.repo.full_name}/pull/{item.number}"
    return {
        "url": f"{repo_url(urls, item.repo)}/pulls/{item.number}", "html_url": html,
        "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
        "merged_at": iso(item.merged_at),
    }


def pull(urls: Urls, item: Issue) -> Json:
    """A pull request as `GET /repos/{o}/{r}/pulls` lists it (the fields the tool reads,
    and enough of the rest to look like GitHub's)."""
    repo, number = item.repo, item.number
    api = f"{repo_url(urls, repo)}/pulls/{number}"
    html = f"{urls.html}/{repo.full_name}/pull/{number}"
    return {
        "url": api, "id": item.id, "node_id": node_id("PullRequest", item.id),
        "html_url": html, "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
        "issue_url": f"{repo_url(urls, repo)}/issues/{number}", "number": number,
        "state": item.state, "locked": item.locked, "title": item.title,
        "user": user(urls, item.user), "body": item.body or None,
        "created_at": iso(item.created_at), "updated_at": iso(item.updated_at),
        "closed_at": iso(item.closed_at), "merged_at": iso(item.merged_at),
        "assignees": [user(urls, who) for who in item.assignees],
        "labels": [label(urls, repo, tag) for tag in item.labels],
        "milestone": milestone(urls, repo, item.milestone) if item.milestone else None,
        "draft": False, "head": {"label": f"{item.user.login}:patch-{number}",
                                 "ref": f"patch-{number}"},
        "base": {"label": f"{repo.owner.login}:main", "ref": "main",
                 "repo": {"id": repo.id, "full_name": repo.full_name}},
        "author_association": association(repo, item.user), "auto_merge": None,
    }


def issue_bytes(urls: Urls, item: Issue) -> bytes:
    if item.cache is None:
        item.cache = dumps(issue(urls, item))
    return item.cache


def repo_url(urls: Urls, repo: Repo) -> str:
    return f"{urls.api}/repos/{repo.full_name}"


def repository(urls: Urls, repo: Repo) -> Json:
    api, full = repo_url(urls, repo), repo.full_name
    links = {
        f"{name}_url": f"{api}/{path}"
        for name, path in [
            ("issue_events", "issues/events{/number}"), ("events", "events"),
            ("assignees", "assignees{/user}"), ("labels", "labels{/name}"),
            ("issues", "issues{/number}"), ("pulls", "pulls{/number}"),
            ("milestones", "milestones{/number}"),
            ("issue_comment", "issues/comments{/number}"), ("comments", "comments{/number}"),
            ("collaborators", "collaborators{/collaborator}"),
        ]
    }
    open_count = sum(issue.state == "open" for issue in repo.issues.values())
    return {
        "id": repo.id, "node_id": node_id("Repository", repo.id), "name": repo.name,
        "full_name": full, "private": repo.private, "owner": user(urls, repo.owner),
        "html_url": f"{urls.html}/{full}", "description": None, "fork": False, "url": api,
        **links, "created_at": iso(repo.created_at), "updated_at": iso(repo.created_at),
        "pushed_at": iso(repo.created_at), "git_url": f"git://github.com/{full}.git",
        "clone_url": f"{urls.html}/{full}.git", "homepage": None, "size": 0,
        "stargazers_count": 0, "watchers_count": 0, "language": None, "has_issues": True,
        "has_projects": True, "has_wiki": True, "forks_count": 0, "archived": False,
        "disabled": False, "open_issues_count": open_count, "license": None,
        "visibility": "private" if repo.private else "public", "forks": 0,
        "open_issues": open_count, "watchers": 0, "default_branch": "main",
    }


def comment(urls: Urls, note: Comment) -> Json:
    repo, number = note.issue.repo, note.issue.number
    api = f"{urls.api}/repos/{repo.full_name}/issues/comments/{note.id}"
    return {
        "url": api,
        "html_url": f"{urls.html}/{repo.full_name}/issues/{number}#issuecomment-{note.id}",
        "issue_url": f"{urls.api}/repos/{repo.full_name}/issues/{number}", "id": note.id,
        "node_id": node_id("IssueComment", note.id), "user": user(urls, note.user),
        "created_at": iso(note.created_at), "updated_at": iso(note.updated_at),
        "author_association": association(repo, note.user), "body": note.body,
        "reactions": reactions(f"{api}/reactions"), "performed_via_github_app": None,
    }


def comment_bytes(urls: Urls, note: Comment) -> bytes:
    if note.cache is None:
        note.cache = dumps(comment(urls, note))
    return note.cache


def event(urls: Urls, item: Event, *, with_issue: bool = False) -> Json:
    """An issue event; the repo-wide listing (`with_issue`) embeds the issue."""
    repo = item.issue.repo
    data: Json = {
        "id": item.id, "node_id": node_id("IssueEvent", item.id or 0),
        "url": f"{urls.api}/repos/{repo.full_name}/issues/events/{item.id}",
        "actor": user(urls, item.actor), "event": item.event, "commit_id": None,
        "commit_url": None, "created_at": iso(item.created_at),
    }
    for key, value in item.payload.items():
        data[key] = payload(urls, repo, value)
    data["performed_via_github_app"] = None
    if with_issue:
        data["issue"] = issue(urls, item.issue)
    return data


def payload(urls: Urls, repo: Repo, value: object) -> object:
    if isinstance(value, Label):
        return {"name": value.name, "color": value.color}
    if isinstance(value, User):
        return user(urls, value)
    if isinstance(value, Milestone):
        return {"title": value.title}
    return value


def timeline_entry(urls: Urls, entry: Event | Comment) -> Json:
    """One timeline item: a comment (`commented`), a cross-reference, or an issue event."""
    if isinstance(entry, Comment):
        return {**comment(urls, entry), "event": "commented", "actor": user(urls, entry.user)}
    if entry.event == "cross-referenced":
        source = entry.payload["source"]
        assert isinstance(source, Issue)
        shown = {**issue(urls, source), "repository": repository(urls, source.repo)}
        return {
            "actor": user(urls, entry.actor), "created_at": iso(entry.created_at),
            "updated_at": iso(entry.created_at), "source": {"type": "issue", "issue": shown},
            "event": "cross-referenced",
        }
    return event(urls, entry)
