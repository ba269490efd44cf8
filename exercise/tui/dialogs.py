"""Dialogs: propose, vote, an element's detail, an inject card, confirmations, hand-overs, help.

Each dialog is a ``ModalScreen[T]`` that returns a typed result: a move, a yes/no,
or nothing. The engine decides legality; a dialog only offers what the engine says
is legal and explains the rest.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Footer,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from exercise.conduct import Conductor
from exercise.engine import PACKAGE, Ballot, IllegalMoveError, Move, Pass, Table, Vote
from exercise.engine.rulebook import Rulebook
from exercise.scenario.model import Inject, Scenario
from exercise.tui.literal import line, literal, md_escape, styled
from exercise.tui.literal_markdown import LiteralMarkdown
from exercise.tui.widgets import VOTE_WORDS

STANCE_WORDS = {"support": "supports", "oppose": "opposes", "neutral": "is neutral on"}


def value_label(value: float) -> str:
    """An element's worth to the viewer, in words and sign."""
    return f"{value:+g} for you" if value else "0 for you"



def _refusal(exc: IllegalMoveError, conductor: Conductor) -> str:
    """Why the engine refused a move, for the screen: elements by their titles. (What it
    expected instead is already what the dialog offers.)"""
    text = exc.reason
    for element in conductor.scenario.elements:
        text = text.replace(f"'{element.id}'", f"“{element.title}”")
    return f"⚠ {text}"


def _warn(screen: ModalScreen[Any], text: str) -> None:
    """Show what is wrong with the dialog's move (the line takes no room until then)."""
    problem = screen.query_one("#problem", Static)
    problem.update(literal(text))
    problem.display = True

class ProposalDialog(ModalScreen[Move | None]):
    """The proposer chooses what to table, or passes. Only legal elements can be chosen."""

    BINDINGS = [
        Binding("t", "table", "Table selected", id="table"),
        Binding("x", "pass_turn", "Pass", id="pass"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def __init__(self, conductor: Conductor, party: str):
        super().__init__()
        self.conductor = conductor
        self.party = party

    def compose(self) -> ComposeResult:
        game = self.conductor.game
        name = self.conductor.scenario.party(self.party).name
        limit = game.book.max_package
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(name, f" proposes — choose 1 to {limit} "
                                     f"element{'s' * (limit > 1)}"), classes="dialog-title")
            options: list[Selection[str]] = []
            blocked: list[str] = []
            titles = {e.id: e.title for e in self.conductor.scenario.elements}
            for element in self.conductor.scenario.elements:
                if game.status(element.id) in ("hidden", "adopted"):
                    continue
                why = game.why_not_tableable(element.id, titles.__getitem__)
                value = game.session.values[self.party].get(element.id, 0)
                if why:
                    blocked.append(f"✖ {element.title}: {why.removeprefix('it ')}")
                else:
                    options.append(Selection(styled(element.title, f"  ({value_label(value)})"),
                                             element.id))
            yield SelectionList[str](*options, id="choices")
            if blocked:
                with VerticalScroll(id="blocked"):
                    yield Static(literal("Not available now:\n" + "\n".join(blocked)),
                                 classes="hint")
            yield Static("Tabling: nothing yet — space selects the highlighted element",
                         id="picked", classes="hint")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Table selected (t)", id="do-table",
                             action="screen.table", variant="primary", compact=True)
                yield Button("Pass (x)", id="do-pass", action="screen.pass_turn", compact=True)
                yield Button("Back (esc)", id="do-cancel", action="screen.cancel", compact=True)
            yield Footer()

    @on(SelectionList.SelectedChanged, "#choices")
    def show_picked(self) -> None:
        """Say in words what is selected (not by colour alone)."""
        chosen = self.query_one("#choices", SelectionList).selected
        titles = [e.title for e in self.conductor.scenario.elements if e.id in chosen]
        limit = self.conductor.game.book.max_package
        text = f"Tabling ({len(titles)} of at most {limit}): " + ", ".join(titles) if titles \
            else "Tabling: nothing yet — space selects the highlighted element"
        self.query_one("#picked", Static).update(literal(text))

    def _try(self, move: Move) -> None:
        try:
            self.conductor.game.check(move)
        except IllegalMoveError as exc:
            _warn(self, _refusal(exc, self.conductor))
            return
        self.dismiss(move)

    def action_table(self) -> None:
        """Table the selected elements."""
        chosen = tuple(self.query_one("#choices", SelectionList).selected)
        if not chosen:
            _warn(self, "⚠ Select at least one element (space), or pass (x).")
            return
        order = [e.id for e in self.conductor.scenario.elements]
        self._try(Table(self.party, tuple(sorted(chosen, key=order.index))))

    def action_pass_turn(self) -> None:
        """Table nothing this round."""
        self._try(Pass(self.party))

    def action_cancel(self) -> None:
        """Close without moving."""
        self.dismiss(None)





