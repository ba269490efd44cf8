"""Bind the phase table to the rules: a ``transitions`` machine driving a session."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from transitions import Machine, MachineError, State

from exercise.engine.phases import ON_ENTER, TRANSITIONS, Phase, Trigger
from exercise.engine.rules import ENTRY_RULES, GUARDS
from exercise.engine.session import Session

__all__ = ["MachineError", "attach_machine", "build_machine", "rulebook_machine"]


def _on_model(rule: Callable[[Session], Any]) -> Callable[[Any], Any]:
    """Adapt a rule over a session to a transitions callback (which receives event data)."""

    def callback(event: Any) -> Any:
        return rule(event.model)

    callback.__name__ = rule.__name__
    callback.__qualname__ = rule.__qualname__
    return callback


def _states() -> list[State]:
    return [
        State(phase, on_enter=[_on_model(ENTRY_RULES[name]) for name in ON_ENTER.get(phase, ())])
        for phase in Phase
    ]


def _transitions() -> list[dict[str, Any]]:
    rows = []
    for row in TRANSITIONS:
        bound = dict(row)
        if "conditions" in row:
            bound["conditions"] = [_on_model(GUARDS[name]) for name in row["conditions"]]
        rows.append(bound)
    return rows


def build_machine(model: Any = None) -> Machine:
    """The rulebook machine: phases as states, triggers from the table, no wildcards.

    Args:
        model: the model (a session) to drive, or None for an empty machine.
    """
    return Machine(
        model=model if model is not None else [],
        states=_states(),
        transitions=_transitions(),
        initial=Phase.SETUP,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=True,
        queued=True,
        model_attribute="state",
    )


_local = threading.local()


def rulebook_machine() -> Machine:
    """The machine shared by every session on this thread, built on first use.

    Sessions are not registered with ``add_model``: a session moves through
    ``machine.events[trigger].trigger(session)``, which is exactly what a registered
    model's trigger method calls. Registering would cost ~75 µs per game and keep
    every session alive until removed; the machine itself holds no game state.
    """
    machine = getattr(_local, "machine", None)
    if machine is None:
        machine = _local.machine = build_machine()
    return machine


def attach_machine(session: Session) -> Machine:
    """Put ``session`` in the setup phase; ``session.fire(trigger)`` then moves it."""
    machine = rulebook_machine()
    events = machine.events
    session.state = Phase.SETUP

    def fire(trigger: Trigger) -> None:
        events[trigger].trigger(session)

    session.fire = fire  # type: ignore[method-assign]
    return machine
