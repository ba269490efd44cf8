"""The screens around the table: seat assignment, briefing, a seat's own view, debrief.

Each is given what it shows (a scenario before the exercise starts; a view of the room
once it has) and posts a message when it is done (see :mod:`exercise.tui.messages`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Label,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from exercise.bots import PERSONAS
from exercise.bots.personas import persona_for
from exercise.conduct import SeatPlan
from exercise.reports.document import Document
from exercise.reports.markdown import section as markdown_section
from exercise.scenario.model import Scenario
from exercise.tui.dialogs import InfoDialog
from exercise.tui.handover import hand_over
from exercise.tui.help import HelpfulScreen
from exercise.tui.literal import literal, md_escape, rich_text, styled
from exercise.tui.literal_markdown import LiteralMarkdown
from exercise.tui.messages import BackToPicker, BeginTable, SeatsChosen
from exercise.view import View

if TYPE_CHECKING:
    from exercise.station import Station, Turns

PERSONA_ORDER = list(PERSONAS)


# --- seats -----------------------------------------------------------------------------------


class SeatScreen(HelpfulScreen):
    """Who plays each delegation: a person, or the computer with a persona."""

    CSS_PATH = "exercise.tcss"  # app-wide once loaded: the dialogs use it too

    BINDINGS = [
        Binding("space", "toggle_seat", "Seat", id="toggle"),
        Binding("c", "persona", "Persona", id="persona"),
        Binding("s", "solo", "Solo", id="solo"),
        Binding("a", "all_computer", "All CPU", id="all-computer"),
        Binding("enter", "start", "Start", id="start", priority=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("escape", "back", "Back", id="back"),
    ]

    def __init__(self, scenario: Scenario):
        super().__init__()
        self.scenario = scenario
        self.plans = {
            p.id: SeatPlan(p.id, human=False, persona=persona_for(p)) for p in scenario.parties
        }

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="seats"):
            yield Label(styled("Seats — ", self.scenario.title), classes="pane-title")
            yield Static("space: person/computer · c: persona · s: solo as the highlighted "
                         "delegation · enter: start", classes="hint")
            yield DataTable(id="seat-table", cursor_type="row")
            yield Static("", id="seat-summary")
            with Horizontal(classes="buttons"):
                yield Button("Start (enter)", id="do-start",
                             action="screen.start", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#seat-table", DataTable)
        for column in ("Delegation", "Role", "Seat", "Persona"):
            table.add_column(column, key=column)
        for party in self.scenario.parties:
            table.add_row(rich_text(party.name), rich_text(party.role), "", "", key=party.id)
        self.refresh_rows()
        table.focus()

    def refresh_rows(self) -> None:
        """Show the seat plan."""
        table = self.query_one("#seat-table", DataTable)
        for pid, plan in self.plans.items():
            table.update_cell(pid, "Seat", rich_text("person" if plan.human else "computer"))
            table.update_cell(pid, "Persona", rich_text("—" if plan.human else plan.persona))
        humans = [self.scenario.party(p).name for p, plan in self.plans.items() if plan.human]
        if not humans:
            text = "Every seat is played by the computer: you watch as facilitator."
        elif len(humans) == 1:
            text = f"Solo: you play {humans[0]}; the computer plays the rest."
        else:
            text = (f"Hot seat: {', '.join(humans)} share this screen; a hand-over screen "
                    "guards each seat's secrets.")
        self.query_one("#seat-summary", Static).update(literal(text))

    def highlighted(self) -> str:
        """The party id under the cursor."""
        table = self.query_one("#seat-table", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value)

    def action_toggle_seat(self) -> None:
        """Switch the highlighted seat between a person and the computer."""
        pid = self.highlighted()
        plan = self.plans[pid]
        self.plans[pid] = SeatPlan(pid, not plan.human, plan.persona)
        self.refresh_rows()

    def action_persona(self) -> None:
        """Cycle the highlighted computer seat's persona."""
        pid = self.highlighted()
        plan = self.plans[pid]
        nxt = PERSONA_ORDER[(PERSONA_ORDER.index(plan.persona) + 1) % len(PERSONA_ORDER)]
        self.plans[pid] = SeatPlan(pid, plan.human, nxt)
        self.refresh_rows()

    def action_solo(self) -> None:
        """Play the highlighted delegation alone; the computer takes every other seat."""
        pid = self.highlighted()
        self.plans = {p: SeatPlan(p, p == pid, plan.persona) for p, plan in self.plans.items()}
        self.refresh_rows()

    def action_all_computer(self) -> None:
        """Let the computer play every seat."""
        self.plans = {p: SeatPlan(p, False, plan.persona) for p, plan in self.plans.items()}
        self.refresh_rows()

    def action_start(self) -> None:
        """Start the exercise with this seat plan."""
        self.post_message(SeatsChosen(dict(self.plans)))

    def action_back(self) -> None:
        """Back to the picker."""
        self.post_message(BackToPicker())



