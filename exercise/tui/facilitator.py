"""The facilitator's console: the inject deck, the timer, ratification, the end, the notes.

It shows the view of whoever runs the room at this screen: the facilitator (every
inject fired, private ones too, with the guide's notes), or a solo player, who runs the
room but reads only what its seat may (the public cards and its own private ones, no
guide notes). At a shared screen the table opens it only after a hand-over to the
facilitator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from exercise.engine import (
    CallRatification,
    EndExercise,
    FireInject,
    IllegalMoveError,
    Move,
    PauseTalks,
    ResumeTalks,
)
from exercise.engine.moves import ROOM, CloseChannel
from exercise.room import Room
from exercise.sessions.log import LogWriteError
from exercise.tui.dialogs import ConfirmDialog, SeatPick
from exercise.tui.literal import PlainInput, literal, md_escape, styled
from exercise.tui.literal_markdown import LiteralMarkdown
from exercise.view import View


@dataclass(frozen=True)
class ConsoleAction:
    """What the facilitator chose: fire an inject, call ratification, end, or a note."""

    kind: str  # "fire", "ratify", "end", "note", "talks" (pause/resume), "close" (a channel)
    inject: str | None = None
    text: str | None = None


@dataclass
class TimerControls:
    """The room's discussion timer, as the console may work it."""

    describe: Callable[[], str]
    toggle: Callable[[], None]
    extend: Callable[[int], None]


