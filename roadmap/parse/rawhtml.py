"""Raw HTML in a roadmap, which GitHub never renders: the links and comments in it.

Its own module so that html.parser loads only for a roadmap with HTML beyond a lone
comment (`Found.add_html`)."""

from __future__ import annotations

from html.parser import HTMLParser


def read_html(html: str) -> tuple[list[tuple[str, int]], list[str]]:
    """The `href`s of `<a>` tags (each with the line offset of its tag) and the comments."""
    reader = HrefReader()
    reader.feed(html)
    reader.close()
    return reader.hrefs, reader.comments


class HrefReader(HTMLParser):
    """Pulls `href`s and comments out of raw HTML, which is never rendered."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[tuple[str, int]] = []  # and the line offset of the tag
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            offset = self.getpos()[0] - 1
            self.hrefs.extend((value, offset) for name, value in attrs
                              if name == "href" and value)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)
