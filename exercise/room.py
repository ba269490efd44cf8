"""The Room: one exercise, as every front end plays it.

The Room owns the conductor (the engine, the seat plan and the computer players), the
session log through it (the only writer), the pacing of the computer seats' moves and
the discussion timer. It is the only place that changes the game: a solo player, a
hot seat at one keyboard, a headless script and a class on the network all act
through it, and it tells its subscribers after each change. What each of them may
then see is :func:`exercise.view.view`'s business, never theirs.

Two ways to run it, one set of rules for what happens by itself:

- **Live** (the terminal UI, ``exercise host``): :meth:`Room.start` with a scheduler
  (the asyncio loop); a computer seat is shown deciding for ``bot_delay`` seconds,
  then moves; the timer's end is announced when it comes.
- **At once** (``exercise run``, tests): :meth:`Room.step` makes one automatic move
  now, and :meth:`Room.settle` makes them until a person (or the script) is awaited.

What happens by itself (:meth:`Room.step`): when a package is tabled the computer
seats react and the discussion timer starts (and, headless, voting opens at once, the
contract's headless rule); when a computer seat is awaited it moves.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from exercise.conduct import FACILITATOR, PUBLIC, Conductor, StepKind
from exercise.engine import (
    CallVote,
    Event,
    IllegalMoveError,
    Move,
    Phase,
    Player,
    SeatChanged,
)
from exercise.engine.moves import describe
from exercise.timer import DiscussionTimer
from exercise.view import View, view

if TYPE_CHECKING:
    from exercise.analysis import DealAnalysis
    from exercise.bots import Decision
    from exercise.guide import Guide
    from exercise.reports.document import Document
    from exercise.sessions.log import LogWriteError

__all__ = ["FACILITATOR", "PUBLIC", "Change", "NotYoursError", "Room", "Stepped"]


class NotYoursError(IllegalMoveError):
    """A viewer tried a move that is not theirs to make (another seat's, a computer
    seat's, or the facilitator's)."""


class Handle(Protocol):
    """A scheduled call that can be called off."""

    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """What runs the room's later calls: the asyncio loop has this shape."""

    def call_later(self, delay: float, callback: Callable[[], Any]) -> Handle: ...


@dataclass(frozen=True, slots=True)
class Change:
    """What changed, for subscribers: they read what they may see from a view, not from
    this (it names no party's secret)."""

    kind: str  # move, thinking, timer, time_up, note, presence, seat_dropped, paused, stopped
    version: int


@dataclass(frozen=True, slots=True)
class Stepped:
    """An automatic step :meth:`Room.step` took."""

    kind: str  # "computer" (a computer seat moved), "reactions", "open_voting"
    party: str | None = None
    move: Move | None = None
    reason: str = ""
    reactions: tuple[tuple[str, str], ...] = ()  # (party, line) for each computer reaction
    talks: tuple[tuple[str, Decision], ...] = ()  # the computer seats' offers and answers


@dataclass
class Presence:
    """A seat's connection, for the facilitator's dashboard (not logged)."""

    connected_since: float | None = None
    last_input: float | None = None
    vacant_since: float | None = None  # a person's seat whose connection dropped
    needs_choice: bool = False  # its grace period is over: the facilitator must choose
    grace: Handle | None = None


Subscriber = Callable[[Change], None]


