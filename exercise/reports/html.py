"""The after-action report as one self-contained HTML page: inline styles and charts, no
network, readable on a phone, and printable."""

from __future__ import annotations

from html import escape

from exercise.reports.markdown import OUTCOMES, PUBLIC_NOTE, deal_lines
from exercise.reports.model import Report

STYLE = """
:root { --ink: #1b1f23; --muted: #5a6270; --line: #d0d7de; --accent: #0b5cad; --bad: #b42318;
        --good: #1a7f37; --paper: #ffffff; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: var(--paper); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin-bottom: .3rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; min-width: 50%; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: var(--band); }
.outcome { font-weight: 700; }
.private { color: var(--muted); font-style: italic; }
blockquote { margin: .3rem 0 .8rem; padding: .2rem .8rem; border-left: 4px solid var(--line);
             color: var(--muted); }
.vote-accept::before { content: "✔ "; } .vote-reject::before { content: "✖ "; }
.vote-abstain::before { content: "· "; }
.chart { max-width: 28rem; width: 100%; height: auto; }
.chart text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.round { border-left: 3px solid var(--accent); padding-left: .8rem; margin: 1rem 0; }
@media print {
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  h2 { break-after: avoid; } .round, table, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _num(value: float) -> str:
    return f"{value:g}"


def _table(header: list[str], rows: list[list[str]], raw: bool = False) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c if raw else _e(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<div class="table-wrap"><table><tr>{head}</tr>{body}</table></div>'


def chart(label: str, points: list[float], low: float, high: float,
          collapse: float | None) -> str:
    """An inline SVG line chart of a track over the rounds, with its collapse line."""
    width, height, pad = 320, 140, 28
    span = (high - low) or 1
    steps = max(1, len(points) - 1)

    def x(i: int) -> float:
        return pad + i * (width - 2 * pad) / steps

    def y(v: float) -> float:
        return height - pad - (v - low) / span * (height - 2 * pad)

    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(points))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{_e(label)} over the rounds: {_e(", ".join(_num(p) for p in points))}">',
             f'<line x1="{pad}" y1="{y(low):.1f}" x2="{width - pad}" y2="{y(low):.1f}" '
             'stroke="#d0d7de"/>',
             f'<text x="2" y="{y(high) + 4:.1f}">{_num(high)}</text>',
             f'<text x="2" y="{y(low) + 4:.1f}">{_num(low)}</text>']
    if collapse is not None:
        parts.append(f'<line x1="{pad}" y1="{y(collapse):.1f}" x2="{width - pad}" '
                     f'y2="{y(collapse):.1f}" stroke="#b42318" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{width - pad + 2}" y="{y(collapse) + 4:.1f}">collapse</text>')
    parts.append(f'<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="{path}"/>')
    for i, v in enumerate(points):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="#0b5cad"/>')
        parts.append(f'<text x="{x(i) - 3:.1f}" y="{height - 8}">{i}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(report: Report) -> str:
    """The report as a self-contained HTML page."""
    sc = report.scenario
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>After-action report: {_e(sc.title)}</title>",
           f"<style>{STYLE}</style></head><body><main>",
           f"<h1>After-action report: {_e(sc.title)}</h1>"]
    if not report.reveal:
        out.append(f'<p class="private">{_e(PUBLIC_NOTE.replace("`", ""))}</p>')
    seats = []
    for pid in report.seats:
        who = report.seat_story(pid)
        seats.append(f"{report.party_name(pid)}: {who}")
    duration = f"{report.duration_minutes:g} minutes" if report.duration_minutes is not None \
        else "unknown"
    outcome = (f'<span class="outcome">{_e(OUTCOMES[report.outcome])}</span> in round '
               f"{report.final_round} of {sc.rounds} — {_e(report.outcome_reason)}")
    out.append("<h2>Overview</h2>")
    out.append(_table(["", ""], [
        ["Scenario", _e(f"{sc.title} ({sc.id})")],
        ["Date", _e(report.started[:10] or "unknown")],
        ["Duration", _e(duration)],
        ["Seats", _e("; ".join(seats))],
        ["Outcome", outcome],
        ["Seed", _e(report.seed)],
    ], raw=True))
    out.append("<h2>Learning objectives</h2>")
    coverage = report.objective_coverage()
    if not coverage:
        out.append("<p>The scenario lists no learning objectives.</p>")
    else:
        out.append("<ul>")
        for text, elements, injects in coverage:
            out.append(f"<li><strong>{_e(text)}</strong><br>Elements: "
                       f"{_e('; '.join(elements) or 'none')}<br>Injects: "
                       f"{_e('; '.join(injects) or 'none')}</li>")
        out.append("</ul>")
    out.append("<h2>Timeline</h2>")
    for r in report.rounds:
        out.append(f'<section class="round"><h3>Round {r.number} — '
                   f"{_e(report.party_name(r.proposer))} proposes</h3>")
        for inject in r.injects:
            private = (" (private to " + ", ".join(report.party_name(p) for p in inject.audience)
                       + ")") if inject.audience else ""
            out.append(f"<p><strong>Inject: {_e(inject.title)}</strong>"
                       f'<span class="private">{_e(private)}</span></p>')
            out.append(f"<p>{_e(inject.text.strip())}</p>")
            if inject.source:
                out.append(f"<blockquote>{_e(inject.source)}</blockquote>")
        if r.passed:
            out.append(f"<p>{_e(report.party_name(r.proposer))} passed.</p>")
        elif r.tabled:
            out.append("<p>Tabled: " + _e(", ".join(report.element_title(e) for e in r.tabled))
                       + ".</p>")
        if r.ballots:
            targets = list(next(iter(r.ballots.values())).keys())
            header = ["Delegation", *["The package" if t == "package" else
                                       report.element_title(t) for t in targets]]
            rows = [[_e(report.party_name(p)),
                     *[f'<span class="vote-{_e(b.get(t, ""))}">{_e(b.get(t, ""))}</span>'
                       for t in targets]] for p, b in r.ballots.items()]
            out.append(_table(header, rows, raw=True))
        if r.adopted:
            out.append("<p>Adopted: " + _e(", ".join(report.element_title(e) for e in r.adopted))
                       + ".</p>")
        if r.rejected:
            out.append("<p>Rejected: "
                       + _e(", ".join(report.element_title(e) for e in r.rejected)) + ".</p>")
        for tid, (old, new) in r.tracks.items():
            label = next(t.label for t in sc.tracks if t.id == tid)
            out.append(f"<p>{_e(label)}: {_num(old)} → {_num(new)}.</p>")
        if r.said:
            out.append("<p>Computer delegations said:</p><ul>")
            out += [f"<li>{_e(line)}</li>" for _, line in r.said]
            out.append("</ul>")
        if r.notes:
            out.append("<p>Facilitator's notes:</p><ul>")
            out += [f"<li>{_e(n)}</li>" for n in r.notes]
            out.append("</ul>")
        out.append("</section>")
    out.append("<h2>Element outcomes</h2>")
    rows = []
    for element in sc.elements:
        when = f"round {report.adopted_in[element.id]}" if element.id in report.adopted_in \
            else ""
        rows.append([element.title, report.statuses[element.id], when,
                     str(report.rejections[element.id])])
    out.append(_table(["Element", "Status", "Adopted", "Rejections"], rows))
    if sc.tracks:
        out.append("<h2>Tracks over the rounds</h2>")
        for track in sc.tracks:
            points = report.track_series[track.id]
            out.append(f"<figure><figcaption>{_e(track.label)} (round 0 is the start; "
                       f"{_e(' → '.join(_num(p) for p in points))})</figcaption>")
            out.append(chart(track.label, points, track.min, track.max, track.collapse_at))
            out.append("</figure>")
    if report.reveal and report.deal is not None:
        out.append("<h2>Scores against walk-aways</h2>")
        rows = []
        required = set(report.deal.required)
        for party in sc.voters:
            pid = party.id
            rows.append([party.name + (" (required)" if pid in required else ""),
                         _num(report.scores[pid]), _num(report.walk_away[pid]),
                         _num(report.scores[pid] - report.walk_away[pid]),
                         "yes" if report.signed[pid] else "no"])
        out.append(_table(["Delegation", "Score", "Walk-away", "Margin", "Signed"], rows))
        out.append("<h2>Reveal: private briefs and values</h2>")
        header = ["Element", *[p.short or p.name for p in sc.voters]]
        rows = [[e.title + (" ✔" if report.statuses[e.id] == "adopted" else ""),
                 *[f"{report.values[p.id].get(e.id, 0):+g}" for p in sc.voters]]
                for e in sc.elements]
        out.append(_table(header, rows))
        for party in sc.parties:
            out.append(f"<h3>{_e(party.name)}</h3><p>{_e(party.private_brief or '(none)')}</p>")
        out.append("<h2>Deal analysis</h2>")
        for line in deal_lines(report):
            if line:
                text = _e(line)
                for marker in ("The Nash package", "The best package found", "The actual deal:"):
                    text = text.replace(f"**{marker}**", f"<strong>{marker}</strong>")
                out.append(f"<p>{text}</p>")
    out.append("<h2>Debrief questions</h2><ol>")
    out += [f"<li>{_e(q)}</li>" for q in sc.debrief.questions]
    out.append("</ol>")
    if report.reveal:
        out.append("<h2>Facilitator's observations</h2>")
        if report.notes:
            out.append("<ul>" + "".join(f"<li>Round {_e(n.get('round'))}, {_e(n.get('phase'))}: "
                                        f"{_e(n.get('text'))}</li>" for n in report.notes)
                       + "</ul>")
        else:
            out.append("<p>(no observations were recorded)</p>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
