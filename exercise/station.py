"""One screen's place in the room: whose view it shows, for whom it acts, what comes next.

A :class:`~exercise.room.Room` is seen from several screens at once: a solo player's
terminal, one terminal shared by a hot seat, a student's laptop, the projector, the
facilitator's console. A :class:`Station` is one of them. It says

- which viewer the screen shows between private moments (its *home*: the solo seat,
  the public room at a shared screen, the facilitator when no person plays a seat);
- which people's seats are played at it (their private moments pass through it);
- as whom it runs the room, if it does (the facilitator, or a solo seat);
- whether several people share it, so that a hand-over must stand between them.

:class:`Turns` then decides what the screen must show next, and to whom: a news card
the viewer has not seen, side talk a person's seat has not read (at a shared screen), a
person's turn to propose or vote, the debrief. What each viewer has seen and read is
marked here, per viewer, never in a widget. At a shared
screen it also knows who has the keyboard, so the terminal UI hands it over exactly
once per change of seat, and a person who says "not yet" is not asked again until
someone asks for them or the round moves on. Written here, without Textual, the flow
of a hot seat is written once and tested without a screen. What each viewer may see is
still decided by :func:`exercise.view.view` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exercise.conduct import FACILITATOR, PUBLIC
from exercise.engine import Event, Move, Phase
from exercise.room import Room
from exercise.view import Card, View

__all__ = ["FACILITATOR", "PUBLIC", "Moment", "MomentKind", "Station", "Turns"]


class Station:
    """One screen onto a room."""

    def __init__(self, room: Room, *, home: str, runner: str | None, shared: bool,
                 local: bool, files: bool = True):
        """A screen showing ``home`` between private moments.

        Args:
            room: the exercise.
            home: the viewer shown between private moments.
            runner: as whom the screen runs the room (the facilitator, a solo seat), or None.
            shared: several people's secrets pass through this one screen (hot seat).
            local: every person seat is played at this screen (not over the network).
            files: the screen may write files on this computer (a report).
        """
        self.room = room
        self.home = home
        self.runner = runner
        self.shared = shared
        self.local = local
        self.files = files

    @classmethod
    def at_this_screen(cls, room: Room) -> Station:
        """The one screen of a game played at one terminal: solo (the seat is home and
        runs the room), hot seat (the public room is home, the facilitator's part needs a
        hand-over) or every seat a computer (the person watching is the facilitator)."""
        humans = room.conductor.humans
        if len(humans) == 1:
            return cls(room, home=humans[0], runner=humans[0], shared=False, local=True)
        if humans:
            return cls(room, home=PUBLIC, runner=FACILITATOR, shared=True, local=True)
        return cls(room, home=FACILITATOR, runner=FACILITATOR, shared=False, local=True)

    @classmethod
    def for_viewer(cls, room: Room, viewer: str) -> Station:
        """A screen of hosted play bound to one viewer: a seat, the projector's public
        room, or the facilitator (who runs the room). Only the facilitator's may write a
        file on the host."""
        return cls(room, home=viewer, runner=FACILITATOR if viewer == FACILITATOR else None,
                   shared=False, local=False, files=viewer == FACILITATOR)

    @property
    def people(self) -> tuple[str, ...]:
        """The seats played by people at this screen now, in file order."""
        humans = self.room.conductor.humans
        if self.local:
            return tuple(humans)
        return (self.home,) if self.home in humans else ()

    @property
    def seat(self) -> str | None:
        """The screen's own seat, when it is one seat's (solo, or a seat in hosted play)."""
        return None if self.shared or self.home in (PUBLIC, FACILITATOR) else self.home

    def view(self, viewer: str | None = None) -> View:
        """What ``viewer`` (default: the home viewer) may see now."""
        return self.room.view(viewer or self.home)

    def may_act_for(self, viewer: str) -> bool:
        """Whether a person at this screen may act as ``viewer``."""
        return viewer in self.people or viewer == self.runner

    def act(self, viewer: str, move: Move) -> list[Event]:
        """Make ``viewer``'s move through the room (which checks it is theirs).

        Raises:
            exercise.room.NotYoursError: the move is not the viewer's to make.
            exercise.engine.IllegalMoveError: the move is not legal now.
            exercise.sessions.log.LogWriteError: the log could not hold it.
        """
        return self.room.act(viewer, move)

    def check(self, viewer: str, move: Move) -> None:
        """Whether ``viewer`` may make ``move`` now (raises like :meth:`act`)."""
        self.room.check(viewer, move)

    def name(self, viewer: str) -> str:
        """How a viewer is called on a hand-over screen."""
        if viewer == FACILITATOR:
            return "the facilitator"
        if viewer == PUBLIC:
            return "the room"
        return self.room.conductor.scenario.party(viewer).name


class MomentKind(StrEnum):
    """What a screen must show next."""

    CARD = "card"  # a news card the viewer has not seen
    PROPOSE = "propose"  # the viewer's turn to table a package or pass
    VOTE = "vote"  # the viewer's turn to cast a ballot
    SIGN = "sign"  # the viewer's turn to choose whether to sign the deal
    TALK = "talk"  # side talk for a person's seat at a shared screen it has not read
    PROMPT = "prompt"  # tell the viewer its move is awaited (a screen of its own)
    OVER = "over"  # the exercise has ended: the debrief


@dataclass(frozen=True, slots=True)
class Moment:
    """The next thing to show, and to whom."""

    kind: MomentKind
    viewer: str
    card: Card | None = None

    @property
    def private(self) -> bool:
        """Whether it shows something only its viewer may see."""
        if self.kind is MomentKind.CARD:
            return bool(self.card and self.card.private_for)
        return self.kind in (MomentKind.PROPOSE, MomentKind.VOTE, MomentKind.SIGN,
                             MomentKind.TALK)


class Turns:
    """What one station must show next, and who has its keyboard."""

    def __init__(self, station: Station):
        self.station = station
        self.seen: dict[str, int] = {}  # per viewer: the last card shown (its own numbering)
        self.read: dict[str, int] = {}  # per viewer: the last talk line read (its own numbering)
        self.deferred: set[str] = set()  # people who said "not yet"
        self.asked = False  # a person at an unshared screen asked for their dialog
        self.holder = station.home  # who has the keyboard (a shared screen's private moments)
        self._prompted: tuple[int, Phase] | None = None
        self._stage: tuple[int, Phase] | None = None

    def catch_up(self) -> bool:
        """Count every card (and every line of side talk) the viewers here may read as
        shown (on a resume, or a late join: one "story so far" tells them instead; the
        channel view holds the talk); whether there was any card or round."""
        station = self.station
        any_card = False
        for viewer in (station.home, *station.people):
            seen = station.view(viewer)
            if seen.cards:
                self.seen[viewer] = seen.cards[-1].number
                any_card = True
            self.mark_read(seen)
        return any_card or bool(station.view().history)

    def next(self) -> Moment | None:
        """The next moment to show; None when the screen waits for the room."""
        station = self.station
        if station.room.stopped is not None:
            return None
        home = station.view()
        if home.over:
            return Moment(MomentKind.OVER, station.home)
        stage = (home.round, home.phase)
        if stage != self._stage:  # a new round or phase: ask everyone afresh
            self._stage = stage
            self.deferred.clear()
        for card in home.cards:
            if card.number > self.seen.get(station.home, 0):
                return Moment(MomentKind.CARD, station.home, card)
        # Whoever has the keyboard goes on first: no hand-over away and back again.
        people = sorted(station.people, key=lambda seat: seat != self.holder)
        views = {seat: station.view(seat) for seat in people
                 if seat not in self.deferred and seat != station.home}
        if station.shared:
            for seat, seen in views.items():
                for card in seen.cards:
                    if card.private_for and card.number > self.seen.get(seat, 0):
                        return Moment(MomentKind.CARD, seat, card)
        if station.home in station.people and station.home not in self.deferred:
            views = {station.home: home, **views}
        for seat, seen in views.items():
            # At a shared screen a seat reads its new side talk before its turn (an offer
            # may bear on the vote), behind its own hand-over; unshared, it is in the feed.
            if station.shared and seen.unread_talk(self.read.get(seat, 0)):
                return Moment(MomentKind.TALK, seat)
            legal = seen.legal
            kind = MomentKind.PROPOSE if legal.propose else \
                MomentKind.VOTE if legal.vote else MomentKind.SIGN if legal.sign else None
            if kind is None:
                continue
            if station.shared or self.asked:
                return Moment(kind, seat)
            if self._prompted != stage:
                return Moment(MomentKind.PROMPT, seat)
        self.asked = False
        return None

    def needs_handover(self, moment: Moment) -> bool:
        """Whether the keyboard must change hands before ``moment`` is shown: at a shared
        screen, for a private moment of someone who does not hold it."""
        return self.station.shared and moment.private and moment.viewer != self.holder

    def done(self, moment: Moment) -> None:
        """``moment`` has been shown (a card read, a prompt given, a dialog opened)."""
        if moment.kind is MomentKind.CARD and moment.card is not None:
            self.seen[moment.viewer] = max(self.seen.get(moment.viewer, 0), moment.card.number)
        elif moment.kind is MomentKind.PROMPT:
            view = self.station.view()
            self._prompted = (view.round, view.phase)
        elif moment.kind in (MomentKind.PROPOSE, MomentKind.VOTE, MomentKind.SIGN):
            self.asked = False
        elif moment.kind is MomentKind.TALK:  # everything of its talk so far is read
            self.mark_read(self.station.view(moment.viewer))

    def unread_talk(self, view: View) -> bool:
        """Whether ``view``'s seat has side talk it has not read here."""
        return bool(view.unread_talk(self.read.get(view.viewer, 0)))

    def mark_read(self, view: View) -> None:
        """Everything of the side talks in ``view`` has been read by its viewer."""
        numbers = [item.number for channel in view.channels for item in channel.lines]
        if numbers:
            self.read[view.viewer] = max(self.read.get(view.viewer, 0), max(numbers))

    def not_yet(self, viewer: str) -> None:
        """``viewer``'s person is not at the keyboard: do not ask for them again until
        someone asks (:meth:`ask`) or the round moves on."""
        self.deferred.add(viewer)
        self.asked = False

    def ask(self) -> None:
        """A person asked for their turn (or for whoever is waiting): ask everyone again."""
        self.deferred.clear()
        self.asked = True

    def idle(self) -> None:
        """Nothing private is on screen: the keyboard is the home viewer's again."""
        self.holder = self.station.home

    def waiting_for(self) -> tuple[str, ...]:
        """People here who said "not yet" and still have something waiting."""
        return tuple(p for p in self.station.people if p in self.deferred)
