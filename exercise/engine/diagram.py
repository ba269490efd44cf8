"""The phase diagram in Mermaid, generated from the transition table (docs/phases.md)."""

from __future__ import annotations

from exercise.engine.phases import TRANSITIONS, Phase

HEADER = """\
# Phases of a round

Generated from `exercise/engine/phases.py` by `python -m exercise.engine.diagram > docs/phases.md`;
`tests/test_phases.py` fails when this file is stale. Conditions in brackets are guards: where a
trigger has several arrows from one phase, the first whose guard holds is taken.

```mermaid
"""


def mermaid() -> str:
    """The Mermaid state diagram of the phase table."""
    from transitions.extensions import GraphMachine

    class _Model:
        pass

    model = _Model()
    GraphMachine(
        model=model,
        states=list(Phase),
        transitions=[dict(row) for row in TRANSITIONS],
        initial=Phase.SETUP,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
        title="Phases of a round",
    )
    text: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    # Drop the styling lines that mark the initial state as "active": the picture is the table.
    lines = [
        ln.rstrip()
        for ln in text.splitlines()
        if not ln.strip().startswith(("Class ", "classDef"))
    ]
    # transitions writes the title bare inside the front matter; Mermaid wants "title: ...".
    if len(lines) > 2 and lines[0] == "---" and lines[2] == "---":
        lines[1] = f"title: {lines[1]}"
    return "\n".join(lines).strip() + "\n"


def document() -> str:
    """The whole docs/phases.md."""
    return HEADER + mermaid() + "```\n"


if __name__ == "__main__":
    print(document(), end="")
