"""What a simulation found, for an author: a summary (JSON-ready), warnings, and a table.

Every figure comes from a :class:`~exercise.simulate.stats.Tally`; nothing here plays a
game. The summary holds no timings or process counts, so the same scenario, games and
seed always print the same thing.
"""

from __future__ import annotations

import textwrap
from typing import Any

from exercise import __version__
from exercise.analysis import SEARCH_BUDGET, analyse_at_start, package_count
from exercise.bots.personas import persona_for
from exercise.engine.rulebook import Rulebook
from exercise.simulate.stats import BINS, OUTCOMES, SCALE, TALK_COUNTS, Tally, layout, wilson
from exercise.text import escape_controls

COLLAPSE_WARNING = 0.9  # a scenario that collapses at least this often gets a warning
TOP_PACKAGES = 5
_OUTCOME_WORDS = {"agreement": "agreement", "no_agreement": "no agreement",
                  "collapse": "collapse", "ended": "stopped"}
_BARS = " ▁▂▃▄▅▆▇█"


def personas_in_play(book: Rulebook, overrides: dict[str, str]) -> dict[str, str]:
    """Each voting party's persona: the override, else the scenario's hint, else the
    default."""
    return {party.id: persona_for(party, overrides.get(party.id))
            for party in book.scenario.voters}


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _mean(total: int, count: int, scale: int = 1) -> float | None:
    return round(total / count / scale, 6) if count else None


def summarise(book: Rulebook, tally: Tally, *, seed: int,
              personas: dict[str, str], talks: bool = True) -> dict[str, Any]:
    """The simulation's findings as plain data (the ``--json`` output)."""
    sc = book.scenario
    lay = layout(book)
    n = tally.games
    sums = tally.sums
    outcomes = {}
    for k, kind in enumerate(OUTCOMES):
        games = sums[lay.outcome + k]
        if kind == "ended" and not games:
            continue  # only a facilitator stops an exercise; computer players never do
        low, high = wilson(games, n)
        outcomes[kind] = {"games": games, "rate": round(_share(games, n), 6),
                          "ci95": [round(low, 6), round(high, 6)],
                          "example_seed": tally.examples.get(kind)}
    by_round = {r: sums[lay.round + r] for r in range(book.rounds + 1) if sums[lay.round + r]}
    rounds = {
        "mean": _mean(sum(r * g for r, g in by_round.items()), n),
        "min": min(by_round) if by_round else None,
        "max": max(by_round) if by_round else None,
        "games_by_round": {str(r): g for r, g in by_round.items()},
    }
    voters = len(lay.voters)
    elements = []
    for i, element in enumerate(sc.elements):
        adopted = sums[lay.adopted + i]
        blocked = {p: sums[lay.blocked + i * voters + j] for j, p in enumerate(lay.voters)
                   if sums[lay.blocked + i * voters + j]}
        most = max(blocked, key=lambda p: (blocked[p], -lay.voter_index[p])) if blocked else None
        elements.append({
            "id": element.id, "title": element.title, "hidden": element.hidden,
            "added_by": [i for i, spec in book.injects.items() if element.id in spec.add],
            "consent": list(element.consent),
            "adopted": adopted, "adoption_rate": round(_share(adopted, n), 6),
            "mean_round": _mean(sums[lay.adopted_round + i], adopted),
            "rejections": sums[lay.rejections + i],
            "rejections_per_game": _mean(sums[lay.rejections + i], n),
            "blocked_by": blocked, "most_blocked_by": most,
        })
    parties = []
    for j, party in enumerate(lay.voters):
        spec = sc.party(party)
        signed = sums[lay.signed + j]
        score = _mean(sums[lay.score + j], n, SCALE)
        walk_away = _mean(sums[lay.walk_away + j], n, SCALE)
        parties.append({
            "id": party, "name": spec.name, "required": party in book.required,
            "persona": personas[party], "signed": signed,
            "signing_rate": round(_share(signed, n), 6),
            "mean_score": score, "mean_walk_away": walk_away,
            "mean_margin": None if score is None or walk_away is None
            else round(score - walk_away, 6),
        })
    injects = []
    for k, inject in enumerate(sc.injects):
        fired = sums[lay.fired + k]
        injects.append({
            "id": inject.id, "title": inject.title, "trigger": inject.trigger,
            "round": book.injects[inject.id].round, "chance": inject.chance,
            "fired": fired, "firing_rate": round(_share(fired, n), 6),
            "firings": sums[lay.firings + k],
        })
    tracks = []
    for k, track in enumerate(sc.tracks):
        bar = book.tracks[track.id]
        width = (bar.high - bar.low) / BINS
        bins = tally.block(lay.track_bins + k * BINS, BINS)
        lowest, highest = tally.track_min[k], tally.track_max[k]
        tracks.append({
            "id": track.id, "label": track.label, "low": bar.low, "high": bar.high,
            "start": bar.start, "collapse_at": bar.collapse_at,
            "mean": _mean(tally.sums[lay.track_sum + k], n, SCALE),
            "min": None if lowest is None else lowest / SCALE,
            "max": None if highest is None else highest / SCALE,
            "at_collapse": sums[lay.track_collapsed + k],
            "bins": [{"from": round(bar.low + b * width, 6),
                      "to": round(bar.low + (b + 1) * width, 6), "games": games}
                     for b, games in enumerate(bins)],
        })
    ids = book.element_ids
    packages = [{"elements": [ids[i] for i in package], "games": games,
                 "rate": round(_share(games, n), 6)}
                for package, games in sorted(tally.packages.items(),
                                             key=lambda kv: (-kv[1], kv[0]))[:TOP_PACKAGES]]
    summary: dict[str, Any] = {
        "program": f"exercise {__version__}",
        "scenario": sc.id, "title": sc.title,
        "games": n, "seed": seed, "seeds": [seed, seed + n - 1] if n else [],
        "personas": personas,
        "outcomes": outcomes, "rounds": rounds, "elements": elements, "parties": parties,
        "injects": injects, "tracks": tracks, "packages": packages,
        "deal_analysis": deal_reference(book, tally),
        "talks": {"on": talks and book.talks_enabled,
                  **{name: sums[lay.talks + k] for k, name in enumerate(TALK_COUNTS)}},
    }
    summary["warnings"] = warnings(summary)
    return summary


