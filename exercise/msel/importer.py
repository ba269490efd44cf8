"""An MSEL sheet read into a scenario's injects, every problem found in one pass.

The header row is found among the first rows (title rows above it are skipped and
reported); each header is matched to our columns through :mod:`exercise.msel.columns`;
each row after it becomes one inject, in the order of the rows. Heading rows (a phase's
name on a row of its own) and repeated headers are skipped and reported.

The injects are then checked as ``exercise validate`` checks a file, inside the scenario
they go into, with every value's position set to its cell: a problem is reported as
``FILE:ROW:COLUMN: severity: HEADER: message``.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from exercise.msel import cells as rd
from exercise.msel import columns as col
from exercise.msel.sheets import Cell, Sheet
from exercise.scenario.loading import Checked, check_document
from exercise.scenario.model import Scenario
from exercise.scenario.problems import Problem, Severity
from exercise.scenario.yaml_source import Document, read_yaml

HEADER_SEARCH = 30  # rows looked through for the header


class _Mark(NamedTuple):
    """A 0-based position, as libyaml's marks are (what :class:`Document` holds)."""

    line: int
    column: int


@dataclass
class Imported:
    """The injects read from a sheet and what was found on the way."""

    injects: list[dict[str, Any]] = field(default_factory=list)
    positions: dict[tuple[Any, ...], _Mark] = field(default_factory=dict)
    headers: dict[tuple[int, str], str] = field(default_factory=dict)  # (inject, key) → header
    problems: list[Problem] = field(default_factory=list)
    header_row: int = 1


def _filled(cells: list[Cell]) -> list[int]:
    return [i for i, c in enumerate(cells) if c.text.strip()]


def _header_score(cells: list[Cell]) -> tuple[int, bool]:
    known = [col.column_of(c.text) for c in cells if c.text.strip()]
    hits = [k for k in known if k is not None]
    return len(hits), bool({col.SUBJECT, col.MESSAGE} & set(hits))


def has_header(sheet: Sheet) -> bool:
    """Whether a header row of an MSEL is among the sheet's first rows."""
    return any(hits >= 2 and content for hits, content in
               (_header_score(cells) for _n, cells in sheet.rows[:HEADER_SEARCH]))


