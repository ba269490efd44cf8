"""The after-action report as data, built from a session log (shaped like an HSEEP AAR).

Every format (Markdown, HTML, CSV, JSON) renders this one model, so they never
disagree about what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from exercise.analysis import DealAnalysis, analyse
from exercise.engine import Status
from exercise.narration import outcome_reason
from exercise.scenario.model import Scenario
from exercise.sessions.restore import Restored


@dataclass
class InjectEntry:
    """An inject as it fired."""

    id: str
    title: str
    text: str
    audience: tuple[str, ...] | None
    by: str
    source: str | None


@dataclass
class RoundEntry:
    """One round of the timeline."""

    number: int
    proposer: str
    tabled: list[str] = field(default_factory=list)
    passed: bool = False
    ballots: dict[str, dict[str, str]] = field(default_factory=dict)
    adopted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    injects: list[InjectEntry] = field(default_factory=list)
    said: list[tuple[str, str]] = field(default_factory=list)  # (party, line), in order
    notes: list[str] = field(default_factory=list)
    tracks: dict[str, tuple[float, float]] = field(default_factory=dict)  # track: (old, new)
    facilitator: list[str] = field(default_factory=list)


@dataclass
class VoteRow:
    """One party's vote on one target in one round: a row for grading."""

    round: int
    proposer: str
    target: str
    target_title: str
    party: str
    party_name: str
    ballot: str
    result: str
    value: float


@dataclass
class Report:
    """Everything the after-action report says."""

    scenario: Scenario
    log_path: str
    started: str
    last: str
    duration_minutes: float | None
    seed: int
    seats: dict[str, dict[str, Any]]
    outcome: str | None
    outcome_reason: str
    final_round: int
    rounds: list[RoundEntry]
    statuses: dict[str, str]
    adopted_in: dict[str, int]
    rejections: dict[str, int]
    track_series: dict[str, list[float]]  # value at the start, then after each round
    scores: dict[str, float]
    walk_away: dict[str, float]
    signed: dict[str, bool]
    values: dict[str, dict[str, float]]
    fired: list[str]
    notes: list[dict[str, Any]]
    deal: DealAnalysis
    votes: list[VoteRow]

    def party_name(self, pid: str) -> str:
        """A party's name."""
        return self.scenario.party(pid).name

    def element_title(self, eid: str) -> str:
        """An element's title."""
        return self.scenario.element(eid).title

    def objective_coverage(self) -> list[tuple[str, list[str], list[str]]]:
        """For each learning objective: the elements and injects that served it, as lines."""
        out = []
        for objective in self.scenario.objectives:
            elements = [
                f"{e.title} ({self.statuses[e.id]})"
                for e in self.scenario.elements if objective.id in e.objectives
            ]
            injects = [
                f"{i.title} ({'fired' if i.id in self.fired else 'did not fire'})"
                for i in self.scenario.injects if objective.id in i.objectives
            ]
            out.append((objective.text, elements, injects))
        return out


def _minutes(start: str, end: str) -> float | None:
    try:
        delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    except (TypeError, ValueError):
        return None
    return round(delta.total_seconds() / 60, 1)


def _source_line(scenario: Scenario, ref: str | None, quote: str | None) -> str | None:
    if ref is None:
        return None
    src = next((s for s in scenario.sources if s.id == ref), None)
    where = f"{src.outlet}, “{src.title}”, {src.date}" if src else ref
    return f"“{quote}” — {where}" if quote else where


