"""The after-action report as data, built from a session log (shaped like an HSEEP AAR).

Every format (Markdown, HTML, CSV, JSON) renders this one model, so they never
disagree about what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from exercise.analysis import DealAnalysis, analyse
from exercise.engine import Event, Status, Vote
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
    value: float | None  # the party's private value: None unless revealed


@dataclass(frozen=True)
class SeatChange:
    """A seat changing hands during the session."""

    round: int
    party: str
    human: bool
    persona: str | None


def _who(human: bool, persona: object) -> str:
    return "a person" if human else f"the computer ({persona})"


@dataclass
class Report:
    """Everything the after-action report says."""

    scenario: Scenario
    log_path: str
    started: str
    last: str
    duration_minutes: float | None
    seed: int
    seats: dict[str, dict[str, Any]]  # who played each seat at the start
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
    deal: DealAnalysis | None  # None when not revealed
    votes: list[VoteRow]
    reveal: bool = True  # False: only what the public table showed (an unfinished session)
    seat_changes: list[SeatChange] = field(default_factory=list)

    def seat_story(self, pid: str) -> str:
        """Who played a seat when, e.g. "the computer (hardliner); a person from round 3"."""
        plan = self.seats.get(pid, {})
        parts = [_who(bool(plan.get("human")), plan.get("persona"))]
        for change in self.seat_changes:
            if change.party == pid:
                parts.append(f"{_who(change.human, change.persona)} from round {change.round}")
        return ", then ".join(parts)

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
                and (self.reveal or not i.is_private)
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


def build_report(restored: Restored, *, reveal: bool = True) -> Report:
    """Build the report model from a rebuilt session.

    The timeline is built from the events the engine set off when it replayed the log
    (which the rebuild checked against the logged ones), so a log edited under --force
    cannot make the report say what the engine did not do.

    Args:
        restored: the rebuilt session.
        reveal: include what only a seat or the facilitator saw (private briefs, values,
            scores, private injects, the computer seats' reasons for ballots not yet
            revealed, the facilitator's notes). Without it the report shows only what the
            public table showed.
    """
    conductor = restored.conductor
    record = restored.record
    scenario = conductor.scenario
    game = conductor.game
    s = game.session
    rounds: dict[int, RoundEntry] = {}
    revealed_rounds: set[int] = set()
    held: list[tuple[int, str, str]] = []  # (round, party, reason) of computer votes
    changes: list[SeatChange] = []
    personas: dict[str, str | None] = {pid: plan.persona
                                       for pid, plan in restored.initial_seats.items()}

    def entry(number: int) -> RoundEntry:
        if number not in rounds:
            rounds[number] = RoundEntry(number, game.book.proposer_for(max(number, 1)))
        return rounds[number]

    def absorb(events: list[Event]) -> None:
        for event in events:
            item = event.to_data()
            number = event.round
            r = entry(number)
            name = item["event"]
            if name == "tabled":
                r.tabled = list(item["elements"])
                r.proposer = str(item["party"])
            elif name == "passed":
                r.passed = True
                r.proposer = str(item["party"])
            elif name == "votes_revealed":
                r.ballots = dict(item["ballots"] or {})
                revealed_rounds.add(number)
            elif name == "element_adopted":
                r.adopted.append(str(item["element"]))
            elif name == "element_rejected":
                r.rejected.append(str(item["element"]))
            elif name == "inject_fired":
                if event.audience is not None and not reveal:
                    continue  # a private inject: the public table never showed it
                inject = scenario.inject(str(item["inject"]))
                source = inject.source
                r.injects.append(InjectEntry(
                    inject.id, inject.title, inject.text, event.audience,
                    str(item.get("by", "")),
                    _source_line(scenario, source.ref if source else None,
                                 source.quote if source else None)))
            elif name == "track_changed":
                old = r.tracks.get(item["track"], (item["old"], item["new"]))[0]
                r.tracks[str(item["track"])] = (old, item["new"])
            elif name in ("package_dropped", "package_retracted"):
                r.facilitator.append(str(name).replace("_", " "))
            elif name == "seat_changed":
                human, pid = item["player"] == "person", str(item["party"])
                personas[pid] = item.get("persona") or personas.get(pid)
                persona = None if human else personas[pid]
                changes.append(SeatChange(number, pid, human, persona))
                r.facilitator.append(f"{scenario.party(pid).name} is now played "
                                     f"by {_who(human, persona)}")

    absorb(restored.move_events.get(0, []))
    by_number = {m.number: m for m in record.moves}
    for item in record.records:
        kind = item["type"]
        if kind == "move":
            logged = by_number[int(item["n"])]
            events = restored.move_events.get(logged.number, [])
            if logged.reason and logged.by == "computer":
                # The round a move was made in is the round of its first event.
                number = events[0].round if events else game.round
                if isinstance(logged.move, Vote) and not reveal:
                    held.append((number, logged.party or "", logged.reason))
                else:
                    entry(number).said.append((logged.party or "", logged.reason))
            absorb(events)
        elif kind == "reaction":
            entry(int(item["round"])).said.append((str(item["party"]), str(item["text"])))
        elif kind == "note" and reveal:
            entry(int(item["round"])).notes.append(str(item["text"]))
    for number, party, reason in held:  # a vote's reason would give its secret ballot away
        if number in revealed_rounds:
            entry(number).said.append((party, reason))
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
                    round(sum(s.values[party].get(e, 0) for e in elements), 9)
                    if reveal else None))
    available = [e for e in game.book.element_ids
                 if s.status[e] not in (Status.HIDDEN, Status.WITHDRAWN)]
    adopted = [e for e in game.book.element_ids if s.status[e] is Status.ADOPTED]
    deal = analyse(available, game.book.requires, game.book.excludes, s.values, s.walk_away,
                   game.book.required, adopted) if reveal else None
    outcome = game.outcome()
    started = str(record.header.get("started", ""))
    return Report(
        scenario=scenario,
        log_path=str(record.path),
        started=started,
        last=record.last_time,
        duration_minutes=_minutes(started, record.last_time),
        seed=game.seed,
        seats={pid: {"human": plan.human, "persona": None if plan.human else plan.persona}
               for pid, plan in restored.initial_seats.items()},
        outcome=str(outcome.kind) if outcome else None,
        outcome_reason=outcome_reason(scenario, outcome) if outcome else
        f"not finished: {game.expected()}",
        final_round=game.round,
        rounds=[rounds[k] for k in sorted(rounds) if k > 0],
        statuses={e: str(st) for e, st in s.status.items()},
        adopted_in=dict(s.adopted_in),
        rejections=dict(s.rejections),
        track_series=series,
        scores=dict(s.scores) if reveal else {},
        walk_away=dict(s.walk_away) if reveal else {},
        signed=dict(s.signed),
        values={p: dict(v) for p, v in s.values.items()} if reveal else {},
        fired=[i for i in s.fired if reveal or not scenario.inject(i).is_private],
        notes=list(conductor.notes) if reveal else [],
        deal=deal,
        votes=votes,
        reveal=reveal,
        seat_changes=changes,
    )
