"""The text a reader sees in an HTML page (body text, tooltips, alt texts), for tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Code identifiers that must never reach a reader.
KNOWN_IDENTIFIERS = ("_2BL", "DipT", "LastC", "C05s", "P05s", "share_of_draws", "cec_final")
SNAKE = re.compile(r"\b[A-Za-z0-9]*[a-z0-9]_[A-Za-z0-9_]+\b|\b_[A-Za-z0-9]+\b")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("style", "script", "code"):
            self.hidden += 1
        for k, v in attrs:
            if k in ("title", "alt") and v:
                self.parts.append(v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "code"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """Text outside <style>, <script> and <code>/<pre> (commands, hashes, file names), plus tooltips."""
    v = _Visible()
    v.feed(page)
    return " ".join(v.parts)


def code_identifiers(page: str) -> list[str]:
    """Snake-case tokens and known identifiers in the visible text."""
    text = visible_text(page)
    found = set(SNAKE.findall(text))
    found |= {k for k in KNOWN_IDENTIFIERS if k in text}
    return sorted(found)
