"""The phase table: every (phase, trigger) pair, and the diagram generated from it."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import pytest
from transitions import Machine, MachineError

from exercise.engine.diagram import document
from exercise.engine.machine import build_machine
from exercise.engine.phases import TRANSITIONS, Phase, Trigger

GUARD_VALUES = list(itertools.product([False, True], repeat=3))


def bare_machine(model: object) -> Machine:
    """The table with its guards but without the entry rules, so each trigger moves one step."""
    from exercise.engine import machine as machine_module

    states = [machine_module.State(p) for p in Phase]
    return Machine(
        model=model,
        states=states,
        transitions=machine_module._transitions(),
        initial=Phase.SETUP,
        auto_transitions=False,
        send_event=True,
    )


def stub(phase: Phase, collapsed: bool, last_round: bool, nothing_open: bool) -> SimpleNamespace:
    """A model that answers the guards as told."""
    return SimpleNamespace(
        state=phase,
        collapse_reason="boom" if collapsed else None,
        round=3 if last_round else 1,
        book=SimpleNamespace(rounds=3),
        nothing_open=lambda: nothing_open,
    )


def expected_destination(phase: Phase, trigger: Trigger, guards: dict[str, bool]) -> Phase | None:
    """Where the table says (phase, trigger) goes under these guard values: first row that holds."""
    for row in TRANSITIONS:
        same = row["trigger"] == trigger and row["source"] == phase
        if same and all(guards[name] for name in row.get("conditions", ())):
            return row["dest"]
    return None


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("trigger", list(Trigger))
def test_every_phase_trigger_pair_lands_where_the_table_says_or_raises(phase, trigger):
    """Listed (phase, trigger) pairs land where the table says; every other pair is refused."""
    listed = any(r["trigger"] == trigger and r["source"] == phase for r in TRANSITIONS)
    for collapsed, last_round, nothing_open in GUARD_VALUES:
        model = stub(phase, collapsed, last_round, nothing_open)
        guards = {
            "collapsed": collapsed,
            "nothing_open": nothing_open,
            "talks_exhausted": last_round or nothing_open,
        }
        machine = bare_machine(model)
        model.state = phase
        if not listed:
            with pytest.raises(MachineError):
                machine.events[trigger].trigger(model)
            assert model.state is phase
            continue
        machine.events[trigger].trigger(model)
        assert model.state == expected_destination(phase, trigger, guards)


def test_every_listed_trigger_always_moves():
    """Each (phase, trigger) group ends with an unguarded row, so a listed trigger never stalls."""
    groups: dict[tuple[Phase, Trigger], list[dict]] = {}
    for row in TRANSITIONS:
        groups.setdefault((row["source"], row["trigger"]), []).append(row)
    for rows in groups.values():
        assert "conditions" not in rows[-1]


def test_no_trigger_clashes_with_a_session_attribute():
    """A trigger named like a session attribute would be skipped silently by transitions."""
    from exercise.engine.session import Session

    names = set(dir(Session)) | {"book", "seed", "rng", "round", "proposer", "tabled", "ballots",
                                 "status", "rejections", "tracks", "values", "stances", "scores",
                                 "walk_away", "fired", "signed", "history", "outcome", "events"}
    assert not names & {str(t) for t in Trigger}


def test_machine_is_strict():
    """No auto transitions and no wildcard sources: every move is in the table."""
    machine = build_machine()
    assert not machine.auto_transitions
    assert all(row["source"] != "*" for row in TRANSITIONS)
    assert set(machine.events) == {str(t) for t in Trigger}


def test_phase_diagram_in_docs_is_fresh():
    """docs/phases.md is generated from the table; regenerate it when this fails."""
    path = Path(__file__).resolve().parents[1] / "docs" / "phases.md"
    assert path.read_text(encoding="utf-8") == document(), (
        "docs/phases.md is stale: run  python -m exercise.engine.diagram > docs/phases.md"
    )
