"""The report document in Markdown: text escaped, Markdown fields kept (without raw HTML)."""

from __future__ import annotations

from exercise.reports.document import (
    Blank,
    Block,
    Chart,
    Document,
    Heading,
    Inline,
    Item,
    Items,
    Paragraph,
    Prose,
    Quote,
    Section,
    Table,
)
from exercise.text import markdown_text

BARS = "▁▂▃▄▅▆▇█"
RULE = r"\_" * 40  # a line to write on, escaped so it is never emphasis or a thematic break


def md(text: object) -> str:
    """Plain text (a title, a name, a reason) made safe inside Markdown: it reads exactly
    as written and never becomes a link, an emphasis, a list or raw HTML."""
    return markdown_text(str(text))


def md_block(text: str) -> str:
    """A Markdown field (a brief, an inject's text) kept as Markdown, without raw HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def sparkline(points: tuple[float, ...] | list[float], low: float, high: float) -> str:
    """A text chart of a track over rounds."""
    span = (high - low) or 1
    return "".join(BARS[min(7, max(0, round((p - low) / span * 7)))] for p in points)


def inline(parts: Inline) -> str:
    """Inline text in Markdown."""
    out = []
    for s in parts:
        if s.code and "`" not in s.text:
            out.append(f"`{s.text}`")
        elif s.strong and s.text.strip():
            lead = s.text[:len(s.text) - len(s.text.lstrip())]
            trail = s.text[len(s.text.rstrip()):]
            out.append(f"{lead}**{md(s.text.strip())}**{trail}")
        else:
            out.append(md(s.text))
    return "".join(out)


def _item(item: Item, marker: str, depth: int) -> list[str]:
    pad = "  " * depth
    lines = [f"{pad}{marker} {inline(item.inline)}"]
    for sub in item.items:
        lines += _item(sub, "-", depth + 1)
    return lines


def block(b: Block) -> list[str]:
    """One block's Markdown lines."""
    if isinstance(b, Heading):
        return ["#" * b.level + " " + md(b.text)]
    if isinstance(b, Paragraph):
        text = inline(b.inline)
        return [f"*{text}*" if b.muted and "*" not in text else text]
    if isinstance(b, Prose):
        return [md_block(b.markdown)]
    if isinstance(b, Quote):
        return [f"> {md(b.text)}"]
    if isinstance(b, Items):
        lines: list[str] = []
        for n, item in enumerate(b.items, start=1):
            lines += _item(item, f"{n}." if b.ordered else "-", 0)
        return lines
    if isinstance(b, Table):
        def cell(parts: Inline) -> str:
            return inline(parts).replace("\n", " ")

        lines = [f"*{md(b.caption)}*", "", "| " + " | ".join(md(c) for c in b.columns) + " |",
                 "|" + "---|" * len(b.columns)]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in b.rows]
        return lines
    if isinstance(b, Blank):
        # Each ruled line ends in a hard break, so the label and its lines stay together.
        return [f"**{md(b.label)}**  ", *[RULE + "  " for _ in range(b.lines - 1)], RULE]
    assert isinstance(b, Chart)
    return [f"`{sparkline(b.points, b.low, b.high)}` {md(b.caption)}"]


def section(s: Section) -> list[str]:
    """A section: its heading, then its blocks, a blank line between each."""
    out = [f"## {md(s.title)}", ""]
    for b in s.blocks:
        out += [*block(b), ""]
    return out


def render_markdown(document: Document) -> str:
    """The document as Markdown."""
    out = [f"# {md(document.title)}", ""]
    if document.note:
        out += [f"> {inline(document.note)}", ""]
    for s in document.sections:
        out += section(s)
    return "\n".join(out).rstrip("\n") + "\n"
