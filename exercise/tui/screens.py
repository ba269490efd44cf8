"""The screens around the table: picker, seat assignment, briefing, a seat's own view, debrief."""

from __future__ import annotations

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
from exercise.conduct import Conductor, SeatPlan
from exercise.engine import OutcomeKind, Status
from exercise.narration import outcome_reason
from exercise.scenario.model import Scenario
from exercise.tui.help import HelpfulScreen, app_of
from exercise.tui.literal import literal, md_escape, rich_text, styled
from exercise.tui.literal_markdown import LiteralMarkdown

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
        app_of(self).start_exercise(dict(self.plans))

    def action_back(self) -> None:
        """Back to the picker."""
        app_of(self).show_picker()



# --- briefing --------------------------------------------------------------------------------


def situation_markdown(scenario: Scenario) -> str:
    """The background and the learning objectives."""
    parts = [f"# {md_escape(scenario.title)}", "", scenario.background, ""]
    if scenario.objectives:
        parts += ["## Learning objectives", ""]
        parts += [f"- {md_escape(o.text)}" for o in scenario.objectives]
    return "\n".join(parts)


def delegations_markdown(scenario: Scenario) -> str:
    """Every public brief."""
    parts = ["# The delegations", ""]
    for party in scenario.parties:
        parts += [f"## {md_escape(party.name)} ({party.role})", "", party.public_brief, ""]
    return "\n".join(parts)


def private_markdown(scenario: Scenario, seat: str) -> str:
    """One seat's private brief and walk-away."""
    party = scenario.party(seat)
    return "\n".join([f"# Your private brief — {md_escape(party.name)}", "",
                      party.private_brief or "(no private brief)", "",
                      f"**Your walk-away:** {party.walk_away:g} — you sign only if your score "
                      "reaches it."])


def briefing_markdown(scenario: Scenario, seat: str | None) -> str:
    """The whole briefing as one document (with one seat's private brief, if given)."""
    parts = [situation_markdown(scenario), delegations_markdown(scenario)]
    if seat is not None:
        parts.append(private_markdown(scenario, seat))
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

    def __init__(self, conductor: Conductor):
        super().__init__()
        self.conductor = conductor

    def compose(self) -> ComposeResult:
        yield Header()
        scenario = self.conductor.scenario
        with TabbedContent(id="briefing"):
            with TabPane("Situation", id="tab-situation"), VerticalScroll():
                yield LiteralMarkdown(situation_markdown(scenario))
            with TabPane("Delegations", id="tab-delegations"), VerticalScroll():
                yield LiteralMarkdown(delegations_markdown(scenario))
            if self.conductor.solo is not None:
                with TabPane("Your private brief", id="tab-private"), VerticalScroll():
                    yield LiteralMarkdown(private_markdown(scenario, self.conductor.solo))
        with Horizontal(classes="buttons"):
            if self.conductor.hot_seat:
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
            return self.conductor.hot_seat
        return True

    def action_begin(self) -> None:
        """To the table."""
        app_of(self).open_table()

    def action_private_briefs(self) -> None:
        """Each human seat reads its own private brief, after a hand-over."""
        app_of(self).hand_out_private_briefs(self.conductor)



def seat_markdown(conductor: Conductor, seat: str) -> str:
    """A seat's private view: its brief, its values, its score, its private news."""
    scenario = conductor.scenario
    s = conductor.game.session
    party = scenario.party(seat)
    lines = [f"# {md_escape(party.name)} — private", "",
             party.private_brief or "(no private brief)", ""]
    if seat in conductor.game.book.voters:
        lines += [f"**Score:** {s.scores[seat]:g} · **walk-away:** {s.walk_away[seat]:g}", "",
                  "| element | status | worth to you |", "|---|---|---|"]
        for element in scenario.elements:
            if s.status[element.id] is Status.HIDDEN:
                continue
            lines.append(f"| {md_escape(element.title)} | {s.status[element.id]} | "
                         f"{s.values[seat].get(element.id, 0):+g} |")
    private = [line.text for line in conductor.feed if line.audience and seat in line.audience]
    if private:
        lines += ["", "## Private news", ""] + [f"- {md_escape(t)}" for t in private]
    return "\n".join(lines)


# --- debrief ----------------------------------------------------------------------------------


OUTCOME_WORDS = {
    OutcomeKind.AGREEMENT: "✔ AGREEMENT",
    OutcomeKind.NO_AGREEMENT: "✖ NO AGREEMENT",
    OutcomeKind.COLLAPSE: "☠ COLLAPSE",
    OutcomeKind.ENDED: "■ ENDED BY THE FACILITATOR",
}