class _Reader:
    """Reads the rows of one sheet against one target scenario."""

    def __init__(self, sheet: Sheet, name: str, scenario: Scenario, per_round: float | None):
        self.sheet = sheet
        self.name = name
        self.scenario = scenario
        self.per_round = per_round
        self.out = Imported()
        self.columns: dict[int, str] = {}  # sheet column index → our column, or a kept header
        self.kept: set[int] = set()  # columns kept in `msel:` under their own header
        self.header_text: dict[int, str] = {}
        self.ids: set[str] = set()
        self.clock_said = False  # the note on how clock times are read is given once

    # --- problems ---

    def problem(self, row: int, column: int | None, header: str, message: str,
                severity: Severity = Severity.ERROR) -> None:
        self.out.problems.append(Problem(self.name, row, None if column is None else column + 1,
                                         header, message, severity))

    def warn(self, row: int, column: int | None, header: str, message: str) -> None:
        self.problem(row, column, header, message, Severity.WARNING)

    # --- the header ---

    def find_header(self) -> int | None:
        for index, (number, cells) in enumerate(self.sheet.rows[:HEADER_SEARCH]):
            if has_header(Sheet(self.sheet.kind, rows=[(number, cells)])):
                for above, above_cells in self.sheet.rows[:index]:
                    filled = _filled(above_cells)
                    if filled:
                        text = above_cells[filled[0]].text.strip()
                        self.warn(above, filled[0], "", f"skipped a heading row above the "
                                  f"header: '{text[:60]}'")
                self.read_header(number, cells)
                return index
        return None

    def read_header(self, number: int, cells: list[Cell]) -> None:
        self.out.header_row = number
        seen: dict[str, int] = {}
        for index, cell in enumerate(cells):
            text = cell.text.strip()
            if not text:
                continue
            self.header_text[index] = text
            ours = col.column_of(text)
            if ours in col.LOG_COLUMNS:
                continue  # what a session log added: not part of the scenario
            if ours is None:
                ours = text
                self.kept.add(index)
            if ours in seen:
                self.problem(number, index, text, f"a second '{ours}' column (the first is "
                             f"column {seen[ours] + 1}, '{self.header_text[seen[ours]]}'); "
                             "rename or remove one")
                continue
            seen[ours] = index
            self.columns[index] = ours

    # --- rows ---

    def read_rows(self, start: int) -> None:
        clocks = []
        rows = []
        for number, cells in self.sheet.rows[start + 1:]:
            filled = _filled(cells)
            if not filled:
                continue
            if self.is_repeated_header(cells):
                self.warn(number, filled[0], "", "skipped a repeated header row")
                continue
            if len(filled) == 1 and self.columns.get(filled[0]) not in (col.MESSAGE,
                                                                           col.SUBJECT):
                self.warn(number, filled[0], "", f"skipped a heading row: "
                          f"'{cells[filled[0]].text.strip()[:60]}'")
                continue
            values = self.values(number, cells)
            moment = self.moment(number, values)
            if moment is not None and moment.clock is not None:
                clocks.append(moment.clock)
            rows.append((number, values, moment))
        base = min(clocks, default=0.0)
        if col.SUBJECT not in self.columns.values() and col.MESSAGE in self.columns.values():
            self.warn(self.out.header_row, None, "", "no Subject column: each inject's title is "
                      "the first words of its message")
        for number, values, moment in rows:
            self.read_inject(number, values, moment, base)

    def is_repeated_header(self, cells: list[Cell]) -> bool:
        texts = {i: c.text.strip() for i, c in enumerate(cells) if c.text.strip()}
        return len(texts) >= 2 and all(self.header_text.get(i) == t for i, t in texts.items())

    def values(self, number: int, cells: list[Cell]) -> dict[str, tuple[str, int]]:
        """The row's non-blank cells by column (ours or kept), formulas reported and dropped."""
        out: dict[str, tuple[str, int]] = {}
        for index, cell in enumerate(cells):
            if not cell.text.strip() or index not in self.columns:
                if cell.text.strip() and index not in self.header_text:
                    self.warn(number, index, "", "a value in a column with no header is "
                              "ignored; give the column a header to keep it")
                continue
            name = self.columns[index]
            if cell.formula:
                self.problem(number, index, self.header_text[index],
                             f"a formula ({cell.text.strip()[:40]}) is not evaluated: the "
                             "sheet is read as values only; paste its value as text instead")
                continue
            out[name] = (cell.text, index)
        return out

    def moment(self, number: int, values: dict[str, tuple[str, int]]) -> rd.Moment | None:
        if col.TIME not in values:
            return None
        text, index = values[col.TIME]
        if rd.is_ad_hoc(text):
            return None
        try:
            return rd.read_time(text)
        except rd.CellError as exc:
            self.problem(number, index, self.header_text[index], str(exc))
            values.pop(col.TIME)
            return None

    # --- one inject ---

    def read_inject(self, number: int, values: dict[str, tuple[str, int]],
                    moment: rd.Moment | None, base: float) -> None:
        i = len(self.out.injects)
        item: dict[str, Any] = {}
        self.out.injects.append(item)
        self.out.positions[("injects", i)] = _Mark(number - 1, 0)

        def put(key: str, value: Any, column: str) -> None:
            item[key] = value
            index = values[column][1]
            self.out.positions[("injects", i, key)] = _Mark(number - 1, index)
            self.out.headers[(i, key)] = self.header_text[index]

        def text(column: str) -> str:
            return values[column][0] if column in values else ""

        def fail(column: str, message: str, warning: bool = False) -> None:
            index = values[column][1]
            (self.warn if warning else self.problem)(number, index, self.header_text[index],
                                                       message)

        subject, message = text(col.SUBJECT).strip(), text(col.MESSAGE)
        self.read_id(number, values, put, subject or message)
        if subject:
            put("title", subject, col.SUBJECT)
        elif message.strip():
            first = message.strip().splitlines()[0]
            put("title", first[:80].rstrip() + ("…" if len(first) > 80 else ""), col.MESSAGE)
            if col.SUBJECT in self.columns.values():  # else said once, at the header
                fail(col.MESSAGE, "no subject: the title is the message's first words", True)
        else:
            self.problem(number, None, "", "a row with neither a subject nor a message; give "
                         "it one (or clear the row)")
            item["title"] = "?"
        if message.strip():
            put("text", message, col.MESSAGE)
        elif subject:
            put("text", subject, col.SUBJECT)
        else:
            item["text"] = "?"
        self.read_timing(number, values, moment, base, put, fail)
        if col.CHANCE in values:
            try:
                put("chance", rd.read_chance(text(col.CHANCE)), col.CHANCE)
            except rd.CellError as exc:
                fail(col.CHANCE, str(exc))
        if col.REPEAT in values:
            try:
                if rd.read_yes_no(text(col.REPEAT)):
                    put("repeat", True, col.REPEAT)
            except rd.CellError as exc:
                fail(col.REPEAT, str(exc))
        if col.TO in values:
            audience, unknown = rd.read_recipients(text(col.TO), self.scenario.parties)
            for words in unknown:
                fail(col.TO, words)
            if audience != "all" and audience:
                put("audience", audience, col.TO)
            elif not audience and not unknown:
                put("audience", "all", col.TO)
        self.read_yaml_cell(i, number, values, "effects", col.EFFECTS, put, fail)
        if col.NOTES in values:
            put("facilitator_note", text(col.NOTES), col.NOTES)
        for key, column in (("expected_actions", col.EXPECTED), ("questions", col.QUESTIONS)):
            if column in values:
                put(key, rd.read_lines(text(column)), column)
        if col.OBJECTIVES in values:
            put("objectives", rd.read_ids(text(col.OBJECTIVES)), col.OBJECTIVES)
        if col.SOURCE in values or col.QUOTE in values:
            source = {}
            if col.SOURCE in values:
                source["ref"] = text(col.SOURCE).strip()
            if col.QUOTE in values:
                source["quote"] = text(col.QUOTE).strip()
            put("source", source, col.SOURCE if col.SOURCE in values else col.QUOTE)
            if col.QUOTE in values:
                self.out.positions[("injects", i, "source", "quote")] = _Mark(
                    number - 1, values[col.QUOTE][1])
        kept = {name: value for name, (value, place) in values.items()
                if name in col.KEPT or place in self.kept}
        if kept:
            item["msel"] = kept
            leftmost = min(values[name][1] for name in kept)
            self.out.positions[("injects", i, "msel")] = _Mark(number - 1, leftmost)
            self.out.headers[(i, "msel")] = self.header_text[leftmost]

    def read_id(self, number: int, values: dict[str, tuple[str, int]], put: Any,
                words: str) -> None:
        given = values.get(col.ID, ("", 0))[0].strip()
        ident = given if re.fullmatch(r"[a-z][a-z0-9_-]*", given) else rd.slug(given or words)
        if ident == given:
            put("id", ident, col.ID)
            self.ids.add(ident)
            return
        base, n = ident, 2
        while ident in self.ids:
            ident, n = f"{base}-{n}", n + 1
        self.ids.add(ident)
        if col.ID in values:
            put("id", ident, col.ID)
        else:
            self.out.injects[-1]["id"] = ident

    def read_timing(self, number: int, values: dict[str, tuple[str, int]],
                    moment: rd.Moment | None, base: float, put: Any, fail: Any) -> None:
        item = self.out.injects[-1]
        trigger = values.get(col.TRIGGER, ("", 0))[0]
        ad_hoc = rd.is_ad_hoc(trigger) or rd.is_ad_hoc(values.get(col.TIME, ("", 0))[0])
        if col.CONDITION in values:
            self.read_yaml_cell(len(self.out.injects) - 1, number, values, "when", col.CONDITION,
                                put, fail)
        round_: int | None = None
        if col.ROUND in values:
            try:
                round_ = rd.read_round(values[col.ROUND][0])
                put("at", {"round": round_}, col.ROUND)
            except rd.CellError as exc:
                fail(col.ROUND, str(exc))
        if round_ is None:
            from_time = self.time_round(moment, base, values, fail)
            if from_time is not None:
                put("at", {"round": from_time}, col.TIME)
        elif moment is not None and self.disagrees(moment, base, round_):
            fail(col.TIME, f"this time is not in round {round_}, as the Round column says; "
                 "the Round column is used", True)
        if ad_hoc and ("at" in item or "when" in item):
            column = col.TRIGGER if rd.is_ad_hoc(trigger) else col.TIME
            fail(column, "says the inject is ad hoc, but the row also gives a "
                 f"{'round' if 'at' in item else 'condition'}; clear one of them")

    def disagrees(self, moment: rd.Moment, base: float, round_: int) -> bool:
        """Whether a time is clearly outside the round a Round cell gives (a minute either
        side of its start is the rounding of our own T+HH:MM)."""
        if moment.round is not None:
            return moment.round != round_
        if not self.per_round:
            return False  # an untimed scenario: the time is the designer's note
        minutes = moment.minutes if moment.minutes is not None else (moment.clock or 0) - base
        start = (round_ - 1) * self.per_round
        return not start - 1 < minutes < start + self.per_round

    def time_round(self, moment: rd.Moment | None, base: float,
                   values: dict[str, tuple[str, int]], fail: Any) -> int | None:
        if moment is None:
            return None
        if moment.round is not None:
            return moment.round
        shown = values[col.TIME][0].strip()
        if not self.per_round:
            fail(col.TIME, f"'{shown}' is a time, but the scenario has no round length "
                 "(round_minutes is 0): give --minutes-per-round N to map times to rounds")
            return None
        minutes = moment.minutes if moment.minutes is not None else (moment.clock or 0) - base
        number, note = rd.round_at(minutes, self.per_round, shown)
        if moment.clock is not None and minutes == 0 and not self.clock_said:
            self.clock_said = True
            note = (f"'{shown}' is a clock time: clock times are counted from the sheet's "
                    "earliest, which starts round 1")
        if note:
            fail(col.TIME, note, True)
        return number

    def read_yaml_cell(self, i: int, number: int, values: dict[str, tuple[str, int]],
                       key: str, column: str, put: Any, fail: Any) -> None:
        if column not in values:
            return
        text = values[column][0]
        doc = read_yaml(text, self.name)
        if doc.data is None or doc.problems:
            first = doc.problems[0].message if doc.problems else "empty"
            example = "{element: dmz, status: adopted}" if key == "when" else \
                "{tracks: {escalation: 1}}"
            fail(column, f"expected YAML flow syntax such as {example}: {first}")
            return
        put(key, doc.data, column)


