"""Hypothesis strategies: valid scenarios of every shape, and moves legal or not."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from exercise.engine import (
    CallRatification,
    CallVote,
    EndExercise,
    FireInject,
    Game,
    Move,
    Pass,
    Sign,
    Table,
    Vote,
)

STANCES = ("support", "oppose", "neutral")
STATUSES = ("open", "adopted", "excluded", "withdrawn", "hidden")


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario as data: random parties, elements, tracks and injects."""
    n_parties = draw(st.integers(2, 5))
    roles = draw(st.lists(st.sampled_from(["principal", "principal", "guarantor", "observer"]),
                          min_size=n_parties, max_size=n_parties))
    if all(r == "observer" for r in roles):
        roles[0] = "principal"
    parties = [
        {"id": f"p{i}", "name": f"Party {i}", "role": role, "public_brief": "b",
         "walk_away": draw(st.integers(-3, 8))}
        for i, role in enumerate(roles)
    ]
    voters = [p["id"] for p in parties if p["role"] != "observer"]
    pids = [p["id"] for p in parties]
    n_tracks = draw(st.integers(0, 2))
    tracks = []
    for t in range(n_tracks):
        start = draw(st.integers(0, 10))
        track: dict[str, Any] = {"id": f"t{t}", "label": f"Track {t}", "start": start}
        collapse = draw(st.one_of(st.none(), st.integers(0, 10).filter(lambda c, s=start: c != s)))
        if collapse is not None:
            track["collapse_at"] = collapse
        tracks.append(track)
    tids = [t["id"] for t in tracks]
    deltas = st.dictionaries(st.sampled_from(tids), st.integers(-3, 3), max_size=2) if tids \
        else st.just({})
    n_elements = draw(st.integers(1, 7))
    eids = [f"e{i}" for i in range(n_elements)]
    elements = []
    for i, eid in enumerate(eids):
        earlier = eids[:i]
        element: dict[str, Any] = {
            "id": eid, "title": eid.upper(), "summary": "s",
            "consent": draw(st.lists(st.sampled_from(voters), unique=True, max_size=2)),
            "values": draw(st.dictionaries(st.sampled_from(voters),
                                           st.one_of(st.integers(-5, 5),
                                                     st.sampled_from([0.1, 0.2, 1.5])),
                                           max_size=len(voters))),
            "stances": draw(st.dictionaries(st.sampled_from(pids), st.sampled_from(STANCES),
                                            max_size=3)),
            "effects": draw(deltas),
            "on_reject": draw(deltas),
        }
        if earlier and draw(st.booleans()):
            element["requires"] = [draw(st.sampled_from(earlier))]
        if earlier and draw(st.integers(0, 3)) == 0:
            other = draw(st.sampled_from(earlier))
            if other not in element.get("requires", []):
                element["excludes"] = [other]
        if i > 0 and draw(st.integers(0, 4)) == 0:
            element["hidden"] = True
        elements.append(element)
    # requires + excludes may still make an element untableable; drop such excludes.
    for element in elements:
        for other in elements:
            if element["id"] in other.get("requires", []) and other["id"] in element.get(
                    "excludes", []):
                element.pop("excludes")
    rounds = draw(st.integers(1, 6))
    injects = []
    hidden = [e["id"] for e in elements if e.get("hidden")]
    visible = [e["id"] for e in elements if not e.get("hidden")]
    for k in range(draw(st.integers(0, 4))):
        inject: dict[str, Any] = {"id": f"i{k}", "title": f"Inject {k}", "text": "t"}
        trigger = draw(st.sampled_from(["at", "when", "ad_hoc"]))
        if trigger == "at":
            inject["at"] = {"round": draw(st.integers(1, rounds))}
        elif trigger == "when":
            inject["when"] = draw(st.sampled_from([
                {"round_at_least": draw(st.integers(1, rounds))},
                {"element": draw(st.sampled_from(visible)), "rejections_at_least": 1},
                {"any": [{"round_at_least": 1}, {"party": voters[0], "score_below": 100}]},
            ]))
            inject["repeat"] = draw(st.booleans())
        if trigger != "ad_hoc" and draw(st.booleans()):
            inject["chance"] = draw(st.sampled_from([0.25, 0.5, 0.9]))
        effects: dict[str, Any] = {}
        if tids and draw(st.booleans()):
            effects["tracks"] = draw(deltas)
        if draw(st.booleans()):
            effects["values"] = {voters[0]: {draw(st.sampled_from(eids)): draw(
                st.integers(-3, 3))}}
        if draw(st.booleans()):
            effects["stances"] = {pids[-1]: {eids[0]: draw(st.sampled_from(STANCES))}}
        if draw(st.booleans()):
            effects["walk_away"] = {voters[-1]: draw(st.integers(-2, 2))}
        if hidden and draw(st.booleans()):
            effects["add_elements"] = [draw(st.sampled_from(hidden))]
        if draw(st.integers(0, 3)) == 0:
            effects["withdraw_elements"] = [draw(st.sampled_from(eids))]
        if draw(st.integers(0, 9)) == 0:
            effects["end"] = "The talks break down"
        if effects:
            inject["effects"] = effects
        injects.append(inject)
    return {
        "id": "generated", "title": "Generated", "summary": "s", "background": "b",
        "rounds": rounds,
        "max_package": draw(st.integers(1, 3)),
        "voting": draw(st.sampled_from(["element", "package"])),
        "majority": draw(st.sampled_from([0.5, 0.6, 2 / 3, 1])),
        "parties": parties,
        "tracks": tracks,
        "elements": elements,
        "injects": injects,
        "ratification": {"signing": draw(st.sampled_from(["automatic", "choice"]))},
    }


