"""`roadmap report` rendered: JSON, the Jinja2 templates (`templates/report.*.j2`, or the
user's own) for Markdown, HTML and text, and the rich terminal view."""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from roadmap.errors import InputError
from roadmap.markup import jinja_env
from roadmap.report.data import Report

FORMATS = ("md", "html", "json", "text")


def render_report(report: Report, format: str, template: Path | None = None,
                  width: int | None = None) -> str:
    """The report in `format`; `template` replaces the built-in one for md, html and text.

    `width` asks for the rich terminal view of `text` (colours, tables) at that width.
    """
    if format not in FORMATS:
        raise InputError(f"unknown report format {format!r} (one of {', '.join(FORMATS)})")
    if format == "json":
        if template is not None:
            raise InputError("--template works with --format md, html or text, not json")
        return to_json(report.as_dict()) + "\n"
    if format == "text" and template is None:
        from roadmap.report.text import render_rich, render_text

        return render_text(report) if width is None else render_rich(report, width)
    return _render_template(report, format, template)


def to_json(value: Any) -> str:
    """JSON with each key of an object starting a line and each element of a list on
    one line: two reports diff entry by entry, and a 10,000-issue report is written by
    the standard library's C encoder, not its pure-Python indenting (which took a sixth
    of the report's time, issue 5)."""
    out: list[str] = []
    _write_json(value, out, "\n")
    return "".join(out)


def _no_default(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


#: One value on one line, by the C encoder (`json.dumps` with `indent` is pure Python).
#: Made once: `JSONEncoder.encode` makes a C encoder per call, a third of the time of
#: encoding a list element (a 10,000-issue report has 11,000).
_C_ENCODE = c_make_encoder(None, _no_default, encode_basestring, None, ": ", ", ",
                           False, False, True) if c_make_encoder else None
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False,
                           separators=(", ", ": ")).encode


def _one_line(value: Any) -> str:
    if _C_ENCODE is None or type(value) is str:
        return _ENCODE(value)
    return "".join(_C_ENCODE(value, 0))


def _write_json(value: Any, out: list[str], newline: str) -> None:
    inner = newline + "  "
    if isinstance(value, dict) and value:
        for n, (key, item) in enumerate(value.items()):
            out.append(("{" if n == 0 else ",") + inner + _one_line(str(key)) + ": ")
            _write_json(item, out, inner)
        out.append(newline + "}")
    elif isinstance(value, list) and value:
        out.append("[" + inner + ("," + inner).join(map(_one_line, value)) + newline + "]")
    else:
        out.append(_one_line(value))


def _render_template(report: Report, format: str, template: Path | None) -> str:
    from jinja2 import TemplateError

    if template is not None:
        if not template.is_file():
            raise InputError(f"{template}: no such template")
        env = jinja_env(str(template.resolve().parent), format == "html")
        name = template.name
    else:
        env, name = jinja_env(None, format == "html"), f"report.{format}.j2"
    try:
        return env.get_template(name).render(report=report)
    except TemplateError as error:
        raise InputError(f"{template or name}: template error: {error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{template}: not UTF-8 text") from None
