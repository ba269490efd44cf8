"""The report document as one self-contained HTML page: inline styles and charts, no
network, readable on a phone, printable, and accessible (every table has a caption and
headers, every chart a text alternative)."""

from __future__ import annotations

import re
from functools import cache
from html import escape

from markdown_it import MarkdownIt

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
    Table,
)

STYLE = """
:root { --ink: #1b1f23; --muted: #4b5360; --line: #d0d7de; --accent: #0b5cad; --bad: #b42318;
        --paper: #ffffff; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: var(--paper); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; border-left: 3px solid var(--accent);
     padding-left: .5rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; min-width: 50%; }
caption { text-align: left; color: var(--muted); font-size: .9rem; padding-bottom: .2rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
thead th { background: var(--band); }
tbody th { font-weight: 600; }
.muted { color: var(--muted); font-style: italic; }
blockquote { margin: .3rem 0 .8rem; padding: .2rem .8rem; border-left: 4px solid var(--line);
             color: var(--muted); }
.ballots td.accept::before { content: "✔ "; } .ballots td.reject::before { content: "✖ "; }
.ballots td.abstain::before { content: "· "; }
figure { margin: .5rem 0 1rem; }
.chart { max-width: 32rem; width: 100%; height: auto; }
.chart text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.blank { margin: .4rem 0 1rem; break-inside: avoid; }
.blank p { margin: 0; font-weight: 600; }
.blank .rule { display: block; height: 2rem; border-bottom: 1px solid var(--muted); }
.rate tbody th { font-weight: normal; } .rate td { min-width: 2.2rem; }
.rate td:last-child { min-width: 9rem; }
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; } .new-page { break-before: page; }
  table, figure, blockquote { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(value: float) -> str:
    return f"{value:g}"


@cache
def _markdown() -> MarkdownIt:
    """CommonMark without raw HTML or images (a report fetches nothing)."""
    return MarkdownIt("commonmark", {"html": False}).disable("image")


def markdown_html(text: str) -> str:
    """A Markdown field as HTML (raw HTML in it is shown as text)."""
    return _markdown().render(text).strip()


def inline(parts: Inline) -> str:
    """Inline text as HTML, escaped."""
    out = []
    for s in parts:
        text = _e(s.text)
        if s.code:
            text = f"<code>{text}</code>"
        if s.strong:
            text = f"<strong>{text}</strong>"
        out.append(text)
    return "".join(out)


def _item(item: Item) -> str:
    sub = "<ul>" + "".join(_item(i) for i in item.items) + "</ul>" if item.items else ""
    return f"<li>{inline(item.inline)}{sub}</li>"


def _table(t: Table) -> str:
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in t.columns)
    body = []
    for row in t.rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0 and t.row_headers:
                cells.append(f'<th scope="row">{inline(cell)}</th>')
            elif t.kind == "ballots":
                word = "".join(s.text for s in cell)
                css = f' class="{_e(word)}"' if word in ("accept", "reject", "abstain") else ""
                cells.append(f"<td{css}>{inline(cell)}</td>")
            else:
                cells.append(f"<td>{inline(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    css = f' class="{_e(t.kind)}"' if t.kind else ""
    # A wide table scrolls: its wrapper takes the focus, so a keyboard can scroll it too.
    return (f'<div class="table-wrap" tabindex="0" role="region" aria-label="{_e(t.caption)}">'
            f'<table{css}><caption>{_e(t.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def chart(c: Chart) -> str:
    """An inline SVG line chart with its collapse line; the labels fit inside it."""
    labels = [_num(c.high), _num(c.low)]
    left = 10 + 7 * max(len(x) for x in labels)  # room for the axis numbers
    right = 10 + (7 * len("collapse") if c.collapse is not None else 0)
    width, height, top, bottom = 360, 150, 12, 26
    span = (c.high - c.low) or 1
    steps = max(1, len(c.points) - 1)

    def x(i: int) -> float:
        return left + i * (width - left - right) / steps

    def y(v: float) -> float:
        return height - bottom - (v - c.low) / span * (height - top - bottom)

    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(c.points))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{_e(c.caption)}">',
             f'<line x1="{left}" y1="{y(c.low):.1f}" x2="{width - right}" y2="{y(c.low):.1f}" '
             'stroke="#d0d7de"/>',
             f'<text x="{left - 4}" y="{y(c.high) + 4:.1f}" text-anchor="end">'
             f"{_num(c.high)}</text>",
             f'<text x="{left - 4}" y="{y(c.low) + 4:.1f}" text-anchor="end">'
             f"{_num(c.low)}</text>"]
    if c.collapse is not None:
        parts.append(f'<line x1="{left}" y1="{y(c.collapse):.1f}" x2="{width - right}" '
                     f'y2="{y(c.collapse):.1f}" stroke="#b42318" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{width - right + 3}" y="{y(c.collapse) + 4:.1f}">collapse</text>')
    parts.append(f'<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="{path}"/>')
    for i, v in enumerate(c.points):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="#0b5cad"/>')
        parts.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle">{i}</text>')
    parts.append("</svg>")
    return "".join(parts)


def block(b: Block) -> str:
    """One block as HTML."""
    if isinstance(b, Heading):
        return f"<h{b.level}>{_e(b.text)}</h{b.level}>"
    if isinstance(b, Paragraph):
        css = ' class="muted"' if b.muted else ""
        return f"<p{css}>{inline(b.inline)}</p>"
    if isinstance(b, Prose):
        return f'<div class="prose">{markdown_html(b.markdown)}</div>'
    if isinstance(b, Quote):
        return f"<blockquote><p>{_e(b.text)}</p></blockquote>"
    if isinstance(b, Items):
        tag = "ol" if b.ordered else "ul"
        return f"<{tag}>" + "".join(_item(i) for i in b.items) + f"</{tag}>"
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Blank):
        rules = '<span class="rule"></span>' * max(1, b.lines)
        return f'<div class="blank"><p>{_e(b.label)}</p>{rules}</div>'
    assert isinstance(b, Chart)
    return (f"<figure>{chart(b)}<figcaption>{_e(b.caption)}</figcaption></figure>")


def render_html(document: Document) -> str:
    """The document as a self-contained HTML page."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(document.title)}</title>",
           f"<style>{STYLE}</style></head><body><main>",
           f"<h1>{_e(document.title)}</h1>"]
    if document.note:
        out.append(f'<p class="muted">{inline(document.note)}</p>')
    for s in document.sections:
        css = ' class="new-page"' if s.new_page else ""
        out.append(f'<section{css} aria-labelledby="s-{_e(s.id)}">'
                   f'<h2 id="s-{_e(s.id)}">{_e(s.title)}</h2>')
        out += [block(b) for b in s.blocks]
        out.append("</section>")
    out.append("</main></body></html>")
    return _unique_regions("\n".join(out) + "\n", [s.title for s in document.sections])


_REGION = re.compile(r'(<div class="table-wrap" tabindex="0" role="region" aria-label=")([^"]*)"')


def _unique_regions(page: str, sections: list[str]) -> str:
    """A table's region is named apart from the sections (each a region named by its
    heading) and from other tables with the same caption: a screen reader lists regions by
    name."""
    seen: dict[str, int] = {}
    headings = {escape(title, quote=True) for title in sections}

    def name(match: re.Match[str]) -> str:
        label = match.group(2)
        if label in headings:
            label = f"{label}, table"
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        return f'{match.group(1)}{label}"'

    return _REGION.sub(name, page)
