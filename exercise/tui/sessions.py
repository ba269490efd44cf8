"""The list of unfinished sessions, from the picker: choose one to resume.

A file in the sessions folder that cannot be read is listed too, greyed out with why, so a
damaged log is visible and never stops the picker.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from exercise.sessions.restore import SessionEntry
from exercise.text import one_line
from exercise.tui.literal import line


def describe_entry(entry: SessionEntry) -> Content:
    """A session's line in the list: its scenario, when, how far; or why it is unreadable."""
    record = entry.record
    if record is None:
        return Content.assemble(line(entry.path.name), "\n  unreadable: ",
                                line(entry.problem or "unknown problem"))
    title = str(record.header["scenario"].get("title") or record.header["scenario"]["id"])
    rounds = [int(e["round"]) for e in record.events if e["round"]]
    where = f"round {max(rounds)}" if rounds else "not started"
    return Content.assemble(line(title), "\n  started ",
                            line(str(record.header.get("started", "?"))),
                            f" · {len(record.moves)} moves · {where} · ",
                            line(record.path.name))


class ResumeList(ModalScreen[None]):
    """Unfinished sessions, newest first (and unreadable files, which cannot be chosen)."""

    CSS_PATH = "exercise.tcss"
    BINDINGS = [Binding("escape", "close", "Back", id="close")]

    def __init__(self, sessions: list[SessionEntry]):
        super().__init__()
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label("Resume an unfinished session", classes="dialog-title")
            options = [Option(describe_entry(entry), id=str(i), disabled=entry.record is None)
                       for i, entry in enumerate(self.sessions)]
            yield OptionList(*options, id="sessions")
            yield Footer()

    @on(OptionList.OptionSelected, "#sessions")
    def resume_chosen(self, event: OptionList.OptionSelected) -> None:
        """Resume the chosen session."""
        from exercise.sessions.restore import RestoreError, resume
        from exercise.tui.messages import ResumeChosen

        entry = self.sessions[int(event.option.id or 0)]
        if entry.record is None:
            return
        try:
            restored = resume(entry.path)
        except RestoreError as exc:
            self.notify(one_line(str(exc)), title="Cannot resume", severity="error",
                        timeout=12, markup=False)
            return
        self.app.post_message(ResumeChosen(restored))
        self.dismiss(None)

    def action_close(self) -> None:
        """Back to the picker."""
        self.dismiss(None)