# --- briefing --------------------------------------------------------------------------------


def situation_markdown(view: View) -> str:
    """The background and the learning objectives."""
    parts = [f"# {md_escape(view.title)}", "", view.background, ""]
    if view.objectives:
        parts += ["## Learning objectives", ""]
        parts += [f"- {md_escape(o)}" for o in view.objectives]
    return "\n".join(parts)


def delegations_markdown(view: View) -> str:
    """Every public brief."""
    parts = ["# The delegations", ""]
    for party in view.parties:
        parts += [f"## {md_escape(party.name)} ({party.role})", "", party.public_brief, ""]
    return "\n".join(parts)


def private_markdown(view: View) -> str:
    """The viewer's own private brief and walk-away."""
    assert view.seat is not None
    lines = [f"# Your private brief — {md_escape(view.name(view.seat))}", "",
             view.private_brief or "(no private brief)"]
    if view.walk_away is not None:
        rule = ("at ratification you choose whether to sign; a deal worth less is worth less "
                "than none") if view.signing_choice else "you sign only if your score reaches it"
        lines += ["", f"**Your walk-away:** {view.walk_away:g} — {rule}."]
    return "\n".join(lines)


def briefing_markdown(view: View) -> str:
    """The whole briefing as one document (with the viewer's private brief, if a seat)."""
    parts = [situation_markdown(view), delegations_markdown(view)]
    if view.seat is not None:
        parts.append(private_markdown(view))
    return "\n\n".join(parts)


