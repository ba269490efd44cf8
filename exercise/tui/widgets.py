"""Widgets of the negotiation table: elements, parties, tracks, the feed and the status line.

Attributes down: each widget has a reactive ``view`` that its screen sets to a
:class:`~exercise.view.View` (a frozen snapshot, so an unchanged view is not drawn
again), and renders that and nothing else: what the view does not hold cannot be
shown, so no widget decides who may see what. None reaches into a sibling. Updates are
small: a widget redraws only what changed since the last view (many seats' screens
share one host's core). Meaning is never carried by colour alone: statuses have symbols
and words, votes have words, bars have numbers.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import DataTable, RichLog, Static

from exercise.engine import Ballot, Phase, Status
from exercise.narration import private_mark
from exercise.tui.literal import Part, rich_text, styled
from exercise.view import ElementRow, TrackRow, View

STATUS_MARKS = {
    Status.OPEN: "○ open",
    Status.ADOPTED: "✔ adopted",
    Status.EXCLUDED: "✖ excluded",
    Status.WITHDRAWN: "⊘ withdrawn",
    Status.HIDDEN: "· hidden",
}
STANCE_MARKS = {"support": "+", "oppose": "−", "neutral": "="}
VOTE_WORDS = {Ballot.ACCEPT: "✔ accept", Ballot.REJECT: "✖ reject", Ballot.ABSTAIN: "· abstain"}
ROLE_MARKS = {"principal": "P", "guarantor": "G", "observer": "O"}


def _fit(text: str, width: int) -> str:
    """Cut text to a width, with an ellipsis."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def number(value: float) -> str:
    """A number without needless decimals."""
    return f"{value:g}"


class ShowsContent(Static):
    """A Static that redraws only when its content changes."""

    _shown: Content | None = None

    def show_content(self, content: Content) -> None:
        """Show ``content`` unless it is on screen already."""
        if content != self._shown:
            self._shown = content
            self.update(content)


TITLE_ROOM = 30
"""Columns an element's title keeps (or its whole length, if shorter) before a table shows
consent, stances and links beside the titles: the titles come first."""


