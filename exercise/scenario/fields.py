"""Leaf types of the scenario format: ids, text, numbers, flags and choices.

Each is a pydantic annotated type with a plain validator, so the schema (not YAML
1.1's guessing) decides what an unquoted scalar means, and every refusal is one
clear sentence. The JSON Schema each type publishes is what an editor checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

from annotated_types import GroupedMetadata, MaxLen
from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from exercise.scenario.limits import MAX_ID, MAX_LINE, MAX_MARKDOWN, MAX_NUMBER
from exercise.scenario.problems import did_you_mean
from exercise.scenario.yaml_source import Plain
from exercise.text import first_control

ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
_ID_RE = re.compile(ID_PATTERN)
_INT_RE = re.compile(r"^[-+]?[0-9]+$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
# What an editor checks (JSON Schema patterns are ECMA regexes): no control character, and in
# one-line text no newline or tab either.
_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"
_MARKDOWN_PATTERN = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$"


def _fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, ctx)


def _clip(text: str, most: int = 40) -> str:
    """Text short enough to quote in a message (a 2 MB value is not repeated back)."""
    return text if len(text) <= most else text[:most - 1] + "…"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Plain):
        return f"'{_clip(value)}'"
    if isinstance(value, str):
        return f'the quoted text "{_clip(value)}"'
    return _clip(repr(value))


def _figure(number: float) -> str:
    """A number as a message shows it: with thousands separators."""
    if isinstance(number, int):
        return f"{number:,}"
    return f"{number:,g}" if math.isfinite(number) else repr(number)


class _Huge:
    """A number too large for any range here, kept as it was written (or as its size): an
    integer of 5,000 digits (which Python would refuse in its own words) or 1e309 (which
    Python would turn into infinity)."""

    __slots__ = ("negative", "text")

    def __init__(self, text: str):
        self.negative = text.startswith("-")
        digits = sum(c.isdigit() for c in text)
        self.text = text if len(text) <= 24 else f"a {digits:,}-digit number"

    def __str__(self) -> str:
        return self.text


_INT_DIGITS = 15  # integers with more significant digits are never in range
_NOT_FINITE = {".inf", "+.inf", "-.inf", ".nan", "inf", "+inf", "-inf", "nan", "infinity",
               "+infinity", "-infinity"}


def _read_number(value: Any) -> int | float | _Huge:
    """A number from a plain scalar (or a number given in code), before any range check."""
    if isinstance(value, Plain):
        text = str(value)
        if _INT_RE.fullmatch(text):
            if len(text.lstrip("+-").lstrip("0")) > _INT_DIGITS:
                return _Huge(text)
            return int(text)
        if _FLOAT_RE.fullmatch(text):
            number = float(text)  # any length: only int() has a digit limit
            if not math.isfinite(number):
                return _Huge(text)
            return int(number) if number.is_integer() and "e" not in text.lower() else number
        if text.lower() in _NOT_FINITE:
            raise _fail("number", "expected a finite number, got {got}", got=_shown(value))
        raise _fail("number", "expected a number, got {got}", got=_shown(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail("number", "expected a number, got {got}", got=_shown(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail("number", "expected a finite number, got {got}", got=repr(value))
    return value


def _within(value: Any, low: float, high: float, *, low_open: bool = False,
            whole: bool = False) -> int | float:
    """Read a number and check it lies in [low, high] (or (low, high] when ``low_open``)."""
    number = _read_number(value)
    if isinstance(number, _Huge):
        got, too_low, too_high = str(number), number.negative, not number.negative
    else:
        got = _figure(number)
        too_low = number <= low if low_open else number < low
        too_high = number > high
    if (too_low or too_high) and low == -high:
        raise _fail("range", "out of range: must be between {low} and {high}, got {got}",
                    low=_figure(low), high=_figure(high), got=got)
    if too_high:
        raise _fail("range", "out of range: must be at most {high}, got {got}",
                    high=_figure(high), got=got)
    if too_low:
        word = "more than" if low_open else "at least"
        raise _fail("range", "must be {word} {low}, got {got}", word=word, low=_figure(low),
                    got=got)
    assert not isinstance(number, _Huge)
    if whole and isinstance(number, float):
        raise _fail("integer", "expected a whole number, got {got}", got=_shown(value))
    return number


def parse_number(value: Any) -> int | float:
    """Read a number: an unquoted integer or decimal, finite, and at most MAX_NUMBER either
    side of zero; never a boolean or quoted text."""
    return _within(value, -MAX_NUMBER, MAX_NUMBER)


def parse_int(value: Any) -> int:
    """Read a whole number (at most MAX_NUMBER either side of zero)."""
    number = _within(value, -MAX_NUMBER, MAX_NUMBER, whole=True)
    assert isinstance(number, int)
    return number


def parse_flag(value: Any) -> bool:
    """Read ``true`` or ``false``; YAML 1.1's ``yes``/``no``/``on``/``off`` are refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Plain) and str(value) in ("true", "True", "TRUE"):
        return True
    if isinstance(value, Plain) and str(value) in ("false", "False", "FALSE"):
        return False
    hint = ""
    if isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        hint = " (YAML 1.1's yes/no/on/off are not booleans here)"
    raise _fail("flag", "expected true or false, got {got}{hint}", got=_shown(value), hint=hint)


