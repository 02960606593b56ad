"""Copy GitHub's recorded exchanges (octokit fixtures) into the tests' fixtures, trimmed:
each exchange keeps its method, path, request body, status and response headers, and its
response body only up to the first item of a list (what shape tests compare).

    python -m tests.schemas.recorded ../shared/github-recorded
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "github-recorded"
SCENARIOS = ["add-labels-to-issue", "errors", "labels", "lock-issue", "paginate-issues",
             "search-issues"]  # webhooks-issues.json holds webhook payloads, not exchanges


def trim(exchange: dict[str, Any]) -> dict[str, Any]:
    response = exchange["response"]
    if isinstance(response, list):
        response = response[:1]
    elif isinstance(response, dict) and isinstance(response.get("items"), list):
        response = {**response, "items": response["items"][:1]}
    return {
        "method": exchange["method"], "path": exchange["path"], "body": exchange["body"],
        "status": exchange["status"], "headers": exchange["headers"], "response": response,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.schemas.recorded GITHUB-RECORDED-DIR", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SCENARIOS:
        exchanges = json.loads((Path(argv[1]) / f"{name}.json").read_text(encoding="utf-8"))
        trimmed = [trim(exchange) for exchange in exchanges]
        (OUT / f"{name}.json").write_text(json.dumps(trimmed, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(SCENARIOS)} scenarios")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