class ElementsTable(DataTable[Text]):
    """The plan elements on the table: status, consent, public stances, links, rejections."""

    DEFAULT_CSS = """
    ElementsTable { height: 1fr; }
    """

    view: reactive[View | None] = reactive(None, init=False)
    """What to show: the viewer's view."""
    wide: reactive[bool | None] = reactive(None, init=False)
    """Every column (consent, stances, links); None: when the titles keep room enough."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._shape: tuple[tuple[str, int], ...] = ()
        self._keys: tuple[str, ...] = ()
        self._cells: dict[str, tuple[tuple[str, str], ...]] = {}

    def watch_view(self) -> None:
        self.draw()

    def watch_wide(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Render every element the viewer may see (hidden ones are not in the view)."""
        view = self.view
        if view is None:
            return
        rows = view.elements
        own = any(row.value is not None for row in rows)
        # Narrow tables show status, title and your value; the strip below the table shows
        # the highlighted element's consent and stances. Wide ones show them all, each
        # column as wide as what it holds, when the titles keep room enough beside them.
        narrow: list[tuple[str, int]] = [("St", 1), ("Element", 0)]
        narrow += [("You", 4)] if own else []
        wide_columns = [("St", 9), *narrow[1:]]
        consent = max((len(" ".join(view.short(p) for p in row.consent)) for row in rows),
                      default=1)
        wide_columns.append(("Consent", max(7, min(consent, 14))))
        stances = max((len(" ".join(f"{view.short(p)}+" for p, _ in row.stances))
                       for row in rows), default=1)
        wide_columns.append(("Stances", max(7, min(stances, 30))))
        links = max((len(self._links(row)) for row in rows), default=0)
        if links:
            wide_columns.append(("Needs / rules out", max(17, min(links, 30))))
        narrow.append(("Rej", 3))
        wide_columns.append(("Rej", 3))

        def room(columns: list[tuple[str, int]]) -> int:
            """What the title is left: the table's width less the other columns, their
            padding and the scroll bar."""
            if not self.size.width:
                return 30  # not laid out yet: drawn again at its size
            return self.size.width - sum(w for _, w in columns) - 2 * len(columns) - 4

        longest = max((len(row.title) for row in rows), default=0)
        wide = room(wide_columns) >= min(longest, TITLE_ROOM) if self.wide is None \
            else self.wide
        columns = wide_columns if wide else narrow
        title_width = max(16, room(columns))
        columns = [(name, title_width if name == "Element" else w) for name, w in columns]
        cells = {row.id: self._cells_of(view, row, wide, own, title_width) for row in rows}
        shape, keys = tuple(columns), tuple(cells)
        if shape == self._shape and keys == self._keys:
            names = [name for name, _ in columns]
            for key, row_cells in cells.items():
                if row_cells != self._cells.get(key):
                    for name, (text, style) in zip(names, row_cells, strict=True):
                        self.update_cell(key, name, rich_text(text, style=style))
            self._cells = cells
            return
        cursor = self.cursor_row
        if shape != self._shape:
            self.clear(columns=True)
            for name, width in columns:
                self.add_column(name, key=name, width=width)
            self._shape = shape
        else:
            self.clear()
        for key, row_cells in cells.items():
            # Every cell is a literal Text: a str cell would be parsed as markup.
            self.add_row(*(rich_text(text, style=style) for text, style in row_cells), key=key)
        self._keys, self._cells = keys, cells
        if self.row_count:
            self.move_cursor(row=min(max(cursor, 0), self.row_count - 1), animate=False)

    @staticmethod
    def _cells_of(view: View, row: ElementRow, wide: bool, own: bool,
                  title_width: int) -> tuple[tuple[str, str], ...]:
        """One row's cells as (text, style)."""
        mark = "▶ tabled" if row.tabled else STATUS_MARKS[row.status]
        cells = [
            (mark if wide else mark[0], "bold" if row.tabled else ""),
            (_fit(row.title, title_width),
             "dim" if row.status in (Status.EXCLUDED, Status.WITHDRAWN) else ""),
        ]
        if own:
            value = row.value or 0
            cells.append((f"{value:+g}" if value else "0", ""))
        if wide:
            cells.append((" ".join(view.short(p) for p in row.consent) or "—", ""))
            cells.append((" ".join(f"{view.short(p)}{STANCE_MARKS[v]}" for p, v in row.stances)
                          or "—", ""))
            if any(row.requires or row.excludes for row in view.elements):
                cells.append((ElementsTable._links(row) or "—", ""))
        cells.append((str(row.rejections) if row.rejections else "", ""))
        return tuple(cells)

    @staticmethod
    def _links(row: ElementRow) -> str:
        """What an element needs and rules out, in a few words."""
        links = [f"needs {', '.join(row.requires)}"] if row.requires else []
        if row.excludes:
            links.append(f"rules out {', '.join(row.excludes)}")
        return "; ".join(links)

    @property
    def selected_element(self) -> str | None:
        """The element id under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None


class ElementStrip(ShowsContent):
    """One line about the highlighted element: who can veto it, who stands where, links."""

    view: reactive[View | None] = reactive(None, init=False)
    element: reactive[str | None] = reactive(None, init=False)
    """The highlighted element's id."""

    def watch_view(self) -> None:
        self.draw()

    def watch_element(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Describe the element (or nothing)."""
        view, element_id = self.view, self.element
        row = view.element(element_id) if view is not None and element_id else None
        if view is None or row is None:
            self.show_content(Content(""))
            return
        parts: list[Part] = [(row.title, "bold")]
        consent = " ".join(view.short(p) for p in row.consent)
        parts.append(f" · veto: {consent}" if consent else " · no veto")
        if row.stances:
            parts.append(" · " + " ".join(f"{view.short(p)}{STANCE_MARKS[v]}"
                                          for p, v in row.stances))
        if row.requires:
            parts.append(" · needs " + ", ".join(view.title_of(e) for e in row.requires))
        if row.excludes:
            parts.append(" · rules out " + ", ".join(view.title_of(e) for e in row.excludes))
        if row.source:
            parts.append(f" · source: {row.source.outlet}")
        parts.append(("  (d: details)", "dim"))
        self.show_content(styled(*parts))


NAME_ROOM = 12  # columns a delegation's name keeps in a narrow panel
BESIDE_NAME = 4 + 1 + 1 + 2 + 7 + 2  # short name, role, who plays, a mark (votes may wrap)


def parties_content(view: View, width: int = 0) -> Content:
    """The delegations as the viewer may see them: role, who plays, this round's votes.
    Names get the room a ``width``-column panel leaves them (at least 12 columns)."""
    parts: list[Part] = [("Delegations\n", "bold")]
    room = max(NAME_ROOM, min(width - BESIDE_NAME, max(len(p.name) for p in view.parties)))
    for party in view.parties:
        seat = "you" if party.you else ("person" if party.player == "person" else "cpu")
        parts.append((f"{party.short:<4}", "bold"))
        parts.append(f" {_fit(party.name, room):<{room}} {ROLE_MARKS.get(party.role, '?')} "
                     f"{seat:<6} ")
        if view.phase is Phase.VOTING and party.voted is not None:
            parts.append(("✔" if party.voted else "…", "italic"))
        elif party.proposer:
            parts.append(("▶", "bold $accent"))
        elif party.last_votes:
            parts.append(("/".join(party.last_votes), "dim"))
        if view.thinking == party.id:
            parts.append((" deciding…", "italic"))
        parts.append("\n")
    if view.score is not None and view.walk_away is not None:
        if view.signing_choice:  # the seat chooses: say where the deal stands, not what it does
            verdict = "✔ reaches your walk-away" if view.would_sign else \
                "✖ below your walk-away"
        else:
            verdict = "✔ would sign" if view.would_sign else "✖ would NOT sign"
        parts.append((f"\nYou: score {number(view.score)}, walk-away "
                      f"{number(view.walk_away)}\n{verdict}", "bold"))
    return styled(*parts)


class PartiesPanel(ShowsContent):
    """The delegations: role, who plays them, and this round's votes (secret until every
    ballot is in)."""

    view: reactive[View | None] = reactive(None, init=False)

    def watch_view(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Render the parties as the viewer may see them, names as wide as there is room."""
        if self.view is not None:
            self.show_content(parties_content(self.view, self.size.width))