class VoteDialog(ModalScreen[Move | None]):
    """A secret ballot: accept, reject or abstain on each tabled element (or the package)."""

    BINDINGS = [
        Binding("a", "choose('accept')", "Accept", id="accept"),
        Binding("r", "choose('reject')", "Reject", id="reject"),
        Binding("s", "choose('abstain')", "Abstain", id="abstain"),
        Binding("c", "cast", "Cast vote", id="cast"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def __init__(self, conductor: Conductor, party: str):
        super().__init__()
        self.conductor = conductor
        self.party = party
        self.targets = conductor.game.ballot_targets()
        self.line = 0
        self.chosen: dict[str, Ballot] = {}

    def compose(self) -> ComposeResult:
        game = self.conductor.game
        scenario = self.conductor.scenario
        name = scenario.party(self.party).name
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(name, " votes — secret until every ballot is in"),
                        classes="dialog-title")
            with VerticalScroll(id="ballot"):
                for target in self.targets:
                    if target == PACKAGE:
                        titles = ", ".join(scenario.element(e).title for e in game.tabled)
                        value = sum(game.session.values[self.party].get(e, 0)
                                    for e in game.tabled)
                        label = f"The package: {titles}  ({value_label(value)})"
                    else:
                        value = game.session.values[self.party].get(target, 0)
                        label = f"{scenario.element(target).title}  ({value_label(value)})"
                    yield Label(literal(label), classes="ballot-label")
                    with RadioSet(id=f"ballot-{target}", classes="ballot"):
                        yield RadioButton("Accept")
                        yield RadioButton("Reject")
                        yield RadioButton("Abstain")
            yield Static("", id="ballot-summary")
            yield Static("a accept · r reject · s abstain on the focused line; c casts the vote",
                         classes="hint")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Cast vote (c)", id="do-cast",
                             action="screen.cast", variant="primary", compact=True)
                yield Button("Back (esc)", id="do-cancel", action="screen.cancel", compact=True)
            yield Footer()

    def on_mount(self) -> None:
        self.query(RadioSet).first().focus()
        self.show_ballot()

    @on(RadioSet.Changed)
    def record_choice(self, event: RadioSet.Changed) -> None:
        """A click or the arrow keys chose on a line."""
        target = (event.radio_set.id or "").removeprefix("ballot-")
        if target in self.targets and event.index >= 0:
            self.chosen[target] = list(Ballot)[event.index]
        self.show_ballot()

    def show_ballot(self) -> None:
        """The ballot so far, in words (not by colour alone)."""
        scenario = self.conductor.scenario
        lines = []
        for target, ballot in self.ballots().items():
            mark = VOTE_WORDS[ballot] if ballot else "? not chosen"
            what = "the package" if target == PACKAGE else scenario.element(target).title
            lines.append(f"{mark:<14} {what}")
        self.query_one("#ballot-summary", Static).update(
            literal("Your ballot:\n" + "\n".join(lines)))

    def ballots(self) -> dict[str, Ballot | None]:
        """The choice made on each line so far."""
        return {target: self.chosen.get(target) for target in self.targets}

    def action_choose(self, choice: str) -> None:
        """Set the current line's ballot, then move to the next line.

        The current line is tracked here rather than read from the focus, which moves
        a frame later: a voter typing "a r a c" quickly gets exactly those votes.
        """
        sets = list(self.query(RadioSet))
        line = min(self.line, len(sets) - 1)
        buttons = list(sets[line].query(RadioButton))
        buttons[list(Ballot).index(Ballot(choice))].value = True
        self.chosen[self.targets[line]] = Ballot(choice)
        self.show_ballot()
        if line + 1 < len(sets):
            self.line = line + 1
            sets[self.line].focus()

    @on(events.DescendantFocus)
    def follow_focus(self, event: events.DescendantFocus) -> None:
        """Tab or a click on a line makes it the current one."""
        sets = list(self.query(RadioSet))
        if isinstance(event.widget, RadioSet) and event.widget in sets:
            self.line = sets.index(event.widget)

    def action_cast(self) -> None:
        """Cast the ballot once every line has a choice."""
        ballots = self.ballots()
        missing = [t for t, b in ballots.items() if b is None]
        if missing:
            names = ", ".join("the package" if t == PACKAGE else
                              self.conductor.scenario.element(t).title for t in missing)
            _warn(self, f"⚠ Choose a vote on: {names}")
            return
        move = Vote(self.party, {t: b for t, b in ballots.items() if b is not None})
        try:
            self.conductor.game.check(move)
        except IllegalMoveError as exc:
            _warn(self, _refusal(exc, self.conductor))
            return
        self.dismiss(move)

    def action_cancel(self) -> None:
        """Close without voting."""
        self.dismiss(None)




