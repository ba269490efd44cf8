"""Conducting an exercise for an interface: seats, turns, computer moves and the feed.

The engine knows the rules; the conductor knows the room. It holds the seat plan
(which parties are played by people, which by the computer and with what persona),
says what the interface should do next, makes the computer seats' moves, and keeps the feed
with each line's audience. What a viewer may see is decided in one place only,
:func:`exercise.view.view`. It imports no UI and is tested without a screen.

Viewers are a party id (a seat), :data:`PUBLIC` (the shared screen, which anyone in
the room may be looking at) or :data:`FACILITATOR` (everything).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from exercise.bots import PERSONAS, ComputerPlayer, Decision
from exercise.bots.bargain import next_talk, promise_audience
from exercise.bots.personas import DEFAULT_PERSONA, persona_for
from exercise.chronicle import Entry, Moved, Noted, Reacted, Started
from exercise.engine import (
    FACILITATOR,
    Event,
    EventKind,
    Game,
    IllegalMoveError,
    Move,
    Phase,
    SeatChanged,
    Sign,
    Vote,
)
from exercise.engine.moves import TALK_MOVES, Answer, Offer, Say, describe
from exercise.narration import Narrator
from exercise.scenario.model import Scenario
from exercise.sessions import log as session_log
from exercise.viewers import PUBLIC

if TYPE_CHECKING:
    from exercise.sessions.log import SessionLog
    from exercise.sessions.reader import LoggedMove


# Feed lines that are not plain events: news, a new round, and what came of a vote.
LINE_KINDS = {
    EventKind.INJECT_FIRED: "inject",
    EventKind.ROUND_STARTED: "round",
    EventKind.ELEMENT_ADOPTED: "result",
    EventKind.ELEMENT_REJECTED: "result",
    EventKind.ELEMENT_EXCLUDED: "result",
    EventKind.ELEMENT_ADDED: "result",
    EventKind.ELEMENT_WITHDRAWN: "result",
}

__all__ = ["FACILITATOR", "PUBLIC", "Conductor", "FeedLine", "SeatPlan", "Step", "StepKind"]


@dataclass(frozen=True, slots=True)
class SeatPlan:
    """Who plays a party: a person, or the computer with a persona."""

    party: str
    human: bool
    persona: str = DEFAULT_PERSONA


class StepKind(StrEnum):
    """What the interface should do next."""

    HUMAN = "human"  # a person at a seat must propose or vote
    COMPUTER = "computer"  # a computer seat moves (after a short, visible pause)
    DISCUSSION = "discussion"  # the table talks; the facilitator (or solo player) opens voting
    OVER = "over"


@dataclass(frozen=True, slots=True)
class Step:
    """The next thing to happen, and whose it is."""

    kind: StepKind
    party: str | None = None
    phase: Phase | None = None


@dataclass(frozen=True, slots=True)
class FeedLine:
    """A line for the feed, with the viewers allowed to read it (None: everyone)."""

    text: str
    audience: tuple[str, ...] | None = None
    kind: str = "event"  # "event", "reason", "inject", "round", "result"
    round: int = 0

    def visible_to(self, viewer: str) -> bool:
        """Whether ``viewer`` may read this line."""
        return viewer == FACILITATOR or self.audience is None or viewer in self.audience


@dataclass
class Conductor:
    """One exercise as an interface runs it."""

    scenario: Scenario
    seats: dict[str, SeatPlan]
    seed: int = 0
    game: Game = field(init=False)
    players: dict[str, ComputerPlayer] = field(init=False)
    feed: list[FeedLine] = field(init=False, default_factory=list)
    notes: list[dict[str, object]] = field(init=False, default_factory=list)
    log: SessionLog | None = field(init=False, default=None)
    chronicle: list[Entry] = field(init=False, default_factory=list)  # what happened, in order
    initial_seats: dict[str, SeatPlan] = field(init=False, default_factory=dict)
    started: str = field(init=False, default="")  # when the session began (from its log)
    _held: list[FeedLine] = field(init=False, default_factory=list)
    _seen: int = field(init=False, default=0)
    _moves: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.game = Game(self.scenario, self.seed)
        self.narrator = Narrator(self.scenario)
        voters = {p.id for p in self.scenario.voters}
        for party in self.scenario.parties:  # every party has a seat, observers included
            self.seats.setdefault(party.id, SeatPlan(party.id, human=False,
                                                     persona=persona_for(party)))
        self.players = {
            pid: ComputerPlayer(self.game, pid, persona=plan.persona)
            for pid, plan in self.seats.items()
            if not plan.human and pid in voters
        }
        self.initial_seats = dict(self.seats)
        self.started = session_log.now()  # until a log says when the session began
        self.chronicle.append(Started(tuple(self.game.events)))
        self._absorb()

    # --- seats ------------------------------------------------------------------------------

    @property
    def humans(self) -> list[str]:
        """Parties played by people, in file order."""
        return [p.id for p in self.scenario.parties if self.seats[p.id].human]

    @property
    def hot_seat(self) -> bool:
        """Two or more people share the screen: hand-overs guard each seat's secrets."""
        return len(self.humans) >= 2

    @property
    def solo(self) -> str | None:
        """The one human seat, when there is exactly one."""
        humans = self.humans
        return humans[0] if len(humans) == 1 else None

    # --- what next ---------------------------------------------------------------------------

    def next_step(self) -> Step:
        """What the interface should do now."""
        game = self.game
        if game.is_over:
            return Step(StepKind.OVER)
        if game.phase is Phase.DISCUSSION:
            return Step(StepKind.DISCUSSION, phase=game.phase)
        awaited = game.awaiting()
        for party in awaited:
            if party in self.players:
                return Step(StepKind.COMPUTER, party, game.phase)
        return Step(StepKind.HUMAN, awaited[0], game.phase)

    # --- moving --------------------------------------------------------------------------------

    def push(self, move: Move, by: str | None = None) -> list[Event]:
        """Make a person's or the facilitator's move, log it, and return its events.

        Raises:
            IllegalMoveError: if the move is not legal now (nothing is changed or logged).
        """
        by = by or (FACILITATOR if move.actor == FACILITATOR else "human")
        self.check_persona(move)
        made_in = self.game.round
        events = self.game.push(move)
        if self.log is not None:
            self.log.move(move, by, events, round_number=made_in)
        self._record(move, by, made_in, events)
        self._absorb()
        return events

    def _record(self, move: Move, by: str, made_in: int, events: list[Event],
                reason: str | None = None, party: str | None = None) -> None:
        """Put a move that was made into the chronicle."""
        actor = party or (None if move.actor == FACILITATOR else move.actor)
        self._moves += 1
        self.chronicle.append(Moved(self._moves, made_in, by, actor, move, reason, tuple(events)))

    @staticmethod
    def check_persona(move: Move) -> None:
        """A seat given to the computer names a persona the computer knows.

        Raises:
            IllegalMoveError: naming the personas there are.
        """
        if isinstance(move, SeatChanged) and move.persona is not None and \
                move.persona not in PERSONAS:
            raise IllegalMoveError(f"{describe(move)}: there is no persona '{move.persona}'",
                                   move=move, expected="one of: " + ", ".join(PERSONAS))

    def computer_move(self) -> Decision:
        """Let the awaited computer seat move; log it with its reason; return the decision."""
        step = self.next_step()
        assert step.kind is StepKind.COMPUTER and step.party is not None
        decision = self.players[step.party].decide(self.game)
        assert decision is not None
        self._computer_push(step.party, decision)
        return decision

    def talk_move(self) -> tuple[str, Decision] | None:
        """Let a computer seat make its next talk move (an answer to an offer, or an offer
        of its own during discussion); log it with its reason; None when none has one."""
        found = next_talk(self.game, self.players)
        if found is None:
            return None
        party, decision = found
        self._computer_push(party, decision)
        return party, decision

    def _computer_push(self, party: str, decision: Decision) -> None:
        """Make a computer seat's move, with its reason: noted, pushed, logged, recorded."""
        self._note_reason(decision.move, decision.reason)
        made_in = self.game.round
        events = self.game.push(decision.move)
        if self.log is not None:
            self.log.move(decision.move, "computer", events, round_number=made_in,
                          reason=decision.reason)
        self._record(decision.move, "computer", made_in, events, decision.reason, party)
        self._absorb()

    def talk_due(self) -> bool:
        """Whether a computer seat has a talk move to make now."""
        return next_talk(self.game, self.players) is not None

    def _talk_audience(self, move: Move) -> tuple[str, ...] | None:
        """Who may read a talk move's reason: its channel or its offer's parties."""
        if isinstance(move, Say):
            return move.channel
        if isinstance(move, Offer):
            return (move.party, *move.to)
        if isinstance(move, Answer):
            state = self.game.session.talks.offer(move.offer)
            return state.parties if state is not None else (move.party,)
        return None

    def _note_reason(self, move: Move, reason: str) -> None:
        if isinstance(move, TALK_MOVES):
            self.feed.append(FeedLine(reason, self._talk_audience(move), "reason",
                                      self.game.round))
            return
        line = FeedLine(reason, kind="reason", round=self.game.round)
        if isinstance(move, Vote):
            # A ballot that meets a promise says so: its reason is then the offers' parties'.
            line = FeedLine(reason, promise_audience(self.game, move.party), "reason",
                            self.game.round)
        if isinstance(move, (Vote, Sign)):
            self._held.append(line)  # its reason would give a secret ballot (or choice) away
        else:
            self.feed.append(line)

    def reactions(self) -> list[tuple[str, str]]:
        """Computer seats' public reactions to the tabled package: (party, line) each."""
        lines = []
        for party, player in self.players.items():
            if party == self.game.proposer:
                continue
            line = player.react(self.game)
            if line:
                lines.append((party, line))
                self.feed.append(FeedLine(line, kind="reason", round=self.game.round))
                if self.log is not None:
                    self.log.reaction(party, line, self.game.round)
                self.chronicle.append(Reacted(self.game.round, party, line))
        return lines

    def note(self, text: str) -> None:
        """A facilitator's observation, into the log (and the after-action report)."""
        if self.log is not None:
            self.log.note(text, self.game.round, str(self.game.phase))
        self.replay_note(text, self.game.round, str(self.game.phase))

    def replay_note(self, text: str, round_number: int, phase: str, time: str = "") -> None:
        """A facilitator's observation, logged already (or just now)."""
        note: dict[str, object] = {"text": text, "round": round_number, "phase": phase}
        if time:
            note["t"] = time
        self.notes.append(note)
        self.chronicle.append(Noted(round_number, phase, text))

    def timer_changed(self, action: str, seconds_left: float | None) -> None:
        """The discussion timer started, paused, resumed or was extended."""
        if self.log is not None:
            self.log.timer(action, seconds_left, self.game.round)

    def replay(self, logged: LoggedMove) -> list[Event]:
        """Make a logged move again (on resume or replay), without logging it twice."""
        if logged.by == "computer" and logged.reason:
            self._note_reason(logged.move, logged.reason)
        self.check_persona(logged.move)
        made_in = self.game.round
        events = self.game.push(logged.move)
        self._record(logged.move, logged.by, made_in, events, logged.reason, logged.party)
        self._absorb()
        return events

    def replay_reaction(self, text: str, party: str = "") -> None:
        """A logged reaction, back into the feed."""
        self.feed.append(FeedLine(text, kind="reason", round=self.game.round))
        self.chronicle.append(Reacted(self.game.round, party, text))

    def _seat_changed(self, party: str, human: bool, persona: str | None) -> None:
        """A seat changed hands: the plan, and the computer player, follow."""
        old = self.seats[party]
        plan = SeatPlan(party, human, persona or old.persona)
        self.seats[party] = plan
        self.players.pop(party, None)
        if not human and party in self.game.book.voter_set:
            self.players[party] = ComputerPlayer(self.game, party, persona=plan.persona)

    def _absorb(self) -> None:
        """Turn new engine events into feed lines (held reasons for votes and signatures come
        out at the reveal)."""
        events = self.game.events
        for event in events[self._seen:]:
            if event.kind is EventKind.SEAT_CHANGED:
                self._seat_changed(event.data["party"], event.data["player"] == "person",
                                   event.data.get("persona"))
            if event.kind in (EventKind.VOTES_REVEALED, EventKind.RATIFICATION):
                self.feed.extend(self._held)
                self._held.clear()
            if event.kind in (EventKind.TABLED, EventKind.PASSED) and \
                    event.data["party"] in self.players:
                continue  # the computer's reason line has said it, and why
            text = self.narrator.line(event)
            if text:
                kind = LINE_KINDS.get(event.kind, "event")
                self.feed.append(FeedLine(text, event.audience, kind, event.round))
        self._seen = len(events)

    # --- the feed -------------------------------------------------------------------------------

    def feed_for(self, viewer: str) -> list[FeedLine]:
        """The lines ``viewer`` may read (the rule is each line's audience; the view decides
        everything else)."""
        return [line for line in self.feed if line.visible_to(viewer)]
