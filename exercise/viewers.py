"""Who looks at a room: a seat (a party's id), the public room, or the facilitator.

The two viewers that are no party are named here once; the engine, the room, the view
and the host all take them from this module.
"""

FACILITATOR = "facilitator"
"""The viewer who runs the exercise: sees everything, makes the room's moves. A role of
its own, never a seat."""
PUBLIC = "public"
"""The shared screen or the projector: the table as anyone in the room may see it."""

__all__ = ["FACILITATOR", "PUBLIC"]
