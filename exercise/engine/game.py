"""The engine's public face, in the spirit of python-chess: what is legal, push, outcome.

>>> game = Game(scenario, seed=7)
>>> game.awaiting()                      # who must move now
('ukraine',)
>>> game.push(Table("ukraine", ("dmz",)))
>>> game.push(CallVote())
>>> for party in game.awaiting():
...     game.push(Vote(party, {"dmz": "accept"}))
>>> game.outcome()                       # None until the exercise has ended

An illegal move raises a subclass of :class:`IllegalMoveError` that says what was
expected, and leaves the game exactly as it was.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from exercise.engine import talks
from exercise.engine.errors import (
    GameOverError,
    IllegalMoveError,
    InjectUnavailableError,
    InvalidBallotError,
    InvalidPackageError,
    NotYourTurnError,
    WrongPhaseError,
)
from exercise.engine.events import Event, EventKind
from exercise.engine.machine import attach_machine
from exercise.engine.moves import (
    FACILITATOR,
    Answer,
    Ballot,
    CallRatification,
    CallVote,
    CloseChannel,
    EndExercise,
    FireInject,
    Move,
    Offer,
    Pass,
    PauseTalks,
    ResumeTalks,
    Say,
    SeatChanged,
    Sign,
    Table,
    Vote,
    describe,
)
from exercise.engine.phases import LIVE, Phase, Trigger
from exercise.engine.rulebook import Rulebook
from exercise.engine.rules import can_fire, fire_inject, sign
from exercise.engine.session import Outcome, RoundRecord, Session, Status
from exercise.scenario.model import Scenario


class Game:
    """One exercise in play."""

    def __init__(
        self,
        scenario: Scenario | Rulebook,
        seed: int = 0,
        *,
        record_events: bool = True,
    ):
        """Start an exercise: round 1's briefing runs at once and the proposer is up.

        Args:
            scenario: a loaded scenario, or a rulebook compiled from one (shared
                between many games).
            seed: the seed of the session's one random source.
            record_events: keep the event record (a simulation may skip it).
        """
        self.book = scenario if isinstance(scenario, Rulebook) else Rulebook(scenario)
        self.scenario: Scenario = self.book.scenario
        self.seed = seed
        self.session = Session(self.book, seed, record_events=record_events)
        attach_machine(self.session)
        self.session.fire(Trigger.START)

    # --- reading the state ---------------------------------------------------------

    @property
    def phase(self) -> Phase:
        """The current phase."""
        return self.session.state

    @property
    def round(self) -> int:
        """The round the exercise is in (or ended in)."""
        return self.session.round

    @property
    def proposer(self) -> str | None:
        """Who proposes this round."""
        return self.session.proposer

    @property
    def tabled(self) -> tuple[str, ...]:
        """The elements on the table this round."""
        return self.session.tabled

    @property
    def is_over(self) -> bool:
        """True once the exercise has ended."""
        return self.session.state is Phase.ENDED

    def outcome(self) -> Outcome | None:
        """How the exercise ended, or None while it runs."""
        return self.session.outcome

    @property
    def events(self) -> list[Event]:
        """Everything that has happened, in order."""
        return self.session.events

    @property
    def history(self) -> list[RoundRecord]:
        """One record per resolved round."""
        return self.session.history

    def status(self, element: str) -> Status:
        """An element's status."""
        return self.session.status[element]

    def voted(self) -> tuple[str, ...]:
        """Parties that have cast their ballot this round (not how they voted)."""
        return tuple(p for p in self.book.voters if p in self.session.ballots)

    def awaiting(self) -> tuple[str, ...]:
        """Who must move now: the proposer, the facilitator, or the parties yet to vote."""
        phase = self.phase
        if phase is Phase.PROPOSAL:
            assert self.session.proposer is not None
            return (self.session.proposer,)
        if phase is Phase.DISCUSSION:
            return (FACILITATOR,)
        if phase is Phase.VOTING:
            return tuple(p for p in self.book.voters if p not in self.session.ballots)
        if phase is Phase.RATIFICATION:
            return tuple(p for p in self.book.voters if p not in self.session.signatures)
        return ()

    def expected(self) -> str:
        """What the engine is waiting for, in plain words."""
        phase = self.phase
        if phase is Phase.PROPOSAL:
            return f"a proposal from {self.session.proposer} (table or pass)"
        if phase is Phase.DISCUSSION:
            return "the facilitator to open voting"
        if phase is Phase.VOTING:
            targets = "the package" if self.book.package_voting else ", ".join(self.tabled)
            return f"votes on {targets} from {', '.join(self.awaiting())}"
        if phase is Phase.RATIFICATION:
            return f"each party's choice to sign or not, from {', '.join(self.awaiting())}"
        return "nothing: the exercise has ended"

    def ballot_targets(self) -> tuple[str, ...]:
        """What a ballot must cover now: each tabled element, or the package."""
        return self.book.ballot_targets(self.session.tabled)

    # --- what may be tabled ------------------------------------------------------------

    def why_not_tableable(
        self, element: str, name: Callable[[str], str] | None = None
    ) -> str | None:
        """Why an element cannot be tabled now, or None if it can.

        Args:
            element: the element's id.
            name: how to name other elements in the reason (default: by id).
        """
        s = self.session
        call = name or (lambda e: e)
        if element not in s.status:
            return f"there is no element '{element}'"
        status = s.status[element]
        if status is Status.HIDDEN:
            return "it is not on the table yet"
        if status is Status.ADOPTED:
            return "it is already adopted"
        if status is Status.EXCLUDED:
            by = [call(e) for e in self.book.excludes[element] if s.status[e] is Status.ADOPTED]
            return f"it was excluded by {', '.join(by)}" if by else "it was excluded"
        if status is Status.WITHDRAWN:
            return "it was withdrawn"
        missing = [call(r) for r in self.book.requires[element]
                   if s.status[r] is not Status.ADOPTED]
        if missing:
            return f"it requires {', '.join(missing)} to be adopted first"
        return None

    def tableable(self) -> tuple[str, ...]:
        """Open elements whose requirements are all adopted (why_not_tableable is None)."""
        status = self.session.status
        requires = self.book.requires
        return tuple(e for e in self.book.element_ids if status[e] is Status.OPEN
                     and all(status[r] is Status.ADOPTED for r in requires[e]))

    def available_injects(self) -> tuple[str, ...]:
        """Injects the facilitator may fire now (each once, unless it repeats)."""
        if self.phase not in LIVE:
            return ()
        return tuple(i for i, spec in self.book.injects.items() if can_fire(self.session, spec))

    # --- legality --------------------------------------------------------------------

    def check(self, move: Move) -> None:
        """Raise the specific :class:`IllegalMoveError` if ``move`` is not legal now."""
        if self.session.state is Phase.ENDED:
            outcome = self.session.outcome
            raise GameOverError(
                f"{describe(move)}: the exercise has ended ({outcome})",
                move=move,
                expected="nothing",
            )
        rule = MOVE_RULES.get(type(move))
        if rule is None:
            raise IllegalMoveError(f"not a move: {move!r}", move=move, expected=self.expected())
        rule.check(self, move)

    def is_legal(self, move: Move) -> bool:
        """Whether ``move`` is legal now."""
        try:
            self.check(move)
        except IllegalMoveError:
            return False
        return True

    def _check_proposer(self, move: Move, party: str) -> None:
        if self.phase is not Phase.PROPOSAL:
            raise WrongPhaseError(
                f"{describe(move)}: proposals are made in the proposal phase, and the "
                f"exercise is in {self.phase}",
                move=move,
                expected=self.expected(),
            )
        if party != self.session.proposer:
            raise NotYourTurnError(
                f"{describe(move)}: it is {self.session.proposer}'s turn to propose",
                move=move,
                expected=self.expected(),
            )

    def _check_package(self, move: Table) -> None:
        elements = move.elements
        expected = (
            f"1 to {self.book.max_package} of: {', '.join(self.tableable()) or '(none; pass)'}"
        )
        if not elements:
            raise InvalidPackageError("a proposal must table at least one element (or pass)",
                                      move=move, expected=expected)
        if len(elements) > self.book.max_package:
            raise InvalidPackageError(
                f"{len(elements)} elements tabled; at most {self.book.max_package} per proposal",
                move=move,
                expected=expected,
            )
        if len(set(elements)) != len(elements):
            raise InvalidPackageError("an element is tabled twice", move=move, expected=expected)
        for element in elements:
            why = self.why_not_tableable(element)
            if why:
                raise InvalidPackageError(f"'{element}' cannot be tabled: {why}", move=move,
                                          expected=expected)
        for a, b in itertools.combinations(elements, 2):
            if b in self.book.excludes[a]:
                raise InvalidPackageError(
                    f"'{a}' and '{b}' exclude each other and cannot be tabled together",
                    move=move,
                    expected=expected,
                )

    def _check_vote(self, move: Vote) -> None:
        session = self.session
        if session.state is not Phase.VOTING:
            raise WrongPhaseError(
                f"{describe(move)}: votes are cast in the voting phase, and the exercise is in "
                f"{self.phase}",
                move=move,
                expected=self.expected(),
            )
        party = move.party
        if party not in self.book.voter_set:
            what = "an observer and never votes" if party in self.book.party_ids else "not a party"
            raise InvalidBallotError(f"'{party}' is {what}", move=move, expected=self.expected())
        if party in session.ballots:
            raise InvalidBallotError(f"{party} has already voted this round", move=move,
                                     expected=self.expected())
        targets = self.ballot_targets()
        votes = move.votes
        if len(votes) == len(targets) and all(t in votes for t in targets):
            return
        want = ", ".join(f"{t}: accept|reject|abstain" for t in targets)
        given = set(votes)
        missing = [t for t in targets if t not in given]
        extra = sorted(given - set(targets))
        parts = []
        if missing:
            parts.append(f"no vote on {', '.join(missing)}")
        if extra:
            parts.append(f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not "
                         "on the ballot")
        raise InvalidBallotError(f"{party}'s ballot: {'; '.join(parts)}", move=move,
                                 expected=f"a ballot with {want}")

    def _check_sign(self, move: Sign) -> None:
        party = move.party
        if self.phase is not Phase.RATIFICATION:
            raise WrongPhaseError(
                f"{describe(move)}: parties choose to sign at ratification, and the exercise "
                f"is in {self.phase}" + ("" if self.book.signing_choice else
                                         " (in this scenario signing is automatic)"),
                move=move, expected=self.expected())
        if party not in self.book.voter_set:
            what = "an observer and never signs" if party in self.book.party_ids else \
                "not a party"
            raise IllegalMoveError(f"'{party}' is {what}", move=move, expected=self.expected())
        if party in self.session.signatures:
            raise IllegalMoveError(f"{party} has already chosen", move=move,
                                   expected=self.expected())

    def _check_inject(self, move: FireInject) -> None:
        spec = self.book.injects.get(move.inject)
        if spec is None:
            from exercise.scenario.problems import did_you_mean

            hint = did_you_mean(move.inject, self.book.injects)
            raise InjectUnavailableError(f"there is no inject '{move.inject}'{hint}", move=move,
                                         expected="one of: " + ", ".join(self.book.injects))
        if not can_fire(self.session, spec):
            raise InjectUnavailableError(
                f"inject '{move.inject}' has already fired and does not repeat",
                move=move,
                expected="one of: " + (", ".join(self.available_injects()) or "(none left)"),
            )

    def _check_table(self, move: Table) -> None:
        self._check_proposer(move, move.party)
        self._check_package(move)

    def _check_pass(self, move: Pass) -> None:
        self._check_proposer(move, move.party)

    def _check_call_vote(self, move: CallVote) -> None:
        if self.session.state is not Phase.DISCUSSION:
            raise WrongPhaseError(
                "voting can be opened only during discussion, after a package is tabled",
                move=move,
                expected=self.expected(),
            )

    def _check_seat_changed(self, move: SeatChanged) -> None:
        if move.party not in self.book.party_ids:
            from exercise.scenario.problems import did_you_mean

            raise IllegalMoveError(
                f"{describe(move)}: there is no party '{move.party}'"
                f"{did_you_mean(move.party, self.book.party_ids)}",
                move=move, expected="one of: " + ", ".join(self.book.party_ids))

    def _check_close(self, move: CallRatification | EndExercise) -> None:
        if self.phase is Phase.RATIFICATION:
            if isinstance(move, EndExercise):
                return  # the facilitator may stop the exercise while the parties choose
            raise WrongPhaseError(f"{describe(move)}: ratification is already under way",
                                  move=move, expected=self.expected())
        if self.phase not in LIVE:  # pragma: no cover - pass-through phases never wait
            raise WrongPhaseError(f"{describe(move)}: not now", move=move,
                                  expected=self.expected())

    # --- all legal moves --------------------------------------------------------------------

    def legal_moves(self, actor: str | None = None) -> Iterator[Move]:
        """Every legal move now (lazily: vote and package combinations can be many).

        Args:
            actor: only the moves of this party, or of ``"facilitator"``.
        """
        if self.is_over:
            return
        phase = self.phase
        if actor in (None, self.session.proposer) and phase is Phase.PROPOSAL:
            party = self.session.proposer
            assert party is not None
            yield Pass(party)
            options = self.tableable()
            for size in range(1, self.book.max_package + 1):
                for combo in itertools.combinations(options, size):
                    if not any(b in self.book.excludes[a]
                               for a, b in itertools.combinations(combo, 2)):
                        yield Table(party, combo)
        if phase is Phase.VOTING:
            targets = self.ballot_targets()
            for party in self.awaiting():
                if actor not in (None, party):
                    continue
                for choice in itertools.product(tuple(Ballot), repeat=len(targets)):
                    yield Vote(party, dict(zip(targets, choice, strict=True)))
        if phase is Phase.RATIFICATION:
            for party in self.awaiting():
                if actor in (None, party):
                    yield Sign(party, True)
                    yield Sign(party, False)
            if actor in (None, FACILITATOR):
                yield EndExercise()
            return
        if actor in (None, FACILITATOR):
            if phase is Phase.DISCUSSION:
                yield CallVote()
            for inject in self.available_injects():
                yield FireInject(inject)
            yield CallRatification()
            yield EndExercise()

    # --- moving ----------------------------------------------------------------------------

    def push(self, move: Move) -> list[Event]:
        """Make a move and run the rules it sets off; return the events it produced.

        Raises:
            IllegalMoveError: (a subclass naming the problem) if the move is not legal
                now; the game is then unchanged.
        """
        self.check(move)
        s = self.session
        start = len(s.events)
        MOVE_RULES[type(move)].apply(self, move)
        return s.events[start:] if s.record_events else []

    def _vote(self, move: Vote) -> None:
        s = self.session
        s.ballots[move.party] = dict(move.votes)
        s.emit(EventKind.VOTE_CAST, party=move.party)
        if len(s.ballots) == len(self.book.voters):
            s.fire(Trigger.CLOSE_VOTE)

    def _table(self, move: Table) -> None:
        s = self.session
        s.tabled = move.elements
        s.tabled_fired = len(s.fired)
        s.emit(EventKind.TABLED, party=move.party, elements=list(move.elements))
        talks.test_proposal(s, move.party, move.elements)
        s.fire(Trigger.TABLE)

    def _pass(self, move: Pass) -> None:
        s = self.session
        s.emit(EventKind.PASSED, party=move.party)
        talks.test_proposal(s, move.party, ())
        s.fire(Trigger.PASS_TURN)

    def _fire_inject(self, move: FireInject) -> None:
        had_package = bool(self.session.tabled)
        fire_inject(self.session, self.book.injects[move.inject], FACILITATOR)
        self._settle_after_inject(had_package)

    def _seat_changed(self, move: SeatChanged) -> None:
        data: dict[str, Any] = {"party": move.party, "player": str(move.player)}
        if move.persona is not None:
            data["persona"] = move.persona
        self.session.emit(EventKind.SEAT_CHANGED, **data)

    def _end(self, move: EndExercise) -> None:
        self.session.stop_reason = move.reason
        self.session.fire(Trigger.STOP)

    def _settle_after_inject(self, had_package: bool) -> None:
        """After a hand-fired inject: collapse, ratify if nothing is open, or re-open the floor."""
        s = self.session
        if s.collapse_reason is not None:
            s.fire(Trigger.COLLAPSE)
        elif s.nothing_open():
            s.fire(Trigger.RATIFY)
        elif had_package and not s.tabled:
            s.emit(EventKind.PACKAGE_RETRACTED)
            s.fire(Trigger.RETRACT)
        elif self.phase is Phase.VOTING and s.all_voted():
            s.fire(Trigger.CLOSE_VOTE)

    # --- the record of `exercise run --json` ----------------------------------------------

    def result(self) -> dict[str, Any]:
        """The state as ``exercise run --json`` prints it (outcome null while running)."""
        s = self.session
        outcome = s.outcome
        return {
            "outcome": str(outcome.kind) if outcome else None,
            "round": s.round,
            "phase": str(s.state),
            "elements": {e: str(st) for e, st in s.status.items()},
            "rejections": dict(s.rejections),
            "rejected": [{"round": e.round, "element": e.data["element"],
                          "cause": e.data.get("cause")}
                         for e in s.events if e.kind is EventKind.ELEMENT_REJECTED],
            "scores": dict(s.scores),
            "signed": dict(s.signed),
            "tracks": dict(s.tracks),
            "injects_fired": list(s.fired),
        }


