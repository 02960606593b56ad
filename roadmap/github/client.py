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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from github import Auth, Github
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import RequestException
from urllib3.util.retry import Retry

from roadmap.errors import GitHubError, RateLimited
from roadmap.github.read import (
    parse_comment,
    parse_issue,
    parse_sub_issue,
    parse_timeline,
)
from roadmap.model import (
    RemoteComment,
    RemoteEvent,
    RemoteIssue,
    RemotePull,
    RemoteRepo,
    RemoteSubIssue,
)

_fast_loads: Callable[[str | bytes], Any] = json.loads
try:
    import orjson

    _fast_loads = orjson.loads
except ImportError:  # an install from before it was a dependency: the same, slower
    pass

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.github.com"
PER_PAGE = 100
#: Secondary limits and 5xx answers are retried this many times before giving up.
MAX_RETRIES = 5
_LINK = re.compile(r'<([^<>]+)>;\s*rel="([^"]+)"')  # `[^<>]`: a run of `<` costs linear time
#: GitHub refuses a longer search query ("Limitations on query length" in its search docs).
SEARCH_LENGTH = 256


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


@dataclass(slots=True, frozen=True)
class ListedRepo:
    """A repository as an organisation's list shows it; one without issues has none to sync."""

    repo: RemoteRepo
    has_issues: bool


@dataclass(slots=True)
class OrgPage:
    """One page of an organisation's repositories: None when 304 (unchanged)."""

    repos: list[ListedRepo] | None
    etag: str | None


def scoped_queries(repos: list[str], rest: str) -> list[tuple[str, list[str]]]:
    """`rest` searched in `repos`, as few queries as GitHub's length limit allows: its
    `repo:` qualifiers are joined with OR, so each query counts a chunk of repositories."""
    queries: list[tuple[str, list[str]]] = []
    chunk: list[str] = []
    for name in repos:
        if chunk and len(_scoped([*chunk, name], rest)) > SEARCH_LENGTH:
            queries.append((_scoped(chunk, rest), chunk))
            chunk = []
        chunk.append(name)
    if chunk:
        queries.append((_scoped(chunk, rest), chunk))
    return queries


def _scoped(repos: list[str], rest: str) -> str:
    return " ".join([*(f"repo:{name}" for name in repos), rest])


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
        self._connection = _connection(self.api_url, retry, timeout)
        self.wait_for_reset = wait_for_reset
        self.counters = Counters()
        self.server_time: datetime | None = None
        #: GitHub's time of the first answer since `begin()`: where a sync's reads start.
        self.begun_at: datetime | None = None
        self._wait = wait or (lambda seconds, _reason: time.sleep(seconds))

    def close(self) -> None:
        self._connection.close()
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
                    "GET", url, params, headers, cnx=self._connection)
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

    def fetch_org_repos(self, org: str, page: int, etag: str | None) -> OrgPage:
        """One page of an organisation's repositories, oldest first, conditional: creation
        order keeps a page where it was (a new repository joins the last page)."""
        params = {"type": "all", "sort": "created", "direction": "asc", "per_page": PER_PAGE,
                  "page": page}
        try:
            found = self.get_page(f"/orgs/{org}/repos", params, etag)
        except NotFound:
            raise NotFound(f"GitHub /orgs/{org}: no such organisation (or no access)") from None
        if found.items is None:
            return OrgPage(None, etag)
        listed = [ListedRepo(RemoteRepo(int(data["id"]), str(data["full_name"]),
                                        str(data["html_url"])), data.get("has_issues") is not False)
                  for data in found.items if isinstance(data, dict)]
        return OrgPage(listed, found.etag)

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

    def fetch_sub_issues(self, full_name: str, number: int, etag: str | None = None
                         ) -> tuple[list[RemoteSubIssue] | None, str | None]:
        """An issue's sub-issues, in GitHub's order (at most 100, so one page), and the
        list's ETag (None if GitHub sent none); no list when `etag` still holds (a 304)."""
        page = self.get_page(f"/repos/{full_name}/issues/{number}/sub_issues",
                             {"per_page": PER_PAGE}, etag)
        if page.items is None:
            return None, etag
        entries, next_url = list(page.items), page.next_url
        while next_url is not None:
            more = self.get_page(next_url)
            entries.extend(more.items or [])
            next_url = more.next_url
        return [child for data in entries if (child := parse_sub_issue(data))], page.etag

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


def _connection(api_url: str, retry: Retry,
                timeout: int) -> HTTPRequestsConnectionClass | HTTPSRequestsConnectionClass:
    """PyGithub's connection to the API host, the environment's proxy and CA settings
    read once for it.

    `requests` reads them again for every request (scanning the whole environment
    twice, a sixth of a large sync's HTTP work, issue 16); every GET goes to this one
    host, so what it would find is the same each time."""
    parts = urlsplit(api_url)
    kind = HTTPSRequestsConnectionClass if parts.scheme == "https" else HTTPRequestsConnectionClass
    connection = kind(parts.hostname or "", parts.port, retry=retry, timeout=timeout)
    session = connection.session
    settings = session.merge_environment_settings(api_url, {}, None, None, None)
    session.proxies.update(settings["proxies"])
    connection.verify = session.verify = settings["verify"]
    session.trust_env = False
    return connection


def _json(body: str | bytes | None) -> Any:
    """The JSON of an answer body; GitHub's answers are JSON, anything else is a message.

    orjson reads a page in less than half the time (decoding was a third of a large
    sync's HTTP work, issue 16); what it refuses and the standard library reads (a lone
    surrogate escape, an integer beyond 64 bits, NaN) is read as before."""
    if not body:
        return None
    try:
        return _fast_loads(body)
    except ValueError:
        pass
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


__all__ = ["GitHubClient", "ListedRepo", "OrgPage", "api_url_from_env", "find_token",
           "scoped_queries"]
