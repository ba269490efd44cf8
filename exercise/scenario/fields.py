"""Leaf types of the scenario format: ids, text, numbers, flags and choices.

Each is a pydantic annotated type with a plain validator, so the schema (not YAML
1.1's guessing) decides what an unquoted scalar means, and every refusal is one
clear sentence. The JSON Schema each type publishes is what an editor checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from exercise.scenario.problems import did_you_mean
from exercise.scenario.yaml_source import Plain

ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
_ID_RE = re.compile(ID_PATTERN)
_INT_RE = re.compile(r"^[-+]?[0-9]+$")
_FLOAT_RE = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


def _fail(kind: str, message: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, ctx)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Plain):
        return f"'{value}'"
    if isinstance(value, str):
        return f'the quoted text "{value}"'
    return repr(value)


def parse_number(value: Any) -> int | float:
    """Read a number: an unquoted integer or decimal; never a boolean or quoted text."""
    if isinstance(value, Plain):
        text = str(value)
        if _INT_RE.match(text):
            return int(text)
        if _FLOAT_RE.match(text):
            number = float(text)
            return int(number) if number.is_integer() and "e" not in text.lower() else number
        raise _fail("number", "expected a number, got {got}", got=_shown(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail("number", "expected a number, got {got}", got=_shown(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise _fail("number", "expected a finite number, got {got}", got=repr(value))
    return value


def parse_int(value: Any) -> int:
    """Read a whole number."""
    number = parse_number(value)
    if isinstance(number, float):
        raise _fail("integer", "expected a whole number, got {got}", got=_shown(value))
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


def parse_text(value: Any) -> str:
    """Read text exactly as written: ``1.10`` stays "1.10" and ``no`` stays "no"."""
    if isinstance(value, str):
        text = str(value)
        if not text.strip():
            raise _fail("text", "must not be empty")
        return text
    raise _fail("text", "expected text, got {got}", got=_shown(value))


def parse_id(value: Any) -> str:
    """Read an id: lowercase letters, digits, '_' and '-', starting with a letter."""
    if not isinstance(value, str):
        raise _fail("id", "expected an id, got {got}", got=_shown(value))
    text = str(value)
    if not _ID_RE.match(text):
        hint = ""
        fixed = re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-")
        if fixed and _ID_RE.match(fixed):
            hint = f" (try '{fixed}')"
        raise _fail(
            "id",
            "'{got}' is not a valid id: use lowercase letters, digits, '_' and '-', "
            "starting with a letter{hint}",
            got=text,
            hint=hint,
        )
    return text


def parse_date(value: Any) -> str:
    """Read an ISO date (2025-12-16) or year-month (2025-12), kept as text."""
    text = str(value) if isinstance(value, str) else None
    if text is None or not _DATE_RE.match(text):
        raise _fail(
            "date",
            "expected a date as YYYY-MM-DD or YYYY-MM, got {got}",
            got=_shown(value),
        )
    return text


def parse_color(value: Any) -> str:
    """Read a colour as #rrggbb."""
    if isinstance(value, str) and _COLOR_RE.match(str(value)):
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
        hint = did_you_mean(str(value), options) if isinstance(value, str) else ""
        raise _fail(
            "choice", "{got} is not one of: {listed}{hint}", got=_shown(value), listed=listed,
            hint=hint,
        )

    return Annotated[str, PlainValidator(check), WithJsonSchema({"enum": list(options)})]


def bounded(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    whole: bool = False,
) -> Any:
    """A number type with bounds; ``low_open`` excludes the low bound itself."""
    schema: dict[str, Any] = {"type": "integer" if whole else "number"}
    if low is not None:
        schema["exclusiveMinimum" if low_open else "minimum"] = low
    if high is not None:
        schema["maximum"] = high

    def check(value: Any) -> int | float:
        number = parse_int(value) if whole else parse_number(value)
        if low is not None and (number <= low if low_open else number < low):
            word = "more than" if low_open else "at least"
            raise _fail("range", "must be {word} {low}, got {got}", word=word, low=low, got=number)
        if high is not None and number > high:
            raise _fail("range", "must be at most {high}, got {got}", high=high, got=number)
        return number

    return Annotated[int if whole else float, PlainValidator(check), WithJsonSchema(schema)]


Id = Annotated[
    str,
    PlainValidator(parse_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]
Text = Annotated[
    str,
    PlainValidator(parse_text),
    WithJsonSchema({"type": "string", "minLength": 1}),
]
Number = Annotated[float, PlainValidator(parse_number), WithJsonSchema({"type": "number"})]
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