def build_report(restored: Restored) -> Report:
    """Build the report model from a rebuilt session."""
    conductor = restored.conductor
    record = restored.record
    scenario = conductor.scenario
    game = conductor.game
    s = game.session
    rounds: dict[int, RoundEntry] = {}

    def entry(number: int) -> RoundEntry:
        if number not in rounds:
            rounds[number] = RoundEntry(number, game.book.proposer_for(max(number, 1)))
        return rounds[number]

    reasons_by_move = {m.number: m for m in record.moves}
    events_by_move = record.events_by_move()
    for item in record.records:
        kind = item["type"]
        if kind == "move":
            logged = reasons_by_move[int(item["n"])]
            if logged.reason and logged.by == "computer":
                # The round a move was made in is the round of its first event.
                first = next(iter(events_by_move.get(logged.number, [])), None)
                number = int(first["round"]) if first else game.round
                entry(number).said.append((logged.party or "", logged.reason))
        elif kind == "reaction":
            entry(int(item.get("round", 0))).said.append(
                (str(item.get("party", "")), str(item.get("text", ""))))
        elif kind == "note":
            entry(int(item.get("round", 0))).notes.append(str(item.get("text", "")))
        elif kind == "event":
            number = int(item.get("round", 0))
            r = entry(number)
            name = item.get("event")
            if name == "tabled":
                r.tabled = list(item.get("elements", []))
                r.proposer = str(item.get("party", r.proposer))
            elif name == "passed":
                r.passed = True
                r.proposer = str(item.get("party", r.proposer))
            elif name == "votes_revealed":
                r.ballots = dict(item.get("ballots", {}))
            elif name == "element_adopted":
                r.adopted.append(str(item["element"]))
            elif name == "element_rejected":
                r.rejected.append(str(item["element"]))
            elif name == "inject_fired":
                inject = scenario.inject(str(item["inject"]))
                source = inject.source
                r.injects.append(InjectEntry(
                    inject.id, inject.title, inject.text,
                    tuple(item["audience"]) if item.get("audience") else None,
                    str(item.get("by", "")),
                    _source_line(scenario, source.ref if source else None,
                                 source.quote if source else None)))
            elif name == "track_changed":
                old = r.tracks.get(item["track"], (item["old"], item["new"]))[0]
                r.tracks[str(item["track"])] = (old, item["new"])
            elif name in ("package_dropped", "package_retracted"):
                r.facilitator.append(str(name).replace("_", " "))
    series: dict[str, list[float]] = {}
    for track in scenario.tracks:
        value = track.start
        points = [value]
        for number in range(1, game.round + 1):
            if number in rounds and track.id in rounds[number].tracks:
                value = rounds[number].tracks[track.id][1]
            points.append(value)
        series[track.id] = points
    votes = []
    seat_order = {p.id: i for i, p in enumerate(scenario.parties)}
    for history in game.history:
        for party, ballot in sorted(history.ballots.items(),
                                    key=lambda item: seat_order.get(item[0], len(seat_order))):
            for target, choice in ballot.items():
                passed = target in history.adopted or (
                    target == "package" and bool(history.adopted))
                elements = history.tabled if target == "package" else (target,)
                votes.append(VoteRow(
                    history.round, history.proposer, target,
                    "the package" if target == "package" else scenario.element(target).title,
                    party, scenario.party(party).name, str(choice),
                    "adopted" if passed else "rejected",
                    round(sum(s.values[party].get(e, 0) for e in elements), 9)))
    available = [e for e in game.book.element_ids
                 if s.status[e] not in (Status.HIDDEN, Status.WITHDRAWN)]
    adopted = [e for e in game.book.element_ids if s.status[e] is Status.ADOPTED]
    deal = analyse(available, game.book.requires, game.book.excludes, s.values, s.walk_away,
                   game.book.required, adopted)
    outcome = game.outcome()
    started = str(record.header.get("started", ""))
    return Report(
        scenario=scenario,
        log_path=str(record.path),
        started=started,
        last=record.last_time,
        duration_minutes=_minutes(started, record.last_time),
        seed=game.seed,
        seats=dict(record.header.get("seats", {})),
        outcome=str(outcome.kind) if outcome else None,
        outcome_reason=outcome_reason(scenario, outcome) if outcome else
        f"not finished: {game.expected()}",
        final_round=game.round,
        rounds=[rounds[k] for k in sorted(rounds) if k > 0],
        statuses={e: str(st) for e, st in s.status.items()},
        adopted_in=dict(s.adopted_in),
        rejections=dict(s.rejections),
        track_series=series,
        scores=dict(s.scores),
        walk_away=dict(s.walk_away),
        signed=dict(s.signed),
        values={p: dict(v) for p, v in s.values.items()},
        fired=list(s.fired),
        notes=list(conductor.notes),
        deal=deal,
        votes=votes,
    )
