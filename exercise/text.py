"""Untrusted text is text: control characters never reach a terminal.

Scenario files, moves files, session logs and (later) players' keyboards are untrusted. A
string from any of them may carry a terminal escape (``ESC ] 52`` writes the clipboard,
``ESC ] 2`` retitles the window) or a C1 control that some terminals obey. Validation
refuses such characters in scenario files; everything a command prints, writes or shows
passes through :func:`escape_controls` as a second line of defence, so that a file can
never make the program write an escape sequence.

The escape form, ``\\u001b``, is what JSON itself writes, so it is readable in a terminal,
valid inside a JSON string, and cannot be mistaken for the control it replaces.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")

_NAMES = {0x1B: "ESC", 0x0D: "carriage return", 0x00: "NUL", 0x07: "BEL", 0x08: "backspace",
          0x7F: "DEL", 0x0A: "newline", 0x09: "tab", 0x9B: "CSI", 0x9D: "OSC"}


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control character but tab and newline written as ``\\uXXXX``."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def one_line(text: str) -> str:
    """``text`` for a single line of output: newlines and tabs escaped too."""
    return _CONTROL_IN_LINE.sub(_escape, text) if _CONTROL_IN_LINE.search(text) else text


# What can start a Markdown construct inside a line (emphasis, code, links, images, HTML,
# entities, strike-through, table cells), and at the start of one (a heading, a list item,
# a numbered item, a block quote).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&!~|])")
_MD_INDENT = re.compile(r"^[ \t]{2,}")
_MD_LEADING = re.compile(r"^(\s*)([-+#=]|\d+(?=[.)]))")


def markdown_text(text: str) -> str:
    """Plain text (a title, a name, a reason) for a Markdown document the program writes,
    so that it reads exactly as written: controls escaped, lines joined, and everything
    that could become emphasis, a link, a list, a heading, a table cell or HTML escaped."""
    flat = _MD_INLINE.sub(r"\\\1", " ".join(escape_controls(text).split("\n")))
    flat = _MD_INDENT.sub(" ", flat)  # four leading spaces would start a code block
    found = _MD_LEADING.match(flat)
    if found is None:
        return flat
    if found.group(2)[0].isdigit():  # "1." starts a numbered item: escape its dot
        return flat[:found.end()] + "\\" + flat[found.end():]
    return flat[:found.start(2)] + "\\" + flat[found.start(2):]


def first_control(text: str, *, allow_newlines: bool = True) -> str | None:
    """A description of the first control character in ``text`` (e.g. "ESC (U+001B) at
    character 5"), or None when there is none."""
    found = (_CONTROL if allow_newlines else _CONTROL_IN_LINE).search(text)
    if found is None:
        return None
    code = ord(found.group())
    name = _NAMES.get(code, "a control character")
    return f"{name} (U+{code:04X}) at character {found.start() + 1}"


class EscapingStream:
    """A text stream that writes through :func:`escape_controls`: what a command prints
    (a problem quoting a file, a report, a title) can never carry an escape sequence.

    Everything else (``isatty``, ``fileno``, ``encoding``, ...) is the wrapped stream's.
    """

    def __init__(self, stream: Any):
        self.wrapped = stream

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters escaped; returns len(text)."""
        self.wrapped.write(escape_controls(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)
