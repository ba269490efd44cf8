"""Events told in plain words, with names and titles instead of ids (for feeds and logs).

A line never says whether it is private: each front end marks a private line once, with
:func:`private_mark`, from who the line was for (a line's wording is the same for every
reader; who may read it is decided elsewhere, by the event's audience and the view).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exercise.engine.events import Event, EventKind
from exercise.engine.moves import (
    ROOM,
    Answer,
    CallRatification,
    CallVote,
    EndExercise,
    FireInject,
    Move,
    Offer,
    Pass,
    Player,
    Say,
    SeatChanged,
    Sign,
    Table,
    Vote,
    describe,
)
from exercise.engine.session import Outcome, OutcomeKind
from exercise.scenario.model import Scenario

STANCE_VERBS = {"support": "supports", "oppose": "opposes", "neutral": "is neutral on"}
"""A public stance as a verb: "Russia now opposes …"."""

MADE_BY = {"human": "a person", "computer": "the computer", "facilitator": "the facilitator",
           "auto": "automatically"}
"""Who made a move, in words, by how a session log records it."""


def and_join(words: Sequence[str]) -> str:
    """Words joined for a sentence: "a", "a and b", "a, b and c"."""
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class Narrator:
    """Turns engine events, and logged moves, into one line each, for one scenario."""

    def __init__(self, scenario: Scenario):
        self.parties = {p.id: p.name for p in scenario.parties}
        self.elements = {e.id: e.title for e in scenario.elements}
        self.injects = {i.id: i.title for i in scenario.injects}
        self.tracks = {t.id: t.label for t in scenario.tracks}

    def party(self, pid: str) -> str:
        """A party's name."""
        return self.parties.get(pid, pid)

    def element(self, eid: str) -> str:
        """An element's title."""
        return self.elements.get(eid, eid)

    def names(self, ids: Sequence[str]) -> str:
        """Party names joined for a sentence."""
        return and_join([self.party(p) for p in ids])

    def cause(self, cause: dict[str, Any] | None) -> str:
        """Why a vote failed, in words: who withheld consent, or the count against what the
        majority needed, or that every party abstained ('' when the event does not say)."""
        if not cause:
            return ""
        withheld = list(cause.get("withheld") or [])
        if withheld:
            return f"{self.names(withheld)} withheld consent"
        if not cause.get("cast"):
            return "every delegation abstained"
        return f"{cause['accepts']} of {cause['cast']} accepting; {cause['needed']} needed"

    def listing(self, ids: list[str]) -> str:
        """Element titles joined for a sentence."""
        return and_join([self.element(e) for e in ids])

    def tally(self, ballots: dict[str, dict[str, str]]) -> list[str]:
        """Per target: who accepted, rejected and abstained."""
        targets: dict[str, dict[str, list[str]]] = {}
        for pid, ballot in ballots.items():
            for target, vote in ballot.items():
                targets.setdefault(target, {}).setdefault(vote, []).append(self.party(pid))
        out = []
        for target, by_vote in targets.items():
            name = "the package" if target == "package" else self.element(target)
            votes = "; ".join(f"{vote} {', '.join(who)}" for vote, who in sorted(by_vote.items()))
            out.append(f"{name}: {votes}")
        return out

    def audience(self, to: Any) -> str:
        """Who a message or an offer is for: "the room" or "Russia and the US"."""
        return "the room" if to == ROOM else and_join([self.party(p) for p in to])

    def terms(self, terms: dict[str, list[str]]) -> str:
        """An offer's side in words: "accept X and table Y"."""
        parts = [f"{verb} {self.listing(ids)}" for verb, ids in terms.items() if ids]
        return " and ".join(parts) or "nothing"

    def bargain(self, maker: str, give: dict[str, list[str]],
                want: dict[str, list[str]]) -> str:
        """An offer's terms in words, ``maker`` its subject ("we", or a delegation's name):
        "we will accept X if you table Y", or with one side empty "we will accept X, asking
        nothing in return" / "we ask you to accept Y, promising nothing in return"."""
        if not any(want.values()):
            return f"{maker} will {self.terms(give)}, asking nothing in return"
        if not any(give.values()):
            verb = "ask" if maker == "we" else "asks"
            return f"{maker} {verb} you to {self.terms(want)}, promising nothing in return"
        return f"{maker} will {self.terms(give)} if you {self.terms(want)}"

    def talk(self, event: Event) -> str | None:
        """A line for an event of the side talks, or None when it is not one."""
        d = event.data
        kind = event.kind
        if kind is EventKind.SAID:
            return f"{self.party(d['party'])} to {self.audience(d['to'])}: “{d['text']}”"
        if kind is EventKind.OFFER_MADE:
            until = f" (open until the end of round {d['until']})" \
                if d.get("until", event.round) != event.round else " (open this round)"
            return (f"OFFER {d['offer']}: {self.party(d['party'])} to "
                    f"{self.audience(d['to'])}: {self.bargain('we', d['give'], d['want'])}"
                    f"{until}.")
        if kind is EventKind.OFFER_ANSWERED:
            verb = "accepts" if d["accept"] else "declines"
            reason = f" — {d['reason']}" if d.get("reason") else ""
            return f"{self.party(d['party'])} {verb} offer {d['offer']}{reason}."
        if kind is EventKind.OFFER_SETTLED:
            return f"Offer {d['offer']} is {d['status']}."
        if kind is EventKind.PROMISE_SETTLED:
            result = {"kept": "KEPT", "broken": "BROKEN", "untested": "NEVER TESTED"}.get(
                d["result"], d["result"])
            return (f"PROMISE {result}: {self.party(d['party'])} promised to {d['verb']} "
                    f"{self.element(d['element'])} (offer {d['offer']}).")
        if kind is EventKind.TALKS_PAUSED:
            return "The facilitator has paused the talks."
        if kind is EventKind.TALKS_RESUMED:
            return "The talks go on."
        if kind is EventKind.CHANNEL_CLOSED:
            return f"The facilitator has closed the channel of {self.audience(d['channel'])}." \
                if d["channel"] != ROOM else "The facilitator has closed the room's talk."
        return None

    def move(self, move: Move, by: str) -> str:
        """A move in words, with names and who made it: "Russia (the computer) votes."

        Args:
            move: the move.
            by: how it was made, as a session log says: human, computer, facilitator or
                auto (the room itself, opening the vote once a package is tabled).
        """
        if isinstance(move, Sign):  # the choice, like a ballot, shows at the reveal
            return f"{self.party(move.party)} ({MADE_BY.get(by, by)}) makes its choice on " \
                   "signing."
        if isinstance(move, Say):
            return f"{self.party(move.party)} to {self.audience(move.to)}: “{move.text}”"
        if isinstance(move, Offer):
            return f"{self.party(move.party)} makes an offer to {self.audience(move.to)}."
        if isinstance(move, Answer):
            verb = "accepts" if move.accept else "declines"
            return f"{self.party(move.party)} {verb} offer {move.offer}."
        if move.kind in ("pause_talks", "resume_talks", "close_channel"):
            return f"{describe(move)[0].upper()}{describe(move)[1:]}."
        if isinstance(move, (Table, Pass, Vote)):
            who = f"{self.party(move.party)} ({MADE_BY.get(by, by)})"
            if isinstance(move, Table):
                return f"{who} tables {self.listing(list(move.elements)) or 'nothing'}."
            return f"{who} passes." if isinstance(move, Pass) else f"{who} votes."
        if isinstance(move, CallVote):
            return "Voting opens by itself." if by == "auto" else "The facilitator opens voting."
        if isinstance(move, FireInject):
            return f"The facilitator plays the card “{self.injects.get(move.inject, move.inject)}”."
        if isinstance(move, CallRatification):
            return "The facilitator calls ratification."
        if isinstance(move, SeatChanged):
            to = "a person" if move.player is Player.PERSON else "the computer" + (
                f" ({move.persona})" if move.persona else "")
            return f"The facilitator gives the {self.party(move.party)} seat to {to}."
        assert isinstance(move, EndExercise)
        return f"The facilitator ends the exercise ({move.reason})."

    def line(self, event: Event) -> str | None:
        """One line for an event, or None for events a reader need not see."""
        d = event.data
        kind = event.kind
        if kind is EventKind.ROUND_STARTED:
            return f"Round {event.round}: {self.party(d['proposer'])} proposes."
        if kind is EventKind.INJECT_FIRED:
            by = " (played by the facilitator)" if d.get("by") == "facilitator" else ""
            return f"NEWS: {self.injects.get(d['inject'], d['inject'])}{by}"
        if kind is EventKind.TABLED:
            return f"{self.party(d['party'])} tables {self.listing(d['elements'])}."
        if kind is EventKind.PASSED:
            return f"{self.party(d['party'])} passes."
        if kind is EventKind.VOTING_OPENED:
            return "Voting is open."
        if kind is EventKind.VOTE_CAST:
            return None  # secret until every ballot is in
        if kind is EventKind.VOTES_REVEALED:
            return "Votes — " + " | ".join(self.tally(d["ballots"])) + "."
        if kind is EventKind.ELEMENT_ADOPTED:
            return f"ADOPTED: {self.element(d['element'])}."
        if kind is EventKind.ELEMENT_REJECTED:
            why = self.cause(d.get("cause"))
            return f"REJECTED: {self.element(d['element'])} — {why}." if why else \
                f"REJECTED: {self.element(d['element'])}."
        if kind is EventKind.ELEMENT_EXCLUDED:
            return f"{self.element(d['element'])} is off the table: it excludes " \
                   f"{self.element(d['by'])}."
        if kind is EventKind.ELEMENT_ADDED:
            return f"NEW ON THE TABLE: {self.element(d['element'])}."
        if kind is EventKind.ELEMENT_WITHDRAWN:
            return f"WITHDRAWN: {self.element(d['element'])}."
        if kind is EventKind.PACKAGE_RETRACTED:
            return "The tabled package was withdrawn; the proposer may table again."
        if kind is EventKind.PACKAGE_DROPPED:
            return f"Ratification was called; {self.listing(d['elements'])} goes unvoted."
        if kind is EventKind.TRACK_CHANGED:
            return f"{self.tracks.get(d['track'], d['track'])}: {d['old']:g} → {d['new']:g}."
        if kind is EventKind.STANCE_CHANGED:
            verb = STANCE_VERBS.get(str(d["new"]), "takes a new stance on")
            return f"{self.party(d['party'])} now {verb} {self.element(d['element'])}."
        if kind is EventKind.VALUE_CHANGED:
            return f"{self.element(d['element'])} is now worth {d['new']:g} to " \
                   f"{self.party(d['party'])}."
        if kind is EventKind.WALK_AWAY_CHANGED:
            return f"{self.party(d['party'])}'s walk-away is now {d['new']:g}."
        if kind is EventKind.SEAT_CHANGED:
            if d["player"] == "person":
                return f"A person now plays {self.party(d['party'])}."
            persona = f" ({d['persona']})" if d.get("persona") else ""
            return f"The computer now plays {self.party(d['party'])}{persona}."
        if kind is EventKind.SIGNING_OPENED:
            return "Ratification: each delegation now chooses whether to sign the deal."
        if kind is EventKind.SIGNATURE_CAST:
            return None  # secret until every party has chosen
        if kind is EventKind.RATIFICATION:
            signed = [self.party(p) for p, ok in d["signed"].items() if ok]
            refused = [self.party(p) for p, ok in d["signed"].items() if not ok]
            text = f"Ratification: signed by {', '.join(signed) or 'no one'}"
            verb = "refused by" if d.get("chosen") else "not by"
            return text + (f"; {verb} {', '.join(refused)}." if refused else ".")
        if (talk := self.talk(event)) is not None:
            return talk
        if kind is EventKind.ENDED:
            return f"The exercise has ended: {d['outcome'].replace('_', ' ')} ({d['reason']})."
        return None  # pragma: no cover - every kind is handled above


def private_mark(names: Sequence[str]) -> str:
    """What a private line starts with, once, in every front end: ``(private to Russia) ``,
    or ``(private) `` when the reader is not told who it was for."""
    return f"(private to {', '.join(names)}) " if names else "(private) "


def outcome_reason(scenario: Scenario, outcome: Outcome) -> str:
    """Why the exercise ended, with names instead of ids."""
    if outcome.kind is OutcomeKind.NO_AGREEMENT and outcome.refused:
        return "not signed by " + and_join([scenario.party(p).name for p in outcome.refused])
    return outcome.reason