def _text(value: Any, *, one_line: bool, most: int) -> str:
    """Read text exactly as written (``1.10`` stays "1.10" and ``no`` stays "no"), refusing
    control characters, and newlines and tabs in one-line text.

    One trailing run of newlines is dropped from one-line text: it is what a YAML block
    scalar (``title: >``) ends with, not something the author typed into the title.
    """
    if not isinstance(value, str):
        raise _fail("text", "expected text, got {got}", got=_shown(value))
    text = str(value)
    if one_line:
        text = text.rstrip("\n")
    if len(text) > most:
        what = "one-line text" if one_line else "Markdown text"
        raise _fail("text_length", "too long: at most {most} characters of {what}; this has {got}",
                    most=f"{most:,}", what=what, got=f"{len(text):,}")
    if not text.strip():
        raise _fail("text", "must not be empty")
    control = first_control(text, allow_newlines=not one_line)
    if control is not None:
        if one_line and control.startswith(("newline", "tab")):
            raise _fail("text", "{what}: this is one-line text (a name, title, label, quote or "
                                "question); write it on one line", what=control)
        raise _fail("text", "{what}: control characters are not allowed in scenario text "
                            "(a terminal would obey them)", what=control)
    return text


def parse_text(value: Any) -> str:
    """Read one-line text: a name, title, label, quote or question (no newline or tab)."""
    return _text(value, one_line=True, most=MAX_LINE)


def parse_markdown(value: Any) -> str:
    """Read Markdown text: a summary, background, brief or inject text (newlines and tabs
    allowed, other control characters not)."""
    return _text(value, one_line=False, most=MAX_MARKDOWN)


def parse_id(value: Any) -> str:
    """Read an id: lowercase letters, digits, '_' and '-', starting with a letter."""
    if not isinstance(value, str):
        raise _fail("id", "expected an id, got {got}", got=_shown(value))
    text = str(value)
    if len(text) > MAX_ID:
        raise _fail("id", "'{got}' is too long for an id: at most {most} characters; this has "
                          "{n}", got=_clip(text), most=MAX_ID, n=f"{len(text):,}")
    if not _ID_RE.fullmatch(text):
        hint = ""
        fixed = re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-")
        if fixed and _ID_RE.fullmatch(fixed):
            hint = f" (try '{fixed}')"
        control = first_control(text, allow_newlines=False)
        holds = f" (it holds {control})" if control else ""
        raise _fail(
            "id",
            "'{got}' is not a valid id{holds}: use lowercase letters, digits, '_' and '-', "
            "starting with a letter{hint}",
            got=text,
            holds=holds,
            hint=hint,
        )
    return text


def parse_date(value: Any) -> str:
    """Read an ISO date (2025-12-16) or year-month (2025-12), kept as text."""
    text = str(value) if isinstance(value, str) else None
    if text is None or not _DATE_RE.fullmatch(text):
        raise _fail(
            "date",
            "expected a date as YYYY-MM-DD or YYYY-MM, got {got}",
            got=_shown(value),
        )
    return text


