"""The facilitator's console: the inject deck, the timer, ratification, the end, the notes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from exercise.conduct import Conductor
from exercise.engine import EventKind
from exercise.guide import Guide
from exercise.tui.literal import md_escape, styled
from exercise.tui.literal_markdown import LiteralMarkdown


@dataclass(frozen=True)
class ConsoleAction:
    """What the facilitator chose: fire an inject, call ratification, or end the exercise."""

    kind: str  # "fire", "ratify", "end", "note"
    inject: str | None = None
    text: str | None = None


@dataclass
class TimerControls:
    """The table's timer, as the console may work it."""

    describe: Callable[[], str]
    toggle: Callable[[], None]
    extend: Callable[[int], None]


TRIGGER_WORDS = {"at": "timed", "when": "conditional", "ad_hoc": "ad-hoc card"}


class FacilitatorConsole(ModalScreen[ConsoleAction | None]):
    """Everything the facilitator can do, one key away from the table."""

    BINDINGS = [
        Binding("i", "fire", "Fire", id="fire", tooltip="Fire the highlighted inject"),
        Binding("space", "toggle_timer", "Pause/resume", id="timer",
                tooltip="Pause or resume the discussion timer"),
        Binding("plus,equals_sign", "extend", "+1 min", id="extend",
                tooltip="Give the discussion one more minute"),
        Binding("r", "ratify", "Ratify", id="ratify", tooltip="Call ratification now"),
        Binding("x", "end", "End", id="end", tooltip="End the exercise"),
        Binding("n", "note", "Note", id="note"),
        Binding("escape,f", "close", "Back", id="close"),
    ]

    def __init__(self, conductor: Conductor, guide: Guide, timer: TimerControls):
        super().__init__()
        self.conductor = conductor
        self.guide = guide
        self.timer = timer

    def compose(self) -> ComposeResult:
        game = self.conductor.game
        scenario = self.conductor.scenario
        with Vertical(id="dialog", classes="dialog wide tall"):
            yield Label(f"Facilitator — round {game.round}, {game.phase}", classes="dialog-title")
            yield Static(self.timer.describe(), id="timer-state")
            with Horizontal(id="console-body"):
                with Vertical(id="deck-pane"):
                    yield Label("Inject deck — i fires", classes="pane-title")
                    options = []
                    for iid in game.available_injects():
                        inject = scenario.inject(iid)
                        tag = TRIGGER_WORDS[inject.trigger]
                        if inject.trigger == "at" and inject.at:
                            tag += f", round {inject.at.round}"
                        if inject.is_private:
                            tag = "private, " + tag
                        options.append(Option(styled(inject.title, f" ({tag})"), id=iid))
                    if not options:
                        options.append(Option("(no inject left to play)", id="__none__",
                                              disabled=True))
                    yield OptionList(*options, id="deck")
                with VerticalScroll(id="notes-pane"):
                    yield LiteralMarkdown(self.notes(), id="notes")
            with Horizontal(classes="buttons"):
                yield Button("Fire (i)", id="do-fire",
                             action="screen.fire", variant="warning", compact=True)
                yield Button("Note (n)", id="do-note", action="screen.note", compact=True)
                yield Button("Ratify (r)", id="do-ratify", action="screen.ratify", compact=True)
                yield Button("End (x)", id="do-end",
                             action="screen.end", variant="error", compact=True)
                yield Button("Back (esc)", id="do-close",
                             action="screen.close", variant="primary", compact=True)
            yield Footer()

    def notes(self) -> str:
        """The facilitator's notes: this round, the last inject, and what has fired."""
        game = self.conductor.game
        scenario = self.conductor.scenario
        parts = []
        fired = [e for e in game.events if e.kind is EventKind.INJECT_FIRED]
        if fired:
            last = scenario.inject(fired[-1].data["inject"])
            audience = fired[-1].audience
            private = (" — private to " + ", ".join(md_escape(scenario.party(p).name)
                                                    for p in audience) if audience else "")
            parts.append(f"## Last inject: {md_escape(last.title)}{private}")
            parts.append("> " + last.text.strip().replace("\n", "\n> "))
            if last.facilitator_note:
                parts.append(last.facilitator_note)
            if last.expected_actions:
                parts.append("**Expected actions:**\n" + "\n".join(
                    f"- {md_escape(a)}" for a in last.expected_actions))
            if last.questions:
                parts.append("**Questions for the room:**\n" + "\n".join(
                    f"- {md_escape(q)}" for q in last.questions))
            extra = self.guide.for_inject(last.id)
            if extra:
                parts.append(extra)
        round_notes = self.guide.for_round(game.round)
        parts.append(round_notes or f"## Round {game.round}\n\n(no notes for this round in "
                                    "the facilitator guide)")
        if fired:
            listed = []
            for event in fired:
                inject = scenario.inject(event.data["inject"])
                who = (" — private to " + ", ".join(md_escape(scenario.party(p).name)
                                                    for p in event.audience)
                       if event.audience else "")
                listed.append(f"- round {event.round}: {md_escape(inject.title)}{who}")
            parts.append("## Fired so far\n\n" + "\n".join(listed))
        return "\n\n".join(parts)

    def action_fire(self) -> None:
        """Fire the highlighted inject."""
        deck = self.query_one("#deck", OptionList)
        if deck.highlighted is None:
            self.notify("Highlight an inject first (arrow keys).", severity="warning")
            return
        option = deck.get_option_at_index(deck.highlighted)
        if option.id and option.id != "__none__":
            self.dismiss(ConsoleAction("fire", option.id))

    def action_toggle_timer(self) -> None:
        """Pause or resume the discussion timer."""
        self.timer.toggle()
        self.query_one("#timer-state", Static).update(self.timer.describe())

    def action_extend(self) -> None:
        """Add a minute to the discussion timer."""
        self.timer.extend(60)
        self.query_one("#timer-state", Static).update(self.timer.describe())

    def action_note(self) -> None:
        """Write an observation: it goes to the session log and the after-action report."""

        def written(text: str | None) -> None:
            if text and text.strip():
                self.dismiss(ConsoleAction("note", text=text.strip()))

        self.app.push_screen(NoteDialog(), written)

    def action_ratify(self) -> None:
        """Call ratification now."""
        self.dismiss(ConsoleAction("ratify"))

    def action_end(self) -> None:
        """End the exercise."""
        self.dismiss(ConsoleAction("end"))

    def action_close(self) -> None:
        """Back to the table."""
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#deck")
    def fire_selected(self) -> None:
        """Enter on a card fires it."""
        self.action_fire()



class NoteDialog(ModalScreen[str | None]):
    """The facilitator writes an observation (round and phase are added automatically)."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Observation (enter saves it to the log and the report)",
                        classes="dialog-title")
            yield Input(placeholder="What did you see?", id="note-text")
            yield Footer()

    @on(Input.Submitted, "#note-text")
    def save(self, event: Input.Submitted) -> None:
        """Enter saves the note."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
