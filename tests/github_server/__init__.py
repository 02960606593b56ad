"""A stateful GitHub REST test server on loopback, spoken to by the real PyGithub client.

It answers as GitHub does: headers as in GitHub's recorded exchanges (a weak ETag and
`private` caching on 2xx answers with a body; none on search, which says `no-cache`, nor on
204s and errors), JSON as in GitHub's OpenAPI description, search with its own budget, its
1,000-result cap, its 422 for a query without `is:issue` and an index `search_lag` seconds
behind, sub-issues that move no `updated_at`, and points books (`points(token)`) that a 304
and `/rate_limit` do not touch.

Modules: `model` (records), `state`, `issues`, `activity` and `hierarchy` (the store and its
mutations, sub-issues last), `index` (the lagging search index), `render` (JSON shapes),
`query` (filters, sorting, search), `call`, `endpoints` and `routes` (the REST subset),
`reply` (answers and pagination), `handler` (HTTP, headers, ETags, rate limits, faults),
`limits` (budgets and points), `faults`, `log`, `server` (`GitHubServer`), `fixtures`
(pytest).
"""

from .faults import Fault
from .limits import Budget
from .log import Record, RequestLog
from .model import Clock
from .server import GitHubServer

__all__ = ["Budget", "Clock", "Fault", "GitHubServer", "Record", "RequestLog"]