def illegal_candidates(game: Game) -> list[Move]:
    """Moves of every kind aimed at the wrong phase, party or element (some may be legal)."""
    book = game.book
    parties = [*book.party_ids, "nobody"]
    elements = [*book.element_ids, "nowhere"]
    moves: list[Move] = []
    for p in parties:
        moves.append(Pass(p))
        moves.append(Table(p, tuple(elements[:2])))
        moves.append(Table(p, (elements[-1],)))
        moves.append(Vote(p, {elements[0]: "accept"}))
        moves.append(Vote(p, {"package": "reject"}))
        moves.append(Sign(p, True))
    moves += [CallVote(), CallRatification(), EndExercise("stop"), FireInject("nowhere")]
    moves += [FireInject(i) for i in book.injects]
    return moves


# --- scenarios at the published limits (promise 5: bounded means bounded) -------------------


def _at_limits_base(parties: int, *, rounds: int, walk_away: float = 0) -> dict[str, Any]:
    return {
        "id": "at-limits", "title": "At the limits", "summary": "Built at the published limits.",
        "background": "Generated.", "rounds": rounds,
        "parties": [{"id": f"p{i}", "name": f"Party {i}", "public_brief": "b",
                     "walk_away": walk_away,
                     "bot": {"persona": ("hardliner", "pragmatist", "cooperative")[i % 3]}}
                    for i in range(parties)],
    }


