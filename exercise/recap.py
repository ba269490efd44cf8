"""Recaps built from a view: one round's result, and the story so far for a late arrival.

A person who resumes a session, or joins a hosted one late, reads one card that tells
what happened round by round (what was tabled, adopted and rejected, and the news they
may read), instead of every news card since round 1. The projector shows the last
round's recap. Both are made from a :class:`~exercise.view.View` alone, so they can say
nothing the viewer may not see. The texts are Markdown, their untrusted parts escaped.
"""

from __future__ import annotations

from exercise.text import markdown_text
from exercise.view import RoundSummary, View


def _titles(view: View, ids: tuple[str, ...]) -> str:
    return ", ".join(markdown_text(view.title_of(e)) for e in ids)


def round_line(view: View, summary: RoundSummary) -> str:
    """What came of one round's vote, in one line of Markdown."""
    proposer = markdown_text(view.name(summary.proposer))
    if not summary.tabled:
        return f"{proposer} passed."
    parts = [f"{proposer} tabled {_titles(view, summary.tabled)}."]
    if summary.adopted:
        parts.append(f"Adopted: {_titles(view, summary.adopted)}.")
    if summary.rejected:
        parts.append(f"Rejected: {_titles(view, summary.rejected)}.")
    if not summary.adopted and not summary.rejected:
        parts.append("Nothing was decided.")
    return " ".join(parts)


def story_so_far(view: View) -> str:
    """Everything this viewer may know of the exercise so far, round by round."""
    lines = [f"# The story so far: {markdown_text(view.title)}", ""]
    rounds = sorted({c.round for c in view.cards} | {s.round for s in view.history}
                    | {view.round})
    for number in rounds:
        if number < 1:
            continue
        news = [c for c in view.cards if c.round == number]
        voted = [s for s in view.history if s.round == number]
        if not news and not voted:
            continue
        lines += [f"## Round {number}", ""]
        for card in news:
            private = (" (private: " + ", ".join(markdown_text(n) for n in card.private_for)
                       + " only)") if card.private_for else ""
            lines.append(f"- News: **{markdown_text(card.title)}**{private}")
        lines += [f"- {round_line(view, s)}" for s in voted]
        lines.append("")
    adopted = [e.title for e in view.elements if str(e.status) == "adopted"]
    lines += ["## Where things stand", "",
              f"Round {view.round} of {view.rounds}, {view.phase}. Adopted so far: "
              + (", ".join(markdown_text(t) for t in adopted) or "nothing") + "."]
    if view.tracks:
        lines += ["", "Tracks: " + "; ".join(f"{markdown_text(t.label)} {t.value:g}"
                                              for t in view.tracks) + "."]
    return "\n".join(lines)
