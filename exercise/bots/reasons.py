"""The plain words of a computer player's decision: the concern that drove it, named.

A reason names what actually tipped the decision — the track nearest its collapse line
that the element pushes toward it, the element the seat values least (its red line), how
far the package leaves it from its walk-away (in words, never its secret numbers, and
called its "bottom line": the projector never shows the word walk-away), the
ally whose public stance it follows, the signer a deal cannot lose — in words that vary.
Which words is a pure function of the seat's seed, the round, the elements and the
concern, so a game replays with the same lines. Each persona has its own voice and its
own concerns it names first, so a student can tell a hardliner from a cooperative seat.
Reasons are plain text: titles and names are the scenario's, shown literally.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercise.engine.chance import mix
from exercise.engine.moves import Ballot
from exercise.narration import and_join

_WORDS = ("no", "one", "two", "three", "four", "five")
TERMS = ("value", "room", "danger", "time", "package", "line", "deal", "stance")

# How much more readily each persona names a concern (its voice), by the ballot's side.
_BIAS = {
    "hardliner": {"value": 1.6, "line": 1.3, "stance": 1.2},
    "pragmatist": {"line": 1.6, "time": 1.3, "package": 1.3},
    "cooperative": {"room": 1.7, "deal": 1.7, "danger": 1.2},
}


@dataclass(frozen=True, slots=True)
class Scene:
    """What a reason may name: public facts, and the seat's own position in words."""

    persona: str
    base: int  # the seat's noise base, from the game's seed: picks the wording
    round: int
    rounds: int
    titles: dict[str, str]
    names: dict[str, str]
    values: dict[str, float]  # the seat's own values
    score: float
    walk_away: float
    scale: float
    tabled: tuple[str, ...]
    tracks: list[tuple[str, float, float, float]]  # (label, value, collapse_at, push) at risk
    allies: tuple[str, ...]  # other voters whose public stance agrees with the ballot
    opposed_signers: tuple[str, ...]  # required signers who publicly oppose it
    named: bool = False  # name a red-line element even when it is the only one judged


def pick(scene: Scene, concern: str, options: tuple[str, ...]) -> str:
    """One of ``options``, chosen by the seed, round and concern (not at random).

    The element is left out on purpose: one seat's ballot in a round says the same
    thing the same way for every element it applies to, so the line can group them.
    """
    n = mix(scene.base, scene.round, sum(map(ord, concern)))
    return options[n % len(options)]


def _who(scene: Scene, parties: tuple[str, ...], most: int = 2) -> str:
    return and_join([scene.names[p] for p in parties[:most]])


def _nearness(distance: float, push: float) -> str:
    """How near a track is to its collapse line, in words (measured in this push's steps).

    Words, not numbers: the track's value is public, but a reason carries no digits, so
    no reader can mistake it for a party's secret score.
    """
    if distance <= push:
        return "one step from its collapse line"
    if distance <= 2 * push:
        return "close to its collapse line"
    return "rising toward its collapse line" if distance <= 4 * push else "some way off collapse"


def _gap_words(scene: Scene, gap: float) -> str:
    """How far short of its walk-away, in words (the numbers are the seat's secret)."""
    return "a long way" if gap > 1.5 * scene.scale else "just"


def red_line(scene: Scene, elements: tuple[str, ...]) -> str | None:
    """The element the seat values most negatively, if any."""
    worst = min(elements, key=lambda e: scene.values.get(e, 0))
    return worst if scene.values.get(worst, 0) < 0 else None


