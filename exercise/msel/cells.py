"""Reading one MSEL cell: a time or round, a recipient list, a chance, a yes/no, a list.

Each reader returns the value or raises :class:`CellError` with one sentence saying what
was expected; a mapping that loses something (a time between two rounds' starts) returns
a note beside its value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from exercise.msel.export import clock
from exercise.scenario.model import Party


class CellError(ValueError):
    """A cell that cannot be read; the message is one sentence."""


AD_HOC_WORDS = {"adhoc", "ad-hoc", "contingency", "contingent", "ondemand", "asneeded",
                "facilitator", "facilitatorsdiscretion", "atfacilitatorsdiscretion",
                "unscheduled", "standby", "spare", "reserve", "optional"}
_ROUND = re.compile(r"(?:round|rnd|r|move|m|turn|phase)?\s*\.?\s*(\d{1,3})", re.I)
_ELAPSED = re.compile(r"[tT]\s*\+\s*(\d{1,4}):(\d{2})(?::(\d{2}))?")
_PARTS = re.compile(r"([DHM])\s*\+\s*(\d{1,5})", re.I)
_CLOCK = re.compile(r"(\d{1,2}):?(\d{2})\s*([ap]\.?m\.?)?", re.I)
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})(?::\d{2})?")


def squash(text: str) -> str:
    """Text folded for matching words: lower case, no spaces, dots or apostrophes."""
    return re.sub(r"[\s.'’_]+", "", text).casefold()


def is_ad_hoc(text: str) -> bool:
    """Whether a time or trigger cell says the inject is the facilitator's to play."""
    return squash(text) in AD_HOC_WORDS


def read_round(text: str) -> int:
    """A round: ``2``, ``Round 2``, ``R2``, ``Move 2``."""
    match = _ROUND.fullmatch(text.strip())
    if not match:
        raise CellError(f"expected a round such as 2, 'Round 2', 'R2' or 'Move 2', got "
                        f"'{text.strip()[:40]}'")
    return int(match.group(1))


@dataclass(frozen=True)
class Moment:
    """A time cell read: minutes since the exercise began, or a clock time (minutes since
    midnight of its day, counted from the sheet's earliest), or a round given outright."""

    minutes: float | None = None
    clock: float | None = None
    round: int | None = None


def read_time(text: str) -> Moment:
    """A time: ``T+01:30``, ``D+1 H+3 M+45``, ``Round 2``/``R2``/``Move 2``, or a clock time
    (``09:30``, ``0930``, ``9:30 AM``, ``2025-03-01 09:30``)."""
    raw = text.strip()
    match = _ELAPSED.fullmatch(raw)
    if match:
        hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return Moment(minutes=hours * 60 + minutes + seconds / 60)
    parts = _PARTS.findall(raw)
    if parts and not _PARTS.sub("", raw).strip(" ,;/"):
        units = {"d": 1440, "h": 60, "m": 1}
        return Moment(minutes=sum(units[u.lower()] * int(n) for u, n in parts))
    match = _STAMP.fullmatch(raw)
    if match:
        stamp = datetime.fromisoformat(f"{match.group(1)} {match.group(2).zfill(5)}")
        return Moment(clock=stamp.timestamp() / 60)
    match = _CLOCK.fullmatch(raw)
    if match and (":" in raw or len(match.group(1) + match.group(2)) == 4 or match.group(3)):
        hours, minutes = int(match.group(1)), int(match.group(2))
        suffix = (match.group(3) or "").replace(".", "").lower()
        if suffix == "pm" and hours < 12:
            hours += 12
        if suffix == "am" and hours == 12:
            hours = 0
        if hours < 24 and minutes < 60:
            return Moment(clock=hours * 60 + minutes)
    try:
        return Moment(round=read_round(raw))
    except CellError:
        pass
    raise CellError(f"expected a time such as T+01:30, D+1 H+3 M+45, Round 2, R2, 09:30, or "
                    f"'ad hoc', got '{raw[:40]}'")


def round_at(minutes: float, per_round: float, shown: str) -> tuple[int, str | None]:
    """The round whose discussion is under way ``minutes`` in, and a note when the time is
    not a round's start (the inject will fire at that round's start)."""
    number = int(minutes // per_round) + 1
    start = (number - 1) * per_round
    if abs(minutes - start) < 1e-9:
        return number, None
    return number, (f"{shown} falls inside round {number} (rounds of {per_round:g} minutes, "
                    f"from {clock(start)}); the inject fires at that round's start")


ALL_WORDS = {"all", "everyone", "everybody", "allplayers", "allparties", "allteams",
             "alldelegations", "allparticipants", "plenary", "*", "public"}
_SPLIT = re.compile(r"\s*(?:[,;/\n]|\band\b|&)\s*", re.I)


def read_recipients(text: str, parties: Sequence[Party]) -> tuple[str | list[str], list[str]]:
    """``all`` or the party ids a recipient cell names (by id, name or short name).

    Returns:
        the audience, and one message per name that is no party's (with a did-you-mean).
    """
    if not text.strip() or squash(text) in ALL_WORDS:
        return "all", []
    known: dict[str, str] = {}
    for party in parties:
        for word in (party.id, party.name, party.short or ""):
            if word:
                known.setdefault(squash(word), party.id)
    ids: list[str] = []
    unknown: list[str] = []
    for name in _SPLIT.split(text.strip()):
        if not name:
            continue
        word = re.sub(r"^(the)\s+|\s+(delegation|team|cell|seat)$", "", name.strip(), flags=re.I)
        pid = known.get(squash(word)) or known.get(squash(name))
        if pid is None:
            close = difflib.get_close_matches(squash(word), list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{known[close[0]]}'?)" if close else ""
            unknown.append(f"'{name[:40]}' is no party of this scenario{hint}; its parties: "
                           f"{', '.join(p.id for p in parties)}")
        elif pid not in ids:
            ids.append(pid)
    return ids, unknown


def read_chance(text: str) -> float | int:
    """A chance: ``0.5`` or ``50%``."""
    raw = text.strip()
    try:
        if raw.endswith("%"):
            return float(raw[:-1].strip()) / 100
        number = float(raw)
    except ValueError:
        raise CellError(f"expected a chance such as 0.5 or 50%, got '{raw[:40]}'") from None
    return int(number) if number.is_integer() else number


_YES = {"yes", "y", "true", "x", "1", "✓", "✔"}
_NO = {"no", "n", "false", "0", "-", ""}


def read_yes_no(text: str) -> bool:
    """A yes/no cell: yes, true, x, 1 (or no, false, 0, blank)."""
    word = text.strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(f"expected yes or no, got '{text.strip()[:40]}'")


def read_lines(text: str) -> list[str]:
    """A list cell: one item a line (a leading bullet • is dropped)."""
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):  # not splitlines: U+2028 is text
        item = line.strip()
        if item.startswith(("• ", "· ")):
            item = item[2:].strip()
        if item:
            out.append(item)
    return out


def read_ids(text: str) -> list[str]:
    """A list of ids: separated by commas, semicolons, spaces or lines."""
    return [w for w in re.split(r"[\s,;]+", text.strip()) if w]


def slug(text: str, most: int = 48) -> str:
    """An id made from text: ``Protests in Kyiv`` → ``protests-in-kyiv``."""
    words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    words = words[:most].rstrip("-")
    if not words or not words[0].isalpha():
        words = "inject-" + words if words else "inject"
    return words
