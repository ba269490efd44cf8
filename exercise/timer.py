"""The discussion timer: a countdown the facilitator can pause and extend (no Textual)."""

from __future__ import annotations

from collections.abc import Callable


class DiscussionTimer:
    """The discussion clock: counts down, pauses, extends, and warns; it never decides."""

    def __init__(self, clock: Callable[[], float]):
        self.clock = clock
        self.deadline: float | None = None
        self.paused_left: float | None = None
        self.warned = False

    def start(self, seconds: float) -> None:
        """Start counting down."""
        self.deadline = self.clock() + seconds
        self.paused_left = None
        self.warned = False

    def stop(self) -> None:
        """No timer (between discussions)."""
        self.deadline = None
        self.paused_left = None

    def left(self) -> float | None:
        """Seconds left (negative once over), or None without a timer."""
        if self.paused_left is not None:
            return self.paused_left
        if self.deadline is None:
            return None
        return self.deadline - self.clock()

    def toggle(self) -> None:
        """Pause or resume."""
        if self.deadline is None:
            return
        if self.paused_left is None:
            self.paused_left = self.deadline - self.clock()
        else:
            self.deadline = self.clock() + self.paused_left
            self.paused_left = None

    def extend(self, seconds: int) -> None:
        """Add time."""
        if self.paused_left is not None:
            self.paused_left += seconds
        elif self.deadline is not None:
            self.deadline += seconds
        self.warned = False

    def text(self) -> str:
        """mm:ss left, 'time up', or '' without a timer."""
        left = self.left()
        if left is None:
            return ""
        if left <= 0:
            return "TIME UP"
        minutes, seconds = divmod(int(left + 0.999), 60)
        suffix = " (paused)" if self.paused_left is not None else ""
        return f"{minutes:02d}:{seconds:02d}{suffix}"