def element_markdown(conductor: Conductor, element_id: str, viewer: str) -> str:
    """Everything public about an element, plus the viewer's own value if it has a seat."""
    scenario: Scenario = conductor.scenario
    book: Rulebook = conductor.game.book
    s = conductor.game.session
    element = scenario.element(element_id)
    lines = [f"# {md_escape(element.title)}", "", element.summary, ""]
    lines.append(f"**Status:** {s.status[element_id]}"
                 + (f" (rejected {s.rejections[element_id]}×)" if s.rejections[element_id] else ""))
    if element.category:
        lines.append(f"**Category:** {md_escape(element.category)}")
    if viewer in book.voters:
        lines.append(f"**Worth to you:** {s.values[viewer].get(element_id, 0):+g}")
    if element.consent:
        names = ", ".join(md_escape(scenario.party(p).name) for p in element.consent)
        lines.append(f"**Needs the consent of:** {names} (each can veto it)")
    if element.requires:
        names = ", ".join(md_escape(scenario.element(e).title) for e in element.requires)
        lines.append(f"**Can be tabled once adopted:** {names}")
    if book.excludes[element_id]:
        names = ", ".join(md_escape(scenario.element(e).title)
                          for e in sorted(book.excludes[element_id]))
        lines.append(f"**Rules out:** {names}")
    stances = s.stances[element_id]
    if stances:
        lines.append("")
        lines.append("**Public stances:**")
        for pid, stance in stances.items():
            lines.append(f"- {md_escape(scenario.party(pid).name)} {STANCE_WORDS[stance]} it")
    for label, deltas in (("If adopted", element.effects), ("Each time rejected",
                                                            element.on_reject)):
        if deltas:
            moves = ", ".join(f"{md_escape(book.tracks[t].label)} {d:+g}"
                              for t, d in deltas.items())
            lines.append(f"**{label}:** {moves}")
    if element.source:
        lines += ["", source_markdown(scenario, element.source.ref, element.source.quote)]
    return "\n".join(lines)


