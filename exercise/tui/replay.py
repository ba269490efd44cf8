"""Replay: step through a logged session, move by move or round by round, forwards and back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static

from exercise.conduct import FACILITATOR, Conductor
from exercise.room import Room
from exercise.sessions.restore import Restored, Stepper
from exercise.tui.help import HelpfulScreen
from exercise.tui.literal import literal, plain
from exercise.tui.widgets import ElementsTable, Feed, PartiesPanel, StatusLine, TracksPanel


class ReplayScreen(HelpfulScreen):
    """The table as it stood after each move of a session (the facilitator's view)."""

    CSS_PATH = "exercise.tcss"

    BINDINGS = [
        # Priority: the table under the cursor would take these keys for scrolling.
        Binding("right,l", "step(1)", "Next move", id="next", priority=True),
        Binding("left,h", "step(-1)", "Previous move", id="previous", priority=True),
        Binding("rightsquarebracket,pagedown", "round(1)", "Next round", id="next-round",
                priority=True),
        Binding("leftsquarebracket,pageup", "round(-1)", "Previous round", id="previous-round",
                priority=True),
        Binding("home", "jump(0)", "Start", id="start", priority=True),
        Binding("end", "jump(-1)", "End", id="end", priority=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, restored: Restored):
        super().__init__()
        self.record = restored.record
        self.scenario = restored.conductor.scenario
        self.total = len(self.record.moves)
        self.position = self.total
        self.stepper = Stepper(self.record, self.scenario, at_end=restored.conductor)
        # The round each move was made in (from the first event it set off).
        self.move_round = []
        events = self.record.events_by_move()
        for logged in self.record.moves:
            first = next(iter(events.get(logged.number, [])), None)
            self.move_round.append(int(first["round"]) if first else 0)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="replay-position")
        yield StatusLine(id="status")
        with Horizontal(id="table-body"):
            with Vertical(id="left"):
                yield ElementsTable(id="elements")
                yield Feed(id="feed")
            with Vertical(id="right"):
                yield PartiesPanel(id="parties")
                yield TracksPanel(id="tracks")
        yield Footer()

    def on_mount(self) -> None:
        self.title = plain(f"Replay — {self.scenario.title}")
        self.show()

    @property
    def conductor(self) -> Conductor:
        """The exercise as it stood at the current position."""
        return self.stepper.conductor

    def show(self) -> None:
        """Bring the exercise to the current position and draw it."""
        afresh = self.stepper.seek(self.position)
        last = self.record.moves[self.position - 1] if self.position else None
        what = f"move {self.position} of {self.total}"
        if last is not None:
            what += f" — {last.by}: {last.move.to_data()}"
        self.query_one("#replay-position", Static).update(literal(
            f"Replay of {self.record.path.name} · {what} · ←/→ moves, [ ] rounds, home/end"))
        view = Room(self.conductor).view(FACILITATOR)  # everything, as the record holds it
        self.query_one(StatusLine).view = view
        elements = self.query_one(ElementsTable)
        elements.wide = self.size.width >= 120
        elements.view = view
        self.query_one(PartiesPanel).view = view
        self.query_one(TracksPanel).view = view
        feed = self.query_one(Feed)
        if afresh:
            feed.epoch += 1
        feed.view = view

    def action_step(self, delta: int) -> None:
        """One move forwards or back."""
        self.position = max(0, min(self.total, self.position + delta))
        self.show()

    def action_round(self, delta: int) -> None:
        """To the first move of the next (or previous) round."""
        current = self.move_round[self.position - 1] if self.position else 0
        if delta > 0:
            later = [i for i, r in enumerate(self.move_round) if r > current]
            self.position = later[0] + 1 if later else self.total
        else:
            earlier = [i for i, r in enumerate(self.move_round) if r < current]
            target = self.move_round[earlier[-1]] if earlier else 0
            starts = [i for i, r in enumerate(self.move_round) if r == target]
            self.position = starts[0] + 1 if starts and target else 0
        self.show()

    def action_jump(self, where: int) -> None:
        """To the start or the end."""
        self.position = 0 if where == 0 else self.total
        self.show()