class Room:
    """One exercise, and everyone acting in it."""

    def __init__(
        self,
        conductor: Conductor,
        *,
        guide: Guide | None = None,
        clock: Callable[[], float] = time.monotonic,
        bot_delay: float = 0.8,
        auto_vote: bool = False,
        react: bool = True,
        timer: bool = True,
        grace: float = 60.0,
        hosted: bool = False,
    ):
        """Set up the room around a conductor (its log, if any, already attached).

        Args:
            conductor: the exercise.
            guide: the facilitator guide (its notes reach the facilitator's view only).
            clock: the timer's clock.
            bot_delay: seconds a computer seat is shown deciding before it moves (live).
            auto_vote: open voting as soon as a package is tabled (headless play).
            react: computer seats react in public to a tabled package.
            timer: run the discussion timer (when the scenario sets round minutes).
            grace: seconds a dropped person's seat waits before the facilitator is asked.
            hosted: the facilitator runs the room from a screen of their own (network
                play), so no seat runs it, not even the only one a person plays.
        """
        self.conductor = conductor
        self.guide = guide
        self.clock = clock
        self.bot_delay = bot_delay
        self.auto_vote = auto_vote
        self.react = react
        self.use_timer = timer
        self.timer = DiscussionTimer(clock)
        self.thinking: str | None = None  # the computer seat shown deciding
        self.stopped: str | None = None  # why the session stopped (a log write failed)
        self.failure: LogWriteError | None = None
        self.presence: dict[str, Presence] = {}
        self.grace = grace
        self.hosted = hosted
        self.paused = False  # the facilitator has stopped the room for a moment
        self.version = 0
        self._subscribers: list[Subscriber] = []
        self._scheduler: Scheduler | None = None
        self._pending: Handle | None = None  # the computer move being waited for
        self._alarm: Handle | None = None  # the timer's end
        self._reports: dict[tuple[bool, int], Document] = {}
        self._analyses: dict[int, tuple[DealAnalysis, DealAnalysis]] = {}
        self._discussed = -1  # the round whose discussion has begun (reactions, timer)

    # --- who and what --------------------------------------------------------------------

    @property
    def solo_seat(self) -> str | None:
        """The one seat played by a person, who also runs the room (opens voting, fires
        injects), when there is exactly one and no facilitator hosts; None otherwise."""
        return None if self.hosted else self.conductor.solo

    def view(self, viewer: str) -> View:
        """Everything ``viewer`` may see now (see :mod:`exercise.view`)."""
        return view(self, viewer)

    def report_document(self, *, facilitator: bool) -> Document | None:
        """The after-action report once the exercise is over (None before): everything
        revealed, the facilitator's notes for the facilitator only. Built once per state."""
        if not self.conductor.game.is_over:
            return None
        key = (facilitator, len(self.conductor.chronicle))
        if key not in self._reports:
            from exercise.reports.model import report_of
            from exercise.sessions import log as session_log

            conductor = self.conductor
            log = conductor.log
            shared = self._analyses.get(key[1])  # the same for every viewer
            report = report_of(conductor, notes=facilitator,
                               log_path=str(log.path) if log else None,
                               started=conductor.started, last=session_log.now(),
                               analyses=shared)
            if report.analysis is not None and report.analysis_at_start is not None:
                self._analyses[key[1]] = (report.analysis, report.analysis_at_start)
            self._reports[key] = report.document
        return self._reports[key]

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` after each change; returns the call that unsubscribes it.

        A subscriber that raises is dropped (one broken screen must not stop the room)."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _changed(self, kind: str) -> None:
        self.version += 1
        change = Change(kind, self.version)
        for callback in list(self._subscribers):
            try:
                callback(change)
            except Exception:  # one subscriber's fault is its own, never the room's
                with contextlib.suppress(ValueError):
                    self._subscribers.remove(callback)

    # --- acting --------------------------------------------------------------------------

    def check_authority(self, viewer: str, move: Move) -> None:
        """Whether ``viewer`` may make ``move`` (legal or not).

        Raises:
            NotYoursError: naming whose move it is.
        """
        if move.actor == FACILITATOR:
            if isinstance(move, SeatChanged):
                allowed = viewer == FACILITATOR
            else:
                allowed = viewer in (FACILITATOR, self.solo_seat)
            if not allowed:
                raise NotYoursError(f"{describe(move)}: only the facilitator can do that",
                                    move=move, expected="a move of your own seat")
            return
        if viewer != move.actor:
            raise NotYoursError(f"{describe(move)}: that is {move.actor}'s move, not yours",
                                move=move, expected="a move of your own seat")
        seat = self.conductor.seats.get(viewer)
        if seat is None or not seat.human:
            raise NotYoursError(f"{describe(move)}: the computer plays {viewer} now",
                                move=move, expected="nothing (the computer plays this seat)")

    def check(self, viewer: str, move: Move) -> None:
        """Whether ``viewer`` may make ``move`` now, without making it (a dialog asks
        before it closes).

        Raises:
            NotYoursError: the move is not the viewer's to make.
            IllegalMoveError: the move is not legal now.
        """
        self._check_running(move)
        self.check_authority(viewer, move)
        self.conductor.check_persona(move)
        self.conductor.game.check(move)

    def act(self, viewer: str, move: Move) -> list[Event]:
        """Make ``viewer``'s move; returns its engine events.

        Raises:
            NotYoursError: the move is not the viewer's to make.
            IllegalMoveError: the move is not legal now (nothing changes).
            LogWriteError: the log could not hold it: the room has stopped.
        """
        self._check_running(move)
        self.check_authority(viewer, move)
        by = FACILITATOR if move.actor == FACILITATOR else "human"
        return self._push(move, by)

    def _check_running(self, move: Move) -> None:
        if self.stopped is not None:
            raise IllegalMoveError(f"{describe(move)}: the session has stopped "
                                   f"({self.stopped})", move=move, expected="nothing")
        if self.paused and move.actor != FACILITATOR:
            raise IllegalMoveError(f"{describe(move)}: the facilitator has paused the exercise",
                                   move=move, expected="the facilitator to go on")

    def _push(self, move: Move, by: str) -> list[Event]:
        with self._stopping():
            events = self.conductor.push(move, by)
        if isinstance(move, SeatChanged) and self.thinking == move.party:
            self._cancel_pending()
        if isinstance(move, SeatChanged) and move.player is Player.COMPUTER:
            self._vacancy_filled(move.party)
        self._after_move()
        return events

    def change_seat(self, party: str, player: Player | str, persona: str | None = None,
                    viewer: str = FACILITATOR) -> list[Event]:
        """Hand a seat to a person, or to the computer (with a persona): a logged move."""
        return self.act(viewer, SeatChanged(party, Player(player), persona))

    def note(self, viewer: str, text: str) -> None:
        """The facilitator's observation, into the log and the report."""
        self._need_room_runner(viewer, "write an observation")
        with self._stopping():
            self.conductor.note(text)
        self._changed("note")

    def toggle_timer(self, viewer: str) -> None:
        """Pause or resume the discussion timer."""
        self._need_room_runner(viewer, "pause the timer")
        if self.timer.deadline is None:
            return
        self.timer.toggle()
        action = "pause" if self.timer.paused_left is not None else "resume"
        with self._stopping():
            self.conductor.timer_changed(action, self.timer.left())
        self._set_alarm()
        self._changed("timer")

    def extend_timer(self, viewer: str, seconds: int) -> None:
        """Give the discussion more time."""
        self._need_room_runner(viewer, "extend the timer")
        if self.timer.deadline is None:
            return
        self.timer.extend(seconds)
        with self._stopping():
            self.conductor.timer_changed("extend", self.timer.left())
        self._set_alarm()
        self._changed("timer")

    def _need_room_runner(self, viewer: str, what: str) -> None:
        if viewer not in (FACILITATOR, self.solo_seat):
            raise NotYoursError(f"only the facilitator can {what}", expected="nothing")
        if self.stopped is not None:
            raise IllegalMoveError(f"the session has stopped ({self.stopped})",
                                   expected="nothing")

    # --- presence, dropped seats and the pause (network play) ---------------------------------

    def connected(self, viewer: str, *, claim: bool = True) -> None:
        """Someone is now at ``viewer``'s screen. A seat the computer holds passes to the
        person who joined it (``claim``): a logged seat change."""
        was = self.presence.get(viewer)
        if was is not None and was.grace is not None:
            was.grace.cancel()
        self.presence[viewer] = Presence(self.clock(), None)
        seat = self.conductor.seats.get(viewer)
        if claim and seat is not None and not seat.human and not self.conductor.game.is_over \
                and self.stopped is None:
            with contextlib.suppress(IllegalMoveError):
                self.change_seat(viewer, Player.PERSON)
        self._changed("presence")

    def disconnected(self, viewer: str) -> None:
        """No one is at ``viewer``'s screen any more. A person's seat waits ``grace``
        seconds for them to come back; then the facilitator is asked to choose: wait,
        pause the exercise, or hand the seat to the computer."""
        old = self.presence.get(viewer)
        if old is not None and old.grace is not None:
            old.grace.cancel()
        seat = self.conductor.seats.get(viewer)
        if seat is None or not seat.human or self.conductor.game.is_over:
            self.presence.pop(viewer, None)
            self._changed("presence")
            return
        presence = Presence(None, old.last_input if old else None, vacant_since=self.clock())
        self.presence[viewer] = presence
        if self._scheduler is not None:
            def over() -> None:
                presence.grace = None
                if self.presence.get(viewer) is presence:
                    presence.needs_choice = True
                    self._changed("seat_dropped")

            presence.grace = self._scheduler.call_later(self.grace, over)
        self._changed("presence")

    def _vacancy_filled(self, party: str) -> None:
        """The computer took a seat: no one is waited for there any more."""
        presence = self.presence.get(party)
        if presence is None:
            return
        if presence.grace is not None:
            presence.grace.cancel()
            presence.grace = None
        if presence.connected_since is None:
            del self.presence[party]
        else:
            presence.vacant_since, presence.needs_choice = None, False

    def keep_waiting(self, viewer: str, party: str) -> None:
        """The facilitator chose to wait for a dropped seat's person."""
        self._need_room_runner(viewer, "choose for a dropped seat")
        presence = self.presence.get(party)
        if presence is not None:
            presence.needs_choice = False
            self._changed("presence")

    def input_seen(self, viewer: str) -> None:
        """A key or click from ``viewer`` (noted, not announced: input is frequent)."""
        presence = self.presence.setdefault(viewer, Presence())
        presence.last_input = self.clock()

    def pause(self, viewer: str, paused: bool = True) -> None:
        """The facilitator stops the room (or starts it again): no computer seat moves, the
        timer stands, and the delegations' moves wait until it goes on."""
        self._need_room_runner(viewer, "pause the exercise")
        if paused == self.paused:
            return
        self.paused = paused
        if paused:
            self._cancel_pending()
            self.thinking = None
        if self.timer.deadline is not None and (self.timer.paused_left is not None) != paused:
            self.toggle_timer(viewer)
        self._changed("paused")
        self._pace()

    # --- what happens by itself ---------------------------------------------------------------

    def step(self) -> Stepped | None:
        """Make one automatic move now, if one is due; None when a person is awaited.

        Raises:
            LogWriteError: the log could not hold it: the room has stopped.
        """
        if self.stopped is not None:
            return None
        conductor = self.conductor
        game = conductor.game
        step = conductor.next_step()
        if step.kind is StepKind.DISCUSSION and self._discussed != game.round:
            return self._begin_discussion()
        if step.kind is not StepKind.OVER and (talked := self._talk()) is not None:
            return talked
        if step.kind is StepKind.DISCUSSION:
            if self.auto_vote:
                self._push(CallVote(), "auto")
                return Stepped("open_voting")
            return None
        if step.kind is not StepKind.COMPUTER:
            return None
        self._cancel_pending()
        self.thinking = None
        with self._stopping():
            decision = conductor.computer_move()
        self._after_move()
        return Stepped("computer", step.party, decision.move, decision.reason)

    def _talk(self) -> Stepped | None:
        """A computer seat's talk move (an answer, or its offer in discussion), if due."""
        with self._stopping():
            found = self.conductor.talk_move()
        if found is None:
            return None
        party, decision = found
        self._after_move()
        return Stepped("computer", party, decision.move, decision.reason)

    def settle(self) -> list[Stepped]:
        """Make automatic moves until a person (or the script) is awaited."""
        done = []
        while (stepped := self.step()) is not None:
            done.append(stepped)
        return done

    def _begin_discussion(self) -> Stepped:
        """A package is on the table: the computer seats react and make their offers; the
        timer starts."""
        game = self.conductor.game
        self._discussed = game.round
        lines: list[tuple[str, str]] = []
        talks: list[tuple[str, Decision]] = []
        with self._stopping():
            if self.react:
                lines = self.conductor.reactions()
            # The computer seats open the discussion with their offers (and answer each
            # other's) at once, as a simulation has them do before the vote.
            while (found := self.conductor.talk_move()) is not None:
                talks.append(found)
            minutes = self.conductor.scenario.round_minutes
            if self.use_timer and minutes and not self.auto_vote:
                self.timer.start(minutes * 60)
                self.conductor.timer_changed("start", minutes * 60)
        self._set_alarm()
        self._changed("move")
        return Stepped("reactions", reactions=tuple(lines), talks=tuple(talks))

    # --- live pacing ---------------------------------------------------------------------------

    def start(self, scheduler: Scheduler) -> None:
        """Run live: computer seats move after a visible pause, the timer's end is told."""
        self._scheduler = scheduler
        self._pace()

    def close(self) -> None:
        """Stop every scheduled call (the room is being left)."""
        self._cancel_pending()
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        self._scheduler = None

    def _after_move(self) -> None:
        if self.conductor.game.phase is not Phase.DISCUSSION:
            self.timer.stop()
            if self._alarm is not None:
                self._alarm.cancel()
                self._alarm = None
        self._changed("move")
        self._pace()

    def _pace(self) -> None:
        """Live: what comes next by itself (a discussion begins at once; a computer seat
        moves after its pause)."""
        if self._scheduler is None or self.stopped is not None or self.paused:
            return
        step = self.conductor.next_step()
        if step.kind is StepKind.DISCUSSION and \
                self._discussed != self.conductor.game.round:
            self._safely(self.step)
            return
        if step.kind is not StepKind.OVER and self._pending is None and \
                self.conductor.talk_due():
            # a computer seat answers an offer, or makes its own, after its pause
            self._pending = self._scheduler.call_later(max(self.bot_delay, 0.0),
                                                       self._talk_turn)
            return
        if step.kind is StepKind.DISCUSSION:
            if self.auto_vote:
                self._safely(self.step)
            return
        if step.kind is StepKind.COMPUTER and self._pending is None:
            self.thinking = step.party
            self._pending = self._scheduler.call_later(max(self.bot_delay, 0.0),
                                                       self._computer_turn)
            self._changed("thinking")

    def _computer_turn(self) -> None:
        self._pending = None
        self.thinking = None
        if self.paused:
            return
        if self.conductor.next_step().kind is StepKind.COMPUTER:
            self._safely(self.step)
        else:
            self._changed("thinking")
            self._pace()

    def _talk_turn(self) -> None:
        self._pending = None
        if not self.paused:
            self._safely(self.step)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _set_alarm(self) -> None:
        """Live: be told when the discussion's time is up."""
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        left = self.timer.left()
        if self._scheduler is None or left is None or self.timer.paused_left is not None:
            return
        self._alarm = self._scheduler.call_later(max(left, 0.0), self._time_up)

    def _time_up(self) -> None:
        self._alarm = None
        left = self.timer.left()
        if left is None or self.timer.paused_left is not None:
            return
        if left > 0:  # the clock was moved on; look again then
            self._set_alarm()
            return
        if not self.timer.warned:
            self.timer.warned = True
            self._changed("time_up")

    # --- a log that fails ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _stopping(self) -> Any:
        """A log write that fails stops the room: nothing more is made or written."""
        from exercise.sessions.log import LogWriteError

        try:
            yield
        except LogWriteError as error:
            self._stop(error)
            raise

    def _stop(self, error: LogWriteError) -> None:
        if self.stopped is not None:
            return
        self.failure = error
        self.stopped = str(error)
        self.close()
        log, self.conductor.log = self.conductor.log, None  # no later write may reach it
        if log is not None:
            with contextlib.suppress(OSError, ValueError):  # the disk may still be full
                log.close()
        self._changed("stopped")

    def _safely(self, call: Callable[[], object]) -> None:
        """A scheduled step: a failed log write has stopped the room and told everyone."""
        from exercise.sessions.log import LogWriteError

        with contextlib.suppress(LogWriteError):
            call()

    # --- after a resume ------------------------------------------------------------------------

    def restore_timer(self, records: list[dict[str, Any]]) -> None:
        """After a resume: the discussion already begun is not begun again, and its timer
        stands as the log left it, paused (the facilitator resumes when the room is ready)."""
        game = self.conductor.game
        if game.phase is not Phase.DISCUSSION:
            return
        self._discussed = game.round
        minutes = self.conductor.scenario.round_minutes
        if not (self.use_timer and minutes):
            return
        current = [r for r in records if r.get("round") == game.round]
        left = minutes * 60.0
        if current and isinstance(current[-1].get("left"), (int, float)):
            left = float(current[-1]["left"])
        self.timer.start(max(left, 0))
        self.timer.toggle()