def talks_effect(without: dict[str, Any], with_talks: dict[str, Any]) -> dict[str, Any]:
    """What bargaining does: the same games (same seeds) without side talks and with them,
    side by side — agreement, and each delegation's mean score and signing rate."""
    def rate(summary: dict[str, Any]) -> float:
        found = summary["outcomes"].get("agreement")
        return found["rate"] if found else 0.0

    parties = []
    for a, b in zip(without["parties"], with_talks["parties"], strict=True):
        change = None if a["mean_score"] is None or b["mean_score"] is None \
            else round(b["mean_score"] - a["mean_score"], 6)
        parties.append({"id": a["id"], "name": a["name"],
                        "mean_score": [a["mean_score"], b["mean_score"]], "change": change,
                        "signing_rate": [a["signing_rate"], b["signing_rate"]]})
    return {"agreement_rate": [rate(without), rate(with_talks)],
            "change": round(rate(with_talks) - rate(without), 6),
            "talks": with_talks["talks"], "parties": parties}


def _effect_lines(effect: dict[str, Any], games: int) -> list[str]:
    before, after = effect["agreement_rate"]
    talks = effect["talks"]
    out = ["", "What bargaining does (the same games without side talks, then with them)",
           f"  agreement: {_pct(before)} without talks, {_pct(after)} with them "
           f"({effect['change'] * 100:+.1f} points)",
           f"  with talks: {talks['offers'] / games:.2f} offers a game, "
           f"{talks['accepted'] / games:.2f} accepted; promises kept {talks['kept']:,}, "
           f"broken {talks['broken']:,}, never tested {talks['untested']:,}"
           if games else "  with talks: no games"]
    rows = [["", "score without", "score with", "change", "signs without", "signs with"]]
    _name = _namer([p["id"] for p in effect["parties"]])
    for p in effect["parties"]:
        without, with_talks = p["mean_score"]
        rows.append([_name(p["name"], p["id"]), _num(without), _num(with_talks),
                     "–" if p["change"] is None else f"{p['change']:+.2f}",
                     _pct(p["signing_rate"][0]), _pct(p["signing_rate"][1])])
    return out + _columns(rows, {1, 2, 3, 4, 5})