def concern_words(scene: Scene, concern: str, accept: bool,
                  elements: tuple[str, ...], after: float) -> str | None:
    """The words for one concern, or None when there is nothing specific to name."""
    p = scene.persona
    if concern == "danger":
        if not scene.tracks:
            return None
        label, value, at, push = scene.tracks[0]
        near = _nearness(abs(at - value), abs(push))
        if accept:
            return pick(scene, "danger+", (
                f"turning it down would push {label}, already {near}, toward collapse",
                f"with {label} {near}, a rejection is a risk we will not run",
                f"a no here moves {label} closer to collapse, and it is {near} already",
            ))
        return pick(scene, "danger-", (
            f"{label} is {near}, and this would push it closer to collapse",
            f"it drives {label} toward collapse, and {label} is {near}",
            f"with {label} {near}, adopting it risks the talks collapsing",
        ))
    if concern == "value":
        if accept:
            return pick(scene, "value+" + p, {
                "hardliner": ("it gives us something real, and we take it",
                              "it delivers what we came for",
                              "it is a clear gain for us"),
                "pragmatist": ("it pays for us", "it is worth more to us than it costs",
                               "on balance it serves us"),
                "cooperative": ("it serves us and moves the talks forward",
                                "it is good for us and a step toward a deal",
                                "we gain from it, and so does the process"),
            }[p])
        worst = red_line(scene, elements)
        if worst is not None:
            named = scene.named or len(elements) > 1
            title, it = (scene.titles[worst],) * 2 if named else ("this", "it")
            return pick(scene, "line-" + p, {
                "hardliner": (f"{title} crosses a red line for us",
                              f"we will never accept {it}",
                              f"{title} is a red line, and we do not bend on it"),
                "pragmatist": (f"{title} costs us more than it gives",
                               f"{title} is a bad trade for us as it stands",
                               f"we lose more on {it} than we gain"),
                "cooperative": (f"{title} asks more of us than we can give, even for a deal",
                                f"we want a deal, but {title} costs us too much",
                                f"{title} goes against what we must protect"),
            }[p])
        return pick(scene, "value-" + p, {
            "hardliner": ("we give nothing away without something in return",
                          "it is not enough to win our vote",
                          "it does too little for us to sign up to it"),
            "pragmatist": ("it does too little for us", "it is not worth our vote yet",
                           "there is not enough in it for us"),
            "cooperative": ("it does too little for anyone to justify it",
                            "we cannot see what it gains us",
                            "it is not yet something we can carry home"),
        }[p])
    if concern == "room":
        if not scene.allies:
            return None
        who = _who(scene, scene.allies)
        if accept:
            return pick(scene, "room+", (
                f"{who} back{'s' if len(scene.allies) == 1 else ''} it, and we stand with them",
                f"we go along with {who}, who support it",
                f"it has the support of {who}, and we will not stand in the way",
            ))
        return pick(scene, "room-", (
            f"{who} oppose{'s' if len(scene.allies) == 1 else ''} it, and so do we",
            f"we side with {who} against it",
            f"too few back it: {who} stand{'s' if len(scene.allies) == 1 else ''} against it",
        ))
    if concern == "time":
        left = scene.rounds - scene.round
        when = ("this is the last round" if left <= 0 else
                "one round is left" if left == 1 else
                f"only {_WORDS[left]} rounds are left" if left < len(_WORDS) else
                "the rounds are running out")
        return pick(scene, "time", (
            f"{when}, and we can still sign a deal with it",
            f"{when}: better this than no deal, and it keeps us above our bottom line",
            f"{when}, so we concede it to keep a deal we can sign within reach",
        ))
    if concern == "package":
        others = [e for e in scene.tabled if e not in elements]
        if not others:
            return None
        best = max(others, key=lambda e: scene.values.get(e, 0))
        title = scene.titles[best]
        return pick(scene, "package", (
            f"it is the price of {title}, which matters more to us",
            f"we accept it to get {title} through",
            f"together with {title}, the package pays for us",
        ))
    if concern == "line":
        gap = scene.walk_away - after
        if accept:
            return pick(scene, "line+", (
                "it brings us to a deal we can sign",
                "with it, the deal clears our bottom line",
                "it carries us over the line we need to sign",
            ))
        if gap <= 0:
            return None
        far = _gap_words(scene, gap)
        return pick(scene, "line-", (
            f"it would leave us {far} short of our bottom line",
            f"with it we would still be {far} short of a deal we could sign",
            f"it leaves the deal {far} short of what we need to sign it",
        ))
    if concern == "deal":
        if not scene.opposed_signers:
            return None
        who = _who(scene, scene.opposed_signers)
        return pick(scene, "deal", (
            f"{who} oppose{'s' if len(scene.opposed_signers) == 1 else ''} it, "
            "and the deal needs that signature",
            f"forcing it past {who} would cost the deal a signature it needs",
            f"without {who} there is no deal, and {who} will not take this",
        ))
    if concern == "stance":
        if accept:
            return pick(scene, "stance+", ("we said we support it, and we do",
                                           "we back it, as we have said all along",
                                           "our support for it is on the record"))
        return pick(scene, "stance-", ("we have opposed it openly, and nothing has changed",
                                       "we said no to it before, and we still do",
                                       "our opposition to it is on the record"))
    return None


