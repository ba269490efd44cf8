"""Replay: step through a logged session, move by move or round by round, forwards and back."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from exercise.conduct import FACILITATOR, Conductor
from exercise.room import Room
from exercise.sessions.restore import Restored, Stepper
from exercise.tui.dialogs import InfoDialog, element_markdown
from exercise.tui.help import HelpfulScreen
from exercise.tui.literal import literal, plain
from exercise.tui.widgets import (
    ElementsTable,
    ElementStrip,
    Feed,
    PartiesPanel,
    StatusLine,
    TracksPanel,
)


class ReplayScreen(HelpfulScreen):
    """The table as it stood after each move of a session (the facilitator's view)."""

    CSS_PATH = "exercise.tcss"

    BINDINGS = [
        # Priority: the table under the cursor would take these keys for scrolling. The
        # footer shows one key of each action: the others are listed here, unshown.
        Binding("left", "step(-1)", "Back", id="previous", priority=True),
        Binding("right", "step(1)", "Next", id="next", priority=True),
        Binding("left_square_bracket", "round(-1)", "Round back", id="previous-round",
                priority=True),
        Binding("right_square_bracket", "round(1)", "Next round", id="next-round",
                priority=True),
        Binding("home", "jump(0)", "Start", id="start", priority=True),
        Binding("end", "jump(-1)", "End", id="end", priority=True),
        Binding("d", "details", "Element", id="details"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
        Binding("h", "step(-1)", "Back", show=False, priority=True),
        Binding("l", "step(1)", "Next", show=False, priority=True),
        Binding("pageup", "round(-1)", "Round back", show=False, priority=True),
        Binding("pagedown", "round(1)", "Next round", show=False, priority=True),
    ]

    def __init__(self, restored: Restored):
        super().__init__()
        self.record = restored.record
        self.scenario = restored.conductor.scenario
        self.total = len(self.record.moves)
        self.position = self.total
        self.stepper = Stepper(self.record, self.scenario, at_end=restored.conductor)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="replay-position")
        yield StatusLine(id="status")
        with Horizontal(id="table-body"):
            with Vertical(id="left"):
                yield ElementsTable(id="elements")
                yield ElementStrip(id="strip")
                yield Feed(id="feed")
            with Vertical(id="right"):
                yield PartiesPanel(id="parties")
                yield TracksPanel(id="tracks")
        yield Footer(show_command_palette=False)  # ctrl+p still opens it; the keys need room

    def on_mount(self) -> None:
        self.title = plain(f"Replay — {self.scenario.title}")
        self.sub_title = plain(self.record.path.name)
        self.query_one(ElementsTable).focus()
        self.show()

    @property
    def conductor(self) -> Conductor:
        """The exercise as it stood at the current position."""
        return self.stepper.conductor

    def where(self) -> str:
        """The position in words: which move of how many, its round, and the move told as
        the feed tells the game, with names."""
        if not self.position:
            return f"The start, before move 1 of {self.total} · round 1"
        logged = self.record.moves[self.position - 1]
        told = self.conductor.narrator.move(logged.move, logged.by)
        return f"Move {self.position} of {self.total} · round {logged.round} · {told}"

    def show(self) -> None:
        """Bring the exercise to the current position and draw it."""
        afresh = self.stepper.seek(self.position)
        self.query_one("#replay-position", Static).update(literal(self.where()))
        view = Room(self.conductor).view(FACILITATOR)  # everything, as the record holds it
        self.query_one(StatusLine).view = view
        elements = self.query_one(ElementsTable)
        elements.view = view
        strip = self.query_one(ElementStrip)
        strip.element = elements.selected_element
        strip.view = view
        self.query_one(PartiesPanel).view = view
        self.query_one(TracksPanel).view = view
        feed = self.query_one(Feed)
        if afresh:
            feed.epoch += 1
        feed.view = view

    @on(DataTable.RowHighlighted, "#elements")
    def describe_highlighted(self) -> None:
        """The strip under the table follows the cursor."""
        self.query_one(ElementStrip).element = self.query_one(ElementsTable).selected_element

    def action_details(self) -> None:
        """Show the highlighted element in full, as it stood then."""
        element = self.query_one(ElementsTable).selected_element
        if element:
            view = Room(self.conductor).view(FACILITATOR)
            self.app.push_screen(InfoDialog(element_markdown(view, element)))

    def action_step(self, delta: int) -> None:
        """One move forwards or back."""
        self.position = max(0, min(self.total, self.position + delta))
        self.show()

    def action_round(self, delta: int) -> None:
        """To the first move of the next round, or of the previous one (from the first
        round, to the start); past the last round, to the end."""
        rounds = [logged.round for logged in self.record.moves]
        current = rounds[self.position - 1] if self.position else 0
        if delta > 0:
            later = [i for i, r in enumerate(rounds) if r > current]
            self.position = later[0] + 1 if later else self.total
        else:
            earlier = [r for r in rounds if 0 < r < current]
            target = earlier[-1] if earlier else None
            self.position = rounds.index(target) + 1 if target is not None else 0
        self.show()

    def action_jump(self, where: int) -> None:
        """To the start or the end."""
        self.position = 0 if where == 0 else self.total
        self.show()
