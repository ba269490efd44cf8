"""Markdown fields shown as Markdown, but nothing in them can act: the one Markdown widget.

Briefs, backgrounds, summaries, inject texts, facilitator notes and guides are Markdown
written by whoever wrote the file. Textual's own Markdown widget turns a link into an
``@click`` action that opens it, drops raw HTML silently, and passes control characters
through to the terminal. Here:

* **links are text**: a link shows its words and then its target in brackets,
  ``words (https://...)``; nothing is clickable and nothing is opened, so a file cannot
  make a click or a key open a browser, a file or an app action on a projected screen,
  and the reader still sees where the link pointed;
* **raw HTML is text**: ``<script>`` is shown as written;
* **control characters are escaped** (``\\u001b``) before the parser sees them.

This module imports markdown-it, which is slow to import: the first screen does not.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from rich.markdown import Markdown as RichMarkdown
from textual.await_complete import AwaitComplete
from textual.widgets import Markdown, Static

from exercise.text import escape_controls


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _links_as_text(state: StateCore) -> None:
    """A core rule: every link and image in the document becomes plain text."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        targets: list[tuple[str, int]] = []  # the open links: target, where its words start
        for token in block.children:
            if token.type == "link_open":
                targets.append((str(token.attrs.get("href", "")), len(children)))
            elif token.type == "link_close":
                target, start = targets.pop() if targets else ("", len(children))
                words = "".join(t.content for t in children[start:])
                if target and target != words and f"mailto:{words}" != target:
                    children.append(_text(f" ({target})"))
            elif token.type == "image":
                alt = "".join(t.content for t in token.children or ()) or token.content
                src = str(token.attrs.get("src", ""))
                children.append(_text(f"[image: {alt}]" + (f" ({src})" if src else "")))
            else:
                children.append(token)
        block.children = children


def literal_parser() -> MarkdownIt:
    """A Markdown parser without raw HTML, bare-URL links or any link at all."""
    parser = MarkdownIt("gfm-like", {"html": False, "linkify": False})
    parser.core.ruler.push("links_as_text", _links_as_text)
    return parser


class LiteralMarkdown(Markdown):
    """Markdown from a file: formatted, but no link, HTML or control character acts."""

    def __init__(self, markdown: str | None = None, *, id: str | None = None,
                 classes: str | None = None) -> None:
        """Show ``markdown`` (already assembled by the program, or a field as written)."""
        super().__init__(markdown, id=id, classes=classes, parser_factory=literal_parser,
                         open_links=False)

    def update(self, markdown: str) -> AwaitComplete:
        """Show a new document, its control characters escaped first."""
        return super().update(escape_controls(markdown))

    def append(self, markdown: str) -> AwaitComplete:
        """Add to the document, its control characters escaped first."""
        return super().append(escape_controls(markdown))


class LiteralCard(Static):
    """A short Markdown text drawn as one widget (a news card): the same literal parser,
    rendered by Rich instead of a tree of Textual widgets. On a host serving many seats,
    every seat's news card opens at once at a new round; one widget per card, instead of
    one per paragraph, keeps that quick."""

    def __init__(self, markdown: str = "", *, id: str | None = None,
                 classes: str | None = None) -> None:
        """Show ``markdown`` (assembled by the program, its fields as written)."""
        super().__init__(self.rendered(markdown), id=id, classes=classes)

    @staticmethod
    def rendered(markdown: str) -> RichMarkdown:
        """``markdown`` parsed by the literal parser, for Rich to draw."""
        rendered = RichMarkdown(escape_controls(markdown), hyperlinks=False)
        rendered.parsed = literal_parser().parse(rendered.markup)  # no link, no HTML
        return rendered

    def show_markdown(self, markdown: str) -> None:
        """Show another text."""
        self.update(self.rendered(markdown))
