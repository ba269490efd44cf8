"""Deal analysis: every package that could be adopted, which every required party would sign,
and the one with the largest Nash product over the walk-aways.

A *package* is a set of elements that could stand adopted together: no two exclude each
other, and each one's ``requires`` are in it too. A required party *signs* a package
when its value of the package reaches its walk-away. The Nash product of a package is
the product, over the required parties, of value minus walk-away: the bargaining
solution that weighs every signature equally. The search walks the packages depth
first in an order where requirements come first, so only feasible packages are ever
formed, and it stops (saying so) past a bound.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

MAX_PACKAGES = 4_000_000


@dataclass(frozen=True)
class DealAnalysis:
    """What the packages on the table allowed, and where the actual deal stands."""

    elements: tuple[str, ...]
    required: tuple[str, ...]
    feasible: int
    signable: int
    nash: tuple[str, ...] | None
    nash_product: float | None
    nash_values: dict[str, float] | None
    actual: tuple[str, ...]
    actual_values: dict[str, float]
    actual_signable: bool
    actual_product: float | None
    better_for_all: tuple[str, ...] | None
    truncated: bool

    @property
    def zone_share(self) -> float:
        """The share of feasible packages every required party would sign."""
        return self.signable / self.feasible if self.feasible else 0.0


def _order(elements: Sequence[str], requires: Mapping[str, Sequence[str]]) -> list[str]:
    """Elements with every requirement before the elements that need it."""
    placed: list[str] = []
    seen: set[str] = set()

    def place(e: str, trail: tuple[str, ...] = ()) -> None:
        if e in seen or e in trail:
            return
        for r in requires.get(e, ()):
            if r in elements:
                place(r, (*trail, e))
        seen.add(e)
        placed.append(e)

    for e in elements:
        place(e)
    return placed


def analyse(
    elements: Sequence[str],
    requires: Mapping[str, Sequence[str]],
    excludes: Mapping[str, Collection[str]],
    values: Mapping[str, Mapping[str, float]],
    walk_away: Mapping[str, float],
    required: Sequence[str],
    actual: Sequence[str],
) -> DealAnalysis:
    """Search every feasible package (see the module docstring).

    Args:
        elements: the elements that could be adopted.
        requires: each element's requirements.
        excludes: each element's exclusions (symmetric).
        values: each party's value of each element.
        walk_away: each party's walk-away.
        required: the parties whose signature an agreement needs.
        actual: the elements actually adopted.
    """
    order = _order(list(elements), requires)
    index = {e: i for i, e in enumerate(order)}
    n = len(order)
    parties = list(required)
    gains = [[values.get(p, {}).get(e, 0) for p in parties] for e in order]
    needs = [sum(1 << index[r] for r in requires.get(e, ()) if r in index) for e in order]
    clashes = [sum(1 << index[x] for x in excludes.get(e, ()) if x in index) for e in order]
    lines = [walk_away.get(p, 0) for p in parties]
    # The most each party could still gain from elements i.. on: a branch that cannot
    # reach every walk-away holds no signable package.
    best_rest = [[0.0] * len(parties) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        best_rest[i] = [best_rest[i + 1][k] + max(0, gains[i][k]) for k in range(len(parties))]

    feasible = signable = 0
    best: tuple[float, int, int] | None = None  # (product, -size, -mask) for a stable choice
    best_mask = 0
    truncated = False

    def walk(i: int, mask: int, totals: list[float], size: int, could_sign: bool) -> None:
        nonlocal feasible, signable, best, best_mask, truncated
        if feasible >= MAX_PACKAGES:
            truncated = True
            return
        if i == n:
            if size == 0:
                return
            feasible += 1
            if could_sign and all(t >= w - 1e-9 for t, w in zip(totals, lines, strict=True)):
                signable += 1
                product = math.prod(max(0.0, t - w) for t, w in zip(totals, lines, strict=True))
                key = (round(product, 9), -size, -mask)
                if best is None or key > best:
                    best, best_mask = key, mask
            return
        if could_sign:
            could_sign = all(totals[k] + best_rest[i][k] >= lines[k] - 1e-9
                             for k in range(len(parties)))
        walk(i + 1, mask, totals, size, could_sign)
        if mask & clashes[i] == 0 and needs[i] & mask == needs[i]:
            walk(i + 1, mask | (1 << i), [t + g for t, g in zip(totals, gains[i], strict=True)],
                 size + 1, could_sign)

    walk(0, 0, [0.0] * len(parties), 0, True)

    def members(mask: int) -> tuple[str, ...]:
        chosen = {order[i] for i in range(n) if mask >> i & 1}
        return tuple(e for e in elements if e in chosen)

    def value_of(package: Sequence[str]) -> dict[str, float]:
        return {p: round(sum(values.get(p, {}).get(e, 0) for e in package), 9)
                for p in parties}

    adopted = set(actual)
    actual_set = tuple(e for e in elements if e in adopted)
    actual_values = value_of(actual_set)
    actual_ok = bool(actual_set) and all(actual_values[p] >= walk_away.get(p, 0) - 1e-9
                                         for p in parties)
    actual_product = math.prod(actual_values[p] - walk_away.get(p, 0) for p in parties) \
        if actual_ok else None
    nash = members(best_mask) if best is not None else None
    nash_values = value_of(nash) if nash is not None else None
    better = None
    if nash is not None and nash_values is not None and actual_ok and \
            all(nash_values[p] >= actual_values[p] for p in parties) and \
            any(nash_values[p] > actual_values[p] for p in parties):
        better = nash
    return DealAnalysis(
        elements=tuple(elements),
        required=tuple(parties),
        feasible=feasible,
        signable=signable,
        nash=nash,
        nash_product=best[0] if best is not None else None,
        nash_values=nash_values,
        actual=actual_set,
        actual_values=actual_values,
        actual_signable=actual_ok,
        actual_product=actual_product,
        better_for_all=better,
        truncated=truncated,
    )
