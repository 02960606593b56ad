"""The short cuts `roadmap parse` takes for speed (issue 16) give what the long way gives,
and the command loads only what it needs."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText
from mdit_py_plugins.front_matter import front_matter_plugin

from roadmap.parse.inline import _LONE_COMMENT, Found
from roadmap.parse.markdown import (
    _PLAIN_URL,
    constructs,
    last_underline,
    markdown,
    plain_url,
    tokenize,
)
from roadmap.parse.rawhtml import read_html
from tests.test_properties import DOCUMENT, LINE

#: markdown-it-py as the library ships it, with the plugins GitHub's rendering needs.
LIBRARY = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(front_matter_plugin)

URL_PARTS = st.sampled_from(["https://", "http://", "github.com", "GitHub.com", "/", "a", "-",
                             ".", "?", "#", "%3A", "%", "%zz", "xn--bcher-kva", "@", ":",
                             "8080", "'", "(", "~", "+", "_", " ", "|", "\\", "é", "[", "//",
                             "javascript:", "\x00", "a" * 64])
URLS = st.lists(URL_PARTS, max_size=12).map("".join)
#: Lines dense in the marks only some rules read (the text rule may run past the others).
MARKS = st.sampled_from(["~~gone~~", "~one~", "a ~~ b", "~~~", "-", "#", ":", "@", "$", "%",
                         "+", "=", ">", "^", "{", "}", "!", "![i](u)", "&amp;", "&#35;", "\\",
                         "\\*", "\\]", "`c`", "``", "<b>", "<", "**b**", "_e_", "*", "__",
                         "[l](https://x.org/a b)", "[a]", "]", "[", "[x]: /u", "  ", "\n"])
PUNCTUATED = st.lists(LINE | st.lists(MARKS, max_size=12).map("".join),
                      max_size=30).map("\n".join)
#: Setext headings and the lines around them, in and out of quotes and lists.
SETEXT = st.lists(st.sampled_from(["Title", "---", "===", "- - -", "> ---", "  ===", ">   --",
                                   "- a", "> b", "1. c", "    code", "", " ", "  -  ", "text",
                                   "| a |", "|---|", "---\ntitle: t\n---", "\r", "\t---"]),
                  max_size=20).map("\n".join)


@settings(max_examples=500, deadline=None)
@given(st.from_regex(_PLAIN_URL, fullmatch=True) | URLS)
def test_plain_urls_are_what_markdown_it_normalises_them_to(url):
    if plain_url(url):
        assert normalizeLink(url) == url
        if "%" not in url and "xn--" not in url.lower():
            assert normalizeLinkText(url) == url
    assert markdown().normalizeLink(url) == normalizeLink(url)
    assert markdown().normalizeLinkText(url) == normalizeLinkText(url)


def test_most_links_of_a_roadmap_are_plain():
    assert plain_url("https://github.com/moby/moby/issues/123")
    assert plain_url("https://github.com/moby/moby/issues?q=is%3Aopen+label%3Aroadmap")
    assert not plain_url("https://github.com/o/r/issues/1 x")
    assert not plain_url("https://bücher.de/")
    assert not plain_url("https://" + "a" * 64 + ".org/")
    assert not plain_url("https://" + ".".join(["a" * 60] * 5) + "/")  # a 304-char host


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENT | PUNCTUATED | SETEXT)
def test_tokens_are_the_librarys_whatever_rules_are_left_out(text):
    every = LIBRARY.parse(text)
    assert markdown().parse(text) == every
    assert tokenize(text, lambda _content: True) == every


COMMENTS = st.lists(st.sampled_from(["<!--", "-->", "--", "-", ">", "<", "!", " ", "\n", "a",
                                      "roadmap: id=x-1", "<a href='https://github.com/a/b/issues/1'>",
                                      "&amp;", "--!>", "-- >"]),
                     max_size=10).map("".join)


@settings(max_examples=500, deadline=None)
@given(COMMENTS | st.builds("<!--{}-->".format, COMMENTS))
def test_a_lone_comment_reads_as_html_parser_reads_it(html):
    found = Found()
    found.add_html(html, 1)
    hrefs, comments = read_html(html)
    assert found.markers == comments
    if _LONE_COMMENT.fullmatch(html):
        assert hrefs == []


def test_rules_are_left_out_only_without_their_marks():
    assert constructs("---\ntitle: x\n---\n| a |\n|---|\n~~b~~\n") == (True, True, True)
    assert constructs("# Plan\n\n- a ~ b\n") == (False, False, False)
    assert last_underline("---\ntitle: x\n---\n\nText\n") == 2
    assert last_underline("A\r\nB\rC\n> ===\n- x\n") == 3
    assert last_underline("# Plan\n\n- a - b\n|---|\n") == -1


def test_parse_loads_no_store_template_github_or_terminal_library(tmp_path):
    """`roadmap parse` stays near bare tokenising: SQLAlchemy, Jinja, PyGithub and rich
    are for other commands, and so are the other commands' modules."""
    # No configuration file here, and no raw HTML but a comment.
    (tmp_path / "ROADMAP.md").write_text("# Plan\n\n## 1. Ship #1 ✅\n<!-- roadmap: id=s -->\n",
                                         encoding="utf-8")
    code = (
        "import sys\n"
        "from roadmap.cli import main\n"
        "try:\n    main(['parse', '--json', 'ROADMAP.md'])\nexcept SystemExit:\n    pass\n"
        "heavy = ['sqlalchemy', 'alembic', 'jinja2', 'github', 'rich', 'rapidfuzz',"
        " 'markupsafe', 'tomllib', 'html.parser', 'roadmap.markup', 'roadmap.store',"
        " 'roadmap.github', 'roadmap.cli.answer', 'roadmap.cli.data', 'roadmap.cli.publish',"
        " 'roadmap.cli.work']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert '"title": "Ship #1"' in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_every_command_module_is_known_to_the_lazy_group():
    import importlib
    import pkgutil

    import roadmap.cli
    from roadmap.cli.app import COMMAND_MODULES, main

    modules = {info.name for info in pkgutil.iter_modules(roadmap.cli.__path__)}
    for name in sorted(modules):
        importlib.import_module(f"roadmap.cli.{name}")
    assert set(main.commands) == set(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        assert main.commands[name].callback.__module__ == f"roadmap.cli.{module}", name