def worst_cases() -> dict[str, dict[str, Any]]:
    """Deterministic scenarios at the limits, each stressing one way a valid scenario could
    be slow or deep: the most of everything, a 250-long requires chain, every element
    excluding every other, seats that pass every one of 100 rounds, numbers at their bounds,
    and conditions as deep and as many as allowed."""
    from exercise.scenario import limits as lim

    n, parties = lim.MAX_ELEMENTS, lim.MAX_PARTIES
    pids = [f"p{i}" for i in range(parties)]
    eids = [f"e{i}" for i in range(n)]
    cases: dict[str, dict[str, Any]] = {}

    # The most of everything: parties, elements, tracks, injects, rounds, package size.
    data = _at_limits_base(parties, rounds=lim.MAX_ROUNDS)
    data["max_package"] = lim.MAX_PACKAGE
    data["turn_order"] = [pids[i % parties] for i in range(lim.MAX_TURN_ORDER)]
    data["tracks"] = [{"id": f"t{k}", "label": f"Track {k}", "start": 0, "min": -50,
                       "max": 50, "collapse_at": 50} for k in range(lim.MAX_TRACKS)]
    data["elements"] = [
        {"id": e, "title": f"Element {i}", "summary": "s",
         "consent": pids[: 1 + i % 3],
         "requires": [eids[i - 1]] if i % 25 else [],
         "excludes": [eids[i - 2]] if i % 7 == 3 and i % 25 > 1 else [],
         "values": {p: (i * 7 + j * 13) % 19 - 9 for j, p in enumerate(pids)},
         "stances": {p: STANCES[(i + j) % 3] for j, p in enumerate(pids)},
         "effects": {f"t{i % lim.MAX_TRACKS}": 1}, "on_reject": {f"t{(i + 1) % lim.MAX_TRACKS}": 1}}
        for i, e in enumerate(eids)]
    injects = []
    for k in range(lim.MAX_INJECTS):
        inject: dict[str, Any] = {"id": f"i{k}", "title": f"Inject {k}", "text": "t"}
        if k % 3 == 0:
            inject["at"] = {"round": 1 + k % lim.MAX_ROUNDS}
        elif k % 3 == 1:
            inject["when"] = {"any": [{"round_at_least": 1 + k % lim.MAX_ROUNDS},
                                      {"element": eids[k % n], "rejections_at_least": 1}]}
            inject["repeat"] = True
            inject["chance"] = 0.5
        inject["effects"] = {"tracks": {f"t{k % lim.MAX_TRACKS}": -1},
                             "values": {pids[k % parties]: {eids[k % n]: 1}},
                             "walk_away": {pids[(k + 1) % parties]: 0.5}}
        injects.append(inject)
    data["injects"] = injects
    cases["most-of-everything"] = data

    # One requires chain through every element: one can be tabled at a time.
    data = _at_limits_base(parties, rounds=lim.MAX_ROUNDS)
    data["max_package"] = lim.MAX_PACKAGE
    data["elements"] = [{"id": e, "title": e, "summary": "s",
                         "requires": [eids[i - 1]] if i else [],
                         "values": {p: 1 + (i + j) % 3 for j, p in enumerate(pids)}}
                        for i, e in enumerate(eids)]
    cases["requires-chain"] = data

    # Every element excludes every other: one package of one element, at most.
    data = _at_limits_base(parties, rounds=lim.MAX_ROUNDS)
    data["elements"] = [{"id": e, "title": e, "summary": "s",
                         "excludes": [o for o in eids if o != e],
                         "values": {p: (i + j) % 5 - 1 for j, p in enumerate(pids)}}
                        for i, e in enumerate(eids)]
    cases["wide-excludes"] = data

    # Nothing is worth tabling: every seat passes, every one of the rounds.
    data = _at_limits_base(parties, rounds=lim.MAX_ROUNDS, walk_away=lim.MAX_NUMBER)
    data["elements"] = [{"id": e, "title": e, "summary": "s",
                         "values": {p: -lim.MAX_NUMBER for p in pids}} for e in eids]
    cases["everyone-passes"] = data

    # Numbers at their bounds, everywhere a number goes.
    big = lim.MAX_NUMBER
    data = _at_limits_base(parties, rounds=lim.MAX_ROUNDS, walk_away=-big)
    data["max_package"] = lim.MAX_PACKAGE
    data["tracks"] = [{"id": "t", "label": "T", "start": 0, "min": -big, "max": big,
                       "collapse_at": big}]
    data["elements"] = [{"id": e, "title": e, "summary": "s",
                         "values": {p: big if (i + j) % 2 else -big for j, p in enumerate(pids)},
                         "effects": {"t": big / 1000}, "on_reject": {"t": -big / 1000}}
                        for i, e in enumerate(eids)]
    data["injects"] = [{"id": f"i{k}", "title": "I", "text": "t", "when": {"round_at_least": 1},
                        "repeat": True,
                        "effects": {"values": {pids[k % parties]: {eids[k]: big}},
                                    "walk_away": {pids[k % parties]: big}}}
                       for k in range(n)]
    cases["extreme-numbers"] = data

    # Conditions as deep as allowed, and as many tests as allowed in all.
    def deep(level: int, k: int) -> dict[str, Any]:
        if level == lim.MAX_CONDITION_DEPTH:
            return {"element": eids[k % n], "rejections_at_least": 1}
        form = ("all", "any", "not")[level % 3]
        inner = deep(level + 1, k)
        return {"not": inner} if form == "not" else {form: [inner, {"round_at_least": 1}]}

    per = 9  # tests in one deep condition (its leaf, and a round test at each all/any)
    data = _at_limits_base(5, rounds=lim.MAX_ROUNDS)
    data["elements"] = [{"id": e, "title": e, "summary": "s",
                         "values": {f"p{j}": (i + j) % 7 - 3 for j in range(5)}}
                        for i, e in enumerate(eids)]
    data["injects"] = [{"id": f"i{k}", "title": "I", "text": "t", "when": deep(0, k),
                        "repeat": True, "effects": {"walk_away": {"p0": 0.1}}}
                       for k in range(lim.MAX_CONDITION_TESTS // per)]
    cases["deep-conditions"] = data
    return cases


@st.composite
def limit_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario with every size drawn at a limit or far from it: parties, elements,
    rounds, package size, tracks, injects, requires chains, wide excludes, deep and wide
    conditions, and numbers as large as allowed. The many values are filled from a drawn
    seed (so an example stays small to shrink); the shapes are drawn directly."""
    import random

    from exercise.scenario import limits as lim

    rng = random.Random(draw(st.integers(0, 2**32 - 1), label="seed"))
    big = draw(st.sampled_from([1, 1000, lim.MAX_NUMBER]), label="magnitude")
    n_parties = draw(st.sampled_from([2, 7, lim.MAX_PARTIES]), label="parties")
    n_elements = draw(st.sampled_from([1, 12, 60, lim.MAX_ELEMENTS]), label="elements")
    rounds = draw(st.sampled_from([1, 3, lim.MAX_ROUNDS]), label="rounds")
    shape = draw(st.sampled_from(["loose", "chain", "wide-excludes", "tangled"]), label="shape")
    pids = [f"p{i}" for i in range(n_parties)]
    observers = set(pids[2:][: draw(st.integers(0, 2), label="observers")])
    voters = [p for p in pids if p not in observers]
    parties = [{"id": p, "name": f"Party {i}", "public_brief": "b",
                "role": "observer" if p in observers else rng.choice(["principal", "guarantor"]),
                "walk_away": rng.choice([-big, 0, big / 2, big]),
                "bot": {"persona": rng.choice(PERSONAS)}}
               for i, p in enumerate(pids)]
    n_tracks = draw(st.sampled_from([0, 1, lim.MAX_TRACKS]), label="tracks")
    tracks = [{"id": f"t{k}", "label": f"Track {k}", "start": 0, "min": -big, "max": big,
               "collapse_at": rng.choice([big, -big])} for k in range(n_tracks)]
    tids = [t["id"] for t in tracks]
    eids = [f"e{i}" for i in range(n_elements)]
    elements = []
    for i, eid in enumerate(eids):
        element: dict[str, Any] = {
            "id": eid, "title": f"Element {i}", "summary": "s",
            "consent": rng.sample(voters, rng.randint(0, min(2, len(voters)))),
            "values": {p: rng.choice([-big, -1, 0, 1, big, 0.5]) for p in pids
                       if p not in observers},
            "stances": {p: rng.choice(STANCES) for p in pids},
        }
        if tids:
            element["effects"] = {rng.choice(tids): rng.choice([-big, 1, big]) / 10}
            element["on_reject"] = {rng.choice(tids): rng.choice([-1, 1])}
        if shape == "chain" and i:
            element["requires"] = [eids[i - 1]]
        elif shape == "tangled" and i:
            element["requires"] = rng.sample(eids[:i], min(i, rng.randint(0, 3)))
            others = [e for e in eids[:i] if e not in element["requires"]]
            element["excludes"] = rng.sample(others, min(len(others), rng.randint(0, 3)))
        elif shape == "wide-excludes":
            element["excludes"] = [e for e in eids if e != eid][: lim.MAX_ELEMENTS]
        elements.append(element)
    if shape == "tangled":  # an element must not require what excludes it, at any remove
        closure: dict[str, set[str]] = {}
        for element in elements:
            needs = set(element.get("requires", []))
            for need in list(needs):
                needs |= closure[need]
            closure[element["id"]] = needs
        for element in elements:
            element["excludes"] = [x for x in element.get("excludes", [])
                                   if x not in closure[element["id"]]
                                   and element["id"] not in closure[x]
                                   and not closure[element["id"]] & {
                                       y for e in elements if e["id"] == x
                                       for y in e.get("excludes", [])}]
        for element in elements:  # and no two it requires exclude each other
            needs = closure[element["id"]]
            for other in elements:
                if other["id"] in needs:
                    other["excludes"] = [x for x in other.get("excludes", []) if x not in needs]
    depth = draw(st.sampled_from([0, 1, lim.MAX_CONDITION_DEPTH]), label="condition depth")
    width = draw(st.sampled_from([1, 3, lim.MAX_CONDITION_WIDTH]), label="condition width")
    n_injects = draw(st.sampled_from([0, 5, lim.MAX_INJECTS]), label="injects")
    budget = lim.MAX_CONDITION_TESTS

    def test(k: int) -> dict[str, Any]:
        kind = k % 4
        if kind == 0:
            return {"round_at_least": 1 + k % rounds}
        if kind == 1 and tids:
            return {"track": tids[k % len(tids)], "at_least": -big}
        if kind == 2:
            return {"party": voters[k % len(voters)], "score_below": big}
        return {"element": eids[k % n_elements], "rejections_at_least": min(rounds, 1)}

    def condition(level: int, k: int) -> tuple[dict[str, Any], int]:
        """A condition `level` deep; returns it and how many tests it holds."""
        if level == 0:
            return test(k), 1
        form = ("all", "any", "not")[(k + level) % 3]
        if form == "not":
            inner, n = condition(level - 1, k + 1)
            return {"not": inner}, n
        parts, n = [], 0
        for j in range(width if level == 1 else 2):
            part, m = condition(level - 1, k + j)
            parts.append(part)
            n += m
        return {form: parts}, n

    injects = []
    for k in range(n_injects):
        inject: dict[str, Any] = {"id": f"i{k}", "title": f"Inject {k}", "text": "t"}
        trigger = rng.choice(["at", "when", "when", "ad_hoc"])
        if trigger == "at":
            inject["at"] = {"round": rng.randint(1, rounds)}
        elif trigger == "when":
            when, used = condition(min(depth, 3) if k else depth, k)
            if used <= budget:
                budget -= used
                inject["when"] = when
                inject["repeat"] = rng.random() < 0.5
        if "at" in inject or "when" in inject:
            inject["chance"] = rng.choice([1, 0.5, 0.01])
        effects: dict[str, Any] = {"values": {voters[0]: {rng.choice(eids): big}},
                                   "walk_away": {voters[-1]: rng.choice([-big, big])}}
        if tids:
            effects["tracks"] = {rng.choice(tids): rng.choice([-big, big])}
        if rng.random() < 0.2:
            effects["withdraw_elements"] = rng.sample(eids, min(3, n_elements))
        inject["effects"] = effects
        injects.append(inject)
    return {
        "id": "at-the-limits", "title": "At the limits", "summary": "s", "background": "b",
        "rounds": rounds,
        "max_package": draw(st.sampled_from([1, lim.MAX_PACKAGE]), label="max_package"),
        "voting": draw(st.sampled_from(["element", "package"]), label="voting"),
        "majority": draw(st.sampled_from([0.5, 1]), label="majority"),
        "turn_order": [rng.choice(voters) for _ in range(rng.randint(1, lim.MAX_TURN_ORDER))],
        "parties": parties, "tracks": tracks, "elements": elements, "injects": injects,
    }


PERSONAS = ("hardliner", "pragmatist", "cooperative")
