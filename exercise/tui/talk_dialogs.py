"""Dialogs of the side talks: say something or make an offer (t), answer an offer (a).

Like every dialog, each is given the view of the seat it is for and shows only that; it
asks the room (``check``) before it closes and says why a move is refused. What a student
types is taken as text (an ``Input`` with a length cap); the room refuses control
characters, and every screen shows the message literally.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from exercise.engine import Answer, Offer, Say, Terms
from exercise.engine.moves import MAX_MESSAGE, ROOM
from exercise.tui.dialogs import Check, MoveDialog, _checked, _warn, value_label
from exercise.tui.literal import literal, styled
from exercise.view import OfferRow, View


class TalkDialog(MoveDialog):
    """A seat speaks to the room or to chosen delegations, or offers them a trade."""

    BINDINGS = [
        Binding("ctrl+s", "send", "Send message", id="send"),
        Binding("ctrl+o", "offer", "Make offer", id="offer"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]


    def compose(self) -> ComposeResult:
        view, legal = self.view, self.view.legal
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(view.name(self.party), " talks — private to whom you choose "
                                                      "(and the facilitator)"),
                        classes="dialog-title")
            yield SelectionList[str](
                Selection("The whole room (public)", ROOM),
                *(Selection(styled(view.name(p)), p) for p in legal.talk_to), id="to")
            yield Input(placeholder=f"Your message (at most {MAX_MESSAGE} characters)",
                        max_length=MAX_MESSAGE, id="text")
            rows = {row.id: row for row in view.elements}
            yield Static("An offer: you will accept … if they accept …", classes="hint")
            with Horizontal(id="terms"):
                yield SelectionList[str](*(
                    Selection(styled(rows[e].title, f"  ({value_label(rows[e].value or 0)})"), e)
                    for e in legal.offer_elements if e in rows), id="give")
                yield SelectionList[str](*(
                    Selection(styled(rows[e].title, f"  ({value_label(rows[e].value or 0)})"), e)
                    for e in legal.offer_elements if e in rows), id="want")
            yield Static("space chooses · ctrl+s sends the message · ctrl+o makes the offer "
                         "(open this round)", classes="hint")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Send (ctrl+s)", id="do-send", action="screen.send",
                             variant="primary", compact=True)
                yield Button("Offer (ctrl+o)", id="do-offer", action="screen.offer",
                             compact=True)
                yield Button("Back (esc)", id="do-cancel", action="screen.cancel", compact=True)
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#to", SelectionList).focus()

    def _to(self) -> list[str]:
        return list(self.query_one("#to", SelectionList).selected)

    @on(Input.Submitted, "#text")
    def send_on_enter(self) -> None:
        """Enter in the message sends it."""
        self.action_send()

    def action_send(self) -> None:
        """Send the message to the chosen delegations (or the room)."""
        to = self._to()
        text = self.query_one("#text", Input).value
        if not to:
            _warn(self, "⚠ Choose whom to tell (space), or the whole room.")
            return
        if not text.strip():
            _warn(self, "⚠ Write your message first (tab moves to it).")
            return
        target: tuple[str, ...] | str = ROOM if ROOM in to else tuple(to)
        _checked(self, self.check, self.view, Say(self.party, target, text))

    def action_offer(self) -> None:
        """Offer the chosen delegations: accept ``give`` if they accept ``want``."""
        to = [p for p in self._to() if p != ROOM]
        give = tuple(self.query_one("#give", SelectionList).selected)
        want = tuple(self.query_one("#want", SelectionList).selected)
        if not to:
            _warn(self, "⚠ Choose the delegations the offer is for (not the whole room).")
            return
        _checked(self, self.check, self.view,
                 Offer(self.party, tuple(to), Terms(accept=give), Terms(accept=want)))

    def action_cancel(self) -> None:
        """Close without talking."""
        self.dismiss(None)


class AnswerDialog(MoveDialog):
    """A seat accepts or declines an offer made to it."""

    BINDINGS = [
        Binding("y", "answer(True)", "Accept", id="accept"),
        Binding("n", "answer(False)", "Decline", id="decline"),
        Binding("escape", "cancel", "Back", id="cancel"),
    ]

    def __init__(self, view: View, check: Check, offer: OfferRow):
        """``view``'s seat answers ``offer``."""
        super().__init__(view, check)
        self.offer = offer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Label(styled(f"Offer {self.offer.number} to ", self.view.name(self.party)),
                        classes="dialog-title")
            yield Static(literal(self.offer.text))
            yield Static("y accepts (your promise is tested at the vote) · n declines · "
                         "esc goes back", classes="hint")
            yield Static("", id="problem", classes="problem")
            with Horizontal(classes="buttons"):
                yield Button("Accept (y)", id="do-accept", action="screen.answer(True)",
                             variant="primary", compact=True)
                yield Button("Decline (n)", id="do-decline", action="screen.answer(False)",
                             compact=True)
                yield Button("Back (esc)", id="do-cancel", action="screen.cancel", compact=True)
            yield Footer()

    def action_answer(self, accept: bool) -> None:
        """Accept or decline."""
        _checked(self, self.check, self.view, Answer(self.party, self.offer.number, accept))

    def action_cancel(self) -> None:
        """Close without answering."""
        self.dismiss(None)