def deal_reference(book: Rulebook, tally: Tally) -> dict[str, Any]:
    """The deal analysis of the scenario as it starts (see
    :func:`~exercise.analysis.analyse_at_start`: its values and walk-aways, over the elements
    open at the start and those an inject can add), and how often games reached its
    packages."""
    deal = analyse_at_start(book)
    position = {e: i for i, e in enumerate(book.element_ids)}

    def games(elements: tuple[str, ...]) -> int:
        return tally.packages.get(tuple(sorted(position[e] for e in elements)), 0)

    data = deal.to_data()
    # A simulation has no one deal: the keys about the actual deal would only say "nothing".
    for key in ("actual", "deal_on_frontier", "dominating_package", "dominance_exact"):
        del data[key]
    for entry, package in zip(data["nash_packages"], deal.nash_packages, strict=True):
        entry["adopted"] = games(package.elements)
    nash_games = games(deal.nash) if deal.nash is not None else None
    tied_games = sum(entry["adopted"] for entry in data["nash_packages"])
    frontier_games = sum(games(p.elements) for p in deal.frontier) \
        if deal.frontier_complete else None
    data.update({
        "nash": list(deal.nash) if deal.nash is not None else None,
        "nash_values": deal.nash_values,
        "nash_adopted": nash_games,
        "nash_adopted_rate": round(_share(nash_games, tally.games), 6)
        if nash_games is not None else None,
        "nash_packages_adopted": tied_games,
        "nash_packages_adopted_rate": round(_share(tied_games, tally.games), 6),
        "frontier_adopted": frontier_games,
        "frontier_adopted_rate": round(_share(frontier_games, tally.games), 6)
        if frontier_games is not None else None,
    })
    return data


def warnings(summary: dict[str, Any]) -> list[str]:
    """Plain warnings an author can act on."""
    n = summary["games"]
    if not n:
        return []
    out = []
    games = f"{n:,} game{'s' if n != 1 else ''}"
    outcomes = summary["outcomes"]
    collapse = outcomes.get("collapse", {}).get("rate", 0.0)
    if collapse >= COLLAPSE_WARNING:
        out.append(f"The talks collapse in {collapse:.0%} of games: a track's collapse line "
                   "is too close, or its pushes too strong, for a deal to form first.")
    agreement = outcomes.get("agreement", {}).get("games", 0)
    if agreement == 0:
        out.append(f"No game of {games} ended in agreement: compare the walk-aways with the "
                   "deal analysis below.")
    elif agreement == n:
        out.append(f"Every one of {games} ended in agreement: the outcome is never in doubt.")
    for e in summary["elements"]:
        name = f"'{e['title']}' ({e['id']})"
        if e["adopted"] == 0:
            fired = {i["id"]: i["fired"] for i in summary["injects"]}
            shown = max((fired.get(i, 0) for i in e.get("added_by", [])), default=0)
            if e["hidden"] and not shown:
                why = "it starts hidden and no inject that adds it fired before the end"
            elif e["hidden"]:
                why = (f"an inject put it on the table in {shown:,} of them; check its values, "
                       "its consent parties and what it requires")
            else:
                why = "check its values, its consent parties and what it requires"
            out.append(f"{name} was never adopted in {games}: {why}.")
        elif e["adopted"] == n:
            out.append(f"{name} was adopted in every game: it decides nothing; give a party "
                       "a reason to oppose it, or a cost.")
    for p in summary["parties"]:
        if p["signed"] == 0:
            margin = p["mean_margin"]
            gap = f" (on average {-margin:g} short of its walk-away)" if margin is not None \
                and margin < 0 else ""
            out.append(f"{p['name']} ({p['id']}) never signed in {games}{gap}: its walk-away "
                       "is out of reach of what the others will adopt.")
    for i in summary["injects"]:
        if i["fired"] == 0 and i["trigger"] != "ad_hoc":
            when = (f"at round {i['round']}" if i["trigger"] == "at"
                    else "when its condition holds")
            chance = f", with chance {i['chance']:g}" if i["chance"] < 1 else ""
            out.append(f"Inject '{i['title']}' ({i['id']}), due {when}{chance}, never fired "
                       f"in {games}.")
    return out


# --- the table -------------------------------------------------------------------------------


def _pct(rate: float | None) -> str:
    if rate is None:
        return "–"
    if 0 < rate < 0.0005:
        return "<0.1%"
    if 0.9995 <= rate < 1:
        return ">99.9%"
    return f"{rate:.1%}"


def _namer(ids: list[str], width: int = 56) -> Any:
    """Name rows 'id  title': ids in a column, titles cut to fit ``width``."""
    column = min(max((len(i) for i in ids), default=0), 26)

    def name(title: str, ident: str) -> str:
        room = max(8, width - max(column, len(ident)) - 2)
        if len(title) > room:
            title = title[:room - 1].rstrip() + "…"
        return f"{ident.ljust(column)}  {title}"

    return name