def parse_color(value: Any) -> str:
    """Read a colour as #rrggbb."""
    if isinstance(value, str) and _COLOR_RE.fullmatch(str(value)):
        return str(value).lower()
    raise _fail(
        "color",
        "expected a colour as #rrggbb, got {got} (quote it: a bare # starts a comment)",
        got=_shown(value),
    )


def choice(*options: str) -> Any:
    """An annotated text type that accepts exactly one of ``options``."""

    def check(value: Any) -> str:
        if isinstance(value, str) and str(value) in options:
            return str(value)
        listed = ", ".join(options)
        hint = did_you_mean(_clip(str(value), MAX_ID), options) if isinstance(value, str) else ""
        raise _fail(
            "choice", "{got} is not one of: {listed}{hint}", got=_shown(value), listed=listed,
            hint=hint,
        )

    return Annotated[str, PlainValidator(check), WithJsonSchema({"enum": list(options)})]


def bounded(low: float, high: float, *, low_open: bool = False, whole: bool = False) -> Any:
    """A number type within [low, high]; ``low_open`` excludes the low bound itself."""
    schema: dict[str, Any] = {"type": "integer" if whole else "number",
                              "exclusiveMinimum" if low_open else "minimum": low,
                              "maximum": high}

    def check(value: Any) -> int | float:
        return _within(value, low, high, low_open=low_open, whole=whole)

    return Annotated[int if whole else float, PlainValidator(check), WithJsonSchema(schema)]


@dataclass(frozen=True)
class at_most(GroupedMetadata):  # lower case: it reads as a type, Annotated[X, at_most(5)]
    """A bound on a list's (or a mapping's) length: published as maxItems (maxProperties) and
    checked before any item is, so a list of a million entries costs one message."""

    most: int
    noun: str = "entries"
    where: str = ""  # what holds them, for the message: "this file" (default: this list)

    def __iter__(self) -> Iterator[object]:
        most, noun = self.most, self.noun
        where = self.where

        def check(value: Any) -> Any:
            if isinstance(value, (list, dict)) and len(value) > most:
                holder = where or ("this list" if isinstance(value, list) else "this mapping")
                raise _fail("too_many", "at most {most} {noun}; {holder} has {got}",
                            most=f"{most:,}", noun=noun, holder=holder, got=f"{len(value):,}")
            return value

        yield MaxLen(most)  # annotated_types: pydantic's own vocabulary of constraints
        yield BeforeValidator(check)


Id = Annotated[
    str,
    PlainValidator(parse_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID}),
]
Text = Annotated[
    str,
    PlainValidator(parse_text),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_LINE,
                    "pattern": _LINE_PATTERN}),
]


def short_text(most: int) -> Any:
    """One-line text of at most ``most`` characters (a party's badge)."""
    return Annotated[
        str,
        PlainValidator(lambda value: _text(value, one_line=True, most=most)),
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": most,
                        "pattern": _LINE_PATTERN}),
    ]


Markdown = Annotated[
    str,
    PlainValidator(parse_markdown),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_MARKDOWN,
                    "pattern": _MARKDOWN_PATTERN}),
]
Number = Annotated[
    float,
    PlainValidator(parse_number),
    WithJsonSchema({"type": "number", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}),
]
Flag = Annotated[bool, PlainValidator(parse_flag), WithJsonSchema({"type": "boolean"})]
Date = Annotated[
    str,
    PlainValidator(parse_date),
    WithJsonSchema({"type": "string", "pattern": _DATE_RE.pattern}),
]
Color = Annotated[
    str,
    PlainValidator(parse_color),
    WithJsonSchema({"type": "string", "pattern": _COLOR_RE.pattern}),
]

K = TypeVar("K")
V = TypeVar("V")


def _freeze(mapping: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(mapping)


_thaw: Callable[[Mapping[Any, Any]], dict[Any, Any]] = dict

# A read-only mapping: validated as a dict, stored as a mappingproxy, dumped as a dict.
FrozenMap = Annotated[
    dict[K, V],
    AfterValidator(_freeze),
    PlainSerializer(_thaw),
]
