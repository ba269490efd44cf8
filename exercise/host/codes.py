"""Join codes: one secret per viewer, typed by a student to take a seat.

A code is six symbols drawn by :mod:`secrets` from 31 that cannot be misread for one
another (no 0/O, 1/I/L): 31**6 is about 887 million, close to 30 bits. The facilitator
hands each code out privately; whoever types a seat's code gets that seat.

Codes are checked in constant time (:func:`secrets.compare_digest`, against every code,
so neither the answer's timing nor its order tells which viewer came close), and wrong
guesses are counted per address by :class:`FailureLimiter`: after a few in a minute the
address is refused for a while, even with a right code, so guessing takes years, not
minutes.

The codes are kept beside the session log (never in the report) as JSON,
``{"facilitator": …, "room": …, "<party>": …}``, written 0600, so a host that resumes
the log keeps every student's code. In that file the projector's view is called
``room``; in the program that viewer is :data:`PUBLIC`.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from exercise.files import FileProblem, read_input, write_output
from exercise.viewers import FACILITATOR, PUBLIC

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""The 31 symbols of a code: digits 2-9 and the letters without I, L and O."""
LENGTH = 6

ROOM_KEY = "room"
"""The name :data:`PUBLIC`'s code has in a codes file."""

_FILE_LIMIT = 64 * 1024
_SEPARATORS = str.maketrans("", "", " -_.\t")
_LONGEST_INPUT = 64  # more than any spelling of a code with separators


class CodeFileProblem(Exception):
    """A codes file that cannot be read or used; the message names the file and the fault."""


