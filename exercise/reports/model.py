"""The after-action report, built once from what happened (shaped like an HSEEP AAR).

:func:`build_report` reads a conductor's chronicle (kept live, or rebuilt from a session
log by replaying it on the engine, so a log edited under --force cannot make the report
say what the engine did not do) and makes a :class:`Report`: the facts graders read
(one row per party per vote, the deal analysis, scores) and the :class:`Document` every
format writes. The timeline is the order things happened in: news where it fired,
tablings, votes with the cause of each rejection, the facilitator's actions and seat
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from exercise.analysis import (
    DealAnalysis,
    Package,
    analyse_at_end,
    analyse_at_start,
    package_count,
)
from exercise.chronicle import Moved, Noted, Reacted, Started
from exercise.engine import (
    CallRatification,
    EndExercise,
    Event,
    EventKind,
    FireInject,
    Status,
    Vote,
)
from exercise.engine.moves import PACKAGE, TALK_MOVES
from exercise.narration import STANCE_VERBS, Narrator, and_join, outcome_reason
from exercise.reports.document import (
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
    Span,
    Table,
    spans,
)
from exercise.reports.talks import (
    TALK_KINDS,
    ballot_promises,
    message_rows,
    offer_rows,
    talk_line,
    talks_data,
    talks_section,
)
from exercise.scenario.model import Scenario

if TYPE_CHECKING:
    from exercise.conduct import Conductor, SeatPlan
    from exercise.sessions.restore import Restored

OUTCOMES = {"agreement": "Agreement", "no_agreement": "No agreement", "collapse": "Collapse",
            "ended": "Ended by the facilitator", None: "Not finished"}
PUBLIC_NOTE = spans(
    "This session has not ended, so this report shows only what the public table showed: "
    "no private briefs, values, scores, private injects or facilitator's notes. ",
    Span("exercise report LOG --reveal", code=True), " includes them.")


@dataclass(frozen=True)
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
    # What the ballot did to the party's promises (none unless revealed): "kept offer 2",
    # "broken offer 2", several joined by "; ", and the other parties of those offers.
    promise: str = ""
    promised_to: str = ""


@dataclass(frozen=True)
class SeatChange:
    """A seat changing hands during the session."""

    round: int
    party: str
    human: bool
    persona: str | None


@dataclass
class Report:
    """Everything the after-action report says: the facts, and the document."""

    scenario: Scenario
    log_path: str | None
    started: str
    last: str
    seed: int
    reveal: bool
    outcome: str | None
    outcome_round: int
    outcome_reason: str
    seats: dict[str, SeatPlan]  # who played each seat at the start
    seat_changes: list[SeatChange]
    statuses: dict[str, str]
    adopted_in: dict[str, int]
    rejections: dict[str, int]
    track_series: dict[str, list[float]]  # the start, then after each round
    scores: dict[str, float]  # empty unless revealed
    walk_away: dict[str, float]
    signed: dict[str, bool]
    votes: list[VoteRow]
    analysis: DealAnalysis | None  # at the values as the exercise ended; None unless revealed
    analysis_at_start: DealAnalysis | None  # at the values as the scenario starts
    talks: dict[str, Any] | None = None  # messages, contacts and offers; None unless revealed
    messages: list[dict[str, Any]] = field(default_factory=list)  # one row each (CSV)
    offers: list[dict[str, Any]] = field(default_factory=list)  # one row each; none unless revealed
    document: Document = field(default_factory=lambda: Document("", None))

    @property
    def duration_minutes(self) -> float | None:
        """From the first record to the last, in minutes."""
        try:
            delta = datetime.fromisoformat(self.last) - datetime.fromisoformat(self.started)
        except (TypeError, ValueError):
            return None
        return round(delta.total_seconds() / 60, 1)


def _num(value: float) -> str:
    return f"{value:g}"


def _who(human: bool, persona: object) -> str:
    return "a person" if human else f"the computer ({persona})"


def build_report(restored: Restored, *, reveal: bool = True) -> Report:
    """The report of a session rebuilt from its log (see :func:`report_of`)."""
    record = restored.record
    return report_of(restored.conductor, reveal=reveal, log_path=str(record.path),
                     started=str(record.header.get("started", "")), last=record.last_time)


def report_of(conductor: Conductor, *, reveal: bool = True, log_path: str | None = None,
              started: str = "", last: str = "", notes: bool = True,
              analyses: tuple[DealAnalysis, DealAnalysis] | None = None) -> Report:
    """Build the report of an exercise from its conductor's chronicle.

    Args:
        conductor: the exercise, where it stands.
        reveal: include what only a seat or the facilitator saw (private briefs, values,
            scores, private injects, the computer seats' reasons for ballots not yet
            revealed, the facilitator's notes). Without it the report shows only what the
            public table showed.
        log_path, started, last: the session log and when its first and last records were
            written, for the overview.
        notes: include the facilitator's notes (with ``reveal``); the debrief shown to
            the delegations leaves them out.
        analyses: the deal analyses at the end and at the start, if already made for this
            state (they are the costly part, at the scenario limits a second or so each).
    """
    return _Builder(conductor, reveal, notes and reveal).report(log_path, started, last,
                                                                analyses)


class _Builder:
    """Walks the chronicle once, writing the timeline; then the other sections."""

    def __init__(self, conductor: Conductor, reveal: bool, notes: bool):
        self.conductor = conductor
        self.scenario = conductor.scenario
        self.game = conductor.game
        self.book = self.game.book
        self.reveal = reveal
        self.notes = notes
        self.changes: list[SeatChange] = []
        self.personas: dict[str, str | None] = {
            pid: plan.persona for pid, plan in conductor.initial_seats.items()}
        self.rounds: list[tuple[int, list[Block]]] = []
        self.track_at: dict[int, dict[str, float]] = {}  # each track after each round
        self.revealed_rounds = {e.round for e in self.game.events
                                if e.kind is EventKind.VOTES_REVEALED}
        self.narrator = Narrator(self.scenario)
        self.promised = {(e.data["party"], e.round) for e in self.game.events
                         if e.kind is EventKind.PROMISE_SETTLED and e.data["verb"] == "accept"}
        self.pending: tuple[str, list[list[str]]] | None = None  # a run of like lines

    # --- names ----------------------------------------------------------------------------

    def name(self, pid: str) -> str:
        return self.scenario.party(pid).name

    def title(self, eid: str) -> str:
        return self.scenario.element(eid).title

    def titles(self, ids: Any) -> str:
        return and_join([self.title(e) for e in ids])

    # --- the timeline ---------------------------------------------------------------------

    @property
    def blocks(self) -> list[Block]:
        if not self.rounds:
            self.rounds.append((0, []))
        return self.rounds[-1][1]

    def add(self, block: Block) -> None:
        self.flush()
        self.blocks.append(block)

    def line(self, kind: str, text: str) -> None:
        """A line that joins a run of lines of its kind into one paragraph (or list)."""
        if self.pending is not None and self.pending[0] != kind:
            self.flush()
        if self.pending is None:
            self.pending = (kind, [])
        self.pending[1].append([text])

    def aside(self, text: str) -> bool:
        """Add what followed from the last adoption or rejection to its line (a track
        moving, an element ruled out); False when no such line is open."""
        if self.pending is None or self.pending[0] not in ("adopted", "rejected"):
            return False
        self.pending[1][-1].append(text)
        return True

    def flush(self) -> None:
        if self.pending is None:
            return
        kind, runs = self.pending
        self.pending = None
        lines = [run[0] + (f" ({'; '.join(run[1:])})" if len(run) > 1 else "") for run in runs]
        if kind == "said":
            self.blocks.append(Items(tuple(Item(spans(t)) for t in lines)))
        elif kind in ("adopted", "rejected"):
            self.blocks.append(Paragraph(spans(Span(f"{kind.capitalize()}: ", strong=True),
                                               "; ".join(lines) + ".")))
        elif kind == "tracks":
            self.blocks.append(Paragraph(spans("; ".join(lines) + ".")))
        else:
            for text in lines:
                self.blocks.append(Paragraph(spans(text)))

    def walk(self) -> None:
        for entry in self.conductor.chronicle:
            if isinstance(entry, Started):
                self.events(entry.events, None)
            elif isinstance(entry, Moved):
                self.moved(entry)
            elif isinstance(entry, Reacted):
                self.line("said", entry.text)
            elif isinstance(entry, Noted) and self.notes:
                self.add(Paragraph(spans(Span("Facilitator's note: ", strong=True),
                                         f"{entry.text} ({entry.phase})")))
        self.flush()

    def moved(self, entry: Moved) -> None:
        move = entry.move
        said = entry.reason if entry.by == "computer" and (
            self.reveal or not isinstance(move, Vote)
            or entry.round in self.revealed_rounds) else None  # a reason can give a ballot away
        if said and isinstance(move, Vote) and not self.reveal and \
                (entry.party, entry.round) in self.promised:
            said = None  # it names a private offer: for the offers' parties only
        if said and isinstance(move, TALK_MOVES):  # a talk's reason is its channel's
            audience = next((e.audience for e in entry.events if e.audience is not None), None)
            said = None if not self.reveal else said if audience is None else \
                f"(Private to {and_join([self.name(p) for p in audience])}) {said}"
        if said and isinstance(move, Vote):
            self.line("said", said)  # why it votes, before the votes are shown
        if isinstance(move, CallRatification):
            self.line("facilitator", "The facilitator called for ratification.")
        elif isinstance(move, EndExercise):
            self.line("facilitator", f"The facilitator ended the exercise ({move.reason}).")
        self.events(entry.events, entry)
        if said and not isinstance(move, Vote):
            self.line("said", said)  # why it tabled or passed, after the tabling

    def events(self, events: tuple[Event, ...], entry: Moved | None) -> None:
        for event in events:
            self.event(event, entry)

    def event(self, event: Event, entry: Moved | None) -> None:
        d = event.data
        kind = event.kind
        if event.audience is not None and not self.reveal:
            return  # private: the public table never showed it
        if kind in TALK_KINDS:
            text = talk_line(self.narrator, event)
            if text:
                self.line("talk", text)
        elif kind is EventKind.ROUND_STARTED:
            self.flush()
            self.rounds.append((event.round, [Heading(
                f"Round {event.round} — {self.name(d['proposer'])} proposes")]))
        elif kind is EventKind.INJECT_FIRED:
            self.inject(event, entry)
        elif kind is EventKind.TABLED:
            self.line("event", f"{self.name(d['party'])} tabled {self.titles(d['elements'])}.")
        elif kind is EventKind.PASSED:
            self.line("event", f"{self.name(d['party'])} passed.")
        elif kind is EventKind.VOTES_REVEALED:
            self.ballot_table(d["ballots"] or {}, event.round)
        elif kind is EventKind.ELEMENT_ADOPTED:
            self.line("adopted", self.title(d["element"]))
        elif kind is EventKind.ELEMENT_REJECTED:
            self.line("rejected", self.title(d["element"]))
            cause = self.narrator.cause(d.get("cause"))
            if cause:
                self.aside(cause)
        elif kind is EventKind.ELEMENT_EXCLUDED:
            if not self.aside(f"which rules out {self.title(d['element'])}"):
                self.line("event", f"{self.title(d['element'])} is off the table: adopting "
                                   f"{self.title(d['by'])} rules it out.")
        elif kind is EventKind.ELEMENT_ADDED:
            self.line("event", f"New on the table: {self.title(d['element'])}.")
        elif kind is EventKind.ELEMENT_WITHDRAWN:
            self.line("event", f"Withdrawn from the table: {self.title(d['element'])}.")
        elif kind is EventKind.TRACK_CHANGED:
            label = next(t.label for t in self.scenario.tracks if t.id == d["track"])
            moved = f"{label} {_num(d['old'])} → {_num(d['new'])}"
            if not self.aside(moved):
                self.line("tracks", moved)
            self.track_at.setdefault(event.round, {})[str(d["track"])] = float(d["new"])
        elif kind is EventKind.STANCE_CHANGED:
            stance = STANCE_VERBS.get(str(d["new"]), "takes a new stance on")
            self.line("event", f"{self.name(d['party'])} now publicly {stance} "
                               f"{self.title(d['element'])}.")
        elif kind is EventKind.VALUE_CHANGED:
            self.line("event", f"(Private to {self.name(d['party'])}) "
                               f"{self.title(d['element'])} is now worth {_num(d['new'])} "
                               "to them.")
        elif kind is EventKind.WALK_AWAY_CHANGED:
            self.line("event", f"(Private to {self.name(d['party'])}) their walk-away is now "
                               f"{_num(d['new'])}.")
        elif kind is EventKind.PACKAGE_RETRACTED:
            self.line("facilitator", "The facilitator withdrew the tabled package; the "
                                     "proposer could table again.")
        elif kind is EventKind.PACKAGE_DROPPED:
            self.line("facilitator", f"Ratification was called with {self.titles(d['elements'])}"
                                     " tabled: it went unvoted.")
        elif kind is EventKind.SEAT_CHANGED:
            human, pid = d["player"] == "person", str(d["party"])
            self.personas[pid] = d.get("persona") or self.personas.get(pid)
            persona = None if human else self.personas[pid]
            self.changes.append(SeatChange(event.round, pid, human, persona))
            self.line("facilitator", f"{self.name(pid)} is now played by {_who(human, persona)}.")
        elif kind is EventKind.RATIFICATION:
            signed = [self.name(p) for p, ok in d["signed"].items() if ok]
            refused = [self.name(p) for p, ok in d["signed"].items() if not ok]
            text = f"Ratification: signed by {and_join(signed) or 'no one'}"
            verb = "refused by" if d.get("chosen") else "not by"
            self.line("event", text + (f"; {verb} {and_join(refused)}." if refused else "."))
        elif kind is EventKind.ENDED:
            outcome = self.game.outcome()
            why = outcome_reason(self.scenario, outcome) if outcome else str(d["reason"])
            self.line("event", f"The exercise ended: {OUTCOMES[str(d['outcome'])].lower()} "
                               f"({why}).")

    def inject(self, event: Event, entry: Moved | None) -> None:
        inject = self.scenario.inject(str(event.data["inject"]))
        head: list[str | Span] = [Span(f"News: {inject.title}", strong=True)]
        if event.audience:
            head.append(f" (private to {and_join([self.name(p) for p in event.audience])})")
        if event.data.get("by") == "facilitator" or isinstance(
                entry.move if entry else None, FireInject):
            head.append(" — played by the facilitator")
        self.add(Paragraph(spans(*head)))
        if inject.text.strip():
            self.add(Prose(inject.text.strip()))
        source = inject.source
        if source is not None:
            self.add(Quote(_source_line(self.scenario, source.ref, source.quote)))

    def ballot_table(self, ballots: dict[str, dict[str, str]], number: int) -> None:
        if not ballots:
            return
        order = {p.id: i for i, p in enumerate(self.scenario.parties)}
        parties = sorted(ballots, key=lambda p: order.get(p, len(order)))
        targets = list(next(iter(ballots.values())))
        columns = ("Delegation", *("The package" if t == PACKAGE else self.title(t)
                                   for t in targets))
        rows = tuple((spans(self.name(p)), *(spans(ballots[p].get(t, "")) for t in targets))
                     for p in parties)
        self.add(Table(f"The votes in round {number}", columns, rows, row_headers=True,
                       kind="ballots"))

    # --- the whole ------------------------------------------------------------------------

    def report(self, log_path: str | None, started: str, last: str,
               analyses: tuple[DealAnalysis, DealAnalysis] | None) -> Report:
        self.walk()
        game, s, scenario = self.game, self.game.session, self.scenario
        outcome = game.outcome()
        series: dict[str, list[float]] = {}
        for track in scenario.tracks:
            value = track.start
            points = [value]
            for number in range(1, game.round + 1):
                value = self.track_at.get(number, {}).get(track.id, value)
                points.append(value)
            series[track.id] = points
        analysis = at_start = None
        if self.reveal and analyses is not None:
            analysis, at_start = analyses
        elif self.reveal:
            adopted = [e for e in self.book.element_ids if s.status[e] is Status.ADOPTED]
            analysis = analyse_at_end(self.book, s.values, s.walk_away, adopted)
            at_start = analyse_at_start(self.book, adopted)
        report = Report(
            scenario=scenario, log_path=log_path, started=started, last=last, seed=game.seed,
            reveal=self.reveal, outcome=str(outcome.kind) if outcome else None,
            outcome_round=outcome.round if outcome else game.round,
            outcome_reason=outcome_reason(scenario, outcome) if outcome else
            f"not finished: {game.expected()}",
            seats=dict(self.conductor.initial_seats), seat_changes=self.changes,
            statuses={e: str(st) for e, st in s.status.items()},
            adopted_in=dict(s.adopted_in), rejections=dict(s.rejections),
            track_series=series,
            scores=dict(s.scores) if self.reveal else {},
            walk_away=dict(s.walk_away) if self.reveal else {},
            signed=dict(s.signed),
            votes=self.vote_rows(),
            analysis=analysis, analysis_at_start=at_start,
            talks=talks_data(game) if self.reveal else None,
            messages=message_rows(game, scenario, reveal=self.reveal),
            offers=offer_rows(game, scenario, reveal=self.reveal),
        )
        report.document = _Writer(self, report).document()
        return report

    def vote_rows(self) -> list[VoteRow]:
        s, scenario = self.game.session, self.scenario
        order = {p.id: i for i, p in enumerate(scenario.parties)}
        promises = ballot_promises(self.game) if self.reveal else {}
        rows = []
        for history in self.game.history:
            for party, ballot in sorted(history.ballots.items(),
                                        key=lambda item: order.get(item[0], len(order))):
                for target, choice in ballot.items():
                    passed = target in history.adopted or (
                        target == PACKAGE and bool(history.adopted))
                    elements = history.tabled if target == PACKAGE else (target,)
                    rows.append(VoteRow(
                        history.round, history.proposer, target,
                        "the package" if target == PACKAGE else self.title(target),
                        party, self.name(party), str(choice),
                        "adopted" if passed else "rejected",
                        round(sum(s.values[party].get(e, 0) for e in elements), 9)
                        if self.reveal else None,
                        *_promise_cells(promises.get((history.round, party, target), []))))
        return rows


def _promise_cells(tested: list[tuple[str, int, str]]) -> tuple[str, str]:
    """A vote row's promise columns: what its ballot did to each promise it tested, and
    the other parties of those offers."""
    return ("; ".join(f"{result} offer {number}" for result, number, _ in tested),
            "; ".join(others for _, _, others in tested))


def _source_line(scenario: Scenario, ref: str | None, quote: str | None) -> str:
    where = scenario.cited(ref)
    return f"“{quote}” — {where}" if quote else where


class _Writer:
    """The sections of the document, from the facts and the timeline."""

    def __init__(self, builder: _Builder, report: Report):
        self.b = builder
        self.r = report
        self.sc = report.scenario

    def document(self) -> Document:
        r = self.r
        sections = [self.overview(), self.results(), self.objectives(), self.timeline()]
        talks = talks_section(self.b.game, self.sc, reveal=r.reveal)
        if talks is not None:
            sections.append(talks)
        sections.append(self.elements())
        if self.sc.tracks:
            sections.append(self.tracks())
        if r.reveal and r.analysis is not None:
            sections += [self.scores(), self.deal(), self.reveal_section()]
        sections.append(Section("questions", "Debrief questions", (
            Items(tuple(Item(spans(q)) for q in self.sc.debrief.questions), ordered=True)
            if self.sc.debrief.questions else Paragraph(spans("(none in the scenario)")),)))
        if self.sc.debrief.epilogue:
            sections.append(self.epilogue())
        if self.b.notes:
            notes = [n for n in self.b.conductor.notes]
            sections.append(Section("observations", "Facilitator's observations", (
                Items(tuple(Item(spans(f"Round {n.get('round')}, {n.get('phase')}: "
                                       f"{n.get('text')}")) for n in notes))
                if notes else Paragraph(spans("(no observations were recorded)")),)))
        return Document(f"After-action report: {self.sc.title}",
                        None if r.reveal else PUBLIC_NOTE, tuple(sections))

    def results(self) -> Section:
        """What was adopted, and why the rest failed; what pushed a track to collapse."""
        b, r = self.b, self.r
        last_cause: dict[str, str] = {}
        moved: dict[str, list[str]] = {}
        ruled_out: dict[str, str] = {}
        for event in b.game.events:
            d = event.data
            if event.kind is EventKind.ELEMENT_EXCLUDED:
                ruled_out[str(d["element"])] = str(d["by"])
            elif event.kind is EventKind.ELEMENT_REJECTED:
                last_cause[str(d["element"])] = b.narrator.cause(d.get("cause"))
            elif event.kind is EventKind.TRACK_CHANGED:
                moved.setdefault(str(d["track"]), []).append(
                    f"round {event.round}: {_num(d['old'])} → {_num(d['new'])} by "
                    f"{self.cause_of_move(str(d.get('cause', '')))}")
        items = []
        for e in self.sc.elements:
            status = r.statuses[e.id]
            if status == "adopted":
                what = f"adopted in round {r.adopted_in[e.id]}"
            elif r.rejections[e.id]:
                times = r.rejections[e.id]
                why = last_cause.get(e.id)
                what = f"rejected {times} time{'s' * (times != 1)}" + (
                    f", last because {why}" if why else "")
                if status != "open":
                    what += f"; then {status}"
            elif status == "excluded" and e.id in ruled_out:
                what = f"ruled out when {b.title(ruled_out[e.id])} was adopted"
            elif status == "withdrawn":
                what = "withdrawn by news before it was voted on"
            elif status == "hidden":
                what = "never reached the table"
            else:
                what = "never tabled"
            items.append(Item(spans(Span(e.title, strong=True), f": {what}.")))
        blocks: list[Block] = [Items(tuple(items))]
        if r.outcome == "collapse":
            for track in self.sc.tracks:
                now = b.game.session.tracks[track.id]
                if track.collapse_at is not None and b.book.tracks[track.id].collapsed(now):
                    blocks.append(Paragraph(spans(
                        Span(f"What pushed {track.label} to collapse ({_num(track.collapse_at)})",
                             strong=True), ":")))
                    blocks.append(Items(tuple(Item(spans(m)) for m in moved.get(track.id, []))))
        return Section("results", "What was adopted, and why the rest failed", tuple(blocks))

    def cause_of_move(self, cause: str) -> str:
        """A track change's cause in words ("adopting X", "news: Y")."""
        kind, _, what = cause.partition(":")
        if kind == "adopted":
            return f"adopting {self.b.title(what)}"
        if kind == "rejected":
            return f"rejecting {self.b.title(what)}"
        if kind == "inject":
            return f"the news '{self.sc.inject(what).title}'"
        return cause or "the facilitator"

    def epilogue(self) -> Section:
        """What the reports say happened next."""
        debrief = self.sc.debrief
        blocks: list[Block] = [Prose(debrief.epilogue or "")]
        if debrief.epilogue_source is not None:
            source = debrief.epilogue_source
            blocks.append(Quote(_source_line(self.sc, source.ref, source.quote)))
        return Section("epilogue", "What happened next", tuple(blocks))

    def replay_hint(self) -> Paragraph:
        """How to see this game again: the log's replay, and the same game anew."""
        r = self.r
        seats = " ".join(f"--seat {pid}" for pid, plan in r.seats.items() if plan.human)
        again = f"exercise play {self.sc.id} --seed {r.seed}" + (f" {seats}" if seats else "")
        parts: list[str | Span] = []
        if r.log_path:
            parts += ["To step through this session again: ",
                      Span(f"exercise replay {r.log_path}", code=True), ". "]
        parts += ["To play it again with the same computer decisions: ", Span(again, code=True),
                  "."]
        return Paragraph(spans(*parts))

    def seat_story(self, pid: str) -> str:
        """Who played a seat when, e.g. "the computer (hardliner), then a person from round 3"."""
        plan = self.r.seats.get(pid)
        parts = [_who(plan.human, plan.persona) if plan else "the computer"]
        for change in self.r.seat_changes:
            if change.party == pid:
                parts.append(f"{_who(change.human, change.persona)} from round {change.round}")
        return ", then ".join(parts)

    def overview(self) -> Section:
        r, sc = self.r, self.sc
        minutes = r.duration_minutes
        seats = "; ".join(f"{self.b.name(pid)}: {self.seat_story(pid)}" for pid in r.seats)
        rows: list[tuple[Inline, ...]] = [
            (spans("Scenario"), spans(f"{sc.title} (", Span(sc.id, code=True), ")")),
            (spans("Started"), spans(r.started or "unknown")),
            (spans("Duration"), spans(f"{minutes:g} minutes" if minutes is not None
                                      else "unknown")),
            (spans("Seats"), spans(seats)),
            (spans("Seed"), spans(str(r.seed))),
        ]
        if r.log_path:
            rows.append((spans("Session log"), spans(Span(r.log_path, code=True))))
        return Section("overview", "Overview", (
            Heading(OUTCOMES[r.outcome]),
            Paragraph(spans(f"In round {r.outcome_round} of {sc.rounds}: {r.outcome_reason}.")),
            Paragraph(spans(Span("The deal: ", strong=True), deal_titles(
                [e for e in self.b.book.element_ids if r.statuses[e] == "adopted"],
                self.b.title) or "nothing was adopted", ".")),
            Table("The session at a glance", ("Item", "Detail"), tuple(rows), row_headers=True),
            self.replay_hint()))

    def objectives(self) -> Section:
        r, sc = self.r, self.sc
        items = []
        fired = {str(e.data["inject"]) for e in self.b.game.events
                 if e.kind is EventKind.INJECT_FIRED}
        for objective in sc.objectives:
            elements = [f"{e.title} ({r.statuses[e.id]})" for e in sc.elements
                        if objective.id in e.objectives]
            injects = [f"{i.title} ({'fired' if i.id in fired else 'did not fire'})"
                       for i in sc.injects if objective.id in i.objectives
                       and (r.reveal or not i.is_private)]
            items.append(Item(spans(Span(objective.text, strong=True)), (
                Item(spans("Elements: " + ("; ".join(elements) or "none"))),
                Item(spans("Injects: " + ("; ".join(injects) or "none"))))))
        return Section("objectives", "Learning objectives", (
            Items(tuple(items)) if items
            else Paragraph(spans("The scenario lists no learning objectives.")),))

    def timeline(self) -> Section:
        blocks: list[Block] = []
        for _number, round_blocks in self.b.rounds:
            blocks += round_blocks
        return Section("timeline", "Timeline", tuple(blocks))

    def elements(self) -> Section:
        r = self.r
        rows = tuple((spans(e.title), spans(r.statuses[e.id]),
                      spans(f"round {r.adopted_in[e.id]}" if e.id in r.adopted_in else "—"),
                      spans(str(r.rejections[e.id]))) for e in self.sc.elements)
        return Section("elements", "Element outcomes", (
            Table("Every element as the session ended", ("Element", "Status", "Adopted",
                                                          "Rejections"), rows,
                  row_headers=True),))

    def tracks(self) -> Section:
        blocks: list[Block] = [Paragraph(spans(
            "Each track at the start (round 0) and after each round."))]
        for track in self.sc.tracks:
            points = tuple(self.r.track_series[track.id])
            line = f" (collapse at {_num(track.collapse_at)})" \
                if track.collapse_at is not None else ""
            blocks.append(Chart(track.label, points, track.min, track.max, track.collapse_at,
                                f"{track.label}{line}: " + " → ".join(_num(p) for p in points)))
        return Section("tracks", "Tracks over the rounds", tuple(blocks))

    def scores(self) -> Section:
        r = self.r
        assert r.analysis is not None
        required = set(r.analysis.required)
        rows = []
        chosen = self.sc.ratification.signing == "choice" and self.b.game.session.signatures
        for party in self.sc.voters:
            pid = party.id
            signed, margin = r.signed.get(pid), r.scores[pid] - r.walk_away[pid]
            said = "yes" if signed else "no"
            if chosen and signed and margin < 0:
                said = "yes, below its walk-away"
            elif chosen and not signed:
                said = "refused, though the deal reached its walk-away" if margin >= 0 \
                    else "refused"
            rows.append((spans(party.name + (" (required)" if pid in required else "")),
                         spans(_num(r.scores[pid])), spans(_num(r.walk_away[pid])),
                         spans(_num(margin)), spans(said)))
        return Section("scores", "Scores against walk-aways", (
            Table("Each delegation's score as the session ended",
                  ("Delegation", "Score", "Walk-away", "Margin", "Signed"), tuple(rows),
                  row_headers=True),))

    def reveal_section(self) -> Section:
        s = self.b.game.session
        voters = self.sc.voters
        rows = tuple((spans(e.title + (" ✔" if self.r.statuses[e.id] == "adopted" else "")),
                      *(spans(f"{s.values[p.id].get(e.id, 0):+g}") for p in voters))
                     for e in self.sc.elements)
        blocks: list[Block] = [
            Table("Each delegation's private value of each element, as the session ended "
                  "(✔ adopted)", ("Element", *(p.short or p.name for p in voters)), rows,
                  row_headers=True)]
        for party in self.sc.parties:
            blocks.append(Heading(party.name))
            blocks.append(Prose(party.private_brief) if party.private_brief
                          else Paragraph(spans("(no private brief)")))
        return Section("reveal", "Reveal: private briefs and values", tuple(blocks))

    def deal(self) -> Section:
        return Section("analysis", "Deal analysis", tuple(deal_blocks(self.r, self.b.name,
                                                                      self.b.title)))


FRONTIER_ROWS = 12  # frontier packages the report's table shows (the JSON has them all)


def _values(package: Package, name: Callable[[str], str]) -> str:
    return ", ".join(f"{name(p)} {_num(v)}" for p, v in package.values.items())


def deal_blocks(report: Report, name: Callable[[str], str],
                title: Callable[[str], str]) -> list[Block]:
    """The deal analysis: what could stand and be signed, the Nash package(s), where the
    actual deal stands against the Pareto frontier, and the frontier itself; at the values
    the session ended with, then beside those the scenario starts with."""
    deal = report.analysis
    assert deal is not None
    names = and_join([name(p) for p in deal.required])
    feasible = package_count(deal.feasible)
    if not deal.feasible_exact:
        feasible = f"at least {feasible}"
    signable = package_count(deal.signable)
    if deal.truncated:
        signable = f"at least {signable}"
    blocks: list[Block] = [Paragraph(spans(
        f"Over the {len(deal.elements)} elements that could be on the table (those open at "
        f"the start and those an inject can add), {feasible} packages could stand together "
        f"(no exclusion broken, every requirement in), and {signable} of them every required "
        f"party ({names}) would sign. Values and walk-aways are those the session ended "
        "with; the table at the end compares the scenario's own."))]
    if deal.unadoptable:
        blocks.append(Paragraph(spans(
            "Never adoptable here, because something they require never reaches the table: "
            f"{deal_titles(deal.unadoptable, title)}.")))
    if deal.truncated:
        blocks.append(Paragraph(spans(
            "The search stopped at its bound: the counts are lower limits and the packages "
            "named are the best found, not necessarily the best."), muted=True))
    label = "best package found" if deal.truncated else "Nash package"
    if not deal.nash_packages:
        blocks.append(Paragraph(spans(
            "The search found no package every required party would sign before it stopped."
            if deal.truncated else "No package would have been signed by every required "
            "party.")))
    elif deal.nash_ties > 1:
        blocks.append(Paragraph(spans(
            Span(f"{deal.nash_ties} packages tie", strong=True),
            f" for the largest product of gains over the walk-aways "
            f"({_num(deal.nash_product or 0)}); each is a {label}:")))
        blocks.append(Items(tuple(Item(spans(f"{versus(p.elements, deal.actual, title)} "
                                             f"({_values(p, name)})"))
                                  for p in deal.nash_packages)))
        if deal.nash_ties > len(deal.nash_packages):
            blocks.append(Paragraph(spans(f"… and {deal.nash_ties - len(deal.nash_packages)} "
                                          "more."), muted=True))
    else:
        best = deal.nash_packages[0]
        blocks.append(Paragraph(spans(
            Span(f"The {label}", strong=True),
            f" (the largest product of gains over the walk-aways, {_num(best.product or 0)}): "
            f"{versus(best.elements, deal.actual, title)}. Values: {_values(best, name)}.")))
    blocks.append(Paragraph(spans(*_actual(report, deal, name, title))))
    blocks += _frontier(report, deal, name, title)
    if report.analysis_at_start is not None:
        blocks.append(_start_and_end(report.analysis_at_start, deal, name, title))
    return blocks


def _actual(report: Report, deal: DealAnalysis, name: Callable[[str], str],
            title: Callable[[str], str]) -> list[str | Span]:
    """The actual deal against the walk-aways and the frontier, in sentences."""
    out: list[str | Span] = [Span("The actual deal: ", strong=True),
                             (deal_titles(deal.actual, title) or "nothing") + "."]
    if not deal.actual:
        return [*out, " Nothing was adopted, so there is no deal to weigh."]
    values = ", ".join(f"{name(p)} {_num(v)}" for p, v in deal.actual_values.items())
    if not deal.actual_signable:
        short = [name(p) for p in deal.required
                 if deal.actual_values[p] < report.walk_away.get(p, 0)]
        out.append(f" Its values ({values}) fall short of the walk-away of {and_join(short)}.")
    else:
        out.append(f" Every required party would sign it ({values}); its Nash product is "
                   f"{_num(deal.actual_product or 0)}, against the best "
                   f"{_num(deal.nash_product or 0)}.")
    better = deal.dominating_package
    if better is not None:
        withdrawn = [e for e in better.elements if report.statuses.get(e) == "withdrawn"]
        other = versus(better.elements, deal.actual, title)
        out.append(" It is not on the Pareto frontier: the table left value on it. This package "
                   "would be at least as good for every required party and better for one "
                   f"({_values(better, name)}): {other}.")
        if withdrawn:
            out.append(f" (That package needs {deal_titles(withdrawn, title)}, which was "
                       "withdrawn during the session.)")
    elif deal.actual_signable and deal.dominance_exact:
        out.append(" It is on the Pareto frontier: no other package is at least as good for "
                   "every required party and better for one.")
    elif deal.actual_signable:
        out.append(" The search found no package better for every required party, but it "
                   "stopped at its bound, so one may exist.")
    return out


def _frontier(report: Report, deal: DealAnalysis, name: Callable[[str], str],
              title: Callable[[str], str]) -> list[Block]:
    """The Pareto frontier as a table (the best products first)."""
    if not deal.frontier:
        return []
    size = deal.frontier_size
    if deal.frontier_complete and size is not None:
        count_words = f"{size} package{'s' * (size != 1)}"
    else:
        count_words = f"at least {size or len(deal.frontier)} packages (the search stopped " \
                      "at its bound)"
    nash = {p.elements for p in deal.nash_packages}
    rows = []
    for package in deal.frontier[:FRONTIER_ROWS]:
        withdrawn = any(report.statuses.get(e) == "withdrawn" for e in package.elements)
        marks = [m for m, on in (("Nash", package.elements in nash),
                                 ("the actual deal", package.elements == deal.actual),
                                 ("needs an element withdrawn in the session", withdrawn)) if on]
        rows.append((spans(versus(package.elements, deal.actual, title)
                           + (f" ({', '.join(marks)})" if marks else "")),
                     *(spans(_num(package.values[p])) for p in deal.required),
                     spans(_num(package.product) if package.product is not None else "—")))
    blocks: list[Block] = [
        Paragraph(spans(f"The Pareto frontier holds {count_words}: the signable packages no "
                        "other signable package betters for every required party.")),
        Table("The Pareto frontier, largest Nash product first",
              ("Package", *(name(p) for p in deal.required), "Nash product"), tuple(rows),
              row_headers=True)]
    if len(deal.frontier) > FRONTIER_ROWS:
        blocks.append(Paragraph(spans(
            f"… and {len(deal.frontier) - FRONTIER_ROWS} more on the frontier (the JSON report "
            "lists them)."), muted=True))
    return blocks


def _start_and_end(start: DealAnalysis, end: DealAnalysis, name: Callable[[str], str],
                   title: Callable[[str], str]) -> Table:
    """The analysis at the scenario's own values beside the one at the session's end."""
    def nash(d: DealAnalysis) -> str:
        if not d.nash_packages:
            return "none"
        first = versus(d.nash_packages[0].elements, d.actual, title)
        return first if d.nash_ties <= 1 else f"{d.nash_ties} tied, e.g. {first}"

    def signable(d: DealAnalysis) -> str:
        return ("at least " if d.truncated else "") + package_count(d.signable)

    def deal(d: DealAnalysis) -> str:
        if not d.actual:
            return "nothing adopted"
        values = ", ".join(f"{name(p)} {_num(v)}" for p, v in d.actual_values.items())
        return values + (" (signable" + (", on the frontier)" if d.deal_on_frontier
                                         else ", not on the frontier)")
                         if d.actual_signable else " (not signable)")

    rows = (
        (spans("Signable packages"), spans(signable(start)), spans(signable(end))),
        (spans("Largest Nash product"),
         spans(_num(start.nash_product) if start.nash_product is not None else "—"),
         spans(_num(end.nash_product) if end.nash_product is not None else "—")),
        (spans("Nash package"), spans(nash(start)), spans(nash(end))),
        (spans("The actual deal"), spans(deal(start)), spans(deal(end))),
    )
    return Table("The analysis at the values the scenario starts with and at those the "
                 "session ended with", ("Measure", "As the scenario starts", "At the end"),
                 rows, row_headers=True)


def versus(package: tuple[str, ...], deal: tuple[str, ...], title: Callable[[str], str]) -> str:
    """A package in words: by how it differs from the actual deal when that is shorter
    ("the deal, with X, without Y"), else its elements."""
    if package == deal and deal:
        return "the deal itself"
    plus = [e for e in package if e not in deal]
    minus = [e for e in deal if e not in package]
    if not deal or len(plus) + len(minus) >= len(package):
        return deal_titles(package, title)
    parts = []
    if plus:
        parts.append(f"plus {deal_titles(plus, title)}")
    if minus:
        parts.append(f"minus {deal_titles(minus, title)}")
    return "the deal " + ", ".join(parts)


def deal_titles(package: Any, title: Callable[[str], str]) -> str:
    """A package's elements by title."""
    return and_join([title(e) for e in package])