def _num(value: float | None, places: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:+.{places}f}" if value else f"{0:.{places}f}"


def _columns(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(widths[c]) if c in right else cell.ljust(widths[c])
                 for c, cell in enumerate(row)]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def bars(counts: list[int]) -> str:
    """A row of bars, one per bin, tallest for the fullest (a space: none)."""
    top = max(counts, default=0)
    if not top:
        return " " * len(counts)
    return "".join(_BARS[0] if not c else _BARS[max(1, round(c / top * 8))] for c in counts)


def _deal_lines(d: dict[str, Any]) -> list[str]:
    """The deal analysis of the summary in sentences, indented and wrapped."""
    sentences = [f"{d['basis'][:1].upper()}{d['basis'][1:]}."]
    feasible = package_count(d["feasible"])
    if not d.get("feasible_exact", True):
        feasible = f"at least {feasible}"
    if d["truncated"]:
        sentences.append(f"{feasible} packages could stand together; at least "
                         f"{d['signable']:,} of them would be signed by every required party "
                         f"(the search stops after {SEARCH_BUDGET:,} packages).")
    else:
        sentences.append(f"{feasible} packages could stand together; {d['signable']:,} "
                         f"({d['signable_share']:.0%}) would be signed by every required "
                         "party.")
    if d["unadoptable"]:
        sentences.append("Never adoptable (a requirement never reaches the table): "
                         f"{', '.join(d['unadoptable'])}.")
    if d["nash"] is not None:
        name = ("The best package found (the largest product of gains over walk-aways the "
                "search reached" if d["truncated"] else
                "The Nash package (largest product of gains over walk-aways")
        sentences.append(f"{name}, {d['nash_product']:g}): {', '.join(d['nash'])}. The "
                         "simulated games adopted exactly this package in "
                         f"{_pct(d['nash_adopted_rate'])} of games.")
        ties = d["nash_ties"]
        if ties > 1:
            listed = len(d["nash_packages"])
            shown = "" if listed == ties else f" ({listed} listed in the JSON)"
            sentences.append(f"{ties:,} packages tie for that product{shown}; games adopted "
                             f"one of {'them' if listed == ties else 'those listed'} in "
                             f"{_pct(d['nash_packages_adopted_rate'])} of games.")
    elif d["truncated"]:
        sentences.append("No package the search reached would be signed by every required "
                         "party.")
    else:
        sentences.append("No package would be signed by every required party.")
    if d["frontier_complete"]:
        sentences.append(f"{d['frontier_size']:,} signable package"
                         f"{'s are' if d['frontier_size'] != 1 else ' is'} on the Pareto "
                         "frontier (no signable package is better for every required party); "
                         f"games ended on one in {_pct(d['frontier_adopted_rate'])} of games.")
    elif d["signable"]:
        sentences.append("The Pareto frontier is too large, or the search too long, to list "
                         f"in full; the JSON lists {len(d['frontier']):,} signable packages "
                         "found, none better than another for every required party.")
    text = " ".join(sentences)
    return ["  " + line for line in textwrap.wrap(text, 96, break_on_hyphens=False)]


