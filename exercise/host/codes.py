"""Join codes: one per viewer of a hosted exercise, and a brake on guessing them.

A code is six symbols from an alphabet without look-alikes (no 0/O, 1/I/L), so a student
can copy it from a slip of paper: 31**6 is about 887 million codes, nearly 30 bits. Codes
are compared in constant time, and failed attempts are counted per address: after a few
failures an address must wait before it may try again.

The codes are kept beside the session log (``LOG.codes.json``, mode 0600, never in the
report), so a host resumed after a crash hands out the same codes.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from exercise.files import FileProblem, read_input, write_output

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: no 0, O, 1, I or L
LENGTH = 6
MAX_FILE = 64 * 1024

__all__ = ["ALPHABET", "LENGTH", "Codes", "CodesError", "RateLimiter", "codes_path", "new_code"]


class CodesError(Exception):
    """A codes file that cannot be read or does not fit the exercise; the message says why."""


def new_code() -> str:
    """A fresh random code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """A code as a person may type it: any case, with spaces or dashes."""
    return typed.strip().upper().replace("-", "").replace(" ", "")[:64]


def codes_path(log: Path) -> Path:
    """Where a session log's codes are kept."""
    return log.with_name(log.name + ".codes.json")


@dataclass
class Codes:
    """One code per viewer (each party, ``room`` for the projector, ``facilitator``)."""

    by_viewer: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, viewers: Iterable[str]) -> Codes:
        """Fresh, distinct codes for these viewers."""
        codes = cls()
        for viewer in viewers:
            codes.regenerate(viewer)
        return codes

    def regenerate(self, viewer: str) -> str:
        """A new code for ``viewer`` (the old one stops working); returns it."""
        taken = set(self.by_viewer.values())
        code = new_code()
        while code in taken:
            code = new_code()
        self.by_viewer[viewer] = code
        return code

    def viewer_for(self, typed: str) -> str | None:
        """The viewer a typed code belongs to, or None. Every code is compared, in constant
        time each, so the time taken says nothing about how close a guess was."""
        candidate = normalise(typed)
        found = None
        for viewer, code in self.by_viewer.items():
            if secrets.compare_digest(candidate.encode(), code.encode()):
                found = viewer
        return found

    def to_json(self) -> str:
        """The codes file: ``{"facilitator": …, "room": …, "<party>": …}``."""
        return json.dumps(self.by_viewer, indent=2) + "\n"

    def save(self, path: Path) -> None:
        """Write the codes file (atomically, readable by the owner only)."""
        write_output(path, self.to_json(), mode=0o600)

    @classmethod
    def load(cls, path: Path, viewers: Iterable[str]) -> Codes:
        """Read a codes file; viewers it lacks get new codes, ones it has extra are dropped.

        Raises:
            CodesError: the file cannot be read or is not a codes file.
        """
        try:
            raw = read_input(path, MAX_FILE)
        except FileProblem as exc:
            raise CodesError(f"{path}: {exc}") from None
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise CodesError(f"{path}: not a codes file (it is not JSON)") from None
        if not isinstance(data, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise CodesError(f"{path}: not a codes file (it should map each seat to a code)")
        codes = cls()
        for viewer in viewers:
            code = data.get(viewer)
            if isinstance(code, str) and len(code) == LENGTH and set(code) <= set(ALPHABET) \
                    and code not in codes.by_viewer.values():
                codes.by_viewer[viewer] = code
            else:
                codes.regenerate(viewer)
        return codes


@dataclass
class RateLimiter:
    """Failed attempts per address: after ``allowed`` failures within ``window`` seconds,
    the address is refused for ``lockout`` seconds."""

    allowed: int = 5
    window: float = 60.0
    lockout: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _locked: dict[str, float] = field(default_factory=dict)

    def blocked(self, address: str) -> float:
        """Seconds the address must still wait (0: it may try)."""
        until = self._locked.get(address)
        if until is None:
            return 0.0
        left = until - self.clock()
        if left <= 0:
            del self._locked[address]
            return 0.0
        return left

    def failed(self, address: str) -> None:
        """Count a failed attempt from ``address``."""
        now = self.clock()
        recent = [t for t in self._failures.get(address, []) if now - t < self.window]
        recent.append(now)
        if len(recent) >= self.allowed:
            self._locked[address] = now + self.lockout
            recent = []
        self._failures[address] = recent
        if len(self._failures) > 10_000:  # a flood of addresses: forget the oldest
            for stale in list(self._failures)[:5_000]:
                del self._failures[stale]

    def succeeded(self, address: str) -> None:
        """A right code: the address's failures are forgotten."""
        self._failures.pop(address, None)
