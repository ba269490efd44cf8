"""After-action reports from session logs: Markdown, HTML, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from exercise.reports.html import render_html
from exercise.reports.markdown import render_markdown
from exercise.reports.model import Report, build_report
from exercise.sessions.restore import Restored

FORMATS = ("md", "html", "csv", "json")
VOTE_COLUMNS = ("round", "proposer", "target", "target_title", "party", "party_name", "ballot",
                "result", "value")


def vote_rows(report: Report) -> list[dict[str, object]]:
    """One row per party per vote, for grading."""
    return [asdict(row) for row in report.votes]


def render_report(restored: Restored, fmt: str, *, reveal: bool = True) -> str:
    """The report of a rebuilt session in one format (see :func:`build_report` for
    ``reveal``)."""
    return render(build_report(restored, reveal=reveal), fmt)


def render(report: Report, fmt: str) -> str:
    """A built report in one format (build it once to write several)."""
    if fmt == "md":
        return render_markdown(report)
    if fmt == "html":
        return render_html(report)
    rows = vote_rows(report)
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=VOTE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "build_report", "render", "render_report", "vote_rows"]
