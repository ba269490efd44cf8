"""The negotiation table: the screen the exercise is played on.

The room plays the exercise (computer seats, the timer); this screen shows its station's
view of it and, in one worker (:meth:`TableScreen.flow`), what that station must show
next (:class:`exercise.station.Turns`): a news card, a person's turn, the debrief. At a
shared screen each private moment waits behind one hand-over to the person it is for.
Everything shown comes from a view; every move goes through the room.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header

from exercise.engine import (
    CallVote,
    CloseChannel,
    IllegalMoveError,
    Move,
    PauseTalks,
    Phase,
    ResumeTalks,
)
from exercise.engine.moves import ROOM
from exercise.sessions.log import LogWriteError
from exercise.station import FACILITATOR, PUBLIC, Moment, MomentKind, Station, Turns
from exercise.tui.channels import ChannelAction, ChannelsScreen, PrivateTalk
from exercise.tui.dialogs import (
    ConfirmDialog,
    InfoDialog,
    ProposalDialog,
    SeatPick,
    SignDialog,
    VoteDialog,
    card_dialog,
    element_markdown,
)
from exercise.tui.facilitator import RoomRunner
from exercise.tui.following import RoomScreen
from exercise.tui.handover import hand_over
from exercise.tui.literal import plain
from exercise.tui.messages import ExerciseOver
from exercise.tui.screens import briefing_markdown, seat_markdown
from exercise.tui.talk_dialogs import AnswerDialog, TalkDialog
from exercise.tui.widgets import (
    ElementsTable,
    ElementStrip,
    Feed,
    PartiesPanel,
    StatusLine,
    TracksPanel,
)
from exercise.view import Legal, View

WHY = {
    MomentKind.PROPOSE: "It is your turn to propose.",
    MomentKind.VOTE: "It is your turn to vote; your ballot stays secret.",
    MomentKind.SIGN: "It is your turn to choose whether to sign; your choice stays secret.",
    MomentKind.CARD: "Private news has arrived for you.",
    MomentKind.TALK: "A private message has arrived for you.",
}

Request = Callable[[], Any]  # an awaitable-returning step the flow runs for a person


def waiting_text(station: Station, turns: Turns, view: View) -> str:
    """What the table waits for, as the home viewer may know it."""
    if view.stopped or view.over:
        return "the exercise has ended" if view.over else ""
    if view.paused:
        return ""
    # People who said "not yet" to their side talk: first, so a narrow status keeps it.
    talk = [f"a message for {view.name(party)} (h)"
            for party in turns.waiting_for()
            if party not in view.awaiting and turns.unread_talk(station.view(party))]
    if view.thinking:
        return " · ".join([*talk, f"{view.name(view.thinking)} is deciding…"])
    if view.phase is Phase.DISCUSSION:
        return " · ".join([*talk, "o: open voting" if station.runner
                           else "discussion: the facilitator opens voting"])
    people = station.people
    own: list[str] = talk
    for party in view.awaiting:
        if party not in people:
            continue
        key = {Phase.PROPOSAL: "p to propose", Phase.RATIFICATION: "s to sign or not"}.get(
            view.phase, "v to vote")
        who = "you" if party == view.seat else view.name(party)
        later = " (h: hand over)" if party in turns.deferred else ""
        own.append(f"{who}: {key}{later}")
    if own:
        return " · ".join(own)
    others = [view.name(p) for p in view.awaiting if p not in people]
    return f"waiting for {', '.join(others)}" if others else ""


class TableScreen(RoomScreen):
    """Where the exercise is played, as one station sees it."""

    CSS_PATH = "exercise.tcss"  # app-wide once loaded: the dialogs use it too

    BINDINGS = [
        Binding("p", "propose", "Propose", id="propose"),
        Binding("v", "vote", "Vote", id="vote"),
        Binding("s", "sign", "Sign", id="sign"),
        Binding("o", "open_voting", "Open voting", id="open-voting"),
        Binding("h", "hand_over", "Hand over", id="hand-over"),
        Binding("d", "details", "Element", id="details"),
        Binding("f", "facilitator", "Facilitator", id="facilitator"),
        Binding("m", "my_seat", "My seat", id="my-seat"),
        Binding("b", "briefing", "Briefing", id="briefing"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "quit_exercise", "Quit", id="quit"),
        # last: a narrow footer cuts from the end, and t and a are in the help and palette
        Binding("t", "talk", "Talk", id="talk"),
        Binding("a", "answer_offer", "Answer", id="answer-offer"),
        Binding("c", "channels", "Channels", id="channels"),
    ]

    def __init__(self, station: Station, turns: Turns, *,
                 clock: Callable[[], float] = time.monotonic, live_clock: bool = True,
                 story: bool = False, quit_question: str = "Quit the exercise?"):
        """The table of ``station``.

        Args:
            station: the screen's place in the room.
            turns: what the station must show next.
            clock: the room's clock (the timer counts on it).
            live_clock: tick the timer once a second (snapshot tests turn it off).
            story: open with one "story so far" card instead of every card since round 1
                (a resumed session, a seat joined late).
            quit_question: what ``q`` asks before leaving.
        """
        super().__init__(station, clock=clock, live_clock=live_clock)
        self.turns = turns
        self.quit_question = quit_question
        self.view = station.view()
        self.requests: deque[Request] = deque()
        self._wake = asyncio.Event()
        self._active = asyncio.Event()
        self._people_legal: dict[str, Legal] = {}
        self._private_seen: dict[str, int] = {}  # private lines each person's seat has had
        if story and turns.catch_up():
            self.requests.append(self.show_story)

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusLine(id="status")
        with Horizontal(id="table-body"):
            with Vertical(id="left"):
                yield ElementsTable(id="elements")
                yield ElementStrip(id="strip")
                yield Feed(id="feed")
            with Vertical(id="right"):
                yield PartiesPanel(id="parties")
                yield TracksPanel(id="tracks")
        yield Footer()

    def setup(self) -> None:
        self.title = plain(self.view.title)
        self.query_one(ElementsTable).focus()
        self._active.set()
        self.run_worker(self.flow(), group="flow", exclusive=True)

    def on_resize(self) -> None:
        self.render_view(fresh=False)

    def resumed(self) -> None:
        """Back on the table after a dialog: let the flow go on."""
        self._active.set()

    def suspended(self) -> None:
        self._active.clear()

    # --- rendering ---------------------------------------------------------------------

    def changed(self) -> None:
        """The room changed: the flow looks again at what is due."""
        self._wake.set()

    def timer_text(self) -> str:
        """The discussion timer as the view has it, on the room's clock."""
        return self.view.timer.text(self.clock())

    def render_view(self, *, fresh: bool = True) -> None:
        """Redraw every panel from the station's view (``fresh``: take a new one)."""
        if not self.is_mounted:
            return
        if fresh:
            self.view = view = self.station.view()
            views = {seat: view if seat == view.viewer else self.station.view(seat)
                     for seat in self.station.people}
            self._people_legal = {seat: v.legal for seat, v in views.items()}
            if self.station.shared:
                self.tell_private_waiting(views)
        view = self.view
        status = self.query_one(StatusLine)
        status.shared = self.station.shared
        status.timer = self.timer_text()
        status.waiting = waiting_text(self.station, self.turns, view)
        status.view = view
        elements = self.query_one(ElementsTable)
        elements.view = view
        strip = self.query_one(ElementStrip)
        strip.element = elements.selected_element
        strip.view = view
        self.query_one(PartiesPanel).view = view
        self.query_one(TracksPanel).view = view
        self.query_one(Feed).view = view
        self.offer_keys()

    def tell_private_waiting(self, views: dict[str, View]) -> None:
        """At a shared screen: a private line for a person's seat waits behind that seat's
        hand-over; say whose, never what. Side talk the flow is about to hand over for
        (:attr:`MomentKind.TALK`) needs no word: only what waits for a person who said
        "not yet", or what only the seat's private view holds."""
        for seat, seat_view in views.items():
            # Its side talk's own lines are the talk moment's (its own words need no word).
            talk = sum(len(c.lines) for c in seat_view.channels if c.private)
            count = sum(1 for item in seat_view.feed if item.private) - talk
            before = self._private_seen.setdefault(seat, count)
            coming = seat not in self.turns.deferred and self.turns.unread_talk(seat_view)
            if count > before and not coming:
                self.notify(f"Something private for {plain(self.station.name(seat))} is "
                            "waiting: m shows it after a hand-over.", title="Private",
                            timeout=6)
            self._private_seen[seat] = count

    def about_to_be_covered(self) -> bool:
        """A news card for this screen's own viewer has arrived: the flow opens it next."""
        seen = self.turns.seen.get(self.station.home, 0)
        return any(card.number > seen for card in self.station.view().cards)

    def tick(self) -> None:
        """Once a second: the timer."""
        if self.view.timer.deadline is not None:
            self.query_one(StatusLine).timer = self.timer_text()

    def time_up(self) -> None:
        """The discussion's time is up: say so (it never decides)."""
        self.app.bell()
        more = " — or extend the timer from the facilitator's console (f)" \
            if self.station.runner else ""
        self.notify(f"Time is up for this discussion. Open voting when ready{more}."
                    if self.station.runner else "Time is up for this discussion.",
                    title="Timer", severity="warning", timeout=8)

    # --- the flow ----------------------------------------------------------------------

    async def flow(self) -> None:
        """Show what the station must show next, one moment at a time, for as long as the
        table is up. Runs as the screen's one worker, so only it pushes private screens."""
        turns = self.turns
        while True:
            await self._active.wait()
            if self.app.screen is not self:
                self._active.clear()
                continue
            self._wake.clear()
            if self.requests:
                await self.requests.popleft()()
                continue
            moment = turns.next()
            if moment is None:
                self.draw_if_stale()
                turns.idle()
                await self._wake.wait()
                continue
            if moment.kind is MomentKind.OVER:
                self.post_message(ExerciseOver())
                return
            await self.show_moment(moment)

    async def show_moment(self, moment: Moment) -> None:
        """One moment: a prompt, or (after a hand-over if need be) a card or a dialog."""
        turns, station = self.turns, self.station
        if moment.kind is MomentKind.PROMPT:
            legal = self.station.view(moment.viewer).legal
            what = "propose (p)" if legal.propose else "vote (v)" if legal.vote else \
                "choose whether to sign (s)"
            self.notify(f"Your turn to {what}.", title=f"Round {self.view.round}", timeout=4)
            turns.done(moment)
            return
        if turns.needs_handover(moment) and not await hand_over(
                self.app, station, turns, moment.viewer, WHY[moment.kind]):
            turns.not_yet(moment.viewer)
            if moment.kind is MomentKind.TALK:
                self.notify(f"A private message waits for {plain(station.name(moment.viewer))}"
                            ": h hands over.", title="Private", timeout=6)
            self.render_view()
            return
        if moment.kind is MomentKind.CARD:
            assert moment.card is not None
            await self.app.push_screen_wait(card_dialog(moment.card))
            turns.done(moment)
            return
        if moment.kind is MomentKind.TALK:
            await self.read_talk(moment)
            return
        turns.done(moment)
        view = station.view(moment.viewer)
        dialog = {MomentKind.PROPOSE: ProposalDialog, MomentKind.VOTE: VoteDialog,
                  MomentKind.SIGN: SignDialog}[moment.kind]
        move = await self.app.push_screen_wait(
            dialog(view, lambda m: station.check(moment.viewer, m)))
        if move is None:
            if station.shared:
                turns.not_yet(moment.viewer)
            self.render_view()
            return
        self.act(moment.viewer, move)

    def request(self, step: Request) -> None:
        """Run ``step`` in the flow, before anything else it would show."""
        self.requests.append(step)
        self._wake.set()

    async def show_story(self) -> None:
        """One card with the story so far (a resume, a late join)."""
        from exercise.recap import story_so_far

        await self.app.push_screen_wait(InfoDialog(story_so_far(self.station.view()),
                                                   title="The story so far"))

    # --- acting ------------------------------------------------------------------------

    def act(self, viewer: str, move: Move) -> bool:
        """Make a move through the room; a refusal is a notice, not a crash (and a log that
        fails has stopped the room, which says so itself)."""
        try:
            self.station.act(viewer, move)
        except IllegalMoveError as exc:
            self.notify(str(exc), title="Not allowed", severity="error", timeout=8)
            self.render_view()
            return False
        except LogWriteError:
            return False
        return True

    def runner(self) -> RoomRunner | None:
        """Whoever runs the room at this screen, acting on it (None at a seat's screen)."""
        runner = self.station.runner
        return None if runner is None else RoomRunner(self, self.station.room, runner,
                                                      self.clock)

    # --- actions -------------------------------------------------------------------------

    def _turn_here(self, kind: MomentKind) -> bool:
        """Whether a person at this screen may propose (or vote) now."""
        return any({MomentKind.PROPOSE: legal.propose, MomentKind.VOTE: legal.vote,
                    MomentKind.SIGN: legal.sign}[kind] for legal in self._people_legal.values())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the actions that make sense now."""
        view, station = self.view, self.station
        if action == "propose":
            return view.phase is Phase.PROPOSAL and self._turn_here(MomentKind.PROPOSE)
        if action == "vote":
            return view.phase is Phase.VOTING and self._turn_here(MomentKind.VOTE)
        if action == "sign":
            return view.phase is Phase.RATIFICATION and self._turn_here(MomentKind.SIGN)
        if action == "talk":
            return any(legal.talk for legal in self._people_legal.values())
        if action == "answer_offer":
            return any(legal.answer for legal in self._people_legal.values())
        if action == "open_voting":
            return station.runner is not None and view.phase is Phase.DISCUSSION \
                and not view.paused
        if action == "hand_over":
            return station.shared and bool(self.turns.waiting_for())
        if action == "my_seat":
            return station.shared
        if action == "channels":
            return bool(view.channels)
        if action == "facilitator":
            return station.runner is not None and not view.over
        return True

    def action_propose(self) -> None:
        """Open the proposal dialog of the person whose turn it is."""
        self.turns.ask()
        self._wake.set()

    def action_vote(self) -> None:
        """Open the ballot of the next person to vote (computers may still be deciding)."""
        self.turns.ask()
        self._wake.set()

    def action_sign(self) -> None:
        """Ask the next person to choose whether to sign."""
        self.turns.ask()
        self._wake.set()

    def action_hand_over(self) -> None:
        """Ask again for the people who said "not yet"."""
        self.turns.ask()
        self._wake.set()

    def action_open_voting(self) -> None:
        """Close the discussion and open voting."""
        runner = self.runner()
        if self.check_action("open_voting", ()) and runner is not None:
            runner.move(CallVote())

    def action_talk(self) -> None:
        """Say something, or make an offer (after a hand-over at a shared screen)."""
        if self.check_action("talk", ()):
            self.request(self.talk)

    def action_answer_offer(self) -> None:
        """Answer an offer made to a seat at this screen (after a hand-over if shared)."""
        if self.check_action("answer_offer", ()):
            self.request(self.answer_offer)

    async def _seat_for(self, able: Callable[[Legal], object], why: str) -> str | None:
        """The person at this screen who will act: the only one able, or the one picked;
        after a hand-over at a shared screen (the dialog shows that seat's own values)."""
        station = self.station
        seats = [seat for seat, legal in self._people_legal.items() if able(legal)]
        if not seats:
            return None
        seat = seats[0] if len(seats) == 1 else await self.app.push_screen_wait(
            SeatPick([(p, station.name(p)) for p in seats], "Which delegation acts?"))
        if not seat or not await hand_over(self.app, station, self.turns, seat, why):
            return None
        return str(seat)

    async def talk(self) -> None:
        """A seat's message or offer."""
        seat = await self._seat_for(lambda legal: legal.talk,
                                    "You asked to talk: the dialog shows your own values.")
        if seat is not None:
            await self.talk_as(seat)

    async def talk_as(self, seat: str) -> None:
        """``seat`` (at the keyboard already) says something or makes an offer."""
        view = self.station.view(seat)
        if not view.legal.talk:
            return
        move = await self.app.push_screen_wait(
            TalkDialog(view, lambda m: self.station.check(seat, m)))
        if move is not None and self.act(seat, move):
            self.turns.mark_read(self.station.view(seat))  # its own words, and what they settled
        self.render_view()

    async def answer_offer(self) -> None:
        """A seat answers the open offers made to it."""
        seat = await self._seat_for(lambda legal: legal.answer,
                                    "An offer to your delegation is waiting (private).")
        if seat is not None:
            await self.answer_as(seat)

    async def answer_as(self, seat: str) -> None:
        """``seat`` (at the keyboard already) answers its open offers: the one there is, or
        the one it picks from the list of them, again until none is left or it goes back."""
        answered: set[int] = set()
        while True:
            view = self.station.view(seat)
            offers = [o for o in view.legal.answer if o.number not in answered]
            if not offers:
                break
            offer = offers[0]
            if len(offers) > 1:
                picked = await self.app.push_screen_wait(SeatPick(
                    [(str(o.number), f"Offer {o.number} from {view.name(o.party)}: {o.text}")
                     for o in offers], "Which offer do you answer? (esc: none now)"))
                if picked is None:
                    break
                offer = next(o for o in offers if str(o.number) == picked)
            move = await self.app.push_screen_wait(
                AnswerDialog(view, lambda m: self.station.check(seat, m), offer))
            if move is None and len(offers) > 1:
                continue  # back to the list of offers
            answered.add(offer.number)
            if move is None or not self.act(seat, move):
                break
            self.turns.mark_read(self.station.view(seat))
        self.render_view()

    async def read_talk(self, moment: Moment) -> None:
        """The moment's seat (after its hand-over) reads the side talk it has not read; it
        may answer an open offer or reply from there."""
        seat = moment.viewer
        view = self.station.view(seat)
        unread = view.unread_talk(self.turns.read.get(seat, 0))
        self.turns.done(moment)
        if not unread:
            return
        then = await self.app.push_screen_wait(PrivateTalk(view, unread))
        if then == "answer":
            await self.answer_as(seat)
        elif then == "talk":
            await self.talk_as(seat)
        self.render_view()

    def action_details(self) -> None:
        """Show the highlighted element in full, with its source."""
        element = self.query_one(ElementsTable).selected_element
        if element:  # the room as it is now (a redraw may be waiting behind a card)
            self.app.push_screen(InfoDialog(element_markdown(self.station.view(), element)))

    @on(DataTable.RowHighlighted, "#elements")
    def describe_highlighted(self) -> None:
        """The strip under the table follows the cursor."""
        self.query_one(ElementStrip).element = self.query_one(ElementsTable).selected_element

    @on(DataTable.RowSelected, "#elements")
    def details_on_enter(self) -> None:
        """Enter (or a click) on an element shows its detail."""
        self.action_details()

    def action_facilitator(self) -> None:
        """Open the facilitator's console (after a hand-over at a shared screen)."""
        if self.check_action("facilitator", ()):
            self.request(self.console)

    async def console(self) -> None:
        """The console, for whoever runs the room here (after a hand-over at a shared
        screen), and what they chose."""
        runner = self.runner()
        if runner is None or not await hand_over(
                self.app, self.station, self.turns, runner.runner,
                "The facilitator's console is next: it shows private news."):
            return
        await runner.console()

    def action_my_seat(self) -> None:
        """At a shared screen: one seat reads its own private view, after a hand-over."""
        self.request(self.my_seat)

    async def my_seat(self) -> None:
        """Choose a seat; hand over; its private view."""
        station = self.station
        seat = await self.app.push_screen_wait(
            SeatPick([(p, station.name(p)) for p in station.people]))
        if not seat or not await hand_over(self.app, station, self.turns, seat,
                                           "You asked to see your private view."):
            return
        view = station.view(seat)
        self.turns.mark_read(view)
        await self.app.push_screen_wait(InfoDialog(seat_markdown(view),
                                                   title=f"{station.name(seat)} only (private)"))

    def action_channels(self) -> None:
        """The side talks channel by channel (a seat's own after its hand-over if shared)."""
        if self.check_action("channels", ()):
            self.request(self.channels)

    async def channels(self) -> None:
        """Choose whose channels (at a shared screen), hand over, show them; whoever runs
        the room may close a channel or pause the talks from there."""
        station = self.station
        viewer = station.home
        if station.shared:
            choices = [(PUBLIC, "The room (public channel only)"),
                       *((p, station.name(p)) for p in station.people)]
            if station.runner is not None:
                choices.append((station.runner, "The facilitator (every channel)"))
            chosen = await self.app.push_screen_wait(SeatPick(choices, "Whose channels?"))
            why = "You asked to see every channel of the side talks (private)." \
                if chosen == FACILITATOR else "You asked to see your side talks (private)."
            if not chosen or not await hand_over(self.app, station, self.turns, chosen, why):
                return
            viewer = str(chosen)
        view = station.view(viewer)
        self.turns.mark_read(view)
        title = "Side talks — every channel" if viewer == FACILITATOR else \
            "Side talks — the room" if viewer == PUBLIC else \
            f"Side talks of {station.name(viewer)} (private)"
        action = await self.app.push_screen_wait(ChannelsScreen(view, title=title))
        runner = self.runner()
        if isinstance(action, ChannelAction) and runner is not None \
                and viewer == runner.runner:
            if action.kind == "close":
                runner.move(CloseChannel(action.members or ROOM))
            else:
                runner.move(ResumeTalks() if view.legal.resume_talks else PauseTalks())
        self.render_view()

    def action_briefing(self) -> None:
        """Read the briefing again (public, plus the screen's own seat's private brief)."""
        self.app.push_screen(InfoDialog(briefing_markdown(self.view)))

    def action_quit_exercise(self) -> None:
        """Leave, after asking."""
        self.app.push_screen(ConfirmDialog(self.quit_question),
                             lambda yes: self.app.exit() if yes else None)

