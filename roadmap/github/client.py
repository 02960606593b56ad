"""GitHub through PyGithub: the only module that imports it.

Lists are read page by page as raw JSON through PyGithub's requester (its
PaginatedList keeps every element and sends no ETags), turned into the plain
values of `roadmap.model`, and dropped. Everything GitHub answers is untrusted:
it is only ever read as data. The token is handed to PyGithub and never printed.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import github
from github import Auth, Github
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import RequestException
from urllib3.util.retry import Retry

from roadmap.errors import GitHubError, RateLimited
from roadmap.limits import cut_body, cut_label, cut_login, cut_title
from roadmap.model import (
    Ref,
    RemoteComment,
    RemoteEvent,
    RemoteIssue,
    RemotePull,
    RemoteRepo,
    RemoteSubIssue,
    SubIssues,
    issue_number_of,
)
from roadmap.model import (
    parse_time as when,
)
from roadmap.parse.refs import ref_keys_of_text, ref_of_url, urls_of_text

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
PER_PAGE = 100
#: Secondary limits and 5xx answers are retried this many times before giving up.
MAX_RETRIES = 5
_LINK = re.compile(r'<([^<>]+)>;\s*rel="([^"]+)"')  # `[^<>]`: a run of `<` costs linear time
_EVENTS_KEPT = frozenset({"assigned", "unassigned", "labeled", "unlabeled", "closed",
                          "reopened", "renamed", "transferred"})


def find_token() -> str | None:
    """`GITHUB_TOKEN`, else `GH_TOKEN`, else what `gh auth token` prints, else None."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    gh = shutil.which("gh")
    if gh is None:
        return None
    try:
        out = subprocess.run([gh, "auth", "token"], capture_output=True, text=True,
                             timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def api_url_from_env() -> str:
    return os.environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API_URL


@dataclass(slots=True)
class Page:
    """One answer of a list call: its items (None when 304), next link and ETag."""

    items: list[dict[str, Any]] | None
    next_url: str | None
    etag: str | None


@dataclass(slots=True)
class Counters:
    """What the client asked, and what it cost: GitHub meters the core (REST) and search
    budgets apart, and a 304 costs nothing."""

    requests: int = 0
    not_modified: int = 0
    core_points: int = 0
    search_points: int = 0
    rate_remaining: int | None = None
    rate_reset: float | None = None


class GitHubClient:
    """A PyGithub client with the pacing, retries and rate-limit handling the sync needs.

    `wait` is called with the seconds to wait and a reason when GitHub asks the
    tool to slow down; it sleeps (showing a countdown on a terminal). With
    `wait_for_reset=False` an exhausted budget raises RateLimited instead.
    """

    def __init__(self, api_url: str, token: str | None, *, wait_for_reset: bool = True,
                 backoff: float = 0.5, timeout: int = 30,
                 wait: Callable[[float, str], None] | None = None,
                 write_interval: float = 1.0) -> None:
        self.api_url = api_url.rstrip("/")
        # A refused connection is retried twice: an unreachable API URL should fail fast.
        retry = Retry(total=MAX_RETRIES, connect=2, read=MAX_RETRIES,
                      status=MAX_RETRIES, backoff_factor=backoff, backoff_max=30,
                      status_forcelist=(500, 502, 503, 504),
                      allowed_methods=frozenset({"GET", "HEAD"}),
                      respect_retry_after_header=True, raise_on_status=False)
        self._github = Github(
            auth=Auth.Token(token) if token else None, base_url=self.api_url,
            per_page=PER_PAGE, timeout=timeout, retry=retry,
            # Pacing is ours: conditional and sequential requests need no fixed delay.
            seconds_between_requests=None, seconds_between_writes=write_interval or None,
        )
        self._requester = self._github.requester
        self.wait_for_reset = wait_for_reset
        self.counters = Counters()
        self.server_time: datetime | None = None
        #: GitHub's time of the first answer since `begin()`: where a sync's reads start.
        self.begun_at: datetime | None = None
        self._wait = wait or (lambda seconds, _reason: time.sleep(seconds))

    def close(self) -> None:
        self._github.close()

    # -- requests -------------------------------------------------------------------------

    def get(self, url: str, params: dict[str, Any] | None = None,
            etag: str | None = None) -> tuple[int, dict[str, str], Any]:
        """A GET with an optional `If-None-Match`: (status, headers, JSON or None).

        Secondary limits are waited out; an exhausted budget is waited out or raises
        RateLimited; 5xx answers and dropped connections were already retried with
        backoff by urllib3. Other failures raise GitHubError with one clear line.
        """
        headers = {"If-None-Match": etag} if etag else None
        for attempt in range(MAX_RETRIES + 1):
            try:
                status, answer_headers, body = self._requester.requestJson(
                    "GET", url, params, headers)
            except RequestException as error:
                raise self._network_error(error) from None
            self._count(status, answer_headers)
            self._clock(answer_headers)
            data = _json(body)
            if status == 304:
                self.counters.not_modified += 1
                return status, answer_headers, None
            if status < 400:
                return status, answer_headers, data
            if not self._should_retry(status, answer_headers, attempt):
                raise self._error(status, data, url)
        raise GitHubError(f"{self._where(url)}: GitHub kept refusing after {MAX_RETRIES} tries")

    def begin(self) -> None:
        """Start timing a piece of work by GitHub's clock (see `begun_at`)."""
        self.begun_at = None

    def _clock(self, headers: dict[str, str]) -> None:
        """GitHub's `Date`: "now" by its clock, not the machine's, for time windows."""
        with contextlib.suppress(KeyError, TypeError, ValueError):
            self.server_time = email.utils.parsedate_to_datetime(headers["date"])
            self.begun_at = self.begun_at or self.server_time

    def _count(self, status: int, headers: dict[str, str]) -> None:
        counters = self.counters
        counters.requests += 1
        search = headers.get("x-ratelimit-resource") == "search"
        if status != 304:
            if search:
                counters.search_points += 1
            else:
                counters.core_points += 1
        if search:
            return  # the search budget's headers say nothing of the core budget
        remaining = headers.get("x-ratelimit-remaining")
        reset = headers.get("x-ratelimit-reset")
        if remaining is not None and remaining.isdigit():
            counters.rate_remaining = int(remaining)
        if reset is not None and reset.isdigit():
            counters.rate_reset = float(reset)

    def _should_retry(self, status: int, headers: dict[str, str], attempt: int) -> bool:
        """Wait out a secondary limit or the primary budget, when that is allowed."""
        if status not in (403, 429) or attempt >= MAX_RETRIES:
            return False
        retry_after = headers.get("retry-after")
        if retry_after is not None and retry_after.isdigit():
            self._wait(float(retry_after), "secondary rate limit")
            return True
        if headers.get("x-ratelimit-remaining") == "0":
            reset = float(headers.get("x-ratelimit-reset") or time.time() + 60)
            if not self.wait_for_reset:
                when = datetime.fromtimestamp(reset, UTC).strftime("%H:%M:%S UTC")
                raise RateLimited(f"GitHub API rate limit reached; it resets at {when}. "
                                  "The sync stopped with its place saved: run it again then")
            self._wait(max(0.0, reset - time.time()) + 1, "rate limit reset")
            return True
        return False

    def _error(self, status: int, data: Any, url: str) -> GitHubError:
        where = self._where(url)
        message = _message(data, status)
        if status == 401:
            return GitHubError(f"{where}: bad credentials (check GITHUB_TOKEN or GH_TOKEN)")
        if status == 404:
            return NotFound(f"{where}: not found (unknown repository, or no access)")
        if status == 410:
            return Deleted(f"{where}: deleted ({message})")
        if status in (403, 429):
            return GitHubError(f"{where}: forbidden by GitHub ({message})")
        if status == 422:
            return Refused(f"{where}: GitHub refused the request ({message})")
        return GitHubError(f"{where}: GitHub answered {status} ({message})")

    def _network_error(self, error: RequestException) -> GitHubError:
        kind = "unreachable" if isinstance(error, RequestsConnectionError) else "network error"
        return GitHubError(f"{self.api_url}: {kind} ({type(error).__name__})")

    def _where(self, url: str) -> str:
        path = urlsplit(url).path if url.startswith("http") else url
        return f"GitHub {path}"

    # -- list calls -----------------------------------------------------------------------

    def get_page(self, url: str, params: dict[str, Any] | None = None,
                 etag: str | None = None) -> Page:
        status, headers, data = self.get(url, params, etag)
        links = dict((rel, href) for href, rel in _LINK.findall(headers.get("link", "")))
        if status == 304:
            return Page(None, None, etag)
        if not isinstance(data, list):
            raise GitHubError(f"{self._where(url)}: expected a list from GitHub")
        return Page(data, links.get("next"), headers.get("etag"))

    def pages(self, url: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """Every page of a list call, following `next` links."""
        page = self.get_page(url, params)
        while True:
            yield page.items or []
            if page.next_url is None:
                return
            page = self.get_page(page.next_url)

    # -- resources ------------------------------------------------------------------------

    def fetch_repo(self, full_name: str) -> RemoteRepo:
        _, _, data = self.get(f"/repos/{full_name}")
        return RemoteRepo(int(data["id"]), str(data["full_name"]), str(data["html_url"]))

    def fetch_issue(self, full_name: str, number: int) -> tuple[str, RemoteIssue | str | None]:
        """One issue's fate: ("ok", issue), ("transferred", new URL), ("deleted", None) for
        GitHub's 410, or ("not found", None) for its 404 (no such issue, or no access)."""
        try:
            _, _, data = self.get(f"/repos/{full_name}/issues/{number}")
        except Deleted:
            return "deleted", None
        except NotFound:
            return "not found", None
        # PyGithub follows GitHub's 301 for a transferred issue to its new home.
        issue = parse_issue(data)
        if f"/{full_name.lower()}/" not in issue.html_url.lower():
            return "transferred", issue.html_url
        return "ok", issue

    def fetch_sub_issues(self, full_name: str, number: int) -> list[RemoteSubIssue]:
        """An issue's sub-issues, in GitHub's order (at most 100, so one page)."""
        children: list[RemoteSubIssue] = []
        for page in self.pages(f"/repos/{full_name}/issues/{number}/sub_issues",
                               {"per_page": PER_PAGE}):
            children.extend(child for data in page if (child := parse_sub_issue(data)))
        return children

    def fetch_search_count(self, query: str, where: str) -> int:
        """How many issues a search finds (`total_count`: the whole count, though only the
        first 1,000 can be listed). Search answers carry no ETag, so this always costs one
        point of the search budget; a refused query names itself and `where` it was for."""
        try:
            _, _, data = self.get("/search/issues", {"q": query, "per_page": 1})
        except Refused as error:
            raise GitHubError(f"{where}: GitHub refused the search {query!r} "
                              f"({str(error).rsplit('(', 1)[-1]}") from None
        if not isinstance(data, dict) or not isinstance(data.get("total_count"), int):
            raise GitHubError(f"{where}: GitHub's answer to the search {query!r} is malformed")
        return int(data["total_count"])

    def fetch_login(self) -> str:
        _, _, data = self.get("/user")
        return str(data["login"])

    def fetch_record_parts(self, full_name: str, number: int) -> tuple[
            RemoteIssue, list[RemoteComment], list[RemoteEvent], list[RemotePull]]:
        """An issue as it is now: fields, every comment, events and linked pull requests."""
        fate, issue = self.fetch_issue(full_name, number)
        if fate != "ok" or not isinstance(issue, RemoteIssue):
            raise NotFound(f"{full_name}#{number}: {fate}"
                           + (f" to {issue}" if isinstance(issue, str) else ""))
        comments: list[RemoteComment] = []
        for page in self.pages(f"/repos/{full_name}/issues/{number}/comments",
                               {"per_page": PER_PAGE}):
            comments.extend(c for data in page if (c := parse_comment(data)))
        entries: list[dict[str, Any]] = []
        for page in self.pages(f"/repos/{full_name}/issues/{number}/timeline",
                               {"per_page": PER_PAGE}):
            entries.extend(page)
        events, pulls = parse_timeline(entries, full_name, number)
        return issue, comments, events, pulls

    def post(self, verb: str, url: str, payload: dict[str, Any]) -> Any:
        """A write (POST or DELETE with a JSON body); one clear GitHubError on failure."""
        try:
            status, headers, body = self._requester.requestJson(verb, url, None, None, payload)
        except RequestException as error:
            raise self._network_error(error) from None
        self._count(status, headers)
        data = _json(body)
        if status >= 400:
            raise self._error(status, data, url)
        return data

    def post_comment(self, full_name: str, number: int, body: str) -> RemoteComment:
        data = self.post("POST", f"/repos/{full_name}/issues/{number}/comments", {"body": body})
        comment = parse_comment(data)
        if comment is None:
            raise GitHubError(f"{full_name}#{number}: GitHub's answer to a comment is malformed")
        return comment

    def set_assignee(self, full_name: str, number: int, login: str, add: bool) -> RemoteIssue:
        """Add or remove an assignee; GitHub silently ignores one without push access."""
        data = self.post("POST" if add else "DELETE",
                         f"/repos/{full_name}/issues/{number}/assignees", {"assignees": [login]})
        return parse_issue(data)

    def fetch_open_issues(self, full_name: str, label: str) -> Iterator[RemoteIssue]:
        """The open issues with `label`, page by page (for housekeeping's rounds)."""
        for page in self.pages(f"/repos/{full_name}/issues",
                               {"labels": label, "state": "open", "per_page": PER_PAGE}):
            yield from (parse_issue(data) for data in page)

    def fetch_assigned(self, full_name: str, label: str, login: str) -> list[str]:
        """Open issues with `label` assigned to `login`, as `OWNER/NAME#N` (one search)."""
        query = f'repo:{full_name} is:issue is:open label:"{label}" assignee:{login}'
        _, _, data = self.get("/search/issues", {"q": query, "per_page": PER_PAGE})
        items = data.get("items") if isinstance(data, dict) else None
        return [f"{full_name}#{int(item['number'])}" for item in items or []
                if isinstance(item, dict) and "number" in item]


def _json(body: str | bytes | None) -> Any:
    """The JSON of an answer body; GitHub's answers are JSON, anything else is a message."""
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return {"message": "a non-JSON answer"}


def _message(data: Any, status: int) -> str:
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return " ".join(data["message"].split())[:200]
    return str(status)


class NotFound(GitHubError):
    "GitHub answered 404 (no such repository or issue, or no access to it) or 410."


class Deleted(NotFound):
    "GitHub answered 410 Gone: the issue was deleted."


class Refused(GitHubError):
    "GitHub answered 422: it understood the request and refused it (a bad search query)."


# -- raw JSON to plain values -----------------------------------------------------------------


def _login(user: Any) -> str | None:
    if not isinstance(user, dict) or not user.get("login"):
        return None
    return cut_login(str(user["login"]))


def _title(data: dict[str, Any]) -> str:
    return cut_title(str(data.get("title") or ""))


def _body(data: dict[str, Any]) -> str:
    return cut_body(str(data.get("body") or ""))


def parse_issue(data: dict[str, Any]) -> RemoteIssue:
    """An issue or pull request of a list answer, its text cut at GitHub's limits."""
    milestone = data.get("milestone")
    return RemoteIssue(
        id=int(data["id"]), number=int(data["number"]), title=_title(data),
        body=_body(data), state=str(data.get("state") or "open"),
        state_reason=data.get("state_reason"),
        is_pull_request="pull_request" in data,
        author=_login(data.get("user")),
        labels=[cut_label(str(label["name"])) for label in data.get("labels") or []
                if isinstance(label, dict) and "name" in label],
        assignees=[login for user in data.get("assignees") or [] if (login := _login(user))],
        milestone=_title(milestone) if isinstance(milestone, dict) else None,
        comments=int(data.get("comments") or 0), html_url=str(data.get("html_url") or ""),
        created_at=when(data["created_at"]) or datetime.now(UTC),
        updated_at=when(data["updated_at"]) or datetime.now(UTC),
        closed_at=when(data.get("closed_at")),
        sub_issues=_summary(data.get("sub_issues_summary")),
        parent_url=str(data["parent_issue_url"]) if data.get("parent_issue_url") else None,
    )


def _summary(data: Any) -> SubIssues | None:
    """GitHub's `sub_issues_summary`, when it is whole."""
    if not isinstance(data, dict):
        return None
    values = [data.get(key) for key in ("total", "completed", "percent_completed")]
    if not all(isinstance(value, int) and value >= 0 for value in values):
        return None
    total, completed, percent = (int(value) for value in values)  # type: ignore[arg-type]
    return SubIssues(total, min(completed, total), min(percent, 100))


def parse_sub_issue(data: Any) -> RemoteSubIssue | None:
    """A sub-issue of `GET .../sub_issues` (an issue object), with its repository read
    from its URL: sub-issues may live in other repositories of the same owner."""
    if not isinstance(data, dict) or data.get("id") is None or data.get("number") is None:
        return None
    url = str(data.get("html_url") or "")
    parts = urlsplit(url).path.strip("/").split("/")
    repo = "/".join(parts[:2]) if len(parts) >= 4 else ""
    return RemoteSubIssue(int(data["id"]), repo, int(data["number"]),
                          str(data.get("title") or ""), str(data.get("state") or "open"),
                          data.get("state_reason"), url)


def parse_comment(data: dict[str, Any]) -> RemoteComment | None:
    """A comment of a list answer, its body cut at GitHub's limit; None without its issue."""
    number = issue_number_of(str(data.get("issue_url") or ""))
    if number is None:
        return None
    user = data.get("user")
    return RemoteComment(
        id=int(data["id"]), issue_number=number, author=_login(user),
        author_is_bot=isinstance(user, dict) and user.get("type") == "Bot",
        body=_body(data), html_url=str(data.get("html_url") or ""),
        created_at=when(data["created_at"]) or datetime.now(UTC),
        updated_at=when(data.get("updated_at") or data["created_at"]) or datetime.now(UTC),
    )


#: A closing keyword and the word after it, which may be the issue it closes ("Fixes #12").
#: Searched in lower-cased text: without IGNORECASE and a leading `\b`, `re` finds the
#: keywords by their letters ten times faster (the word boundary is checked on each match).
#: Possessive repeats: `\s*:?\s+` could split a run of spaces every way, which took
#: seconds on "fix" and 64 KB of spaces. The word is a lookahead, so a keyword inside a
#: word ("prefix") takes nothing from the next one.
_CLOSING = re.compile(r"(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)(?:\s*+:\s++|\s++)(?=(\S++))")


def references(text: str, pr_repo: str) -> dict[tuple[str, int], str]:
    """The issues a pull request's title and body refer to, by (lower-case repo, number),
    read as the roadmap's own references are (`#12`, `GH-12`, `owner/repo#12`, GitHub
    URLs): "closing" when a closing keyword comes first, else "cross-referenced"."""
    # Each distinct word once: a body may repeat one reference thousands of times.
    closing = {key for word in dict.fromkeys(closing_words(text)) for key in _refs(word, pr_repo)}
    return {key: "closing" if key in closing else "cross-referenced"
            for key in _refs(text, pr_repo)}


def closing_words(text: str) -> list[str]:
    """The words after closing keywords ("Fixes #12" gives "#12"), which may name issues."""
    lowered = _lower(text)
    return [text[match.start(1):match.end(1)] for match in _CLOSING.finditer(lowered)
            if not match.start() or not _is_word(lowered[match.start() - 1])]


def _lower(text: str) -> str:
    """Lower-case text of the same length (U+0130 alone lower-cases to two characters)."""
    return text.replace("\u0130", "i").lower()


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches


def _refs(text: str, pr_repo: str) -> list[tuple[str, int]]:
    """(lower-case repo, number) of each issue the text names, once each."""
    found = ref_keys_of_text(text, pr_repo or None)
    if "github.com" not in text.lower():  # most text: no search for URLs
        return list(found)
    for url in dict.fromkeys(urls_of_text(text)):
        ref = ref_of_url(url)
        if isinstance(ref, Ref) and ref.repo:
            found.setdefault((ref.repo.lower(), ref.number))
    return list(found)


def parse_pull(data: dict[str, Any], pr_repo: str) -> tuple[
        RemotePull, dict[tuple[str, int], str]]:
    """A pull request of `GET /repos/{o}/{r}/pulls` and the issues it refers to. The
    link's kind in the returned RemotePull is a placeholder: it depends on the issue."""
    title = _title(data)
    text = f"{title}\n{_body(data)}"
    pull = RemotePull(
        url=str(data.get("html_url") or ""), repo=pr_repo, number=int(data["number"]),
        title=title, state=str(data.get("state") or "open"),
        merged=bool(data.get("merged_at")), author=_login(data.get("user")),
        kind="cross-referenced", updated_at=when(data.get("updated_at")) or datetime.now(UTC),
    )
    return pull, references(text, pr_repo)


def parse_repo_event(entry: dict[str, Any]) -> tuple[int, RemoteEvent] | None:
    """An event of the repository-wide `/issues/events` list, with its issue's number;
    None for kinds the tool does not keep."""
    issue = entry.get("issue")
    if (entry.get("event") not in _EVENTS_KEPT or entry.get("id") is None
            or not isinstance(issue, dict) or issue.get("number") is None):
        return None
    return int(issue["number"]), _event(entry)


def parse_timeline(entries: list[dict[str, Any]], repo: str = "",
                   number: int = 0) -> tuple[list[RemoteEvent], list[RemotePull]]:
    """Assignment and label events, and linked pull requests, from an issue's timeline.

    A pull request is linked while its title or body refers to the issue (the
    timeline keeps a cross-reference whose mention was since edited away), so that
    the timeline and the pull request list agree. GitHub's `connected` event does
    not name its pull request; one whose text closes the issue ("Fixes #12") is
    the closing link.
    """
    events: list[RemoteEvent] = []
    pulls: list[RemotePull] = []
    for entry in entries:
        kind = entry.get("event")
        if kind in _EVENTS_KEPT and entry.get("id") is not None:
            events.append(_event(entry))
        elif kind == "cross-referenced":
            pull = _pull(entry, repo, number)
            if pull is not None:
                pulls.append(pull)
    return events, pulls


def _event(entry: dict[str, Any]) -> RemoteEvent:
    subject = None
    if isinstance(entry.get("label"), dict) and entry["label"].get("name") is not None:
        subject = cut_label(str(entry["label"]["name"]))
    elif isinstance(entry.get("assignee"), dict):
        subject = _login(entry["assignee"])
    elif isinstance(entry.get("rename"), dict) and entry["rename"].get("to") is not None:
        subject = cut_title(str(entry["rename"]["to"]))
    return RemoteEvent(int(entry["id"]), str(entry["event"]), _login(entry.get("actor")),
                       subject, when(entry.get("created_at")) or datetime.now(UTC))


def _pull(entry: dict[str, Any], repo_name: str, issue_number: int) -> RemotePull | None:
    source = entry.get("source") or {}
    issue = source.get("issue") if isinstance(source, dict) else None
    if not isinstance(issue, dict) or "pull_request" not in issue:
        return None
    url = str(issue.get("html_url") or "")
    pr_repo = str((issue.get("repository") or {}).get("full_name") or "")
    if not pr_repo and "/pull/" in url:
        pr_repo = "/".join(url.split("/")[3:5])
    data = {**issue, "merged_at": (issue["pull_request"] or {}).get("merged_at")}
    pull, refs = parse_pull(data, pr_repo)
    kind = refs.get((repo_name.lower(), issue_number))
    return None if kind is None else replace(pull, kind=kind)


__all__ = ["GitHubClient", "api_url_from_env", "find_token", "github"]
