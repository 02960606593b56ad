"""GitHub's JSON shapes, as in the recorded exchanges (octokit fixtures, webhook payloads).

Issues and comments are rendered once to bytes and cached on the object until it changes,
so a page of a big listing is a join of cached bytes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from urllib.parse import quote

from .model import Comment, Commit, Event, Issue, Label, Milestone, Repo, User, iso

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


def account(who: User) -> Json:
    """What `GET /users/{login}` and `GET /user` add to a user's summary."""
    return {
        "name": who.login, "company": None, "blog": "", "location": None, "email": None,
        "hireable": None, "bio": None, "twitter_username": None, "public_repos": 0,
        "public_gists": 0, "followers": 0, "following": 0,
        "created_at": "2011-01-25T18:44:36Z", "updated_at": "2011-01-25T18:44:36Z",
    }


def private_account() -> Json:
    """What `GET /user` adds for the authenticated user themselves (`private-user`)."""
    return {
        "private_gists": 0, "total_private_repos": 0, "owned_private_repos": 0,
        "disk_usage": 0, "collaborators": 0, "two_factor_authentication": True,
    }


def label(urls: Urls, repo: Repo, tag: Label) -> Json:
    return {
        "id": tag.id, "node_id": node_id("Label", tag.id),
        "url": f"{urls.api}/repos/{repo.full_name}/labels/{quote(tag.name)}",
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
        "author_association": association(repo, item.user),
        "active_lock_reason": item.lock_reason if item.locked else None,
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
    data["sub_issues_summary"] = sub_issues_summary(item)
    data["parent_issue_url"] = (
        None if item.parent is None else issue_url(urls, item.parent)
    )
    return data


def issue_url(urls: Urls, item: Issue) -> str:
    return f"{urls.api}/repos/{item.repo.full_name}/issues/{item.number}"


def sub_issues_summary(item: Issue) -> Json:
    """GitHub's summary: `percent_completed` is a whole number, rounded down."""
    total, completed = item.sub_issue_counts()
    percent = completed * 100 // total if total else 0
    return {"total": total, "completed": completed, "percent_completed": percent}


def pull_request(urls: Urls, item: Issue) -> Json:
    html = f"{urls.html}/{item.repo.full_name}/pull/{item.number}"
    return {
        "url": f"{repo_url(urls, item.repo)}/pulls/{item.number}", "html_url": html,
        "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
        "merged_at": iso(item.merged_at),
    }


def pull(urls: Urls, item: Issue) -> Json:
    """A pull request as `GET /repos/{o}/{r}/pulls` lists it (`pull-request-simple`)."""
    repo, number = item.repo, item.number
    repo_api = repo_url(urls, repo)
    api, html = f"{repo_api}/pulls/{number}", f"{urls.html}/{repo.full_name}/pull/{number}"
    issue_api = f"{repo_api}/issues/{number}"
    sha = f"{item.id:040x}"  # a stable stand-in for the head commit
    links = {
        "self": api, "html": html, "issue": issue_api, "comments": f"{issue_api}/comments",
        "review_comments": f"{api}/comments",
        "review_comment": f"{repo_api}/pulls/comments{{/number}}",
        "commits": f"{api}/commits", "statuses": f"{repo_api}/statuses/{sha}",
    }
    shown_repo = repository(urls, repo)
    return {
        "url": api, "id": item.id, "node_id": node_id("PullRequest", item.id),
        "html_url": html, "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
        "issue_url": issue_api, "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"], "comments_url": links["comments"],
        "statuses_url": links["statuses"], "number": number, "state": item.state,
        "locked": item.locked, "title": item.title, "user": user(urls, item.user),
        "body": item.body or None,
        # the schema's pull request labels have a string description, never null
        "labels": [{**label(urls, repo, tag), "description": tag.description or ""}
                   for tag in item.labels],
        "milestone": milestone(urls, repo, item.milestone) if item.milestone else None,
        "active_lock_reason": item.lock_reason if item.locked else None,
        "created_at": iso(item.created_at), "updated_at": iso(item.updated_at),
        "closed_at": iso(item.closed_at), "merged_at": iso(item.merged_at),
        "merge_commit_sha": None if item.merged_at is None else f"{item.id + 1:040x}",
        "assignee": user(urls, item.assignees[0]) if item.assignees else None,
        "assignees": [user(urls, who) for who in item.assignees],
        "requested_reviewers": [], "requested_teams": [],
        "head": {"label": f"{item.user.login}:patch-{number}", "ref": f"patch-{number}",
                 "sha": sha, "user": user(urls, item.user), "repo": shown_repo},
        "base": {"label": f"{repo.owner.login}:main", "ref": "main", "sha": f"{repo.id:040x}",
                 "user": user(urls, repo.owner), "repo": shown_repo},
        "_links": {name: {"href": href} for name, href in links.items()},
        "author_association": association(repo, item.user), "auto_merge": None,
        "draft": False,
    }


def issue_bytes(urls: Urls, item: Issue) -> bytes:
    if item.cache is None:
        item.cache = dumps(issue(urls, item))
    return item.cache


def repo_url(urls: Urls, repo: Repo) -> str:
    return f"{urls.api}/repos/{repo.full_name}"