def console_markdown(view: View) -> str:
    """The notes beside the deck: the last inject and its notes, this round's notes from
    the guide, and what has fired (the facilitator's view); or, for a solo player, the
    news its seat has read."""
    parts = []
    console = view.console
    if console is None:
        if view.cards:
            listed = [f"- round {c.round}: {md_escape(c.title)}"
                      + (" — private to you" if c.private_for else "") for c in view.cards]
            parts.append("## News so far\n\n" + "\n".join(listed))
        parts.append(f"## Round {view.round}\n\nYou run the room as well as your seat: open "
                     "voting when the table is ready, fire a card from the deck, call "
                     "ratification when you judge the talks done.")
        return "\n\n".join(parts)
    if console.fired:
        last = console.fired[-1]
        private = (" — private to " + ", ".join(md_escape(n) for n in last.private_for)
                   if last.private_for else "")
        parts.append(f"## Last inject: {md_escape(last.title)}{private}")
        parts.append("> " + last.text.strip().replace("\n", "\n> "))
        if last.facilitator_note:
            parts.append(last.facilitator_note)
        if last.expected_actions:
            parts.append("**Expected actions:**\n\n" + "\n".join(
                f"- {md_escape(a)}" for a in last.expected_actions))
        if last.questions:
            parts.append("**Questions for the room:**\n\n" + "\n".join(
                f"- {md_escape(q)}" for q in last.questions))
        if last.guide_note:
            parts.append(last.guide_note)
    parts.append(console.round_notes or f"## Round {view.round}\n\n(no notes for this round "
                                         "in the facilitator guide)")
    if console.fired:
        listed = [f"- round {f.round}: {md_escape(f.title)}"
                  + (" — private to " + ", ".join(md_escape(n) for n in f.private_for)
                     if f.private_for else "") for f in console.fired]
        parts.append("## Fired so far\n\n" + "\n".join(listed))
    if console.notes:
        parts.append("## Your observations\n\n" + "\n".join(f"- {md_escape(n)}"
                                                           for n in console.notes))
    return "\n\n".join(parts)


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
        Binding("t", "talks", "Pause/resume talks", id="talks",
                tooltip="Pause the side talks (no message, offer or answer), or resume them"),
        Binding("c", "close_channel", "Close a channel", id="close-channel",
                tooltip="Close one channel of the side talks (or the room's) for good"),
        Binding("escape,f", "close", "Back", id="close"),
    ]

    def __init__(self, view: View, timer: TimerControls):
        """The console over ``view`` (the facilitator's, or a solo seat's)."""
        super().__init__()
        self.view = view
        self.timer = timer

    def compose(self) -> ComposeResult:
        view = self.view
        who = "Facilitator" if view.console is not None else "Running the room"
        with Vertical(id="dialog", classes="dialog wide tall"):
            yield Label(f"{who} — round {view.round}, {view.phase}", classes="dialog-title")
            yield Static(literal(self.timer.describe()), id="timer-state")
            with Horizontal(id="console-body"):
                with Vertical(id="deck-pane"):
                    yield Label("Inject deck — i fires", classes="pane-title")
                    options = []
                    for card in view.legal.deck:
                        tag = card.trigger
                        if card.round is not None and card.trigger == "timed":
                            tag += f", round {card.round}"
                        if card.private_for:
                            tag = "private to " + ", ".join(card.private_for) + ", " + tag
                        options.append(Option(styled(card.title, f" ({tag})"), id=card.id))
                    if not options:
                        options.append(Option("(no inject left to play)", id="__none__",
                                              disabled=True))
                    yield OptionList(*options, id="deck")
                with VerticalScroll(id="notes-pane"):
                    yield LiteralMarkdown(console_markdown(view), id="notes")
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
        self.query_one("#timer-state", Static).update(literal(self.timer.describe()))

    def action_extend(self) -> None:
        """Add a minute to the discussion timer."""
        self.timer.extend(60)
        self.query_one("#timer-state", Static).update(literal(self.timer.describe()))

    def action_note(self) -> None:
        """Write an observation: it goes to the session log and the after-action report."""

        def written(text: str | None) -> None:
            if text and text.strip():
                self.dismiss(ConsoleAction("note", text=text.strip()))

        self.app.push_screen(NoteDialog(), written)

    def action_talks(self) -> None:
        """Pause the side talks, or resume them."""
        legal = self.view.legal
        if legal.pause_talks or legal.resume_talks:
            self.dismiss(ConsoleAction("talks"))
        else:
            self.notify("The side talks cannot be paused now.", severity="warning")

    def action_close_channel(self) -> None:
        """Close a channel of the side talks."""
        if self.view.legal.close_channels:
            self.dismiss(ConsoleAction("close"))
        else:
            self.notify("No channel to close.", severity="warning")

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
            yield PlainInput(placeholder="What did you see?", id="note-text", max_length=2000)
            yield Footer()

    @on(Input.Submitted, "#note-text")
    def save(self, event: Input.Submitted) -> None:
        """Enter saves the note."""
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class RoomRunner:
    """Whoever runs the room at a screen (the facilitator, or a solo player), acting on it:
    the room's moves, its timer and notes, and the console, written once for the table and
    the hosted dashboard. A refusal is a notice on ``screen``; a log that fails has
    stopped the room, which says so itself."""

    def __init__(self, screen: Screen[Any], room: Room, runner: str,
                 clock: Callable[[], float]):
        self.screen = screen
        self.room = room
        self.runner = runner
        self.clock = clock

    def do(self, call: Callable[[str], object]) -> bool:
        """Call ``call(runner)`` on the room; whether the room took it."""
        try:
            call(self.runner)
        except IllegalMoveError as exc:
            self.screen.notify(str(exc), title="Not allowed", severity="error", timeout=8)
            return False
        except LogWriteError:
            return False
        return True

    def quietly(self, call: Callable[[str], object]) -> None:
        """:meth:`do`, for a control that wants no answer (the console's timer keys)."""
        self.do(call)

    def move(self, move: Move) -> bool:
        """Make one of the runner's moves."""
        return self.do(lambda who: self.room.act(who, move))

    async def console(self) -> None:
        """Open the console on the runner's view, then carry out what was chosen (asking
        before ratification and the end). Call it from a worker."""
        room, runner, app = self.room, self.runner, self.screen.app
        controls = TimerControls(
            describe=lambda: "Discussion timer: "
                             f"{room.view(runner).timer.text(self.clock()) or 'not running'}",
            toggle=lambda: self.quietly(room.toggle_timer),
            extend=lambda seconds: self.quietly(lambda who: room.extend_timer(who, seconds)),
        )
        action: ConsoleAction | None = await app.push_screen_wait(
            FacilitatorConsole(room.view(runner), controls))
        if action is None:
            return
        if action.kind == "note" and action.text:
            text = action.text
            if self.do(lambda who: room.note(who, text)):
                self.screen.notify("Observation recorded.", title="Facilitator", timeout=3)
        elif action.kind == "talks":
            legal = room.view(runner).legal
            self.move(ResumeTalks() if legal.resume_talks else PauseTalks())
        elif action.kind == "close":
            view = room.view(runner)
            choices = [("+".join(c) or ROOM, "The whole room" if not c else
                        ", ".join(view.name(p) for p in c))
                       for c in view.legal.close_channels]
            chosen = await app.push_screen_wait(SeatPick(choices, "Close which channel?"))
            if chosen:
                self.move(CloseChannel(ROOM if chosen == ROOM else tuple(chosen.split("+"))))
        elif action.kind == "fire" and action.inject:
            self.move(FireInject(action.inject))
        elif action.kind == "ratify":
            if await app.push_screen_wait(ConfirmDialog(
                    "Call ratification now? The talks stop and each delegation decides "
                    "whether to sign.")):
                self.move(CallRatification())
        elif action.kind == "end" and await app.push_screen_wait(
                ConfirmDialog("End the exercise now, without ratification?")):
            self.move(EndExercise())