def why(scene: Scene, ballot: Ballot, terms: tuple[float, ...], elements: tuple[str, ...],
        rule: str | None, after: float) -> str:
    """The reason for one ballot: its rule, else the concern that pushed hardest its way."""
    if rule == "tabled":
        return pick(scene, "tabled", ("we tabled it ourselves, and we stand by it",
                                      "it is our own proposal",
                                      "we put it on the table, and we vote for it"))
    consent = rule in ("consent", "consent-open")
    if ballot is Ballot.ABSTAIN:
        return pick(scene, "abstain", (
            "it makes little difference to us, and our abstention blocks no one",
            "we take no side on it and leave the choice to the others",
            "it neither helps nor harms us, so we leave it to the others",
        ))
    accept = ballot is Ballot.ACCEPT
    bias = _BIAS.get(scene.persona, {})
    sign = 1.0 if accept else -1.0
    ranked = sorted(((sign * w * bias.get(t, 1.0), t) for t, w in zip(TERMS, terms, strict=True)),
                    reverse=True)
    words = None
    for weight, term in ranked:
        if weight <= 0:
            break
        words = concern_words(scene, term, accept, elements, after)
        if words:
            break
    if words is None:
        words = concern_words(scene, "value", accept, elements, after)
    assert words is not None
    if consent and not accept:
        return words + pick(scene, "veto", (", so we withhold the consent it needs",
                                            ", and without our consent it cannot pass",
                                            ", so we use our veto"))
    if consent and accept and terms[0] == 0:
        return words + pick(scene, "consent+", (
            ", and an abstention from us would veto it",
            ", and as its consent is ours to give, we will not block it by sitting it out",
            ", and we hold a veto here that we do not mean to use",
        ))
    return words


def tabling(scene: Scene, chosen: tuple[str, ...], backed: float) -> str:
    """Why a seat tables these elements, in its persona's voice (``scene.allies`` back
    them in public; ``backed`` is the room's lean, -1 to 1)."""
    one = len(chosen) == 1
    it, they = ("it", "it") if one else ("they", "them")
    if scene.allies:
        who = _who(scene, scene.allies)
        backing = f"{who} {'has' if len(scene.allies) == 1 else 'have'} said yes to {they}"
    else:
        backing = ""
    p = scene.persona
    if p == "hardliner":
        return pick(scene, "table-h", (
            f"{it} {'is' if one else 'are'} what we came for, and we want {they} on the record",
            f"we set out our terms; the others can take {they} or leave {they}",
            f"{it} {'gives' if one else 'give'} us what we need, and we will not settle for less",
        ))
    if p == "cooperative":
        if backing:
            return pick(scene, "table-c", (
                f"{backing}, and a deal can start here",
                f"{backing}; we build on what already has friends",
                f"{backing}, and we want the talks to move",
            ))
        return pick(scene, "table-c0", (
            f"someone has to move first, and {it} could bring the others in",
            f"{it} could be common ground, and we want to find out",
        ))
    if backed > 0.2 and backing:
        return pick(scene, "table-p", (
            f"{it} {'pays' if one else 'pay'} for us, and {backing}",
            f"{backing}, so {it} {'has' if one else 'have'} a fair chance of passing",
        ))
    return pick(scene, "table-p0", (
        f"{it} {'brings' if one else 'bring'} us closer to a deal we can sign",
        f"{it} {'pays' if one else 'pay'} for us, if the room can be won over",
    ))


def passing(scene: Scene, blocked: list[tuple[str, tuple[str, ...]]], tableable: bool) -> str:
    """Why a seat passes: what consent holders blocked with nothing changed since, or that
    nothing open is worth tabling (or can be, yet)."""
    if blocked:
        element, by = blocked[0]
        who = _who(scene, by)
        return pick(scene, "pass-blocked", (
            f"{who} blocked {scene.titles[element]}, and nothing has changed since",
            f"there is no point tabling {scene.titles[element]} again while {who} "
            "still hold a veto and nothing has moved",
        ))
    if not tableable:
        return "nothing can be tabled until other elements are adopted"
    return pick(scene, "pass-" + scene.persona, {
        "hardliner": ("nothing open is worth our while yet", "we wait for a better offer"),
        "pragmatist": ("nothing open is worth proposing to us yet",
                       "nothing open would pay for us now"),
        "cooperative": ("nothing open would find enough support yet",
                        "we give the others room to propose"),
    }[scene.persona])


__all__ = ["TERMS", "Scene", "concern_words", "passing", "pick", "red_line", "tabling", "why"]
