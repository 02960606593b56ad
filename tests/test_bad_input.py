"""Bad input gets one clear line and exit 2, never a traceback or a hang."""

from __future__ import annotations

import os
import sys

import pytest

from roadmap.parse import parse_roadmap
from roadmap.parse.source import MAX_BYTES

from .conftest import run


def one_line_error(result, expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr


def test_missing_file(tmp_path):
    one_line_error(run("parse", str(tmp_path / "ROADMAP.md")), "ROADMAP.md: no such file")


def test_directory(tmp_path):
    one_line_error(run("parse", str(tmp_path)), "is a directory")


def test_invalid_utf8_names_the_offset(tmp_path):
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"# Plan\n\n" + b"x" * 804 + b"\xff more\n")
    one_line_error(run("parse", str(path)), "not UTF-8 text (byte 0xff at offset 812)")


def test_latin1_file(tmp_path):
    path = tmp_path / "ROADMAP.md"
    path.write_bytes("# Café roadmap\n".encode("latin-1"))
    one_line_error(run("lint", str(path)), "not UTF-8 text (byte 0xe9 at offset 5)")


def test_binary_file(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    one_line_error(run("parse", str(path)), "binary file")


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    one_line_error(run("parse", str(fifo)), "not a regular file")


def test_unreadable_file(tmp_path):
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Plan\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # root reads anything: nothing to check here
            return
        one_line_error(run("parse", str(path)), "permission denied")
    finally:
        path.chmod(0o644)


def test_empty_file_gives_zero_items_and_a_lint_warning(tmp_path):
    path = tmp_path / "ROADMAP.md"
    path.write_bytes(b"")
    parsed = run("parse", str(path), "--json")
    assert parsed.exit_code == 0
    assert '"items": []' in parsed.output
    linted = run("lint", str(path))
    assert linted.exit_code == 0
    assert f"{path}:1: warning: no items found" in linted.output


def test_byte_order_mark_and_crlf_are_text(tmp_path):
    path = tmp_path / "ROADMAP.md"
    path.write_bytes("\ufeff# Plan\r\n\r\n## 1. First\r\n\r\ntext\r\n".encode())
    result = run("parse", str(path), "--json")
    assert result.exit_code == 0
    assert '"line": 3' in result.output
    assert '"body": "text"' in result.output


def test_fifty_megabyte_file_is_refused_at_once(tmp_path):
    path = tmp_path / "ROADMAP.md"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: no 50 MB written to disk
    one_line_error(run("parse", str(path)), "50.0 MiB is more than a roadmap file may be (16 MiB)")


def test_largest_accepted_size_is_documented():
    assert MAX_BYTES == 16 * 1024 * 1024


def test_one_megabyte_line_finishes():
    line = "Plans for #12 and [docs](https://github.com/a/b/issues/3) *soon*. " * 16_000
    roadmap = parse_roadmap(f"# Plan\n\n## Big\n\n{line}\n", repo="a/b")
    assert len(line) > 1_000_000
    assert [r.number for r in roadmap.items[0].refs] == [12, 3]


def test_thousands_of_nested_list_levels_finish():
    nested = "".join("  " * depth + "- [ ] level\n" for depth in range(3000))
    roadmap = parse_roadmap(f"# Plan\n\n## Deep\n\n{nested}")
    assert len(roadmap.items) == 1


def test_thousands_of_nested_quotes_and_brackets_finish():
    text = "# Plan\n\n## Deep\n\n" + ">" * 5000 + " quoted\n\n" + "- " * 3000 + "x\n"
    roadmap = parse_roadmap(text)
    assert [item.title for item in roadmap.items] == ["Deep"]


def test_control_characters_in_titles_are_not_obeyed(tmp_path):
    path = tmp_path / "ROADMAP.md"
    path.write_text("# Plan\n\n## Evil \x1b[2J\x1b]0;pwned\x07 title \u202e\n", encoding="utf-8")
    result = run("parse", str(path))
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\u202e" not in result.output
    assert "\\u001b[2J" in result.output
