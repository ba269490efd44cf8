"""The hand-over, written once: before a private moment at a shared screen, the keyboard
passes to the person it is for, on one opaque screen naming them.

A hand-over is needed only when private content is about to show to someone who does not
hold the keyboard (:meth:`exercise.station.Turns.needs_handover`); going back to the
public table needs none, since the table shows nothing private. It runs in a worker
(``push_screen_wait``), so the code that needs a person reads straight down.
"""

from __future__ import annotations

from textual.app import App

from exercise.station import Station, Turns
from exercise.tui.dialogs import HandOver


async def hand_over(app: App[object], station: Station, turns: Turns, viewer: str,
                    why: str) -> bool:
    """Give the keyboard to ``viewer`` (when it is not theirs already): whether they are
    there. Call it from a worker."""
    if not station.shared or viewer in (turns.holder, station.home):
        return True
    ready: bool = await app.push_screen_wait(HandOver(station.name(viewer), why))
    if ready:
        turns.holder = viewer
    return ready
