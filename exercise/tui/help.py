"""Help: the rules in brief and the keys of the screen it was opened from (a light module)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label

RULES_HELP = """\
## How a round goes

1. **Briefing** — news may arrive (an *inject*).
2. **Proposal** — the proposer tables one or more open elements, or passes.
3. **Discussion** — delegations argue while the timer runs; the facilitator (or a solo player)
   opens voting when ready. The timer warns; it never decides. Between the votes a delegation
   can talk (`t`): to the room, privately to chosen delegations, or with an offer ("we accept
   or table this if you accept or table that", open until a round you choose: `ctrl+o`, then
   `g` and `w` on each element); `a` answers an offer; `c` shows each channel you are in (the
   room, and each set of delegations), newest line last. Each kept or broken promise is told
   at the vote that tests it, to the offer's parties; the facilitator sees every channel. At
   a shared screen a private message waits behind its reader's hand-over.
4. **Voting** — each delegation votes accept, reject or abstain, in secret until all are in.
5. **Resolution** — an element is adopted when every party in its *consent* list accepts and at
   least the majority share of votes cast accept (abstentions do not count).

After the last round (or when the facilitator calls it) comes **ratification**: each delegation
signs only if its score — the sum of its private values of adopted elements — reaches its
*walk-away* (where the scenario lets people choose, each person decides, `s`, and a computer
delegation signs exactly when its score reaches it). An **agreement** needs every required
party to sign. A track reaching its collapse line ends the talks in **collapse**.

Symbols: ○ open · ▶ tabled (or, by a delegation, proposing) · ✔ adopted (or voted) · … yet to
vote · ✖ excluded · ⊘ withdrawn · ┃ a track's collapse line ·
stances: + supports, − opposes, = neutral · ⚑ news · (private to …) a line only those named read.
"""


class HelpScreen(ModalScreen[None]):
    """The rules in brief, and every key of the screen it was opened from."""

    CSS_PATH = "exercise.tcss"  # app-wide once loaded: the dialogs use it too

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="close")]

    def __init__(self, keys: list[tuple[str, str]]):
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        # markdown-it is slow to import, and help is rare
        from exercise.tui.literal_markdown import LiteralMarkdown

        rows = "\n".join(f"| `{key}` | {what} |" for key, what in self.keys)
        keys = f"## Keys here\n\n| key | action |\n|---|---|\n{rows}\n\n" \
               "`ctrl+p` opens the command palette, which lists these actions too; " \
               "`ctrl+t` switches between the light and the dark theme."
        with Vertical(id="dialog", classes="dialog wide tall"):
            yield Label("Help", classes="dialog-title")
            with Horizontal(id="help-body"):
                with VerticalScroll(id="help-keys"):
                    yield LiteralMarkdown(keys)
                with VerticalScroll(id="help-rules"):
                    yield LiteralMarkdown(RULES_HELP)
            yield Footer()

    def action_close(self) -> None:
        """Close help."""
        self.dismiss(None)


def shown_bindings(screen: Screen[Any]) -> list[ActiveBinding]:
    """Every binding the screen shows now."""
    return [active for active in screen.active_bindings.values()
            if active.binding.show and active.binding.description and active.enabled]


def binding_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(key as typed, description) for every binding the screen shows now."""
    return [(screen.app.get_key_display(active.binding), active.binding.description)
            for active in shown_bindings(screen)]


class HelpfulScreen(Screen[None]):
    """A screen whose `?` shows its keys and the rules."""

    def action_help(self) -> None:
        """Help for this screen."""
        self.app.push_screen(HelpScreen(binding_keys(self)))
