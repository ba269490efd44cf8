"""The report in each format: Markdown, HTML and JSON write the one document; CSV the votes."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from exercise.reports.document import document_data
from exercise.reports.html import render_html
from exercise.reports.markdown import render_markdown
from exercise.reports.model import Report, build_report
from exercise.sessions.restore import Restored

FORMATS = ("md", "html", "csv", "json")
VOTE_COLUMNS = ("round", "proposer", "target", "target_title", "party", "party_name", "ballot",
                "result", "value")
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


def render_report(restored: Restored, fmt: str, *, reveal: bool = True) -> str:
    """The report of a rebuilt session in one format (see :func:`build_report` for
    ``reveal``)."""
    return render(build_report(restored, reveal=reveal), fmt)


def render(report: Report, fmt: str) -> str:
    """A built report in one format (build it once to write several)."""
    if fmt == "md":
        return render_markdown(report.document)
    if fmt == "html":
        return render_html(report.document)
    if fmt == "json":
        return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=VOTE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(vote_rows(report))
        return buffer.getvalue()
    raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "JSON_FORMAT", "render", "render_report", "report_data", "vote_rows"]
