"""Dialogs of the side talks: say something or make an offer (t), answer an offer (a).

Like every dialog, each is given the view of the seat it is for and shows only that; it
asks the room (``check``) before it closes and says why a move is refused. What a student
types is taken as text (an ``Input`` with a length cap); the room refuses control
characters, and every screen shows the message literally.

The talk dialog has two tabs over one list of recipients: *Say* (a message) and *Offer*
(for each open element, what we will do and what we ask of them: nothing, accept or
table; and the last round the offer is open). It opens on the message, where a person
most often starts, with the recipients one ``tab`` away; ``ctrl+s`` and ``ctrl+o`` each
first switch to their tab, then send or make the offer. In the offer's terms, ``g`` and
``w`` (or a click on the word) cycle a promise: nothing, accept, table. The answer dialog
shows an offer as its recipient weighs it: who makes it, to whom, until when, each side's
promises, and each element's worth to the recipient's own seat.
"""

from __future__ import annotations

from rich.table import Table as RichTable
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from exercise.engine import Answer, IllegalMoveError, Move, Offer, Say, Terms
from exercise.engine.moves import MAX_MESSAGE, ROOM
from exercise.tui.dialogs import (
    Check,
    ChoiceList,
    MoveDialog,
    _checked,
    _refusal,
    _warn,
    value_label,
)
from exercise.tui.literal import PlainInput, rich_text, styled
from exercise.view import OfferRow, View

VERBS: tuple[str | None, ...] = (None, "accept", "table")
"""What a side may promise of an element, in the order a key cycles through them."""

NOTHING = "—"
SIDE_WIDTH = 7  # the "we will" and "if you" columns, each with a space either side
SAY, OFFER = "say", "offer"
SIDE_WORDS = {"give.accept": "We will accept", "give.table": "We will table",
              "want.accept": "If you accept", "want.table": "If you table"}


def _worth(view: View, element: str) -> str:
    """An element's worth to the viewer's seat, in words (as the other dialogs say it)."""
    row = view.element(element)
    return value_label(row.value or 0) if row is not None else "?"