def track_bar(value: float, low: float, high: float, collapse: float | None, width: int) -> str:
    """A text bar with the value filled and the collapse line marked '┃'."""
    span = high - low or 1
    filled = round((value - low) / span * width)
    cells = ["█" if i < filled else "░" for i in range(width)]
    if collapse is not None:
        at = min(width - 1, max(0, round((collapse - low) / span * width) - 1))
        cells[at] = "┃"
    return "".join(cells)


def tracks_content(tracks: tuple[TrackRow, ...], width: int) -> Content:
    """Shared meters as bars, each with its number and its collapse line."""
    parts: list[Part] = []
    for track in tracks:
        tail = f" {number(track.value)}"
        if track.collapse_at is not None:
            tail += f" · collapse {number(track.collapse_at)}"
        tail += " ⚠" if track.in_danger else ""
        parts.append((track.label, "bold"))
        parts.append(":" + tail + "\n")
        parts.append((track_bar(track.value, track.low, track.high, track.collapse_at, width)
                      + "\n", "$error" if track.in_danger else "$accent"))
    return styled(*parts)


class TracksPanel(ShowsContent):
    """Shared meters as bars, each with its number and its collapse line."""

    view: reactive[View | None] = reactive(None, init=False)

    def watch_view(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Render every track, its bar as wide as the panel."""
        if self.view is not None:
            width = max(10, self.size.width - 1) if self.size.width else 24
            self.show_content(tracks_content(self.view.tracks, width))


FEED_STYLES = {"inject": "bold", "round": "bold underline", "reason": "italic",
               "result": "bold"}


class Feed(RichLog):
    """Injects, votes, results and the computer players' reasons, as they happen."""

    DEFAULT_CSS = """
    Feed { height: 1fr; }
    """

    view: reactive[View | None] = reactive(None, init=False)
    epoch: reactive[int] = reactive(0, init=False)
    """Changed by the screen when the exercise shown was replaced (a replay going back):
    every line is written afresh with the next view."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(wrap=True, markup=False, min_width=20, **kwargs)  # type: ignore[arg-type]
        self._shown = 0
        self._viewer = ""
        self._epoch = 0

    def watch_view(self, view: View | None) -> None:
        """Write the viewer's lines that are not on screen yet."""
        if view is None:
            return
        lines = view.feed
        if view.viewer != self._viewer or self.epoch != self._epoch or \
                len(lines) < self._shown:
            self.clear()
            self._shown = 0
            self._viewer = view.viewer
            self._epoch = self.epoch
        for item in lines[self._shown:]:
            prefix = private_mark(item.audience) if item.private else ""
            prefix += "⚑ " if item.kind == "inject" else ""
            if item.kind == "round":
                self.write(Text(""))
            # Wrapped at the feed's width (``expand``), not at the 80 columns Rich assumes
            # when the terminal is not its own (a test, a seat served over the network).
            self.write(rich_text(prefix + item.text, style=FEED_STYLES.get(item.kind, "")),
                       expand=True)
        self._shown = len(lines)

    def on_resize(self, event: events.Resize) -> None:
        """Back in view (a news card hid the table) or resized: the newest line shows. A
        line written while the feed had no size scrolled to the end of nothing. (RichLog's
        own handler, which renders what waited for a size, runs too.)"""
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=False, x_axis=False)


def status_content(view: View, timer: str, waiting: str, *, shared: bool) -> Content:
    """Round, phase, proposer, timer, whose screen it is, and what the table waits for."""
    parts: list[Part] = [
        (f" Round {view.round}/{view.rounds} ", "bold reverse"),
        (f" {str(view.phase).capitalize()} ", "bold"),
    ]
    if view.proposer and not view.over:
        parts.append(f"· ▶ {view.short(view.proposer)} ")
    if timer:
        parts.append((f"· timer {timer} ", "bold"))
    if view.seat is not None:
        parts.append((f"· you are {view.short(view.seat)} ", "italic"))
    elif shared:
        parts.append(("· shared view ", "italic"))
    if view.paused:
        parts.append(("· PAUSED by the facilitator ", "bold reverse"))
    if waiting:
        parts.append((f"· {waiting}", "bold $accent"))
    return styled(*parts)


class StatusLine(ShowsContent):
    """Round, phase, proposer, timer, and what the table is waiting for."""

    view: reactive[View | None] = reactive(None, init=False)
    timer: reactive[str] = reactive("", init=False)
    """The timer's text, as the screen's clock reads it."""
    waiting: reactive[str] = reactive("", init=False)
    """What the table waits for, from the screen's side."""
    shared: reactive[bool] = reactive(False, init=False)
    """Several people share this screen."""

    def watch_view(self) -> None:
        self.draw()

    def watch_timer(self) -> None:
        self.draw()

    def watch_waiting(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Render the status line."""
        if self.view is not None:
            self.show_content(status_content(self.view, self.timer, self.waiting,
                                             shared=self.shared))