class BriefingScreen(HelpfulScreen):
    """The opening briefing; at a shared screen, each seat reads its private brief in turn."""

    CSS_PATH = "exercise.tcss"  # app-wide once loaded: the dialogs use it too

    BINDINGS = [
        Binding("enter", "begin", "Go to the table", id="begin"),
        Binding("r", "private_briefs", "Private briefs", id="private-briefs"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, station: Station, turns: Turns):
        super().__init__()
        self.station = station
        self.turns = turns
        self.view = station.view()

    def compose(self) -> ComposeResult:
        yield Header()
        view = self.view
        with TabbedContent(id="briefing"):
            with TabPane("Situation", id="tab-situation"), VerticalScroll():
                yield LiteralMarkdown(situation_markdown(view))
            with TabPane("Delegations", id="tab-delegations"), VerticalScroll():
                yield LiteralMarkdown(delegations_markdown(view))
            if view.seat is not None:
                with TabPane("Your private brief", id="tab-private"), VerticalScroll():
                    yield LiteralMarkdown(private_markdown(view))
        with Horizontal(classes="buttons"):
            if self.station.shared:
                yield Button("Private briefs, seat by seat (r)", id="do-private",
                             action="screen.private_briefs", compact=True)
            yield Button("Go to the table (enter)", id="do-begin",
                         action="screen.begin", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Briefing — ←/→ switch tabs"
        self.query_one(Tabs).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Private briefs are handed out only at a shared screen."""
        if action == "private_briefs":
            return self.station.shared
        return True

    def action_begin(self) -> None:
        """To the table."""
        self.post_message(BeginTable())

    @work(exclusive=True, group="flow")
    async def action_private_briefs(self) -> None:
        """Each person's seat, in turn, is handed the keyboard and reads its private brief:
        one hand-over per seat, none back to the room (the briefing is public)."""
        for seat in self.station.people:
            why = "Your private brief is next."
            if not await hand_over(self.app, self.station, self.turns, seat, why):
                break
            await self.app.push_screen_wait(
                InfoDialog(private_markdown(self.station.view(seat)),
                           title=f"{self.station.name(seat)} only (private)"))
        self.turns.idle()


def seat_markdown(view: View) -> str:
    """A seat's private view: its brief, its values, its score, its private news."""
    assert view.seat is not None
    lines = [f"# {md_escape(view.name(view.seat))} — private", "",
             view.private_brief or "(no private brief)", ""]
    if view.score is not None and view.walk_away is not None:
        lines += [f"**Score:** {view.score:g} · **walk-away:** {view.walk_away:g}", "",
                  "| element | status | worth to you |", "|---|---|---|"]
        for row in view.elements:
            lines.append(f"| {md_escape(row.title)} | {row.status} | {row.value or 0:+g} |")
    private = [item.text for item in view.feed if item.private]
    if private:
        lines += ["", "## Private news", ""] + [f"- {md_escape(t)}" for t in private]
    return "\n".join(lines)


# --- debrief ----------------------------------------------------------------------------------


# The debrief's tabs, each the report's sections in order (any other section: the last tab).
DEBRIEF_TABS = (
    ("Outcome", ("overview", "results", "scores", "tracks", "elements")),
    ("Deal analysis", ("analysis",)),
    ("Timeline", ("timeline",)),
    ("Reveal", ("reveal",)),
    ("Debrief", ("questions", "epilogue", "objectives", "observations")),
)


def debrief_tabs(document: Document) -> list[tuple[str, str]]:
    """The report document as the debrief's tabs: (title, Markdown) each, every section
    of the document in exactly one tab."""
    placed = {sid for _, ids in DEBRIEF_TABS for sid in ids}
    tabs = []
    for n, (title, ids) in enumerate(DEBRIEF_TABS):
        sections = [s for sid in ids if (s := document.section(sid)) is not None]
        if n == len(DEBRIEF_TABS) - 1:
            sections += [s for s in document.sections if s.id not in placed]
        if sections:
            tabs.append((title, "\n".join(line for s in sections
                                          for line in markdown_section(s))))
    return tabs


class DebriefScreen(HelpfulScreen):
    """Ratification and debrief: the outcome, then the reveal, then the questions."""

    CSS_PATH = "exercise.tcss"  # app-wide once loaded: the dialogs use it too

    BINDINGS = [
        Binding("w", "write_report", "Write report", id="write"),
        Binding("n", "new", "New exercise", id="new"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, view: View, *, log: Path | None = None, files: bool = True,
                 again: bool = True):
        """The debrief of ``view`` (over); ``log``: the session log, if one was kept;
        ``files``: a report may be written on this computer; ``again``: another exercise
        can be started from here."""
        super().__init__()
        self.view = view
        self.log_file = log
        self.files = files
        self.again = again

    def compose(self) -> ComposeResult:
        yield Header()
        if self.files:
            yield Static(styled(f"Session log: {self.log_file}  ·  w writes the after-action "
                                "report (Markdown and HTML) beside it") if self.log_file
                         else "No session log was kept for this exercise.",
                         id="log-line", classes="hint")
        debrief = self.view.debrief
        document = debrief.document if debrief is not None else None
        with TabbedContent(id="debrief"):
            for n, (title, text) in enumerate(debrief_tabs(document) if document else []):
                with TabPane(title, id=f"tab-{n}"), VerticalScroll():
                    yield LiteralMarkdown(text)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Ratification and debrief — ←/→ switch tabs"
        self.query_one(Tabs).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A report is written only where files may be; a new exercise only where one
        can be started."""
        if action == "write_report":
            return self.files
        if action == "new":
            return self.again
        return True

    def action_write_report(self) -> None:
        """Write the after-action report (Markdown and HTML) beside the session log."""
        if self.log_file is None:
            self.notify("No session log was kept, so there is nothing to report from.",
                        severity="warning")
            return
        from exercise.files import FileProblem, write_output
        from exercise.reports import build_report, render
        from exercise.sessions.restore import RestoreError, rebuild
        from exercise.text import escape_controls

        try:
            report = build_report(rebuild(self.log_file))
            written = []
            for fmt in ("md", "html"):
                target = self.log_file.with_suffix(f".report.{fmt}")
                write_output(target, escape_controls(render(report, fmt)))  # 0600, whole
                written.append(str(target))
        except (RestoreError, FileProblem) as exc:
            self.notify(f"The report could not be written: {exc}", severity="error", timeout=10)
            return
        self.notify("Report written: " + " and ".join(written), title="After-action report",
                    timeout=10)

    def action_new(self) -> None:
        """Back to the picker for another exercise."""
        self.post_message(BackToPicker())
