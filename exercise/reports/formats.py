"""The report in each format: Markdown, HTML and JSON write the one document; CSV a table.

CSV is for grading and for reading into a spreadsheet: one table per file, chosen by
``table`` (:data:`TABLES`): the votes (one row per party per vote, the default), the side
talks' messages (one row per message) or their offers (one row per offer). Every cell is
written as data: a student's words or a scenario's titles never become a formula (a text
cell a spreadsheet program would read as one, starting with ``=``, ``+``, ``-`` or ``@``, is
written behind an apostrophe, as the MSEL export does) and hold no control character (a
line break in a message is written ``\u000a``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import Any

from exercise.reports.document import document_data
from exercise.reports.html import render_html
from exercise.reports.markdown import render_markdown
from exercise.reports.model import Report, VoteRow, build_report
from exercise.sessions.restore import Restored
from exercise.text import one_line

FORMATS = ("md", "html", "csv", "json")
TABLES = ("votes", "talks", "offers")
VOTE_COLUMNS = tuple(f.name for f in fields(VoteRow))
"""The vote table's columns: round, proposer, target, target_title, party, party_name,
ballot, result, value (in that order, which graders rely on), then what the ballot did to
the party's promises: promise ("kept offer 2"), promised_to (the offer's other parties)."""
MESSAGE_COLUMNS = ("round", "phase", "from", "from_name", "to", "to_names", "channel", "text")
OFFER_COLUMNS = ("offer", "round", "from", "to", "give", "want", "until", "status", "answers",
                 "promises", "terms")
_FORMULA_START = ("=", "+", "-", "@")
JSON_FORMAT = "exercise-report"
JSON_VERSION = 1


def vote_rows(report: Report) -> list[dict[str, object]]:
    """One row per party per vote, for grading."""
    return [asdict(row) for row in report.votes]


def report_data(report: Report) -> dict[str, Any]:
    """The whole report as data: the facts, the deal analysis, the votes and the document."""
    sc = report.scenario
    seats = {}
    for pid, plan in report.seats.items():
        seats[pid] = {
            "name": sc.party(pid).name,
            "start": {"player": "person" if plan.human else "computer",
                      "persona": None if plan.human else plan.persona},
            "changes": [{"round": c.round, "player": "person" if c.human else "computer",
                         "persona": c.persona}
                        for c in report.seat_changes if c.party == pid],
        }
    analysis = None
    if report.analysis is not None:
        analysis = {"basis": "values and walk-aways as the session ended",
                    **report.analysis.to_data()}
        if report.analysis_at_start is not None:
            analysis["at_start"] = {"basis": "values and walk-aways as the scenario starts",
                                    **report.analysis_at_start.to_data()}
    return {
        "format": JSON_FORMAT, "version": JSON_VERSION,
        "scenario": {"id": sc.id, "title": sc.title, "rounds": sc.rounds},
        "session": {"log": report.log_path, "started": report.started, "last": report.last,
                    "duration_minutes": report.duration_minutes, "seed": report.seed},
        "reveal": report.reveal,
        "outcome": {"kind": report.outcome, "round": report.outcome_round,
                    "reason": report.outcome_reason, "signed": report.signed},
        "seats": seats,
        "elements": [{"id": e.id, "title": e.title, "status": report.statuses[e.id],
                      "adopted_in": report.adopted_in.get(e.id),
                      "rejections": report.rejections[e.id]} for e in sc.elements],
        "tracks": {t.id: {"label": t.label, "series": report.track_series[t.id]}
                   for t in sc.tracks},
        "scores": {pid: {"score": report.scores[pid], "walk_away": report.walk_away[pid],
                         "signed": report.signed.get(pid, False)}
                   for pid in report.scores} if report.reveal else None,
        "analysis": analysis,
        "votes": vote_rows(report),
        "talks": report.talks,
        "document": document_data(report.document),
    }


def render_report(restored: Restored, fmt: str, *, reveal: bool = True,
                  table: str = "votes") -> str:
    """The report of a rebuilt session in one format (see :func:`build_report` for
    ``reveal``; ``table`` chooses the CSV's table)."""
    return render(build_report(restored, reveal=reveal), fmt, table=table)


def csv_cell(value: object) -> object:
    """A value as a CSV cell: numbers as they are; text on one line, without control
    characters, and behind an apostrophe when a spreadsheet would take it for a formula."""
    if not isinstance(value, str):
        return value
    text = one_line(value)
    return "'" + text if text.lstrip("'")[:1] in _FORMULA_START else text


def csv_table(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> str:
    """Rows as CSV with a header, every cell through :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def render(report: Report, fmt: str, *, table: str = "votes") -> str:
    """A built report in one format (build it once to write several); ``table`` chooses
    the CSV's table (:data:`TABLES`)."""
    if fmt == "md":
        return render_markdown(report.document)
    if fmt == "html":
        return render_html(report.document)
    if fmt == "json":
        return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        if table == "talks":
            return csv_table(MESSAGE_COLUMNS, report.messages)
        if table == "offers":
            return csv_table(OFFER_COLUMNS, report.offers)
        if table == "votes":
            return csv_table(VOTE_COLUMNS, vote_rows(report))
        raise ValueError(f"unknown report table {table!r}; one of {', '.join(TABLES)}")
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "JSON_FORMAT", "MESSAGE_COLUMNS", "OFFER_COLUMNS", "TABLES", "VOTE_COLUMNS",
           "csv_cell", "csv_table", "render", "render_report", "report_data", "vote_rows"]
