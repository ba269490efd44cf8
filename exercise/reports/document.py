"""A report as a document: sections of blocks, built once, written many ways.

The after-action report and the exercise package (handout, facilitator's package) are
both documents.

Markdown, HTML, the debrief screen and JSON are thin writers of one :class:`Document`,
so they carry the same words by construction. Two kinds of text come in: *text* (a
title, a name, a reason: shown exactly as written, escaped by every writer) and
*Markdown fields* (a brief, an inject's text: :class:`Prose`, kept as Markdown and
rendered, never as raw HTML).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text within a paragraph or a cell."""

    text: str
    strong: bool = False
    code: bool = False


Inline = tuple[Span, ...]


def spans(*parts: str | Span) -> Inline:
    """Inline text from plain strings and spans."""
    return tuple(Span(p) if isinstance(p, str) else p for p in parts if p != "")


def plain(inline: Inline) -> str:
    """The words of inline text."""
    return "".join(s.text for s in inline)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of text."""

    inline: Inline
    muted: bool = False  # a side note (who an inject was for, a caveat)


@dataclass(frozen=True, slots=True)
class Prose:
    """A Markdown field of the scenario, kept as Markdown."""

    markdown: str


@dataclass(frozen=True, slots=True)
class Quote:
    """A citation: a short verbatim quote and where it is from."""

    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """A list item, with its own sub-items."""

    inline: Inline
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Items:
    """A list."""

    items: tuple[Item, ...]
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table: a caption, column headers and rows; with ``row_headers`` the first cell
    of each row names it. ``kind`` is a hint for styling ("ballots")."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    row_headers: bool = False
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    """A line chart of a track over the rounds (round 0 is the start)."""

    label: str
    points: tuple[float, ...]
    low: float
    high: float
    collapse: float | None
    caption: str  # the chart in words, which every writer prints


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading within a section (level 3: a round of the timeline, a delegation)."""

    text: str
    level: int = 3


@dataclass(frozen=True, slots=True)
class Blank:
    """A labelled space to write in by hand (a form's field, on a printed page)."""

    label: str
    lines: int = 1  # how many ruled lines to leave


Block = Paragraph | Prose | Quote | Items | Table | Chart | Heading | Blank


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of the report (level-2 heading)."""

    id: str
    title: str
    blocks: tuple[Block, ...]
    new_page: bool = False  # printed from the top of a page (a form, one seat's brief)


@dataclass(frozen=True, slots=True)
class Document:
    """The whole report."""

    title: str
    note: Inline | None  # said above everything (e.g. "this shows only the public table")
    sections: tuple[Section, ...] = field(default_factory=tuple)

    def section(self, sid: str) -> Section | None:
        """A section by id."""
        return next((s for s in self.sections if s.id == sid), None)


def _inline_data(inline: Inline) -> Any:
    if all(not s.strong and not s.code for s in inline):
        return plain(inline)
    return [{"text": s.text, **({"strong": True} if s.strong else {}),
             **({"code": True} if s.code else {})} for s in inline]


def _item_data(item: Item) -> Any:
    data: dict[str, Any] = {"text": _inline_data(item.inline)}
    if item.items:
        data["items"] = [_item_data(i) for i in item.items]
    return data


def block_data(block: Block) -> dict[str, Any]:
    """A block as JSON-ready data."""
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": _inline_data(block.inline),
                **({"muted": True} if block.muted else {})}
    if isinstance(block, Prose):
        return {"type": "markdown", "markdown": block.markdown}
    if isinstance(block, Quote):
        return {"type": "quote", "text": block.text}
    if isinstance(block, Items):
        return {"type": "list", "ordered": block.ordered,
                "items": [_item_data(i) for i in block.items]}
    if isinstance(block, Table):
        return {"type": "table", "caption": block.caption, "columns": list(block.columns),
                "rows": [[_inline_data(c) for c in row] for row in block.rows]}
    if isinstance(block, Chart):
        return {"type": "chart", "label": block.label, "points": list(block.points),
                "low": block.low, "high": block.high, "collapse": block.collapse,
                "caption": block.caption}
    if isinstance(block, Blank):
        return {"type": "blank", "label": block.label, "lines": block.lines}
    return {"type": "heading", "level": block.level, "text": block.text}


def document_data(document: Document) -> dict[str, Any]:
    """The document as JSON-ready data."""
    return {"title": document.title,
            "note": _inline_data(document.note) if document.note else None,
            "sections": [{"id": s.id, "title": s.title,
                          **({"new_page": True} if s.new_page else {}),
                          "blocks": [block_data(b) for b in s.blocks]}
                         for s in document.sections]}
