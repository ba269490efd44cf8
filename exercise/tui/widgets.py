"""Widgets of the negotiation table: elements, parties, tracks, the feed and the status line.

Each widget is told what to show (attributes down) by its screen through one
``show`` method taking the conductor and the viewer; none reaches into a sibling.
Meaning is never carried by colour alone: statuses have symbols and words, votes
have words, bars have numbers.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, RichLog, Static

from exercise.conduct import FACILITATOR, PUBLIC, Conductor
from exercise.engine import Ballot, Phase, Status
from exercise.tui.literal import Part, rich_text, styled

STATUS_MARKS = {
    Status.OPEN: "○ open",
    Status.ADOPTED: "✔ adopted",
    Status.EXCLUDED: "✖ excluded",
    Status.WITHDRAWN: "⊘ withdrawn",
    Status.HIDDEN: "· hidden",
}
STANCE_MARKS = {"support": "+", "oppose": "−", "neutral": "="}
VOTE_WORDS = {Ballot.ACCEPT: "✔ accept", Ballot.REJECT: "✖ reject", Ballot.ABSTAIN: "· abstain"}


def short(conductor: Conductor, party: str) -> str:
    """A party's short badge (its `short`, else a cut of its name)."""
    spec = conductor.scenario.party(party)
    return spec.short or spec.name[:4]


def _fit(text: str, width: int) -> str:
    """Cut text to a width, with an ellipsis."""
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def number(value: float) -> str:
    """A number without needless decimals."""
    return f"{value:g}"


class ElementsTable(DataTable[Text]):
    """The plan elements on the table: status, consent, public stances, links, rejections."""

    DEFAULT_CSS = """
    ElementsTable { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._shape: tuple[tuple[str, int], ...] = ()

    def show(self, conductor: Conductor, viewer: str, wide: bool) -> None:
        """Render every element that is on the table (hidden ones stay secret)."""
        s = conductor.game.session
        book = conductor.game.book
        own = viewer not in (PUBLIC, FACILITATOR) and viewer in book.voters
        # Narrow terminals show status, title and your value; the strip below the table
        # shows the highlighted element's consent and stances. Wide ones show them all.
        columns: list[tuple[str, int]] = [("St", 9 if wide else 1), ("Element", 0)]
        if own:
            columns.append(("You", 4))
        if wide:
            consent = max((len(" ".join(short(conductor, p) for p in book.consent[e]))
                           for e in book.element_ids), default=1)
            columns.append(("Consent", max(7, min(consent, 14))))
            stances = max((len(" ".join(f"{short(conductor, p)}+" for p in s.stances[e]))
                           for e in book.element_ids), default=1)
            columns.append(("Stances", max(7, min(stances, 30))))
            columns.append(("Needs / rules out", 22))
        columns.append(("Rej", 3))
        # The title takes what is left, so the table fits its pane without scrolling sideways.
        fixed = sum(w for _, w in columns) + 2 * len(columns) + 4  # cell padding, scrollbar
        title_width = max(16, self.size.width - fixed) if self.size.width else 30
        columns = [(name, title_width if name == "Element" else w) for name, w in columns]
        shape = tuple(columns)
        cursor = self.cursor_row
        if shape != self._shape:
            self.clear(columns=True)
            for name, width in columns:
                self.add_column(name, key=name, width=width)
            self._shape = shape
        else:
            self.clear()
        tabled = set(s.tabled)
        for element in conductor.scenario.elements:
            status = s.status[element.id]
            if status is Status.HIDDEN:
                continue
            mark = "▶ tabled" if element.id in tabled else STATUS_MARKS[status]
            # Every cell is a literal Text: a str cell would be parsed as markup.
            row: list[Text] = [
                rich_text(mark if wide else mark[0],
                          style="bold" if element.id in tabled else ""),
                rich_text(_fit(element.title, title_width),
                          style="dim" if status in (Status.EXCLUDED, Status.WITHDRAWN) else ""),
            ]
            if own:
                value = s.values[viewer].get(element.id, 0)
                row.append(rich_text(f"{value:+g}" if value else "0"))
            if wide:
                row.append(rich_text(" ".join(short(conductor, p)
                                              for p in book.consent[element.id]) or "—"))
                row.append(rich_text(" ".join(f"{short(conductor, p)}{STANCE_MARKS[v]}"
                                              for p, v in s.stances[element.id].items()) or "—"))
                links = [f"needs {', '.join(element.requires)}"] if element.requires else []
                excl = sorted(book.excludes[element.id])
                if excl:
                    links.append(f"rules out {', '.join(excl)}")
                row.append(rich_text("; ".join(links) or "—"))
            row.append(rich_text(str(s.rejections[element.id]) if s.rejections[element.id]
                                 else ""))
            self.add_row(*row, key=element.id)
        if self.row_count:
            self.move_cursor(row=min(max(cursor, 0), self.row_count - 1), animate=False)

    @property
    def selected_element(self) -> str | None:
        """The element id under the cursor."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None


class ElementStrip(Static):
    """One line about the highlighted element: who can veto it, who stands where, links."""

    def show(self, conductor: Conductor, element_id: str | None) -> None:
        """Describe the element (or nothing)."""
        if element_id is None:
            self.update("")
            return
        book = conductor.game.book
        s = conductor.game.session
        element = conductor.scenario.element(element_id)
        parts: list[Part] = [(element.title, "bold")]
        consent = " ".join(short(conductor, p) for p in book.consent[element_id])
        parts.append(f" · veto: {consent}" if consent else " · no veto")
        stances = s.stances[element_id]
        if stances:
            parts.append(" · " + " ".join(f"{short(conductor, p)}{STANCE_MARKS[v]}"
                                          for p, v in stances.items()))
        if element.requires:
            needs = ", ".join(conductor.scenario.element(e).title for e in element.requires)
            parts.append(f" · needs {needs}")
        if book.excludes[element_id]:
            parts.append(" · rules out " + ", ".join(
                conductor.scenario.element(e).title for e in sorted(book.excludes[element_id])))
        if element.source:
            ref = next((x for x in conductor.scenario.sources if x.id == element.source.ref), None)
            parts.append(f" · source: {ref.outlet if ref else element.source.ref}")
        parts.append(("  (d: details)", "dim"))
        self.update(styled(*parts))