def outcome_markdown(conductor: Conductor) -> str:
    """Ratification: the outcome, who signed, each score against its walk-away, the deal."""
    scenario = conductor.scenario
    game = conductor.game
    s = game.session
    outcome = game.outcome()
    assert outcome is not None
    lines = [f"# {OUTCOME_WORDS[outcome.kind]}", "",
             f"Round {outcome.round} of {scenario.rounds} — "
             f"{md_escape(outcome_reason(scenario, outcome))}.", "",
             "## Who signed", "", "| delegation | score | walk-away | signed |",
             "|---|---|---|---|"]
    required = set(game.book.required)
    for party in scenario.voters:
        signed = "✔ yes" if s.signed[party.id] else (
            "✖ no" if outcome.kind in (OutcomeKind.AGREEMENT, OutcomeKind.NO_AGREEMENT)
            else "— (no ratification)")
        must = " (required)" if party.id in required else ""
        lines.append(f"| {md_escape(party.name)}{must} | {s.scores[party.id]:g} | "
                     f"{s.walk_away[party.id]:g} | {signed} |")
    adopted = [scenario.element(e).title for e in game.book.element_ids
               if s.status[e] is Status.ADOPTED]
    lines += ["", "## The deal", ""] + ([f"- ✔ {md_escape(t)}" for t in adopted]
                                        or ["(nothing adopted)"])
    lines += ["", f"To replay these computer decisions, start again with seed {game.seed} "
                  f"(exercise play --seed {game.seed})."]
    return "\n".join(lines)


def reveal_markdown(conductor: Conductor) -> str:
    """The reveal: every private value and every private brief."""
    scenario = conductor.scenario
    s = conductor.game.session
    lines = ["# Reveal: every private brief and value", "",
             "Each delegation's private value of each element (✔ adopted):", ""]
    header = "| element | " + " | ".join(md_escape(p.short or p.name)
                                         for p in scenario.voters) + " |"
    lines += [header, "|---|" + "---|" * len(scenario.voters)]
    for element in scenario.elements:
        mark = "✔ " if s.status[element.id] is Status.ADOPTED else ""
        values = " | ".join(f"{s.values[p.id].get(element.id, 0):+g}" for p in scenario.voters)
        lines.append(f"| {mark}{md_escape(element.title)} | {values} |")
    for party in scenario.parties:
        lines += ["", f"## {md_escape(party.name)} — private brief", "",
                  party.private_brief or "(none)", "",
                  f"Walk-away: {s.walk_away[party.id]:g}"]
    return "\n".join(lines)


def questions_markdown(conductor: Conductor) -> str:
    """The debrief questions."""
    questions = conductor.scenario.debrief.questions
    return "# Debrief questions\n\n" + ("\n".join(f"1. {md_escape(q)}" for q in questions)
                                        if questions
                                        else "(this scenario has no debrief questions)")


class DebriefScreen(HelpfulScreen):
    """Ratification and debrief: the outcome, then the reveal, then the questions."""

    CSS_PATH = "exercise.tcss"  # app-wide once loaded: the dialogs use it too

    BINDINGS = [
        Binding("w", "write_report", "Write report", id="write"),
        Binding("n", "new", "New exercise", id="new"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]

    def __init__(self, conductor: Conductor):
        super().__init__()
        self.conductor = conductor

    def compose(self) -> ComposeResult:
        yield Header()
        log = self.conductor.log
        yield Static(styled(f"Session log: {log.path}  ·  w writes the after-action report "
                            "(Markdown and HTML) beside it") if log
                     else "No session log was kept for this exercise.",
                     id="log-line", classes="hint")
        with TabbedContent(id="debrief"):
            with TabPane("Outcome", id="tab-outcome"), VerticalScroll():
                yield LiteralMarkdown(outcome_markdown(self.conductor))
            with TabPane("Reveal", id="tab-reveal"), VerticalScroll():
                yield LiteralMarkdown(reveal_markdown(self.conductor))
            with TabPane("Debrief questions", id="tab-questions"), VerticalScroll():
                yield LiteralMarkdown(questions_markdown(self.conductor))
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Ratification and debrief — ←/→ switch tabs"
        self.query_one(Tabs).focus()

    def action_write_report(self) -> None:
        """Write the after-action report (Markdown and HTML) beside the session log."""
        log = self.conductor.log
        if log is None:
            self.notify("No session log was kept, so there is nothing to report from.",
                        severity="warning")
            return
        from exercise.files import FileProblem, write_output
        from exercise.reports import build_report, render
        from exercise.sessions.restore import RestoreError, rebuild
        from exercise.text import escape_controls

        try:
            report = build_report(rebuild(log.path))
            written = []
            for fmt in ("md", "html"):
                target = log.path.with_suffix(f".report.{fmt}")
                write_output(target, escape_controls(render(report, fmt)))  # 0600, whole
                written.append(str(target))
        except (RestoreError, FileProblem) as exc:
            self.notify(f"The report could not be written: {exc}", severity="error", timeout=10)
            return
        self.notify("Report written: " + " and ".join(written), title="After-action report",
                    timeout=10)

    def action_new(self) -> None:
        """Back to the picker for another exercise."""
        app_of(self).show_picker()
