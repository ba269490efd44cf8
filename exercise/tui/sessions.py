"""The list of unfinished sessions, from the picker: choose one to resume."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from exercise.sessions.reader import SessionRecord


class ResumeList(ModalScreen[None]):
    """Unfinished sessions, newest first."""

    CSS_PATH = "exercise.tcss"
    BINDINGS = [Binding("escape", "close", "Back", id="close")]

    def __init__(self, sessions: list[SessionRecord]):
        super().__init__()
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label("Resume an unfinished session", classes="dialog-title")
            options = []
            for i, record in enumerate(self.sessions):
                title = record.header.get("scenario", {}).get("title", "?")
                rounds = [e.get("round", 0) for e in record.events if e.get("round")]
                where = f"round {max(rounds)}" if rounds else "not started"
                options.append(Option(f"{title}\n  started {record.header.get('started', '?')}"
                                      f" · {len(record.moves)} moves · {where} · "
                                      f"{record.path.name}", id=str(i)))
            yield OptionList(*options, id="sessions")
            yield Footer()

    @on(OptionList.OptionSelected, "#sessions")
    def resume_chosen(self, event: OptionList.OptionSelected) -> None:
        """Resume the chosen session."""
        from exercise.sessions.restore import RestoreError, resume
        from exercise.tui.help import app_of

        record = self.sessions[int(event.option.id or 0)]
        try:
            restored = resume(record.path)
        except RestoreError as exc:
            self.notify(str(exc), title="Cannot resume", severity="error", timeout=12)
            return
        app = app_of(self)
        self.dismiss(None)
        app.continue_session(restored)

    def action_close(self) -> None:
        """Back to the picker."""
        self.dismiss(None)