class PartiesPanel(Static):
    """The delegations: role, and this round's votes (secret until every ballot is in)."""

    def show(self, conductor: Conductor, viewer: str) -> None:
        """Render the parties as the viewer may see them."""
        game = conductor.game
        s = game.session
        parts: list[Part] = [("Delegations\n", "bold")]
        voted = set(game.voted())
        last = game.history[-1] if game.history else None
        for party in conductor.scenario.parties:
            pid = party.id
            plan = conductor.seats[pid]
            seat = "you" if pid == viewer else ("person" if plan.human else "cpu")
            role = {"principal": "P", "guarantor": "G", "observer": "O"}[party.role]
            parts.append((f"{short(conductor, pid):<4}", "bold"))
            parts.append(f" {_fit(party.name, 12):<12} {role} {seat:<6} ")
            if game.phase is Phase.VOTING and pid in game.book.voters:
                parts.append(("✔" if pid in voted else "…", "italic"))
            elif game.phase is Phase.PROPOSAL and pid == game.proposer:
                parts.append(("▶", "bold $accent"))
            elif last and pid in last.ballots and last.round == game.round - 1:
                votes = sorted({str(v) for v in last.ballots[pid].values()})
                parts.append(("/".join(votes), "dim"))
            parts.append("\n")
        if viewer in game.book.voters:
            score, walk = s.scores[viewer], s.walk_away[viewer]
            verdict = "✔ would sign" if score >= walk else "✖ would NOT sign"
            parts.append((f"\nYou: score {number(score)}, walk-away {number(walk)}\n{verdict}",
                          "bold"))
        self.update(styled(*parts))


def track_bar(value: float, low: float, high: float, collapse: float | None, width: int) -> str:
    """A text bar with the value filled and the collapse line marked '|'."""
    span = high - low or 1
    filled = round((value - low) / span * width)
    cells = ["█" if i < filled else "░" for i in range(width)]
    if collapse is not None:
        at = min(width - 1, max(0, round((collapse - low) / span * width) - 1))
        cells[at] = "┃"
    return "".join(cells)


class TracksPanel(Static):
    """Shared meters as bars, each with its number and its collapse line."""

    def show(self, conductor: Conductor, width: int = 16) -> None:
        """Render every track."""
        parts: list[Part] = []
        for track in conductor.scenario.tracks:
            spec = conductor.game.book.tracks[track.id]
            value = conductor.game.session.tracks[track.id]
            danger = spec.collapse_at is not None and abs(spec.collapse_at - value) <= (
                abs(spec.collapse_at - spec.start) / 3)
            tail = f" {number(value)}"
            if spec.collapse_at is not None:
                tail += f" · collapse {number(spec.collapse_at)}"
            tail += " ⚠" if danger else ""
            parts.append((track.label, "bold"))
            parts.append(":" + tail + "\n")
            parts.append((track_bar(value, spec.low, spec.high, spec.collapse_at, width) + "\n",
                          "$error" if danger else "$accent"))
        self.update(styled(*parts))


class Feed(RichLog):
    """Injects, votes, results and the computer players' reasons, as they happen."""

    DEFAULT_CSS = """
    Feed { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(wrap=True, markup=False, min_width=20, **kwargs)  # type: ignore[arg-type]
        self._shown = 0
        self._viewer = ""

    def show(self, conductor: Conductor, viewer: str, *, afresh: bool = False) -> None:
        """Write the lines the viewer may read that are not on screen yet (``afresh``:
        every line, the conductor having been replaced)."""
        lines = conductor.feed_for(viewer)
        if viewer != self._viewer or afresh:
            self.clear()
            self._shown = 0
            self._viewer = viewer
        for line in lines[self._shown:]:
            style = {"inject": "bold", "round": "bold underline", "reason": "italic"}.get(
                line.kind, "")
            prefix = ("(private) " if line.audience else "") + (
                "⚑ " if line.kind == "inject" else "")
            if line.kind == "round":
                self.write(Text(""))
            self.write(rich_text(prefix + line.text, style=style))
        self._shown = len(lines)


class StatusLine(Static):
    """Round, phase, proposer, timer, and what the table is waiting for."""

    def show(self, conductor: Conductor, viewer: str, timer: str, waiting: str) -> None:
        """Render the status line."""
        game = conductor.game
        parts: list[Part] = [
            (f" Round {game.round}/{game.book.rounds} ", "bold reverse"),
            (f" {str(game.phase).capitalize()} ", "bold"),
        ]
        if game.proposer and not game.is_over:
            parts.append(f"· ▶ {short(conductor, game.proposer)} ")
        if timer:
            parts.append((f"· timer {timer} ", "bold"))
        if viewer not in (PUBLIC, FACILITATOR):
            parts.append((f"· you are {short(conductor, viewer)} ", "italic"))
        elif viewer == PUBLIC and conductor.hot_seat:
            parts.append(("· shared view ", "italic"))
        if waiting:
            parts.append((f"· {waiting}", "bold $accent"))
        self.update(styled(*parts))
