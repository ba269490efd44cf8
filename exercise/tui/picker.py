"""The scenario picker: the first screen, kept light so it paints as fast as Textual can.

The bundled scenarios are read in a worker thread after the first frame, so
pydantic and YAML load while the picker is already on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from exercise import catalog
from exercise.tui.help import HelpfulScreen
from exercise.tui.literal import Part, styled

RESUME = "__resume__"

if TYPE_CHECKING:
    from exercise.scenario.model import Scenario


@dataclass(frozen=True)
class Choice:
    """A scenario the picker offers."""

    name: str
    path: Path
    scenario: Scenario


def scenario_card(scenario: Scenario) -> Content:
    """What the picker says about a scenario."""
    timing = f"{scenario.rounds} rounds"
    if scenario.round_minutes:
        timing += f" of {scenario.round_minutes:g} minutes"
    parts: list[Part] = [
        (scenario.title + "\n\n", "bold"),
        scenario.summary.strip() + "\n\n",
        ("Length: ", "bold"),
        f"about {scenario.minutes:.0f} minutes · {timing} · up to {scenario.max_package} "
        f"elements per proposal · {len(scenario.elements)} plan elements · "
        f"{len(scenario.injects)} injects\n\n",
        ("Delegations\n", "bold"),
    ]
    for party in scenario.parties:
        parts.append(f"  • {party.name} ({party.role})\n")
    return styled(*parts)


class PickerScreen(HelpfulScreen):
    """Choose a scenario."""

    CSS_PATH = "picker.tcss"

    BINDINGS = [
        Binding("enter", "choose", "Choose", id="choose", priority=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[Choice] = []
        self.unfinished: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Label("exercise — a negotiation tabletop", id="app-title")
        with Horizontal(id="picker"):
            with Vertical(id="picker-list"):
                yield Label("Choose a scenario", classes="pane-title")
                yield OptionList(Option("Reading the scenarios…", disabled=True),
                                 id="scenarios")
            with VerticalScroll(id="picker-detail"):
                yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "exercise — a negotiation tabletop"
        self.query_one("#scenarios", OptionList).focus()
        # Read the scenarios (pydantic, YAML) only once the picker is on screen.
        self.call_after_refresh(self.read_scenarios)

    @work(thread=True, exclusive=True, group="picker")
    def read_scenarios(self) -> None:
        """Read and check every bundled scenario (in a thread: the picker is already drawn)."""
        from exercise.scenario.loading import check_file

        choices = []
        for entry in catalog.bundled():
            scenario = check_file(entry.path).scenario
            if scenario is not None:
                choices.append(Choice(entry.name, entry.path, scenario))
        choices.sort(key=lambda c: (c.name != "tutorial", c.scenario.period, c.name))
        from exercise.sessions.restore import list_sessions

        # Unfinished sessions, and any file there that could not be read (listed, not fatal).
        self.unfinished = [e for e in list_sessions() if e.unfinished or e.record is None]
        self.app.call_from_thread(self.show_choices, choices)

    def show_choices(self, choices: list[Choice]) -> None:
        """Fill the list."""
        if not self.query("#scenarios"):
            return  # the app closed while the scenarios were being read
        self.choices = choices
        options = self.query_one("#scenarios", OptionList)
        options.clear_options()
        if not choices:
            options.add_option(Option("No scenarios are installed.", disabled=True))
            return
        options.add_options([Option(styled(c.scenario.title, f"\n  {c.name} · "
                                           f"{len(c.scenario.voters)} delegations · "
                                           f"~{c.scenario.minutes:.0f} min"), id=c.name)
                             for c in choices])
        if self.unfinished:
            bad = sum(1 for e in self.unfinished if e.record is None)
            more = f"\n  and {bad} unreadable file{'s' * (bad != 1)}" if bad else ""
            options.add_option(Option(f"Resume an unfinished session "
                                      f"({len(self.unfinished) - bad})…{more}", id=RESUME))
        options.highlighted = 0
        self.query_one("#detail", Static).update(scenario_card(choices[0].scenario))

    def current(self) -> Choice | None:
        """The highlighted scenario."""
        if not self.query("#scenarios"):
            return None
        index = self.query_one("#scenarios", OptionList).highlighted
        if index is None or index >= len(self.choices):
            return None
        return self.choices[index]

    @on(OptionList.OptionHighlighted, "#scenarios")
    def show_detail(self) -> None:
        """Describe the highlighted scenario."""
        choice = self.current()
        if choice is None and self.unfinished:
            self.query_one("#detail", Static).update(
                "Sessions that stopped before the end (a closed terminal, a crash, a break). "
                "Choose one to go on exactly where it stopped.")
        if choice:
            self.query_one("#detail", Static).update(scenario_card(choice.scenario))

    @on(OptionList.OptionSelected, "#scenarios")
    def choose_on_enter(self) -> None:
        """Enter on a scenario chooses it."""
        self.action_choose()

    def action_choose(self) -> None:
        """Go on to seat assignment (or to the list of sessions to resume)."""
        options = self.query_one("#scenarios", OptionList)
        if options.highlighted is not None and \
                options.get_option_at_index(options.highlighted).id == RESUME:
            from exercise.tui.sessions import ResumeList

            self.app.push_screen(ResumeList(self.unfinished))
            return
        choice = self.current()
        if choice:
            from exercise.tui.messages import ScenarioChosen

            self.post_message(ScenarioChosen(choice.path, choice.scenario))