def read_injects(sheet: Sheet, name: str, scenario: Scenario,
                 per_round: float | None) -> Imported:
    """The injects a sheet holds, for ``scenario``, with the problems met reading them."""
    reader = _Reader(sheet, name, scenario, per_round)
    start = reader.find_header()
    if start is None:
        hint = (f" on sheet '{sheet.title}'" if sheet.title else "")
        reader.problem(1, None, "", f"no header row found{hint}: expected a row naming columns "
                       "such as Time, To, Subject and Message (see docs/msel.md)")
        return reader.out
    reader.read_rows(start)
    if not reader.out.injects and not any(p.severity is Severity.ERROR
                                          for p in reader.out.problems):
        reader.warn(reader.out.header_row, None, "", "the sheet has a header but no inject "
                    "rows below it: the scenario will have no injects")
    return reader.out


_INJECT_PATH = re.compile(r"injects\[(\d+)\](?:\.([a-z_]+))?")


def check_imported(imported: Imported, sheet_name: str, target: Document,
                   target_name: str) -> Checked:
    """Check the scenario ``target`` with its injects replaced by ``imported``'s, as
    ``exercise validate`` checks a file: a problem in an inject is placed at its cell
    and named by its column's header; one elsewhere stays in the scenario file."""
    data = copy.copy(target.data)
    data["injects"] = imported.injects
    doc = Document(sheet_name, data)
    doc.positions = {p: m for p, m in target.positions.items() if p[:1] != ("injects",)}
    doc.key_positions = {p: m for p, m in target.key_positions.items() if p[:1] != ("injects",)}
    doc.positions.update(imported.positions)
    doc.key_positions.update(imported.positions)
    doc.positions[("injects",)] = _Mark(imported.header_row - 1, 0)
    checked = check_document(doc)
    problems = []
    for problem in checked.problems:
        match = _INJECT_PATH.match(problem.path)
        if match:
            key = match.group(2) or ""
            header = imported.headers.get((int(match.group(1)), key), "")
            problems.append(replace(problem, path=header))
        elif problem.path == "injects":
            problems.append(problem)
        else:
            problems.append(replace(problem, file=target_name))
    return Checked(checked.name, checked.scenario, tuple(problems))