# --- the moves, kind by kind -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoveRule:
    """One kind of move: what makes it legal now (raises if not), and what it does."""

    check: Callable[[Game, Any], None]
    apply: Callable[[Game, Any], None]


def _on_session(rule: Callable[[Session, Any], None]) -> Callable[[Game, Any], None]:
    """A rule written over the session (the talks', the signing's) as one over the game."""
    return lambda game, move: rule(game.session, move)


# Adding a move is one entry here (and its shape in move_data.SHAPES).
MOVE_RULES: dict[type, MoveRule] = {
    Table: MoveRule(Game._check_table, Game._table),
    Pass: MoveRule(Game._check_pass, Game._pass),
    Vote: MoveRule(Game._check_vote, Game._vote),
    CallVote: MoveRule(Game._check_call_vote,
                       lambda game, move: game.session.fire(Trigger.CALL_VOTE)),
    FireInject: MoveRule(Game._check_inject, Game._fire_inject),
    CallRatification: MoveRule(Game._check_close,
                               lambda game, move: game.session.fire(Trigger.RATIFY)),
    EndExercise: MoveRule(Game._check_close, Game._end),
    SeatChanged: MoveRule(Game._check_seat_changed, Game._seat_changed),
    Sign: MoveRule(Game._check_sign,
                   _on_session(lambda s, move: sign(s, move.party, move.signs))),
    Say: MoveRule(talks.check_say, _on_session(talks.say)),
    Offer: MoveRule(talks.check_offer, _on_session(talks.offer)),
    Answer: MoveRule(talks.check_answer, _on_session(talks.answer)),
    PauseTalks: MoveRule(talks.check_facilitator, _on_session(talks.facilitator)),
    ResumeTalks: MoveRule(talks.check_facilitator, _on_session(talks.facilitator)),
    CloseChannel: MoveRule(talks.check_facilitator, _on_session(talks.facilitator)),
}
