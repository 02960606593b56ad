"""A stateful GitHub REST test server on loopback, spoken to by the real PyGithub client.

Modules: `model` (records), `state`, `issues` and `activity` (the store and its mutations),
`render` (JSON shapes), `query` (filters, sorting, search), `call`, `endpoints` and `routes`
(the REST subset), `reply` (answers and pagination), `handler` (HTTP, ETags, rate limits,
faults), `limits`, `faults`, `log`, `server` (`GitHubServer`), `fixtures` (pytest).
"""

from .faults import Fault
from .limits import Budget
from .log import Record, RequestLog
from .model import Clock
from .server import GitHubServer

__all__ = ["Budget", "Clock", "Fault", "GitHubServer", "Record", "RequestLog"]
