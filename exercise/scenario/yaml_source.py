"""Safe, strict YAML reading that remembers where every value came from.

Scenario and moves files are untrusted. This reader builds plain Python data from
libyaml's event stream (no constructor ever runs, so no tag can build an object),
and it differs from ``yaml.safe_load`` on purpose:

* no tags beyond the core ones (``!!str``, ``!!int``, ...); ``!!python/...`` and
  custom tags are problems, not objects;
* a duplicated key is a problem, not a silent overwrite;
* plain scalars are *not* guessed into booleans, dates or sexagesimal numbers the
  YAML 1.1 way: each is kept as :class:`Plain` text and the schema decides what it
  is, so ``no`` stays the text "no" (or is refused where a boolean is expected),
  ``1.10`` stays "1.10" where text is expected, and ``2025-12-16`` stays a string;
* aliases are allowed but the expanded size of the document is bounded, so an
  alias bomb is refused before anything walks it; nesting depth and file size are
  bounded too;
* every value's line and column are kept, keyed by its path, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from exercise.scenario.problems import Problem

try:  # libyaml makes a 200-element scenario parse in tens of milliseconds
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.loader import BaseLoader as _Parser  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 250_000
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_ALLOWED_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_ALLOWED_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_NULLS = {"", "~", "null", "Null", "NULL"}


class Plain(str):
    """An unquoted YAML scalar: text whose type (number, boolean, text) the schema decides."""

    __slots__ = ()


class Mark(NamedTuple):
    """A 1-based line and column in the source file."""

    line: int
    column: int


@dataclass
class Document:
    """The data read from one YAML file, the position of every value, and any problems."""

    name: str
    data: Any = None
    positions: dict[Path, Any] = field(default_factory=dict)  # libyaml marks, 0-based
    key_positions: dict[Path, Any] = field(default_factory=dict)
    empty: set[Path] = field(default_factory=set)  # keys written with no value
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: Path, *, key: bool = False) -> Mark | None:
        """Position (1-based) of the value (or key) at ``path``, else of its nearest ancestor."""
        raw = None
        if key and path in self.key_positions:
            raw = self.key_positions[path]
        else:
            p = tuple(path)
            while p and p not in self.positions:
                p = p[:-1]
            raw = self.positions.get(p)
        return Mark(raw.line + 1, raw.column + 1) if raw is not None else Mark(1, 1)

    def problem(self, path: Path, message: str, *, key: bool = False, **kw: Any) -> Problem:
        """Make a problem located at ``path`` in this document."""
        from exercise.scenario.problems import format_path

        mark = self.where(path, key=key)
        return Problem(
            self.name,
            mark.line if mark else None,
            mark.column if mark else None,
            format_path(path),
            message,
            **kw,
        )


class _Limit(Exception):
    """A bound was passed; reading stops."""


class _Frame:
    __slots__ = ("anchor", "container", "is_map", "key", "key_mark", "path", "start",
                 "start_count")

    def __init__(self, container: Any, path: Path, anchor: str | None, start_count: int,
                 start: Any):
        self.container = container
        self.is_map = isinstance(container, dict)
        self.start = start
        self.path = path
        self.key: str | None = None
        self.key_mark: Any = None
        self.anchor = anchor
        self.start_count = start_count


_INVALID_KEY = "\0invalid"


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


class _Reader:
    """Builds data from libyaml events with an explicit stack (no recursion, bounded depth).

    Positions are kept as libyaml's own (0-based) marks, converted only when a
    problem is reported: a 250 KiB file has some 30,000 values.
    """

    def __init__(self, doc: Document, max_nodes: int, max_depth: int):
        self.doc = doc
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.count = 0
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.root: Any = None
        self.have_root = False

    def fail(self, raw_mark: Any, message: str) -> None:
        self.doc.problems.append(
            Problem(self.doc.name, raw_mark.line + 1, raw_mark.column + 1, "", message)
        )

    def too_many(self, raw_mark: Any) -> None:
        self.fail(
            raw_mark,
            f"the document expands to more than {self.max_nodes:,} values "
            "(too many aliases, or far too large); reading stopped",
        )
        raise _Limit

    def scalar(self, event: Any) -> Any:
        text = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if (event.style is not None and event.style != "") or not event.implicit[0]:
                return text
            return None if text in _NULLS else Plain(text)
        if tag not in _ALLOWED_SCALAR_TAGS:
            self.fail(event.start_mark, f"the tag '{_tag_name(tag)}' is not allowed in a "
                                        "scenario file")
            return Plain(text)
        kind = tag.rsplit(":", 1)[1]
        if kind == "str":
            return text
        if kind == "null":
            return None
        # !!int, !!float, !!bool: hand the text to the schema, which parses and checks it.
        return Plain(text)

    def run(self, parser: Any) -> None:
        doc = self.doc
        positions = doc.positions
        key_positions = doc.key_positions
        empty = doc.empty
        stack: list[_Frame] = []
        max_nodes = self.max_nodes
        documents = 0
        get_event = parser.get_event
        # Event classes as locals: this loop runs once per value of the file.
        ScalarEvent, AliasEvent = yaml.ScalarEvent, yaml.AliasEvent
        MappingStartEvent, SequenceStartEvent = yaml.MappingStartEvent, yaml.SequenceStartEvent
        MappingEndEvent, SequenceEndEvent = yaml.MappingEndEvent, yaml.SequenceEndEvent
        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent or cls is AliasEvent:
                if cls is ScalarEvent:
                    self.count += 1
                    if event.tag is None and event.implicit[0] and not event.style:
                        text = event.value  # the common case, inlined: a plain scalar
                        value = None if text in _NULLS else Plain(text)
                    else:
                        value = self.scalar(event)
                    if event.anchor:
                        self.anchors[event.anchor] = (value, 1)
                else:
                    if event.anchor not in self.anchors:
                        self.fail(event.start_mark, f"the alias *{event.anchor} names no anchor")
                        raise _Limit
                    value, size = self.anchors[event.anchor]
                    self.count += size
                if self.count > max_nodes:
                    self.too_many(event.start_mark)
                mark = event.start_mark
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                self.count += 1
                if self.count > max_nodes:
                    self.too_many(event.start_mark)
                if event.tag not in (None, "!") and event.tag not in _ALLOWED_COLLECTION_TAGS:
                    tag = _tag_name(event.tag)
                    self.fail(event.start_mark, f"the tag '{tag}' is not allowed in a scenario "
                                                "file")
                if len(stack) >= self.max_depth:
                    self.fail(event.start_mark, f"nesting is deeper than {self.max_depth} levels")
                    raise _Limit
                if not stack:
                    path: Path = ()
                else:
                    top = stack[-1]
                    if not top.is_map:
                        path = (*top.path, len(top.container))
                    elif top.key is None:
                        path = ("?",)  # a collection used as a key: refused when placed
                    else:
                        path = (*top.path, top.key)
                container: Any = {} if cls is MappingStartEvent else []
                stack.append(_Frame(container, path, event.anchor, self.count, event.start_mark))
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                value = frame.container
                if frame.anchor:
                    self.anchors[frame.anchor] = (value, self.count - frame.start_count)
                mark = frame.start
            elif cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.fail(event.start_mark, "only one YAML document is allowed per file")
                    raise _Limit
                continue
            elif cls is yaml.StreamEndEvent:
                return
            else:  # stream start, document end
                continue

            # Place the finished value in its parent (or make it the root).
            if not stack:
                self.root = value
                self.have_root = True
                positions[()] = mark
                continue
            top = stack[-1]
            if not top.is_map:
                positions[(*top.path, len(top.container))] = mark
                top.container.append(value)
                continue
            if top.key is None:  # the value is a key
                if isinstance(value, (dict, list)):
                    self.fail(mark, "a key must be plain text, not a list or mapping")
                    top.key = _INVALID_KEY
                else:
                    top.key = "" if value is None else str(value)
                top.key_mark = mark
                continue
            key = top.key
            top.key = None
            if key == _INVALID_KEY:
                continue
            path = (*top.path, key)
            if key in top.container or path in empty:
                first = key_positions.get(path)
                where = f" (first given at line {first.line + 1})" if first else ""
                doc.problems.append(
                    Problem(doc.name, top.key_mark.line + 1, top.key_mark.column + 1,
                            _fmt(path), f"duplicate key '{key}'{where}; each key may appear once")
                )
                continue
            if key == "<<" and isinstance(value, (dict, list)):
                self.fail(mark, "merge keys ('<<') are not supported; write the keys out")
                continue
            key_positions[path] = top.key_mark
            positions[path] = mark
            if value is None:
                # `key:` with nothing after it: "not given" for an optional key; the schema
                # reports a required one as empty rather than missing.
                empty.add(path)
                continue
            top.container[key] = value


TAB_MESSAGE = "a tab is used for indentation here; YAML indents with spaces only (replace the tab)"


def _indenting_tab(text: str, line: int, column: int) -> int | None:
    """The column (0-based) of the tab that broke the YAML at this line, if a tab did: one
    among the line's leading blanks (after any "- "), or the character the parser stopped
    at. libyaml names the fault several ways, never "tab used for indentation"."""
    lines = text.split("\n", line + 1)
    if line >= len(lines):
        return None
    here = lines[line]
    lead = len(here) - len(here.lstrip(" \t-"))
    if "\t" in here[:lead]:
        return here.index("\t")
    if column < len(here) and here[column] == "\t":
        return column
    return None


def _fmt(path: Path) -> str:
    from exercise.scenario.problems import format_path

    return format_path(path)


def read_yaml(
    source: bytes | str,
    name: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
) -> Document:
    """Read one YAML document safely; problems are collected on the returned document.

    Args:
        source: the file's bytes (or text).
        name: the file name used in problem messages.
        max_bytes: refuse larger files.
        max_nodes: refuse documents that expand (through aliases) to more values.
        max_depth: refuse deeper nesting.

    Returns:
        The document; ``data`` is None when reading failed.
    """
    doc = Document(name)
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if len(raw) > max_bytes:
        doc.problems.append(
            Problem(
                name,
                None,
                None,
                "",
                f"the file is {len(raw):,} bytes; the limit is {max_bytes:,}",
            )
        )
        return doc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        doc.problems.append(
            Problem(name, line, col, "", "the file is not UTF-8 text (save it as UTF-8)")
        )
        return doc
    if "\x00" in text:
        doc.problems.append(Problem(name, None, None, "", "the file contains NUL bytes"))
        return doc
    reader = _Reader(doc, max_nodes, max_depth)
    parser = _Parser(text)
    try:
        reader.run(parser)
    except _Limit:
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        tab = _indenting_tab(text, mark.line, mark.column) if mark else None
        if mark is not None and tab is not None:
            doc.problems.append(Problem(name, mark.line + 1, tab + 1, "", TAB_MESSAGE))
            return doc
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        doc.problems.append(
            Problem(
                name,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                "",
                f"this is not valid YAML: {what}",
            )
        )
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(name, None, None, "", f"this is not valid YAML: {exc}"))
        return doc
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    if not reader.have_root or reader.root is None:
        doc.problems.append(Problem(name, 1, 1, "", "the file is empty"))
        return doc
    doc.data = reader.root
    return doc
