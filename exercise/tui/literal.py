"""Untrusted text is text on screen: no markup, no ``@click`` action, no control character.

Textual parses ``[...]`` markup in every ``str`` handed to a Label, Static, Button,
Option, Selection, RadioButton, Tab, DataTable cell or notification, and markup can
carry ``@click`` actions: a party named ``[@click=app.quit]x[/]`` would quit the app
when clicked, and one named ``[/]`` crashes the screen that shows it. So no widget is
given a ``str`` that holds text from a scenario, a moves file, a facilitator guide or a
session log: it is given a :class:`~textual.content.Content` made here, which is literal
by construction and has its control characters written as ``\\u001b`` (see
:mod:`exercise.text`), so no escape sequence from a file reaches the terminal.

Program text with untrusted parts is put together with :func:`styled` (styles come only
from the program). Text fields inside a Markdown document the program assembles go
through :func:`md_escape`; Markdown fields are shown by
:class:`exercise.tui.literal_markdown.LiteralMarkdown`.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content
from textual.widgets import Input

from exercise.text import escape_controls, markdown_text, one_line

Part = str | Content | tuple[str, str]


def literal(text: str) -> Content:
    """Untrusted text as literal content (newlines kept, other controls escaped)."""
    return Content(escape_controls(text))


def line(text: str) -> Content:
    """Untrusted text as literal content for one line (newlines and tabs escaped too)."""
    return Content(one_line(text))


def plain(text: str) -> str:
    """Untrusted text for a place that takes a plain string literally (a title, a toast)."""
    return one_line(text)


def styled(*parts: Part) -> Content:
    """Program text with untrusted parts: every string is literal, controls escaped.

    Args:
        parts: strings, ``(string, style)`` pairs (the style is the program's), or
            content already made literal.
    """
    made: list[str | Content | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, tuple):
            made.append((escape_controls(part[0]), part[1]))
        elif isinstance(part, str):
            made.append(escape_controls(part))
        else:
            made.append(part)
    return Content.assemble(*made)


def rich_text(text: str, style: str = "") -> Text:
    """Untrusted text as a literal Rich ``Text`` (for a log or a table cell)."""
    return Text(escape_controls(text), style=style, end="")


def md_escape(text: str) -> str:
    """A text field for a Markdown document the program writes, shown exactly as written
    (see :func:`exercise.text.markdown_text`)."""
    return markdown_text(text)


_TYPED_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class PlainInput(Input):
    """A text field for what a person types (a message, a note): a control character typed
    or pasted into it is dropped as it arrives, so the field never holds one, and so never
    draws one to the terminal (Textual draws a field's text as it is)."""

    def replace(self, text: str, start: int, end: int) -> None:
        """Replace ``start``..``end`` with ``text`` less its control characters."""
        super().replace(_TYPED_CONTROL.sub("", text), start, end)
