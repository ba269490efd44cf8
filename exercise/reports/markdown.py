"""The after-action report in Markdown."""

from __future__ import annotations

from collections.abc import Callable

from exercise.analysis import package_count
from exercise.reports.model import Report
from exercise.text import markdown_text

OUTCOMES = {"agreement": "Agreement", "no_agreement": "No agreement", "collapse": "Collapse",
            "ended": "Ended by the facilitator", None: "Not finished"}


PUBLIC_NOTE = ("This session has not ended, so this report shows only what the public table "
               "showed: no private briefs, values, scores, private injects or facilitator's "
               "notes. `exercise report LOG --reveal` includes them.")


def md(text: object) -> str:
    """Plain text (a title, a name, a reason) made safe inside Markdown: it reads exactly
    as written and never becomes a link, an emphasis, a list or raw HTML."""
    return markdown_text(str(text))


def md_block(text: str) -> str:
    """A Markdown field (a brief, an inject's text) kept as Markdown, without raw HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def _num(value: float) -> str:
    return f"{value:g}"



def sparkline(points: list[float], low: float, high: float) -> str:
    """A text chart of a track over rounds."""
    bars = "▁▂▃▄▅▆▇█"
    span = (high - low) or 1
    return "".join(bars[min(7, max(0, round((p - low) / span * 7)))] for p in points)


def render_markdown(report: Report) -> str:
    """The report as a Markdown document (text fields escaped, Markdown fields as Markdown)."""
    sc = report.scenario
    name = report.party_name
    title = report.element_title
    out = [f"# After-action report: {md(sc.title)}", ""]
    if not report.reveal:
        out += [f"> {PUBLIC_NOTE}", ""]
    out += ["## Overview", ""]
    seats = []
    for pid in report.seats:
        who = report.seat_story(pid)
        seats.append(f"{name(pid)}: {who}")
    duration = f"{report.duration_minutes:g} minutes" if report.duration_minutes is not None \
        else "unknown"
    out += _table(["", ""], [
        ["Scenario", f"{md(sc.title)} (`{sc.id}`)"],
        ["Date", md(report.started[:10] or "unknown")],
        ["Started", md(report.started)],
        ["Duration", duration],
        ["Seats", md("; ".join(seats))],
        ["Outcome", f"**{OUTCOMES[report.outcome]}** in round {report.final_round} of "
                    f"{sc.rounds} — {md(report.outcome_reason)}"],
        ["Seed", str(report.seed)],
        ["Session log", f"`{report.log_path}`" if "`" not in report.log_path
         else md(report.log_path)],
    ])
    out += ["", "## Learning objectives", ""]
    coverage = report.objective_coverage()
    if not coverage:
        out.append("The scenario lists no learning objectives.")
    for text, elements, injects in coverage:
        out.append(f"- **{md(text)}**")
        out.append(f"  - Elements: {md('; '.join(elements)) or 'none'}")
        out.append(f"  - Injects: {md('; '.join(injects)) or 'none'}")
    out += ["", "## Timeline", ""]
    for r in report.rounds:
        out += [f"### Round {r.number} — {md(name(r.proposer))} proposes", ""]
        for inject in r.injects:
            private = (" (private to " + ", ".join(name(p) for p in inject.audience)
                       + ")") if inject.audience else ""
            by = " — played by the facilitator" if inject.by == "facilitator" else ""
            out += [f"**Inject: {md(inject.title)}**{md(private)}{by}", "",
                    md_block(inject.text.strip()), ""]
            if inject.source:
                out += [f"> {md(inject.source)}", ""]
        if r.passed:
            out += [f"{md(name(r.proposer))} passed.", ""]
        elif r.tabled:
            titles = ", ".join(title(e) for e in r.tabled)
            out += [f"Tabled: {md(titles)}.", ""]
        if r.ballots:
            targets = list(next(iter(r.ballots.values())).keys())
            header = ["Delegation", *["The package" if t == "package" else
                                       md(title(t)) for t in targets]]
            rows = [[md(name(p)), *[b.get(t, "") for t in targets]]
                    for p, b in r.ballots.items()]
            out += [*_table(header, rows), ""]
        if r.adopted:
            out.append("Adopted: " + md(", ".join(title(e) for e in r.adopted)) + ".")
        if r.rejected:
            out.append("Rejected: " + md(", ".join(title(e) for e in r.rejected)) + ".")
        for tid, (old, new) in r.tracks.items():
            label = next(t.label for t in report.scenario.tracks if t.id == tid)
            out.append(f"{md(label)}: {_num(old)} → {_num(new)}.")
        for what in r.facilitator:
            out.append(f"Facilitator: {what}.")
        if r.said:
            out += ["", "Computer delegations said:"]
            out += [f"- {md(line)}" for _, line in r.said]
        if r.notes:
            out += ["", "Facilitator's notes:"] + [f"- {md(n)}" for n in r.notes]
        out.append("")
    out += ["## Element outcomes", ""]
    rows = []
    for element in sc.elements:
        status = report.statuses[element.id]
        when = f"round {report.adopted_in[element.id]}" if element.id in report.adopted_in \
            else ""
        rows.append([md(element.title), status, when, str(report.rejections[element.id])])
    out += _table(["Element", "Status", "Adopted", "Rejections"], rows)
    if sc.tracks:
        out += ["", "## Tracks over the rounds", ""]
        rows = []
        for track in sc.tracks:
            points = report.track_series[track.id]
            line = f" (collapse at {_num(track.collapse_at)})" if track.collapse_at is not None \
                else ""
            rows.append([md(track.label) + line, sparkline(points, track.min, track.max),
                         " → ".join(_num(p) for p in points)])
        out += _table(["Track", "Chart", "Start, then after each round"], rows)
    if report.reveal and report.deal is not None:
        out += ["", "## Scores against walk-aways", ""]
        rows = []
        required = set(report.deal.required)
        for party in sc.voters:
            pid = party.id
            signed = "yes" if report.signed[pid] else "no"
            rows.append([md(party.name) + (" (required)" if pid in required else ""),
                         _num(report.scores[pid]), _num(report.walk_away[pid]),
                         _num(report.scores[pid] - report.walk_away[pid]), signed])
        out += _table(["Delegation", "Score", "Walk-away", "Margin", "Signed"], rows)
        out += ["", "## Reveal: private briefs and values", ""]
        header = ["Element", *[md(p.short or p.name) for p in sc.voters]]
        rows = [[md(e.title) + (" ✔" if report.statuses[e.id] == "adopted" else ""),
                 *[f"{report.values[p.id].get(e.id, 0):+g}" for p in sc.voters]]
                for e in sc.elements]
        out += [*_table(header, rows), ""]
        for party in sc.parties:
            out += [f"### {md(party.name)}", "",
                    md_block(party.private_brief) if party.private_brief else
                    "(no private brief)", ""]
        out += ["## Deal analysis", ""]
        out += deal_lines(report, md)
    out += ["", "## Debrief questions", ""]
    out += [f"1. {md(q)}" for q in sc.debrief.questions] or ["(none in the scenario)"]
    if report.reveal:
        out += ["", "## Facilitator's observations", ""]
        if report.notes:
            out += [f"- Round {n.get('round')}, {md(n.get('phase'))}: {md(n.get('text'))}"
                    for n in report.notes]
        else:
            out.append("(no observations were recorded)")
    return "\n".join(out) + "\n"


def deal_lines(report: Report, esc: Callable[[str], str] = str) -> list[str]:
    """The deal analysis in sentences (``esc`` makes names and titles safe for the format)."""
    deal = report.deal
    assert deal is not None
    names = esc(", ".join(report.party_name(p) for p in deal.required))
    feasible = package_count(deal.feasible)
    if not deal.feasible_exact:
        feasible = f"at least {feasible}"
    if deal.truncated:
        lines = [f"Among the {feasible} packages that could stand together (no exclusions "
                 f"broken, every requirement included), at least {package_count(deal.signable)} "
                 f"would be signed by every required party ({names}). The search stopped at "
                 "its bound, so this is a lower limit and the package below is the best "
                 "found, not necessarily the best."]
    else:
        lines = [f"Among the {feasible} packages that could stand together (no exclusions "
                 f"broken, every requirement included), {package_count(deal.signable)} would be "
                 f"signed by every required party ({names}): {deal.zone_share:.0%} of them."]
    if deal.nash is not None and deal.nash_values is not None:
        titles = esc(", ".join(report.element_title(e) for e in deal.nash))
        values = "; ".join(f"{esc(report.party_name(p))} {_num(v)}"
                           for p, v in deal.nash_values.items())
        label = "The best package found" if deal.truncated else "The Nash package"
        lines += ["", f"**{label}** (largest product of gains over walk-aways, "
                      f"{_num(deal.nash_product or 0)}): {titles}. Values: {values}."]
    elif deal.truncated:
        lines += ["", "The search found no package every required party would sign before it "
                      "stopped."]
    else:
        lines += ["", "No package would have been signed by every required party."]
    titles = esc(", ".join(report.element_title(e) for e in deal.actual)) or "nothing"
    lines += ["", f"**The actual deal:** {titles}."]
    if not deal.actual:
        lines.append("Nothing was adopted.")
    elif deal.actual_signable:
        lines.append(f"Every required party would sign it; its Nash product is "
                     f"{_num(deal.actual_product or 0)} against the best "
                     f"{_num(deal.nash_product or 0)}.")
        if deal.better_for_all:
            lines.append(f"The {'best package found' if deal.truncated else 'Nash package'} is "
                         "at least as good for every required party and better for one: the "
                         "table left value on it.")
        else:
            lines.append("No other package found is better for every required party at once.")
    else:
        short = [esc(report.party_name(p)) for p in deal.required
                 if deal.actual_values[p] < report.walk_away.get(p, 0)]
        lines.append(f"It falls short of the walk-away of {', '.join(short)}.")
    return lines
