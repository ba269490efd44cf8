"""The facilitator's dashboard in hosted play: every seat's state, and the room's controls.

One row per screen: each delegation (played by a person or the computer, its screen
connected since when, its last key, its ballot in or not), the projector and this
console. A seat whose person dropped and stayed away past the grace period is flagged
for a choice: keep waiting, pause the exercise, or hand the seat to the computer.
Everything the console does at one keyboard is here too (the deck, the timer, voting,
ratification, the end, notes), plus the join codes: shown only on request, on this
screen, and renewed on request (which drops whoever held the old one).

The dashboard reads the facilitator's view; the codes come from the host through
:class:`HostControls`, never from a view.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Label, OptionList
from textual.widgets.option_list import Option

from exercise.bots import PERSONAS
from exercise.engine import (
    CallVote,
    CloseChannel,
    PauseTalks,
    Phase,
    Player,
    ResumeTalks,
)
from exercise.engine.moves import ROOM
from exercise.station import FACILITATOR, PUBLIC, Station
from exercise.tui.channels import ChannelAction, ChannelsScreen
from exercise.tui.dialogs import ConfirmDialog, InfoDialog
from exercise.tui.facilitator import RoomRunner
from exercise.tui.following import RoomScreen
from exercise.tui.literal import md_escape, plain, rich_text, styled
from exercise.tui.messages import ExerciseOver
from exercise.tui.widgets import ElementsTable, Feed, ShowsContent, StatusLine, TracksPanel
from exercise.view import SeatState, View

ROOM_ROW, CONSOLE_ROW = "__room__", "__console__"


class HostControls(Protocol):
    """What the host lets its facilitator do with the join codes and the hosting."""

    def code_for(self, viewer: str) -> str:
        """The join code of ``viewer`` (a party, ``public`` or ``facilitator``)."""

    def regenerate(self, viewer: str) -> str:
        """A new code for ``viewer``; whoever holds the seat with the old one is dropped."""

    def join_lines(self) -> list[str]:
        """How students join: the web address and the ssh command."""

    def stop(self) -> None:
        """Stop hosting: every screen is told, the servers close, the log is kept."""


def ago(seconds: float | None) -> str:
    """A duration in words for a dashboard cell: 45s, 3m 05s, 1h 02m."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def seat_cells(seat: SeatState, now: float) -> tuple[str, ...]:
    """A delegation's row: name, who plays it, its screen, how long since its last key,
    its ballot."""
    played = "person" if seat.player == "person" else f"cpu: {seat.persona}"
    name = seat.name if len(seat.name) <= 20 else seat.name[:19] + "…"
    if seat.needs_choice:
        screen = f"DROPPED {ago(now - (seat.vacant_since or now))}: act"
    elif seat.vacant_since is not None:
        screen = f"dropped {ago(now - seat.vacant_since)}: waits"
    elif seat.connected_since is not None:
        screen = f"connected {ago(now - seat.connected_since)}"
    else:
        screen = "not connected" if seat.player == "person" else "—"
    last = ago(now - seat.last_input) if seat.last_input is not None else ""
    ballot = "" if seat.ballot_in is None else ("✔ in" if seat.ballot_in else "… not yet")
    return (name, played, screen, last, ballot)


class PersonaPick(ModalScreen[str | None]):
    """Which computer persona takes a seat."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="cancel")]

    def __init__(self, name: str, current: str | None):
        super().__init__()
        self.party_name = name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(styled("The computer takes ", self.party_name, ": which persona?"),
                        classes="dialog-title")
            yield OptionList(*[Option(p + (" (as before)" if p == self.current else ""), id=p)
                               for p in PERSONAS], id="personas")
            yield Footer()

    @on(OptionList.OptionSelected, "#personas")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """A persona was chosen."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Back without a change."""
        self.dismiss(None)


