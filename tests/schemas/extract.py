"""Slice from GitHub's OpenAPI description the response schemas of the endpoints the tool
calls, as one JSON Schema bundle the conformance tests carry (so they run without it).

    python -m tests.schemas.extract ../shared/github-openapi/rest-api.github.com.json

writes tests/fixtures/github-schemas.json: `{"operations": {"GET /path": {"200": schema}},
"$defs": {name: schema}}`, where every `#/components/schemas/X` became `#/$defs/X` and
OpenAPI 3.0's `nullable: true` became JSON Schema's `anyOf [..., {"type": "null"}]`. Only
the component schemas the operations reach are kept. GitHub's description is MIT-licensed
by the Octokit contributors (tests/fixtures/github-schemas.LICENSE).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "github-schemas.json"
REPO = "/repos/{owner}/{repo}"
ISSUE = f"{REPO}/issues/{{issue_number}}"
OPERATIONS = [
    ("GET", REPO),
    ("GET", f"{REPO}/issues"),
    ("GET", ISSUE),
    ("GET", f"{REPO}/issues/comments"),
    ("GET", f"{ISSUE}/comments"),
    ("POST", f"{ISSUE}/comments"),
    ("GET", f"{REPO}/issues/events"),
    ("GET", f"{ISSUE}/timeline"),
    ("GET", f"{REPO}/pulls"),
    ("GET", "/search/issues"),
    ("GET", "/user"),
    ("POST", f"{ISSUE}/assignees"),
    ("DELETE", f"{ISSUE}/assignees"),
    ("GET", f"{ISSUE}/sub_issues"),
    ("GET", "/rate_limit"),
]
PREFIX = "#/components/schemas/"


def extract(openapi: dict[str, Any]) -> dict[str, Any]:
    """The bundle of the operations' 2xx JSON response schemas and what they reference."""
    components = openapi["components"]["schemas"]
    operations: dict[str, dict[str, Any]] = {}
    for method, path in OPERATIONS:
        responses = openapi["paths"][path][method.lower()]["responses"]
        operations[f"{method} {path}"] = {
            status: translate(answer["content"]["application/json"]["schema"])
            for status, answer in responses.items()
            if status.startswith("2") and "application/json" in answer.get("content", {})
        }
    wanted: dict[str, Any] = {}
    pending = [name for schema in operations.values() for name in references(schema)]
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted[name] = translate(components[name])
            pending.extend(references(wanted[name]))
    return {"operations": operations, "$defs": dict(sorted(wanted.items()))}


def translate(schema: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema: refs point into `$defs`, `nullable` allows null,
    and annotations no validator reads (examples, descriptions) go."""
    if isinstance(schema, list):
        return [translate(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        key: named(value) if key in NAMED else translate(value)
        for key, value in schema.items()
        if key not in ("nullable", "example", "examples", "description", "discriminator")
        and not key.startswith("x-")
    }
    ref = out.get("$ref")
    if isinstance(ref, str):
        out["$ref"] = ref.replace(PREFIX, "#/$defs/")
    if schema.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


NAMED = ("properties", "patternProperties")  # keywords whose keys are names, not keywords


def named(schemas: dict[str, Any]) -> dict[str, Any]:
    return {name: translate(schema) for name, schema in schemas.items()}


def references(schema: Any) -> Iterator[str]:
    if isinstance(schema, list):
        for item in schema:
            yield from references(item)
    elif isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            yield ref.removeprefix("#/$defs/")
        for key, value in schema.items():
            if key in NAMED:
                for inner in value.values():
                    yield from references(inner)
            else:
                yield from references(value)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.schemas.extract REST-API.JSON", file=sys.stderr)
        return 2
    bundle = extract(json.loads(Path(argv[1]).read_text(encoding="utf-8")))
    OUT.write_text(json.dumps(bundle, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(bundle['operations'])} operations, {len(bundle['$defs'])} schemas")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