def new_code() -> str:
    """A fresh random code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(typed: str) -> str:
    """What a person typed, as a code would be spelled: upper case, without spaces or dashes.

    The result is only a candidate: it is a code when :func:`is_code` says so.
    """
    return typed[:_LONGEST_INPUT].translate(_SEPARATORS).upper()


def is_code(text: str) -> bool:
    """Whether ``text`` is spelled like a code (six symbols of :data:`ALPHABET`)."""
    return len(text) == LENGTH and all(symbol in ALPHABET for symbol in text)


def _file_key(viewer: str) -> str:
    return ROOM_KEY if viewer == PUBLIC else viewer


def _viewer(file_key: str) -> str:
    return PUBLIC if file_key == ROOM_KEY else file_key


class JoinCodes:
    """The code of each viewer, and the viewer a typed code belongs to."""

    def __init__(self, codes: Mapping[str, str]) -> None:
        """Hold ``codes`` (viewer -> code).

        Raises:
            ValueError: a code is not spelled like one, two viewers share a code, or a
                party is named like one of the reserved viewers' keys.
        """
        if ROOM_KEY in codes:
            raise ValueError(f"{ROOM_KEY!r} is the codes file's name for the {PUBLIC!r} "
                             f"viewer; a party cannot be called that")
        for viewer, code in codes.items():
            if not is_code(code):
                raise ValueError(f"the code of {viewer!r} is not six symbols of {ALPHABET}")
        if len(set(codes.values())) != len(codes):
            raise ValueError("two viewers share a code")
        self._codes = dict(codes)

    @classmethod
    def fresh(cls, viewers: Iterable[str]) -> JoinCodes:
        """New, distinct codes for ``viewers``."""
        codes: dict[str, str] = {}
        for viewer in viewers:
            codes[viewer] = _unused_code(codes.values())
        return cls(codes)

    @property
    def viewers(self) -> list[str]:
        """The viewers that have a code, in the order they were given."""
        return list(self._codes)

    def code_for(self, viewer: str) -> str:
        """The code of ``viewer`` (KeyError when it has none)."""
        return self._codes[viewer]

    def viewer_for(self, typed: str) -> str | None:
        """The viewer whose code ``typed`` is, or None.

        Every code is compared, in constant time, whatever the answer.
        """
        candidate = normalize(typed)
        if not is_code(candidate):
            return None
        found = None
        given = candidate.encode("ascii")
        for viewer, code in self._codes.items():
            if secrets.compare_digest(given, code.encode("ascii")):
                found = viewer
        return found

    def regenerate(self, viewer: str) -> str:
        """Give ``viewer`` a new code and return it (the old one stops working at once).

        Whoever holds the seat with the old code must be dropped by the caller (the host
        does so in :meth:`exercise.host.server.Host.regenerate_code`).
        """
        if viewer not in self._codes:
            raise KeyError(viewer)
        others = [code for other, code in self._codes.items() if other != viewer]
        self._codes[viewer] = _unused_code([*others, self._codes[viewer]])
        return self._codes[viewer]

    def to_json(self) -> str:
        """The codes as the codes file holds them."""
        data = {_file_key(viewer): code for viewer, code in self._codes.items()}
        return json.dumps(data, indent=2) + "\n"

    def save(self, path: Path) -> None:
        """Write the codes to ``path``, whole and readable by the owner only (0600).

        Raises:
            CodeFileProblem: the file cannot be written.
        """
        try:
            write_output(path, self.to_json(), mode=0o600)
        except FileProblem as exc:
            raise CodeFileProblem(f"{path}: cannot write the join codes: {exc}") from None

    @classmethod
    def load(cls, path: Path) -> JoinCodes:
        """The codes saved in ``path``.

        Raises:
            CodeFileProblem: the file is missing, unreadable or not a codes file.
        """
        try:
            raw = read_input(path, _FILE_LIMIT)
        except FileProblem as exc:
            raise CodeFileProblem(f"{path}: cannot read the join codes: {exc}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CodeFileProblem(f"{path}: not a codes file (not JSON: {exc})") from None
        if not isinstance(data, dict):
            raise CodeFileProblem(f"{path}: not a codes file (expected a JSON object of "
                                  f"viewer: code)")
        codes: dict[str, str] = {}
        for key, code in data.items():
            if not isinstance(code, str) or not is_code(code):
                raise CodeFileProblem(f"{path}: the code of {key!r} is not six symbols of "
                                      f"{ALPHABET}")
            codes[_viewer(key)] = code
        try:
            return cls(codes)
        except ValueError as exc:
            raise CodeFileProblem(f"{path}: {exc}") from None

    @classmethod
    def kept_in(cls, path: Path, viewers: Iterable[str]) -> JoinCodes:
        """The codes of ``viewers`` kept in ``path``: loaded when it exists, else made.

        A viewer the file lacks gets a new code, a viewer no longer wanted is dropped, and
        the file is rewritten when anything changed, so a resumed host hands out the same
        codes as before.

        Raises:
            CodeFileProblem: the file exists but cannot be used, or cannot be written.
        """
        existing = cls.load(path)._codes if path.exists() else {}
        codes: dict[str, str] = {}
        for viewer in viewers:
            code = existing.get(viewer)
            if code is None or code in codes.values():
                code = _unused_code([*existing.values(), *codes.values()])
            codes[viewer] = code
        kept = cls(codes)
        if codes != existing:
            kept.save(path)
        return kept


def _unused_code(taken: Iterable[str]) -> str:
    used = set(taken)
    while True:
        code = new_code()
        if code not in used:
            return code


class FailureLimiter:
    """Refuses an address for a while after too many wrong codes from it.

    ``failures`` wrong codes within ``window`` seconds block the address for ``block``
    seconds; while blocked, every attempt is refused, a right code too, so a guesser
    cannot tell a hit from a refusal. A right code does not wipe the count: one known
    code must not buy more guesses at the others.
    """

    def __init__(self, *, failures: int = 5, window: float = 60.0, block: float = 120.0,
                 clock: Callable[[], float] = time.monotonic, max_addresses: int = 4096
                 ) -> None:
        """Set the limits; ``clock`` (seconds) is injectable for tests."""
        self._failures = failures
        self._window = window
        self._block = block
        self._clock = clock
        self._max_addresses = max_addresses
        self._recent: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def blocked(self, address: str) -> float:
        """Seconds until ``address`` may try again (0 when it may try now)."""
        now = self._clock()
        until = self._blocked_until.get(address)
        if until is None:
            return 0.0
        if now >= until:
            del self._blocked_until[address]
            return 0.0
        return until - now

    def failed(self, address: str) -> None:
        """Count a wrong code from ``address``; block it when there were too many."""
        now = self._clock()
        recent = self._recent.setdefault(address, deque())
        recent.append(now)
        while recent and recent[0] <= now - self._window:
            recent.popleft()
        if len(recent) >= self._failures:
            self._blocked_until[address] = now + self._block
            recent.clear()
        self._forget_old(now)

    def _forget_old(self, now: float) -> None:
        """Keep the tables small: drop addresses with nothing recent."""
        if len(self._recent) <= self._max_addresses:
            return
        for address in [a for a, times in self._recent.items()
                        if not times or times[-1] <= now - self._window]:
            del self._recent[address]
        for address in [a for a, until in self._blocked_until.items() if until <= now]:
            del self._blocked_until[address]


__all__ = ["ALPHABET", "FACILITATOR", "LENGTH", "PUBLIC", "ROOM_KEY", "CodeFileProblem",
           "FailureLimiter", "JoinCodes", "is_code", "new_code", "normalize"]