class DashboardScreen(RoomScreen):
    """The facilitator's console in hosted play."""

    CSS_PATH = "exercise.tcss"

    BINDINGS = [
        Binding("space", "go", "Start/pause", id="go"),
        Binding("o", "open_voting", "Open voting", id="open-voting"),
        Binding("f", "console", "Console", id="console",
                tooltip="The inject deck, the timer, ratification, the end, notes"),
        Binding("c", "to_computer", "To computer", id="to-computer"),
        Binding("g", "to_person", "To a person", id="to-person"),
        Binding("w", "keep_waiting", "Wait", id="wait"),
        Binding("t", "channels", "Talks", id="channels",
                tooltip="The side talks, channel by channel: close one, or pause them"),
        Binding("k", "show_code", "Code", id="code"),
        Binding("n", "new_code", "New code", id="new-code"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "stop_hosting", "Stop", id="stop"),
    ]

    def __init__(self, station: Station, controls: HostControls | None, *,
                 clock: Callable[[], float] = time.monotonic, live_clock: bool = True):
        """The dashboard of the facilitator's ``station``; ``controls``: the host's codes."""
        super().__init__(station, clock=clock, live_clock=live_clock)
        self.controls = controls
        self.view = station.view(FACILITATOR)
        self._rows: dict[str, tuple[str, ...]] = {}
        self._alerted: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusLine(id="status")
        yield ShowsContent("", id="alerts")
        with Horizontal(id="table-body"):
            with Vertical(id="left"):
                yield DataTable(id="seats", cursor_type="row", zebra_stripes=True)
                yield ElementsTable(id="elements")
                yield Feed(id="feed")
            with Vertical(id="right"):
                yield TracksPanel(id="tracks")
                yield ShowsContent("", id="join")
        yield Footer()

    def setup(self) -> None:
        self.title = plain(f"Facilitator — {self.view.title}")
        table = self.query_one("#seats", DataTable)
        for column, width in (("Delegation", 20), ("Played by", 16), ("Screen", 21),
                              ("Last key", 8), ("Ballot", 9)):
            table.add_column(column, key=column, width=width)
        table.focus()
        if self.controls is not None:
            self.query_one("#join", ShowsContent).show_content(styled(
                ("Students join at\n", "bold"), "\n".join(self.controls.join_lines()),
                ("\n\nk shows the highlighted seat's code (on this screen only); "
                 "n gives it a new one.", "italic")))

    def on_resize(self) -> None:
        # Below 100 columns the seats need the whole width: the tracks and the join
        # addresses step aside (k shows the addresses with a code).
        self.set_class(self.size.width < 100, "-narrow")
        self.render_view()

    # --- rendering ---------------------------------------------------------------------

    def time_up(self) -> None:
        """The discussion's time is up: a bell for the facilitator."""
        self.app.bell()

    def tick(self) -> None:
        """Once a second: the timer, and the seats' times and last keys."""
        self.render_view(full=False)

    def render_view(self, *, full: bool = True) -> None:
        """Redraw from the facilitator's view (``full``: the table and feed too, not only
        the status, the seats and the alerts)."""
        if not self.is_mounted:
            return
        view = self.view = self.station.view(FACILITATOR)
        if view.over:
            self.post_message(ExerciseOver())
            return
        now = self.clock()
        waiting = "space: start the exercise" if view.paused else (
            "o: open voting" if view.phase is Phase.DISCUSSION else
            f"waiting for {', '.join(view.name(p) for p in view.awaiting)}"
            if view.awaiting else "")
        status = self.query_one(StatusLine)
        status.timer = view.timer.text(now)
        status.waiting = waiting
        status.view = view
        self.show_seats(view, now)
        self.show_alerts(view, now)
        if full:
            self.query_one(ElementsTable).view = view
            self.query_one(TracksPanel).view = view
            self.query_one(Feed).view = view
        self.offer_keys()

    def show_seats(self, view: View, now: float) -> None:
        """One row per delegation, then the projector and this console."""
        assert view.console is not None
        rows: dict[str, tuple[str, ...]] = {
            seat.party: seat_cells(seat, now) for seat in view.console.seats}
        projector = view.console.projector_since
        rows[ROOM_ROW] = ("Projector (room)", "—",
                          f"connected {ago(now - projector)}" if projector is not None
                          else "not connected", "", "")
        rows[CONSOLE_ROW] = ("Facilitator", "you", "this screen", "", "")
        table = self.query_one("#seats", DataTable)
        for key, cells in rows.items():
            old = self._rows.get(key)
            if old is None:
                table.add_row(*(rich_text(c) for c in cells), key=key)
            elif old != cells:
                for column, (was, cell) in zip(table.columns, zip(old, cells, strict=True),
                                               strict=True):
                    if was != cell:
                        table.update_cell(key, column, rich_text(cell))
        self._rows = rows

    def show_alerts(self, view: View, now: float) -> None:
        """Seats that dropped past their grace period; the pause; a stopped session."""
        assert view.console is not None
        parts: list[str | tuple[str, str]] = []
        if view.paused:
            parts.append(("PAUSED — nobody can move and the timer stands; space goes on. ",
                          "bold reverse"))
        dropped = [s for s in view.console.seats if s.needs_choice]
        for seat in dropped:
            parts.append((f"{seat.name} has been away {ago(now - (seat.vacant_since or now))}"
                          ": highlight it, then w wait · space pause · c computer. ", "bold"))
            if seat.party not in self._alerted:
                self._alerted.add(seat.party)
                self.app.bell()
                self.notify(f"{seat.name}'s screen dropped and has not come back.",
                            title="A seat needs you", severity="warning", timeout=10)
        self._alerted &= {s.party for s in dropped}
        self.query_one("#alerts", ShowsContent).show_content(styled(*parts))

    def highlighted(self) -> str | None:
        """The row under the cursor: a party id, ``public``, ``facilitator`` or None."""
        table = self.query_one("#seats", DataTable)
        if not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        return {ROOM_ROW: PUBLIC, CONSOLE_ROW: FACILITATOR}.get(key, key)

    def seat_state(self, party: str | None) -> SeatState | None:
        """The highlighted delegation's state, if a delegation is highlighted."""
        console = self.view.console
        if party is None or console is None:
            return None
        return next((s for s in console.seats if s.party == party), None)

    # --- acting ------------------------------------------------------------------------

    @property
    def runner(self) -> RoomRunner:
        """The facilitator, acting on the room from this screen."""
        return RoomRunner(self, self.station.room, FACILITATOR, self.clock)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the actions that make sense now."""
        view = self.view
        seat = self.seat_state(self.highlighted()) if self.is_mounted else None
        if action == "open_voting":
            return view.phase is Phase.DISCUSSION and not view.paused
        if action == "to_computer":
            return seat is not None and seat.player == "person"
        if action == "to_person":
            return seat is not None and seat.player == "computer"
        if action == "keep_waiting":
            return seat is not None and seat.needs_choice
        if action in ("show_code", "new_code"):
            return self.controls is not None
        return True

    @on(DataTable.RowHighlighted, "#seats")
    def seat_highlighted(self) -> None:
        """The actions follow the highlighted seat."""
        self.refresh_bindings()

    def action_go(self) -> None:
        """Start the exercise, or pause it (everyone waits, the timer stands), or go on."""
        paused = self.view.paused
        self.runner.do(lambda who: self.station.room.pause(who, not paused))
        self.notify("The exercise goes on." if paused else
                    "The exercise is paused: nobody can move and the timer stands.",
                    title="Facilitator", timeout=4)

    def action_open_voting(self) -> None:
        """Close the discussion and open voting."""
        self.runner.move(CallVote())

    def action_keep_waiting(self) -> None:
        """Keep waiting for the highlighted seat's person."""
        party = self.highlighted()
        if party is not None:
            self.runner.do(lambda who: self.station.room.keep_waiting(who, party))

    @work(exclusive=True, group="flow")
    async def action_to_computer(self) -> None:
        """Hand the highlighted seat to the computer, with a persona (a logged move)."""
        seat = self.seat_state(self.highlighted())
        if seat is None:
            return
        persona = await self.app.push_screen_wait(PersonaPick(seat.name, seat.persona))
        if persona:
            self.runner.do(lambda who: self.station.room.change_seat(
                seat.party, Player.COMPUTER, persona, viewer=who))

    @work(exclusive=True, group="flow")
    async def action_to_person(self) -> None:
        """Give the highlighted seat back to a person (the game then waits for them)."""
        seat = self.seat_state(self.highlighted())
        if seat is None:
            return
        if await self.app.push_screen_wait(ConfirmDialog(
                f"Give {seat.name} to a person? The exercise will wait for them to join "
                "with the seat's code (a student joining takes the seat anyway).")):
            self.runner.do(lambda who: self.station.room.change_seat(
                seat.party, Player.PERSON, viewer=who))

    def action_show_code(self) -> None:
        """The highlighted screen's join code, on this screen only."""
        viewer = self.highlighted()
        if viewer is None or self.controls is None:
            return
        name = self.station.name(viewer)
        code = self.controls.code_for(viewer)
        self.app.push_screen(InfoDialog(
            f"# {md_escape(code)}\n\nThe code of **{md_escape(name)}**'s screen. Give it to "
            "that delegation only; never show it on the projector.\n\n"
            + "\n".join(f"- {md_escape(j)}" for j in self.controls.join_lines()),
            title=f"Join code — {name}"))

    @work(exclusive=True, group="flow")
    async def action_new_code(self) -> None:
        """Give the highlighted screen a new code (whoever holds it is dropped)."""
        viewer = self.highlighted()
        if viewer is None or self.controls is None:
            return
        name = self.station.name(viewer)
        if viewer == FACILITATOR:
            self.notify("This console's own code is renewed from another screen, or by "
                        "restarting the host.", severity="warning")
            return
        if not await self.app.push_screen_wait(ConfirmDialog(
                f"Give {name} a new code? Whoever is on that screen now is disconnected.")):
            return
        code = self.controls.regenerate(viewer)
        self.app.push_screen(InfoDialog(
            f"# {md_escape(code)}\n\nThe new code of **{md_escape(name)}**'s screen.",
            title=f"New join code — {name}"))

    @work(exclusive=True, group="flow")
    async def action_channels(self) -> None:
        """Every channel of the side talks, live; the facilitator may close the highlighted
        one (x) or pause or resume the talks (p) from there."""
        view = self.station.view()
        action = await self.app.push_screen_wait(
            ChannelsScreen(view, title="Side talks — every channel"))
        if isinstance(action, ChannelAction):
            if action.kind == "close":
                self.runner.move(CloseChannel(action.members or ROOM))
            else:
                self.runner.move(ResumeTalks() if view.legal.resume_talks else PauseTalks())

    @work(exclusive=True, group="flow")
    async def action_console(self) -> None:
        """The deck, the timer, ratification, the end, notes: the console at one keyboard."""
        await self.runner.console()

    def action_stop_hosting(self) -> None:
        """Stop hosting (every screen is told), after asking."""
        self.app.push_screen(ConfirmDialog(
            "Stop hosting? Every screen is closed. The session log keeps everything: "
            "`exercise host --resume LOG` goes on with the same codes."),
            self.stop_hosting)

    def stop_hosting(self, yes: bool | None) -> None:
        """Stop the host (when there is one), then leave."""
        if not yes:
            return
        if self.controls is not None:
            self.controls.stop()
        self.app.exit()

