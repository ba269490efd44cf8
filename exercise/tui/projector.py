"""The projector: the public table for the whole room, with a big clock. Never a secret.

It shows the public view (:data:`exercise.view.PUBLIC`) and nothing else: the elements,
the delegations (who has voted, never how, until the reveal), the tracks, the latest
news, the last round's result and the feed, with the discussion timer in digits big
enough to read from the back of the room, and the address students join at (never a
code). Nobody needs to touch it: it follows the room.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Digits, Footer, Header

from exercise.engine import Phase
from exercise.recap import round_line
from exercise.station import Station
from exercise.tui.dialogs import card_markdown
from exercise.tui.following import RoomScreen
from exercise.tui.literal import Part, plain, styled
from exercise.tui.literal_markdown import LiteralCard
from exercise.tui.messages import ExerciseOver
from exercise.tui.widgets import ElementsTable, Feed, PartiesPanel, ShowsContent, TracksPanel
from exercise.view import View

PHASE_WORDS = {
    Phase.BRIEFING: "Briefing",
    Phase.PROPOSAL: "Proposal",
    Phase.DISCUSSION: "Discussion",
    Phase.VOTING: "Voting: ballots are secret until all are in",
    Phase.RESOLUTION: "Resolution",
    Phase.RATIFICATION: "Ratification",
    Phase.ENDED: "Ended",
}


def phase_words(view: View) -> str:
    """The phase as the room reads it on the big screen."""
    if view.phase is Phase.RATIFICATION and view.signing_choice:
        return "Ratification: each delegation chooses whether to sign, in secret until all have"
    return PHASE_WORDS.get(view.phase, str(view.phase))


def clock_digits(view: View, now: float) -> str:
    """The timer for the big clock: mm:ss, 00:00 once over, --:-- without one."""
    left = view.timer.left(now)
    if left is None:
        return "--:--"
    minutes, seconds = divmod(max(0, int(left + 0.999)), 60)
    return f"{minutes:02d}:{seconds:02d}"


def state_content(view: View, now: float, join: str) -> Content:
    """Round, phase, who proposes, who has voted, and where to join."""
    parts: list[Part] = [(f"Round {view.round} of {view.rounds}\n", "bold"),
                         (phase_words(view) + "\n", "bold")]
    if view.proposer and view.phase is Phase.PROPOSAL:
        parts.append(f"▶ {view.name(view.proposer)} proposes\n")
    if view.phase is Phase.VOTING:
        voters = [p for p in view.parties if p.voted is not None]
        parts.append(f"Ballots in: {sum(1 for p in voters if p.voted)} of {len(voters)}\n")
    if view.timer.left(now) is not None and (view.timer.left(now) or 0) <= 0:
        parts.append(("TIME UP\n", "bold reverse"))
    if view.paused:
        parts.append(("PAUSED by the facilitator\n", "bold reverse"))
    if view.thinking:
        parts.append((f"{view.name(view.thinking)} is deciding…\n", "italic"))
    if join:
        parts.append(("\nJoin: ", "bold"))
        parts.append(join)
    return styled(*parts)


class ProjectorScreen(RoomScreen):
    """The table as the whole room sees it."""

    CSS_PATH = "exercise.tcss"

    BINDINGS = [Binding("q", "app.quit", "Leave", id="quit")]

    def __init__(self, station: Station, *, join: str = "",
                 clock: Callable[[], float] = time.monotonic, live_clock: bool = True):
        """The projector of ``station`` (the public view); ``join``: how students join."""
        super().__init__(station, clock=clock, live_clock=live_clock)
        self.join = join
        self.view = station.view()
        self._card = 0
        self._round = -1

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="projector-top"):
            yield Digits("--:--", id="clock")
            yield ShowsContent("", id="projector-state")
        with Horizontal(id="table-body"):
            with Vertical(id="left"):
                yield ElementsTable(id="elements")
                yield LiteralCard(id="news")
                yield Feed(id="feed")
            with Vertical(id="right"):
                yield PartiesPanel(id="parties")
                yield TracksPanel(id="tracks")
                yield LiteralCard(id="recap")
        yield Footer()

    def setup(self) -> None:
        self.title = plain(self.view.title)

    def on_resize(self) -> None:
        self.render_view()

    def tick(self) -> None:
        """Once a second: the clock."""
        self.query_one("#clock", Digits).update(clock_digits(self.view, self.clock()))

    def render_view(self) -> None:
        """Redraw from the public view."""
        if not self.is_mounted:
            return
        view = self.view = self.station.view()
        if view.over:
            self.post_message(ExerciseOver())
            return
        now = self.clock()
        self.query_one("#clock", Digits).update(clock_digits(view, now))
        self.query_one("#projector-state", ShowsContent).show_content(
            state_content(view, now, self.join))
        self.query_one(ElementsTable).view = view
        self.query_one(PartiesPanel).view = view
        self.query_one(TracksPanel).view = view
        feed = self.query_one(Feed)
        if view.cards and view.cards[-1].number != self._card:
            # The news box grows above the feed: the feed's newest line must stay in view.
            self._card = view.cards[-1].number
            self.query_one("#news", LiteralCard).show_markdown(
                "**Latest news**\n\n" + card_markdown(view.cards[-1]))
            self.call_after_refresh(feed.scroll_end, animate=False)
        if view.history and view.history[-1].round != self._round:
            last = view.history[-1]
            self._round = last.round
            self.query_one("#recap", LiteralCard).show_markdown(
                f"**Round {last.round}**: {round_line(view, last)}")
        feed.view = view