def source_markdown(scenario: Scenario, ref: str, quote: str) -> str:
    """A citation: the quote, then outlet, title and date."""
    src = next((s for s in scenario.sources if s.id == ref), None)
    where = f"{src.outlet}, “{src.title}”, {src.date}" if src else ref
    return f"> {md_escape(quote)}\n\n— {md_escape(where)}"


class InfoDialog(ModalScreen[None]):
    """A read-only card of Markdown (an element's detail, an inject, a brief)."""

    BINDINGS = [Binding("escape,enter,space", "close", "Close", id="close")]

    def __init__(self, markdown: str, *, title: str = "", classes: str = ""):
        """A card of ``markdown`` under a ``title`` (literal text)."""
        super().__init__(classes=classes)
        self.markdown = markdown
        self.card_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            if self.card_title:
                yield Label(line(self.card_title), classes="dialog-title")
            with VerticalScroll():
                yield LiteralMarkdown(self.markdown)
            with Horizontal(classes="buttons"):
                yield Button("Close (enter)", id="do-close",
                             action="screen.close", variant="primary", compact=True)

    def action_close(self) -> None:
        """Close the card."""
        self.dismiss(None)



def inject_markdown(scenario: Scenario, inject: Inject) -> str:
    """An inject card as the room (or its private audience) reads it."""
    lines = [f"# {md_escape(inject.title)}", ""]
    if inject.is_private:
        names = ", ".join(md_escape(scenario.party(p).name) for p in inject.audience)
        lines += [f"**Private — for {names} only.**", ""]
    lines += [inject.text, ""]
    if inject.source:
        lines.append(source_markdown(scenario, inject.source.ref, inject.source.quote))
    return "\n".join(lines)


class ConfirmDialog(ModalScreen[bool]):
    """Ask before something that cannot be undone."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="yes"),
        Binding("n,escape", "answer(False)", "No", id="no"),
    ]

    def __init__(self, question: str):
        """Ask ``question`` (literal text)."""
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(literal(self.question), classes="dialog-title")
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", id="yes",
                             action="screen.answer(True)", variant="error", compact=True)
                yield Button("No (n)", id="no",
                             action="screen.answer(False)", variant="primary", compact=True)

    def action_answer(self, yes: bool) -> None:
        """Answer."""
        self.dismiss(yes)



class HandOver(Screen[bool]):
    """Between seats at one screen: nothing private shows until the right person is there."""

    BINDINGS = [
        Binding("enter", "ready", "Ready", id="ready"),
        Binding("escape", "not_yet", "Not yet", id="not-yet"),
    ]

    def __init__(self, name: str, why: str):
        """Hand the keyboard to ``name`` because ``why`` (both literal text)."""
        super().__init__()
        self.party_name = name
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(id="handover"):
            yield Static(styled("Pass the keyboard to ", self.party_name),
                         classes="handover-title")
            yield Static(literal(self.why), classes="handover-why")
            yield Static(styled("Everyone else, please look away.\n\n", self.party_name,
                                ": press Enter when you are ready (Esc: not yet)."),
                         classes="handover-hint")
            yield Button(styled("I am ", self.party_name, " (enter)"), id="do-ready",
                         action="screen.ready", variant="primary",
                         compact=True)
        yield Footer()

    def action_ready(self) -> None:
        """The right person is at the keyboard."""
        self.dismiss(True)

    def action_not_yet(self) -> None:
        """Back to the shared view."""
        self.dismiss(False)



class SeatPick(ModalScreen[str | None]):
    """Which seat wants to see its private view (at a shared screen)."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="cancel")]

    def __init__(self, conductor: Conductor):
        super().__init__()
        self.conductor = conductor

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Whose private view?", classes="dialog-title")
            yield OptionList(*[Option(line(self.conductor.scenario.party(p).name), id=p)
                               for p in self.conductor.humans], id="seat-choice")
            yield Footer()

    @on(OptionList.OptionSelected, "#seat-choice")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """A seat was chosen."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Back without choosing."""
        self.dismiss(None)