REPO_LINKS = [  # (field, path under the repository's API URL), as GitHub lists them
    ("forks", "forks"), ("keys", "keys{/key_id}"),
    ("collaborators", "collaborators{/collaborator}"),
    ("teams", "teams"), ("hooks", "hooks"), ("issue_events", "issues/events{/number}"),
    ("events", "events"), ("assignees", "assignees{/user}"), ("branches", "branches{/branch}"),
    ("tags", "tags"), ("blobs", "git/blobs{/sha}"), ("git_tags", "git/tags{/sha}"),
    ("git_refs", "git/refs{/sha}"), ("trees", "git/trees{/sha}"),
    ("statuses", "statuses/{sha}"), ("languages", "languages"),
    ("stargazers", "stargazers"), ("contributors", "contributors"),
    ("subscribers", "subscribers"), ("subscription", "subscription"),
    ("commits", "commits{/sha}"), ("git_commits", "git/commits{/sha}"),
    ("comments", "comments{/number}"), ("issue_comment", "issues/comments{/number}"),
    ("contents", "contents/{+path}"), ("compare", "compare/{base}...{head}"),
    ("merges", "merges"), ("archive", "{archive_format}{/ref}"), ("downloads", "downloads"),
    ("issues", "issues{/number}"), ("pulls", "pulls{/number}"),
    ("milestones", "milestones{/number}"),
    ("notifications", "notifications{?since,all,participating}"),
    ("labels", "labels{/name}"), ("releases", "releases{/id}"),
    ("deployments", "deployments"),
]


def repository(urls: Urls, repo: Repo) -> Json:
    """A repository as `GET /repos/{o}/{r}` answers it (the `full-repository` schema, which
    also satisfies the `repository` one that pull requests embed)."""
    api, full = repo_url(urls, repo), repo.full_name
    host = urls.html.split("://", 1)[-1]
    open_count = sum(issue.state == "open" for issue in repo.issues.values())
    when = iso(repo.created_at)
    return {
        "id": repo.id, "node_id": node_id("Repository", repo.id), "name": repo.name,
        "full_name": full, "private": repo.private, "owner": user(urls, repo.owner),
        "html_url": f"{urls.html}/{full}", "description": None, "fork": False, "url": api,
        **{f"{name}_url": f"{api}/{path}" for name, path in REPO_LINKS},
        "created_at": when, "updated_at": when, "pushed_at": when,
        "git_url": f"git://{host}/{full}.git", "ssh_url": f"git@{host}:{full}.git",
        "clone_url": f"{urls.html}/{full}.git", "svn_url": f"{urls.html}/{full}",
        "mirror_url": None, "homepage": None, "size": 0, "stargazers_count": 0,
        "watchers_count": 0, "language": None, "has_issues": True, "has_projects": True,
        "has_downloads": True, "has_wiki": True, "has_pages": False, "has_discussions": False,
        "forks_count": 0, "archived": False, "disabled": False,
        "open_issues_count": open_count, "license": None, "allow_forking": True,
        "is_template": False, "web_commit_signoff_required": False, "topics": [],
        "visibility": "private" if repo.private else "public", "forks": 0,
        "open_issues": open_count, "watchers": 0, "default_branch": "main",
        "network_count": 0, "subscribers_count": 0,
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
        "actor": None if item.actor is None else user(urls, item.actor),
        "event": item.event, "commit_id": None, "commit_url": None,
        "created_at": iso(item.created_at),
    }
    for key, value in item.payload.items():
        if isinstance(value, Commit):  # a `referenced` event: the commit, in its own repo
            data["commit_id"] = value.sha
            data["commit_url"] = f"{urls.api}/repos/{value.repo.full_name}/commits/{value.sha}"
        else:
            data[key] = payload(urls, repo, value)
    data["performed_via_github_app"] = None
    if with_issue:
        data["issue"] = issue(urls, item.issue)
    return data


def payload(urls: Urls, repo: Repo, value: object) -> object:
    if isinstance(value, Issue):
        return issue_reference(urls, value)
    if isinstance(value, Label):
        return {"name": value.name, "color": value.color}
    if isinstance(value, User):
        return user(urls, value)
    if isinstance(value, Milestone):
        return {"title": value.title}
    return value


def issue_reference(urls: Urls, item: Issue) -> Json:
    """The short form of an issue that sub-issue and parent-issue events name."""
    return {
        "number": item.number, "title": item.title, "state": item.state,
        "state_reason": item.state_reason, "repository": repository(urls, item.repo),
        "issue_type": None,
    }


def timeline_entry(urls: Urls, entry: Event | Comment) -> Json:
    """One timeline item: a comment (`commented`), a cross-reference, or an issue event."""
    if isinstance(entry, Comment):
        return {**comment(urls, entry), "event": "commented", "actor": user(urls, entry.user)}
    if entry.event == "cross-referenced":
        source = entry.payload["source"]
        assert isinstance(source, Issue)
        shown = {**issue(urls, source), "repository": repository(urls, source.repo)}
        return {
            "actor": None if entry.actor is None else user(urls, entry.actor),
            "created_at": iso(entry.created_at),
            "updated_at": iso(entry.created_at), "source": {"type": "issue", "issue": shown},
            "event": "cross-referenced",
        }
    return event(urls, entry)