def render(summary: dict[str, Any]) -> str:
    """The findings as a readable table."""
    n = summary["games"]
    out = [f"{summary['title']} ({summary['scenario']}): {n:,} computer-only games, "
           f"seeds {summary['seeds'][0]}–{summary['seeds'][1]}" if n else
           f"{summary['title']} ({summary['scenario']}): no games"]
    out.append("Personas: " + ", ".join(f"{p} {persona}"
                                        for p, persona in summary["personas"].items()))
    out.append("Replay any game: exercise run "
               f"{summary['scenario']} --bots all --seed SEED")
    out += ["", "Outcomes"]
    rows = [["", "games", "share", "95% CI", "e.g. seed"]]
    for kind, o in summary["outcomes"].items():
        low, high = o["ci95"]
        example = o["example_seed"]
        rows.append([_OUTCOME_WORDS[kind], f"{o['games']:,}", _pct(o["rate"]),
                     f"{low:.1%}–{high:.1%}", "–" if example is None else str(example)])
    out += _columns(rows, {1, 2, 3, 4})
    r = summary["rounds"]
    if r["mean"] is not None:
        spread = ", ".join(f"{k}: {_pct(g / n)}" for k, g in r["games_by_round"].items())
        out += ["", f"Rounds played: mean {r['mean']:.1f} ({spread})"]

    out += ["", "Elements"]
    _name = _namer([e["id"] for e in summary["elements"]])
    rows = [["", "adopted", "mean round", "rejections/game", "consent withheld most by"]]
    for e in summary["elements"]:
        most = e["most_blocked_by"]
        blocker = f"{most} ({e['blocked_by'][most]:,})" if most else "–"
        rows.append([_name(e["title"], e["id"]), _pct(e["adoption_rate"]),
                     "–" if e["mean_round"] is None else f"{e['mean_round']:.1f}",
                     f"{e['rejections_per_game']:.2f}", blocker])
    out += _columns(rows, {1, 2, 3})

    out += ["", "Delegations (scores and walk-aways: means over all games)"]
    rows = [["", "signs", "score", "walk-away", "score − walk-away"]]
    _name = _namer([p["id"] for p in summary["parties"]])
    for p in summary["parties"]:
        role = "required" if p["required"] else "not required"
        rows.append([_name(f"{p['persona']}, {role}", p["id"]),
                     _pct(p["signing_rate"]), _num(p["mean_score"]),
                     _num(p["mean_walk_away"]), _num(p["mean_margin"])])
    out += _columns(rows, {1, 2, 3, 4})

    if summary["injects"]:
        out += ["", "Injects"]
        _name = _namer([i["id"] for i in summary["injects"]])
        rows = [["", "fired", "due"]]
        for i in summary["injects"]:
            due = {"at": f"round {i['round']}", "when": "on its condition",
                   "ad_hoc": "by the facilitator (never in a simulation)"}[i["trigger"]]
            if i["chance"] < 1:
                due += f", chance {i['chance']:g}"
            rows.append([_name(i["title"], i["id"]), _pct(i["firing_rate"]), due])
        out += _columns(rows, {1})

    if summary["tracks"]:
        out += ["", "Tracks at the end"]
        rows = [["", "mean", "min", "max", "at collapse", "from low to high"]]
        _name = _namer([t["id"] for t in summary["tracks"]], 40)
        for t in summary["tracks"]:
            line = "–" if t["collapse_at"] is None else _pct(t["at_collapse"] / n if n else 0)
            rows.append([_name(t["label"], t["id"]),
                         "–" if t["mean"] is None else f"{t['mean']:.2f}",
                         "–" if t["min"] is None else f"{t['min']:g}",
                         "–" if t["max"] is None else f"{t['max']:g}", line,
                         f"{t['low']:g} |{bars([b['games'] for b in t['bins']])}| {t['high']:g}"])
        out += _columns(rows, {1, 2, 3, 4})

    if summary["packages"]:
        out += ["", "Most frequent adopted packages"]
        for p in summary["packages"]:
            listed = ", ".join(p["elements"]) or "(nothing adopted)"
            lines = textwrap.wrap(listed, 88, break_on_hyphens=False) or [listed]
            out.append(f"  {_pct(p['rate']):>6}  {lines[0]}")
            out += [f"          {line}" for line in lines[1:]]

    talks = summary.get("talks")
    if talks and "talks_effect" not in summary:
        if not talks["on"]:
            out += ["", "Side talks: off (--no-talks, or the scenario has none)"]
        elif n:
            out += ["", f"Side talks: {talks['offers'] / n:.2f} offers a game, "
                        f"{talks['accepted'] / n:.2f} accepted; promises kept "
                        f"{talks['kept']:,}, broken {talks['broken']:,}, never tested "
                        f"{talks['untested']:,}"]
    if "talks_effect" in summary:
        out += _effect_lines(summary["talks_effect"], n)

    out += ["", "Deal analysis", *_deal_lines(summary["deal_analysis"]), ""]
    out += ["Warnings" if summary["warnings"] else "Warnings: none"]
    for warning in summary["warnings"]:
        lines = textwrap.wrap(warning, 94, break_on_hyphens=False)
        out += [f"  ! {lines[0]}", *(f"    {line}" for line in lines[1:])]
    # Validation refuses control characters in scenario text; this is the second line of
    # defence, so that the table can never write an escape sequence to a terminal.
    return escape_controls("\n".join(out) + "\n")


__all__ = ["bars", "deal_reference", "personas_in_play", "render", "summarise", "talks_effect",
           "warnings"]