def _terms_grid() -> RichTable:
    """The columns of the offer's terms: our side, theirs, the element, its worth to us."""
    grid = RichTable.grid(expand=True, padding=(0, 1))
    grid.add_column(width=SIDE_WIDTH, no_wrap=True)
    grid.add_column(width=SIDE_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_column(width=12, justify="right", no_wrap=True)
    return grid


class TermsList(OptionList):
    """The elements an offer may name, each with what we will do (``g``) and what we ask of
    them (``w``): nothing, accept or table. The words are in the row, not in a colour."""

    BINDINGS = [
        Binding("g", "cycle('give')", "We will…", id="give"),
        Binding("w", "cycle('want')", "If you…", id="want"),
    ]

    def __init__(self, view: View, elements: tuple[str, ...], *, id: str | None = None):
        """The open ``elements`` the view shows, as ``view``'s seat weighs them."""
        self.view = view
        self.elements = tuple(e for e in elements if view.element(e) is not None)
        self.sides: dict[str, dict[str, str | None]] = {
            "give": dict.fromkeys(self.elements), "want": dict.fromkeys(self.elements)}
        super().__init__(*(Option(self._prompt(e), id=e) for e in self.elements), id=id)

    def _prompt(self, element: str) -> RichTable:
        """An element's row: both sides' promises in words, its title, its worth."""
        grid = _terms_grid()
        give, want = self.sides["give"][element], self.sides["want"][element]
        grid.add_row(give or NOTHING, want or NOTHING, rich_text(self.view.title_of(element)),
                     _worth(self.view, element))
        return grid

    def action_cycle(self, side: str) -> None:
        """The highlighted element's next promise on ``side``: nothing → accept → table."""
        if self.highlighted is not None:
            self._cycle(self.highlighted, side)

    def _cycle(self, index: int, side: str) -> None:
        element = self.elements[index]
        now = self.sides[side][element]
        self.sides[side][element] = VERBS[(VERBS.index(now) + 1) % len(VERBS)]
        self.replace_option_prompt_at_index(index, self._prompt(element))

    def on_click(self, event: events.Click) -> None:
        """A click on a row's "we will" or "if you" word cycles it, as g and w do."""
        index = event.style.meta.get("option")
        offset = event.get_content_offset(self)
        if offset is None or not isinstance(index, int):
            return
        if offset.x <= SIDE_WIDTH:
            self._cycle(index, "give")
        elif offset.x <= 2 * SIDE_WIDTH + 2:
            self._cycle(index, "want")

    def terms(self, side: str) -> Terms:
        """What is chosen on ``side`` (give or want)."""
        chosen = self.sides[side]
        return Terms(accept=tuple(e for e in self.elements if chosen[e] == "accept"),
                     table=tuple(e for e in self.elements if chosen[e] == "table"))


def _header() -> RichTable:
    """The terms list's column heads."""
    grid = _terms_grid()
    grid.add_row("We will", "If you", "Element", "Worth")
    return grid


def _until_options(view: View) -> list[tuple[str, int]]:
    """The rounds an offer may stay open until: this one (the default) to the last."""
    options = []
    for number in range(view.round, view.rounds + 1):
        words = f"round {number}"
        if number == view.round:
            words += " (this round)"
        if number == view.rounds:
            words += " (the last)"
        options.append((words, number))
    return options or [(f"round {view.round} (this round)", view.round)]


class TalkDialog(MoveDialog):
    """A seat speaks to the room or to chosen delegations, or offers them a trade."""

    BINDINGS = [
        Binding("ctrl+s", "send", "Send message", id="send"),
        Binding("ctrl+s", "switch('say')", "Say…", id="to-say"),
        Binding("ctrl+o", "offer", "Make offer", id="offer"),
        Binding("ctrl+o", "switch('offer')", "Offer…", id="to-offer"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def compose(self) -> ComposeResult:
        view, legal = self.view, self.view.legal
        with Vertical(id="dialog", classes="dialog wide talk"):
            yield Label(styled(view.name(self.party), " talks — private to whom you choose "
                                                      "(and the facilitator)"),
                        classes="dialog-title")
            with TabbedContent(id="mode", initial=SAY):
                with TabPane("Say", id=SAY):
                    yield PlainInput(placeholder=f"Your message (at most {MAX_MESSAGE} "
                                            "characters)",
                                max_length=MAX_MESSAGE, id="text", compact=True)
                    yield Static("enter or ctrl+s sends · tab: to whom · ctrl+o: make an "
                                 "offer instead", classes="hint")
                with TabPane("Offer", id=OFFER):
                    yield Static(_header(), id="terms-head")
                    yield TermsList(view, legal.offer_elements, id="terms")
                    with Horizontal(id="until-row"):
                        yield Label("Open until the end of ", id="until-label")
                        options = _until_options(view)
                        yield Select(options, value=options[0][1], allow_blank=False,
                                     compact=True, id="until")
                    yield Static("g: we will… · w: if you… (— accept table, or click) · "
                                 "ctrl+o offers", classes="hint")
            yield Label("To whom (space chooses):", classes="hint")
            yield ChoiceList(
                Selection("The whole room (public)", ROOM),
                *(Selection(styled(view.name(p)), p) for p in legal.talk_to), id="to")
            yield from self.closing_rows(("Send (ctrl+s)", "do-send", "screen.send"),
                                         ("Offer (ctrl+o)", "do-offer", "screen.offer"))

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()

    @property
    def mode(self) -> str:
        """The open tab: say or offer."""
        return self.query_one("#mode", TabbedContent).active or SAY

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each of ctrl+s and ctrl+o first opens its tab, then acts (the footer says which)."""
        if action == "send":
            return self.is_mounted and self.mode == SAY
        if action == "offer":
            return self.is_mounted and self.mode == OFFER
        if action == "switch":
            return self.is_mounted and self.mode != parameters[0]
        return True

    @on(TabbedContent.TabActivated, "#mode")
    def follow_tab(self) -> None:
        """The footer, the dialog's height and the main button follow the open tab."""
        self.refresh_bindings()
        self.query_one("#dialog").set_class(self.mode == OFFER, "offering")
        self.query_one("#do-send", Button).variant = "primary" if self.mode == SAY else "default"
        self.query_one("#do-offer", Button).variant = \
            "primary" if self.mode == OFFER else "default"

    @on(TabbedContent.TabActivated, "#mode")
    @on(SelectionList.SelectedChanged, "#to")
    def forget_problem(self) -> None:
        """A refusal is about the move as it was: once the person changes it, it goes."""
        self.query_one("#problem", Static).display = False

    def action_switch(self, mode: str) -> None:
        """Open the say or the offer tab, at its first field."""
        self.query_one("#mode", TabbedContent).active = mode
        self.query_one("#text" if mode == SAY else "#terms").focus()

    def _to(self) -> list[str]:
        return list(self.query_one("#to", SelectionList).selected)

    @on(Input.Submitted, "#text")
    def send_on_enter(self) -> None:
        """Enter in the message sends it."""
        self.action_send()

    def action_send(self) -> None:
        """Send the message to the chosen delegations (or the room); from the offer tab,
        a button press opens the say tab first."""
        if self.mode != SAY:
            self.action_switch(SAY)
            return
        to = self._to()
        text = self.query_one("#text", Input).value
        if not text.strip():
            _warn(self, "⚠ Write your message first.")
            return
        if not to:
            _warn(self, "⚠ Choose whom to tell (tab, then space), or the whole room.")
            return
        target: tuple[str, ...] | str = ROOM if ROOM in to else tuple(to)
        self._checked(Say(self.party, target, text))

    def action_offer(self) -> None:
        """Offer the chosen delegations the terms chosen, open until the round chosen; from
        the say tab, a button press opens the offer tab first."""
        if self.mode != OFFER:
            self.action_switch(OFFER)
            return
        to = [p for p in self._to() if p != ROOM]
        if not to:
            _warn(self, "⚠ Choose the delegations the offer is for (not the whole room).")
            return
        terms = self.query_one("#terms", TermsList)
        until = self.query_one("#until", Select).value
        # This round is the moves file's default: said by leaving ``until`` out.
        last = until if isinstance(until, int) and until != self.view.round else None
        self._checked(Offer(self.party, tuple(to), terms.terms("give"), terms.terms("want"),
                            last))

    def _checked(self, move: Move) -> None:
        """Close with ``move`` if the room would take it; otherwise say why and stay open
        (an offer's sides and parties in words, not in the moves file's keys and ids)."""
        try:
            self.check(move)
        except IllegalMoveError as exc:
            _warn(self, self._reason(exc))
            return
        self.dismiss(move)

    def _reason(self, exc: IllegalMoveError) -> str:
        """The room's reason, with an offer's side ("give.table") and a leading party id
        in the words the dialog uses."""
        text = _refusal(exc, self.view)
        for key, words in SIDE_WORDS.items():
            text = text.replace(f"⚠ {key[0].upper()}{key[1:]}:", f"⚠ {words}:")
        for party in self.view.parties:
            for spelled in (party.id, party.id[:1].upper() + party.id[1:]):
                if text.startswith(f"⚠ {spelled} "):
                    text = f"⚠ {party.name} " + text.removeprefix(f"⚠ {spelled} ")
        return text



def offer_side(view: View, items: tuple[tuple[str, str], ...]) -> RichTable:
    """One side of an offer, as its recipient weighs it: each promise (accept or table),
    the element, and its worth to the viewer's seat."""
    grid = RichTable.grid(expand=True, padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column(width=6, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_column(width=12, justify="right", no_wrap=True)
    for verb, element in items:
        grid.add_row("", verb, rich_text(view.title_of(element)), _worth(view, element))
    if not items:
        grid.add_row("", NOTHING, "nothing", "")
    return grid


def _side_head(words: Text) -> RichTable:
    """A side's heading, over the column of worth."""
    grid = RichTable.grid(expand=True, padding=(0, 1))  # as offer_side's, so they align
    grid.add_column(ratio=1)
    grid.add_column(width=12, justify="right", no_wrap=True)
    grid.add_row(words, "worth to you")
    return grid


class AnswerDialog(MoveDialog):
    """A seat accepts or declines an offer made to it, seeing its terms and their worth."""

    BINDINGS = [
        Binding("y", "answer(True)", "Accept", id="accept"),
        Binding("n", "answer(False)", "Decline", id="decline"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def __init__(self, view: View, check: Check, offer: OfferRow):
        """``view``'s seat answers ``offer``."""
        super().__init__(view, check)
        self.offer = offer

    def _who(self) -> Text:
        """Who offers, to whom, and until when."""
        offer, view = self.offer, self.view
        others = [p for p in offer.to if p != self.party]
        to = Text.assemble("you and ", rich_text(", ".join(view.name(p) for p in others))) \
            if others else Text("you alone")
        until = f"round {offer.until}" + (" (this round)" if offer.until == view.round
                                          else f" (this is round {view.round})")
        return Text.assemble("From ", rich_text(view.name(offer.party)), ", to ", to,
                             f". Open until the end of {until}.")

    def compose(self) -> ComposeResult:
        offer = self.offer
        with Vertical(id="dialog", classes="dialog wide answer"):
            yield Label(styled(f"Offer {offer.number} to ", self.view.name(self.party)),
                        classes="dialog-title")
            with VerticalScroll(id="offer-body"):
                if offer.give or offer.want:
                    yield Static(self._who(), id="offer-who")
                    yield Static(_side_head(rich_text(f"{self.view.name(offer.party)} "
                                                      "will:")), classes="offer-side")
                    yield Static(offer_side(self.view, offer.give), id="offer-give")
                    yield Static(_side_head(Text("If each of you:" if len(offer.to) > 1
                                                 else "If you:")), classes="offer-side")
                    yield Static(offer_side(self.view, offer.want), id="offer-want")
                else:
                    yield Static(rich_text(offer.text))
            yield Static("y accepts (your promise is tested at the vote) · n declines · "
                         "esc back", classes="hint answer-hint")
            yield from self.closing_rows(("Accept (y)", "do-accept", "screen.answer(True)"),
                                         ("Decline (n)", "do-decline", "screen.answer(False)"))

    def action_answer(self, accept: bool) -> None:
        """Accept or decline."""
        _checked(self, self.check, self.view, Answer(self.party, self.offer.number, accept))

