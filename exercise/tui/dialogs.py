"""Dialogs: propose, vote, an element's detail, an inject card, confirmations, hand-overs.

Each dialog is a ``ModalScreen[T]`` that returns a typed result: a move, a yes/no, or
nothing. It is given the :class:`~exercise.view.View` of the viewer it is for and shows
only that; the room decides legality: a dialog offers what the view says is legal, asks
the room (``check``) before it closes, and explains a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
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
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.widgets.selection_list import Selection

from exercise.engine import PACKAGE, Ballot, IllegalMoveError, Move, Pass, Sign, Table, Vote
from exercise.engine.moves import describe
from exercise.tui.literal import line, literal, md_escape, styled
from exercise.tui.literal_markdown import LiteralCard, LiteralMarkdown
from exercise.tui.widgets import VOTE_WORDS
from exercise.view import Card, SourceView, View

STANCE_WORDS = {"support": "supports", "oppose": "opposes", "neutral": "is neutral on"}

Check = Callable[[Move], None]
"""Asks the room whether a move may be made now; raises IllegalMoveError if not."""


def value_label(value: float) -> str:
    """An element's worth to the viewer, in words and sign."""
    return f"{value:+g} for you" if value else "0 for you"


def _refusal(exc: IllegalMoveError, view: View) -> str:
    """Why the room refused a move, for the screen: elements by their titles. (What it
    expected instead is already what the dialog offers.)"""
    text = exc.reason
    # The dialog already says what the move is ("ukraine says to the room: …"): only why.
    said = f"{describe(exc.move)}: " if exc.move is not None else ""
    if said and text.startswith(said) and len(text) > len(said):
        text = text[len(said)].upper() + text[len(said) + 1:]
    for row in view.elements:
        text = text.replace(f"'{row.id}'", f"“{row.title}”")
    return f"⚠ {text}"


def _warn(screen: ModalScreen[Any], text: str) -> None:
    """Show what is wrong with the dialog's move (the line takes no room until then)."""
    problem = screen.query_one("#problem", Static)
    problem.update(literal(text))
    problem.display = True


def _checked(screen: ModalScreen[Move | None], check: Check, view: View, move: Move) -> None:
    """Close with ``move`` if the room would take it; otherwise say why and stay open."""
    try:
        check(move)
    except IllegalMoveError as exc:
        _warn(screen, _refusal(exc, view))
        return
    screen.dismiss(move)



class ChoiceList(SelectionList[str]):
    """A list to choose several from, whose boxes say which are chosen (✓), not only by their
    colour: a monochrome terminal, a screen reader or a screen capture reads the choice."""

    def render_line(self, y: int) -> Strip:
        """The line, its box marked ✓ when its option is chosen, blank when not."""
        strip = super().render_line(y)
        segments = list(strip)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if len(segments) < 2 or segments[1].text != "X":
            return strip
        mark = "✓" if option.value in self.selected else " "
        segments[1] = segments[1]._replace(text=mark)
        return Strip(segments, strip.cell_length)

class MoveDialog(ModalScreen[Move | None]):
    """A dialog in which a seat makes a move: its view, the seat, and the room's check of
    the move before the dialog closes with it."""

    def __init__(self, view: View, check: Check):
        """A dialog for ``view``'s seat."""
        super().__init__()
        assert view.seat is not None
        self.view = view
        self.party: str = view.seat
        self.check = check

    def closing_rows(self, *actions: tuple[str, str, str]) -> ComposeResult:
        """The dialog's last rows: the line a refusal is shown on, a button for each of
        ``actions`` ((label, id, action), the first the primary one) and Back (esc), then
        the footer."""
        yield Static("", id="problem", classes="problem")
        with Horizontal(classes="buttons"):
            for n, (label, button_id, action) in enumerate(actions):
                yield Button(label, id=button_id, action=action,
                             variant="primary" if n == 0 else "default", compact=True)
            yield Button("Back (esc)", id="do-cancel", action="screen.cancel", compact=True)
        yield Footer()

    def action_cancel(self) -> None:
        """Close without moving."""
        self.dismiss(None)


class ProposalDialog(MoveDialog):
    """The proposer chooses what to table, or passes. Only legal elements can be chosen."""

    BINDINGS = [
        Binding("t", "table", "Table selected", id="table"),
        Binding("x", "pass_turn", "Pass", id="pass"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def compose(self) -> ComposeResult:
        view = self.view
        limit = view.legal.max_package
        tableable = set(view.legal.tableable)
        blocked = dict(view.legal.blocked)
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(view.name(self.party), f" proposes — choose 1 to {limit} "
                                                       f"element{'s' * (limit > 1)}"),
                        classes="dialog-title")
            options: list[Selection[str]] = []
            refused: list[str] = []
            for row in view.elements:
                if row.id in tableable:
                    options.append(Selection(styled(row.title,
                                                    f"  ({value_label(row.value or 0)})"),
                                             row.id))
                elif row.id in blocked:
                    refused.append(f"✖ {row.title}: {blocked[row.id].removeprefix('it ')}")
            yield ChoiceList(*options, id="choices")
            if refused:
                with VerticalScroll(id="blocked"):
                    yield Static(literal("Not available now:\n" + "\n".join(refused)),
                                 classes="hint")
            yield Static("Tabling: nothing yet — space selects the highlighted element",
                         id="picked", classes="hint")
            yield from self.closing_rows(("Table selected (t)", "do-table", "screen.table"),
                                         ("Pass (x)", "do-pass", "screen.pass_turn"))

    @on(SelectionList.SelectedChanged, "#choices")
    def show_picked(self) -> None:
        """Say in words what is selected (not by colour alone)."""
        chosen = self.query_one("#choices", SelectionList).selected
        titles = [row.title for row in self.view.elements if row.id in chosen]
        limit = self.view.legal.max_package
        text = f"Tabling ({len(titles)} of at most {limit}): " + ", ".join(titles) if titles \
            else "Tabling: nothing yet — space selects the highlighted element"
        self.query_one("#picked", Static).update(literal(text))

    def action_table(self) -> None:
        """Table the selected elements."""
        chosen = tuple(self.query_one("#choices", SelectionList).selected)
        if not chosen:
            _warn(self, "⚠ Select at least one element (space), or pass (x).")
            return
        order = [row.id for row in self.view.elements]
        _checked(self, self.check, self.view,
                 Table(self.party, tuple(sorted(chosen, key=order.index))))

    def action_pass_turn(self) -> None:
        """Table nothing this round."""
        _checked(self, self.check, self.view, Pass(self.party))


class VoteDialog(MoveDialog):
    """A secret ballot: accept, reject or abstain on each tabled element (or the package)."""

    BINDINGS = [
        Binding("a", "choose('accept')", "Accept", id="accept"),
        Binding("r", "choose('reject')", "Reject", id="reject"),
        Binding("s", "choose('abstain')", "Abstain", id="abstain"),
        Binding("c", "cast", "Cast vote", id="cast"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def __init__(self, view: View, check: Check):
        """The ballot of ``view``'s seat."""
        super().__init__(view, check)
        self.targets = view.legal.ballot_targets
        self.line = 0
        self.chosen: dict[str, Ballot] = {}

    def target_label(self, target: str) -> str:
        """A ballot line: what it is about and its worth to the voter."""
        view = self.view
        if target == PACKAGE:
            tabled = [row for row in view.elements if row.tabled]
            value = sum(row.value or 0 for row in tabled)
            titles = ", ".join(row.title for row in tabled)
            return f"The package: {titles}  ({value_label(value)})"
        row = view.element(target)
        return f"{view.title_of(target)}  ({value_label(row.value or 0 if row else 0)})"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(self.view.name(self.party),
                               " votes — secret until every ballot is in"),
                        classes="dialog-title")
            with VerticalScroll(id="ballot"):
                for target in self.targets:
                    yield Label(literal(self.target_label(target)), classes="ballot-label")
                    with RadioSet(id=f"ballot-{target}", classes="ballot"):
                        yield RadioButton("Accept")
                        yield RadioButton("Reject")
                        yield RadioButton("Abstain")
            yield Static("", id="ballot-summary")
            yield Static("a accept · r reject · s abstain on the focused line; c casts the vote",
                         classes="hint")
            yield from self.closing_rows(("Cast vote (c)", "do-cast", "screen.cast"))

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
        lines = []
        for target, ballot in self.ballots().items():
            mark = VOTE_WORDS[ballot] if ballot else "? not chosen"
            what = "the package" if target == PACKAGE else self.view.title_of(target)
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
        line_no = min(self.line, len(sets) - 1)
        buttons = list(sets[line_no].query(RadioButton))
        buttons[list(Ballot).index(Ballot(choice))].value = True
        self.chosen[self.targets[line_no]] = Ballot(choice)
        self.show_ballot()
        if line_no + 1 < len(sets):
            self.line = line_no + 1
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
            names = ", ".join("the package" if t == PACKAGE else self.view.title_of(t)
                              for t in missing)
            _warn(self, f"⚠ Choose a vote on: {names}")
            return
        _checked(self, self.check, self.view,
                 Vote(self.party, {t: b for t, b in ballots.items() if b is not None}))


class SignDialog(MoveDialog):
    """Ratification by choice: the seat signs the deal or refuses to, seeing what the deal
    is worth to it against its walk-away (the choice is secret until every party's is in)."""

    BINDINGS = [
        Binding("y", "sign(True)", "Sign", id="sign"),
        Binding("n", "sign(False)", "Refuse", id="refuse"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def compose(self) -> ComposeResult:
        view = self.view
        score, floor = view.score or 0, view.walk_away or 0
        adopted = [row.title for row in view.elements if str(row.status) == "adopted"]
        verdict = ("It reaches your walk-away: signing takes home at least what no deal "
                   "would.") if score >= floor else (
                   "It falls short of your walk-away: signing takes home less than no deal "
                   "would.")
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(view.name(self.party),
                               " — sign the deal? Your choice is secret until all have chosen"),
                        classes="dialog-title")
            with VerticalScroll(id="deal"):
                yield Static(literal("The deal (every adopted element):\n"
                                     + "\n".join(f"  • {t}" for t in adopted)))
            yield Static(literal(f"Worth to you: {score:+g}   ·   your walk-away: {floor:+g}\n"
                                 + verdict), id="sign-worth")
            yield Static("y signs · n refuses · esc goes back", classes="hint")
            yield from self.closing_rows(("Sign (y)", "do-sign", "screen.sign(True)"),
                                         ("Refuse (n)", "do-refuse", "screen.sign(False)"))

    def action_sign(self, signs: bool) -> None:
        """Sign, or refuse to."""
        _checked(self, self.check, self.view, Sign(self.party, signs))


def element_markdown(view: View, element_id: str) -> str:
    """Everything the viewer may read about an element, its own value included."""
    row = view.element(element_id)
    if row is None:
        return "(this element is not on the table)"
    lines = [f"# {md_escape(row.title)}", "", row.summary, ""]
    status = "tabled" if row.tabled else str(row.status)
    facts = [f"**Status:** {status}"
             + (f" (rejected {row.rejections}×)" if row.rejections else "")]
    if row.category:
        facts.append(f"**Category:** {md_escape(row.category)}")
    if row.value is not None:
        facts.append(f"**Worth to you:** {row.value:+g}")
    if row.consent:
        names = ", ".join(md_escape(view.name(p)) for p in row.consent)
        facts.append(f"**Needs the consent of:** {names} (each can veto it)")
    if row.requires:
        names = ", ".join(md_escape(view.title_of(e)) for e in row.requires)
        facts.append(f"**Can be tabled once adopted:** {names}")
    if row.excludes:
        names = ", ".join(md_escape(view.title_of(e)) for e in row.excludes)
        facts.append(f"**Rules out:** {names}")
    for label, deltas in (("If adopted", row.effects), ("Each time rejected", row.on_reject)):
        if deltas:
            facts.append(f"**{label}:** " + ", ".join(f"{md_escape(t)} {d:+g}" for t, d in deltas))
    lines += [f"- {fact}" for fact in facts]
    if row.stances:
        lines += ["", "**Public stances:**", ""]
        lines += [f"- {md_escape(view.name(p))} {STANCE_WORDS[s]} it" for p, s in row.stances]
    if row.source:
        lines += ["", source_markdown(row.source)]
    return "\n".join(lines)


def source_markdown(source: SourceView) -> str:
    """A citation: the quote, then outlet, title and date."""
    return f"> {md_escape(source.quote)}\n\n— {md_escape(source.where)}"


def card_markdown(card: Card) -> str:
    """An inject card as its readers see it."""
    lines = [f"# {md_escape(card.title)}", ""]
    if card.private_for:
        names = ", ".join(md_escape(n) for n in card.private_for)
        lines += [f"**Private — for {names} only.**", ""]
    lines += [card.text, ""]
    if card.source:
        lines.append(source_markdown(card.source))
    return "\n".join(lines)


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


class NewsCard(InfoDialog):
    """An inject card, framed as news, drawn as one widget (see
    :class:`~exercise.tui.literal_markdown.LiteralCard`)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(line(self.card_title), classes="dialog-title")
            with VerticalScroll():
                yield LiteralCard(self.markdown, classes="card-text")
            with Horizontal(classes="buttons"):
                yield Button("Close (enter)", id="do-close",
                             action="screen.close", variant="primary", compact=True)


def card_dialog(card: Card) -> InfoDialog:
    """An inject card, framed as news."""
    return NewsCard(card_markdown(card), title="Private news" if card.private_for else "News",
                    classes="inject-card")


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
    """Between people at one screen: nothing private shows until the right one is there.

    Opaque (nothing of the table shows through), one per change of seat, naming who comes
    next and why. Enter: the person named is at the keyboard. Esc: not yet (they are not
    here); the table then waits for someone to ask for them.
    """

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
            yield Static(styled("Everyone else, please look away from the screen.\n\n",
                                self.party_name, ": press Enter when you are at the keyboard. "
                                "Not here yet? Press Esc and the table will wait."),
                         classes="handover-hint")
            yield Button(styled("I am ", self.party_name, " (enter)"), id="do-ready",
                         action="screen.ready", variant="primary", compact=True)
        yield Footer()

    def action_ready(self) -> None:
        """The right person is at the keyboard."""
        self.dismiss(True)

    def action_not_yet(self) -> None:
        """Back to the shared view; the table waits."""
        self.dismiss(False)


class SeatPick(ModalScreen[str | None]):
    """Which seat wants to see its private view (at a shared screen)."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="cancel")]

    def __init__(self, seats: list[tuple[str, str]], title: str = "Whose private view?"):
        """Offer ``seats``: (party id, name) each (or any other choices, with ``title``)."""
        super().__init__()
        self.seats = seats
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(line(name), id=pid) for pid, name in self.seats],
                             id="seat-choice")
            yield Footer()

    @on(OptionList.OptionSelected, "#seat-choice")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """A seat was chosen."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Back without choosing."""
        self.dismiss(None)

