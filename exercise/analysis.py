"""Deal analysis: every package that could be adopted, which every required party would sign,
and the one with the largest Nash product over the walk-aways.

A *package* is a set of elements that could stand adopted together: no two exclude each
other, and each one's ``requires`` are in it too. A required party *signs* a package
when its value of the package reaches its walk-away. The Nash product of a package is
the product, over the required parties, of value minus walk-away: the bargaining
solution that weighs every signature equally.

A scenario may have 250 elements, and so up to 2^250 packages: the analysis is exact
where it can be and says so where it cannot, in bounded time.

* **Packages that could stand together** are counted exactly by a sweep over the
  elements in an order where requirements come first, keeping only what later elements
  depend on (which of the earlier elements they require or exclude are in): a chain of
  requirements or an element excluding a hundred others keeps a handful of states. Past
  :data:`COUNT_STATES` states the count is the number of packages the search below
  visited (it then skips no branch): exact if it finished, else a lower limit
  (``feasible_exact`` false).
* **Signable packages and the Nash package** come from a depth-first search that forms
  only feasible packages and skips every branch in which some required party can no
  longer reach its walk-away. When it has visited every package that could be signed
  within :data:`SEARCH_BUDGET` packages, both are exact. Past the budget the search
  stops (``truncated``): the signable count is a lower limit ("at least N"), and the Nash
  package is the best found, by the search and then by a greedy climb (add or drop one
  element while the product grows) from the best package found and from nothing.
  Either way the Nash package is a real package, and its product is really reached.

Nothing here recurses, so a 250-element ``requires`` chain is as easy as a short one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import add, ge, sub

COUNT_STATES = 4_096  # states of the exact count before it gives up (see the docstring)
SEARCH_BUDGET = 100_000  # packages the search visits before it stops
_EPS = 1e-9  # sums are of decimals the engine rounds to nine places


def package_count(number: int) -> str:
    """A count of packages for people: 2^250 of them is a power of ten, not 76 digits."""
    if number < 10**15:
        return f"{number:,}"
    exponent = len(str(number)) - 1
    return f"{number / 10**exponent:.2f} × 10^{exponent}"


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
    truncated: bool  # the search stopped at its budget: "at least" counts, the best found
    feasible_exact: bool = True  # the count of feasible packages is exact (even if truncated)

    @property
    def zone_share(self) -> float:
        """The share of feasible packages every required party would sign."""
        return self.signable / self.feasible if self.feasible else 0.0

    def to_data(self) -> dict[str, object]:
        """JSON-ready (temporary: replaced by the analysis rewrite)."""
        return {"required": list(self.required), "feasible": self.feasible,
                "signable": self.signable}


def _order(elements: Sequence[str], requires: Mapping[str, Sequence[str]]) -> list[str]:
    """Elements with every requirement before the elements that need it (a depth-first
    post-order, with an explicit stack; a requirement cycle is cut where it closes)."""
    present = set(elements)
    placed: list[str] = []
    seen: set[str] = set()
    for root in elements:
        if root in seen:
            continue
        path = {root}
        stack = [(root, iter(requires.get(root, ())))]
        while stack:
            element, pending = stack[-1]
            for need in pending:
                if need in present and need not in seen and need not in path:
                    path.add(need)
                    stack.append((need, iter(requires.get(need, ()))))
                    break
            else:
                stack.pop()
                path.discard(element)
                seen.add(element)
                placed.append(element)
    return placed


def _count(needs: list[int], clashes: list[int]) -> int | None:
    """The number of non-empty feasible packages, exactly, or None past COUNT_STATES states.

    Elements are decided in order (requirements first). A state is the set of decided
    elements still looked at by an undecided one (required or excluded by it), so two
    partial packages that agree there have the same completions, and are counted once.
    """
    n = len(needs)
    last = list(range(n))  # the last element that looks at each one
    for j in range(n):
        looked = needs[j] | (clashes[j] & ((1 << j) - 1))
        while looked:
            low = looked & -looked
            last[low.bit_length() - 1] = j
            looked ^= low
    states = {0: 1}
    for i in range(n):
        keep = 0
        for k in range(i + 1):
            if last[k] > i:
                keep |= 1 << k
        bit, need, clash = 1 << i, needs[i], clashes[i]
        following: dict[int, int] = {}
        for mask, ways in states.items():
            out = mask & keep
            following[out] = following.get(out, 0) + ways
            if mask & need == need and not mask & clash:
                into = (mask | bit) & keep
                following[into] = following.get(into, 0) + ways
        if len(following) > COUNT_STATES:
            return None
        states = following
    return sum(states.values()) - 1  # the empty package is no package


def _product(totals: Sequence[float], lines: Sequence[float]) -> float:
    """The Nash product of a signable package (a gain a hair below zero counts as zero)."""
    gains = list(map(sub, totals, lines))
    return 0.0 if gains and min(gains) <= 0 else math.prod(gains)


class _Search:
    """The depth-first search for signable packages and the Nash package (see the module
    docstring), over elements in requirement order, as bits of an int."""

    def __init__(self, gains: list[tuple[float, ...]], needs: list[int], clashes: list[int],
                 lines: list[float]):
        self.gains, self.needs, self.clashes = gains, needs, clashes
        self.floor = [w - _EPS for w in lines]
        self.lines = lines
        n = len(gains)
        self.n = n
        parties = len(lines)
        # The most each party could still gain from elements i.. on.
        rest: list[tuple[float, ...]] = [(0.0,) * parties] * (n + 1)
        for i in range(n - 1, -1, -1):
            rest[i] = tuple(r + max(0.0, g) for r, g in zip(rest[i + 1], gains[i], strict=True))
        self.rest = rest
        self.dependents = [[d for d in range(n) if needs[d] >> i & 1] for i in range(n)]
        self.visited = self.signable = 0
        self.best: tuple[float, int, int] | None = None  # (product, -size, -mask)

    def consider(self, mask: int, totals: tuple[float, ...], size: int) -> None:
        """Count a package, and keep it if it is the best signable one so far."""
        if all(map(ge, totals, self.floor)):
            self.signable += 1
            product = _product(totals, self.lines)
            best = self.best
            if best is not None and product < best[0] - _EPS:
                return  # cannot tie the best, even after rounding
            key = (round(product, 9), -size, -mask)
            if best is None or key > best:
                self.best = key

    def unlocked(self, avail: int, mask: int, i: int) -> int:
        """Elements whose requirements are all in ``mask`` once ``i`` joins it."""
        for d in self.dependents[i]:
            if self.needs[d] & mask == self.needs[d]:
                avail |= 1 << d
        return avail

    def run(self, *, prune: bool) -> bool:
        """Visit every feasible package (skipping hopeless branches when ``prune``); False
        when the budget ran out first."""
        n, gains, clashes, rest, floor = self.n, self.gains, self.clashes, self.rest, self.floor
        free = sum(1 << i for i in range(n) if not self.needs[i])
        everything = (1 << n) - 1
        # A frame: the package (mask), its totals and size, and the candidates left to add
        # (elements after its last one, their requirements in it, nothing it excludes).
        empty = (0.0,) * len(floor)
        stack: list[tuple[int, tuple[float, ...], int, int, int, int]] = [
            (0, empty, 0, free, 0, free)]
        while stack:
            mask, totals, size, avail, blocked, candidates = stack.pop()
            if not candidates:
                continue
            low = candidates & -candidates
            i = low.bit_length() - 1
            stack.append((mask, totals, size, avail, blocked, candidates ^ low))
            if self.visited == SEARCH_BUDGET:
                return False
            self.visited += 1
            grown = mask | low
            sums = tuple(map(add, totals, gains[i]))
            self.consider(grown, sums, size + 1)
            if prune and not all(map(ge, map(add, sums, rest[i + 1]), floor)):
                continue  # some required party can no longer reach its walk-away here
            now = blocked | clashes[i]
            opened = self.unlocked(avail, grown, i)
            after = everything & ~((low << 1) - 1)
            stack.append((grown, sums, size + 1, opened, now, opened & ~now & after))
        return True

    def worth(self, mask: int, totals: Sequence[float]) -> tuple[int, float, int, int]:
        """How good a package is, for the climb: signable ones first, by Nash product (then
        the smaller, then the earlier, as the search ranks them); others by how little they
        fall short of the walk-aways."""
        size = mask.bit_count()
        short = sum(max(0.0, f - t) for t, f in zip(totals, self.floor, strict=True))
        if short == 0:
            return (1, round(_product(totals, self.lines), 9), -size, -mask)
        return (0, -short, -size, -mask)

    def climb(self, mask: int) -> int:
        """A greedy climb from a package: add or drop the one element that most improves
        it (see :meth:`worth`), while anything does, for at most 2n steps."""
        n, gains, needs, clashes = self.n, self.gains, self.needs, self.clashes
        totals = self.totals(mask)
        current = self.worth(mask, totals) if mask else (-1, 0.0, 0, 0)
        for _ in range(2 * n):
            blocked = 0
            for i in range(n):
                if mask >> i & 1:
                    blocked |= clashes[i]
            best: tuple[tuple[int, float, int, int], int, tuple[float, ...]] | None = None
            for i in range(n):
                bit = 1 << i
                if mask & bit:
                    if mask == bit or any(mask >> d & 1 for d in self.dependents[i]):
                        continue  # the last element, or one the package requires
                    moved = mask ^ bit
                    sums = tuple(t - g for t, g in zip(totals, gains[i], strict=True))
                elif needs[i] & mask == needs[i] and not blocked & bit:
                    moved = mask | bit
                    sums = tuple(map(add, totals, gains[i]))
                else:
                    continue
                value = self.worth(moved, sums)
                if value > current and (best is None or value > best[0]):
                    best = (value, moved, sums)
            if best is None:
                break
            current, mask, totals = best
        return mask

    def totals(self, mask: int) -> tuple[float, ...]:
        """Each party's value of a package."""
        sums = [0.0] * len(self.lines)
        while mask:
            low = mask & -mask
            for k, g in enumerate(self.gains[low.bit_length() - 1]):
                sums[k] += g
            mask ^= low
        return tuple(sums)


def analyse(
    elements: Sequence[str],
    requires: Mapping[str, Sequence[str]],
    excludes: Mapping[str, Collection[str]],
    values: Mapping[str, Mapping[str, float]],
    walk_away: Mapping[str, float],
    required: Sequence[str],
    actual: Sequence[str],
) -> DealAnalysis:
    """Count the feasible and signable packages and find the Nash package (see the module
    docstring for what is exact and what is a bound).

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
    gains = [tuple(float(values.get(p, {}).get(e, 0)) for p in parties) for e in order]
    needs = [sum(1 << index[r] for r in set(requires.get(e, ())) if r in index) for e in order]
    clashes = [sum(1 << index[x] for x in set(excludes.get(e, ())) if x in index) for e in order]
    lines = [float(walk_away.get(p, 0)) for p in parties]

    exact_count = _count(needs, clashes)
    search = _Search(gains, needs, clashes, lines)
    finished = search.run(prune=exact_count is not None)
    best_mask = -search.best[2] if search.best is not None else 0
    best_product = search.best[0] if search.best is not None else None
    if not finished:
        # Past the budget: climb from the best package found, and from nothing.
        for start in dict.fromkeys((best_mask, 0)):
            mask = search.climb(start)
            totals = search.totals(mask)
            if mask and all(map(ge, totals, search.floor)):
                key = (round(_product(totals, lines), 9), -mask.bit_count(), -mask)
                if search.best is None or key > search.best:
                    search.best = key
        if search.best is not None:
            best_product, best_mask = search.best[0], -search.best[2]
    feasible = exact_count if exact_count is not None else search.visited

    def members(mask: int) -> tuple[str, ...]:
        chosen = {order[i] for i in range(n) if mask >> i & 1}
        return tuple(e for e in elements if e in chosen)

    def value_of(package: Sequence[str]) -> dict[str, float]:
        return {p: round(sum(values.get(p, {}).get(e, 0) for e in package), 9)
                for p in parties}

    adopted = set(actual)
    actual_set = tuple(e for e in elements if e in adopted)
    actual_values = value_of(actual_set)
    actual_ok = bool(actual_set) and all(actual_values[p] >= walk_away.get(p, 0) - _EPS
                                         for p in parties)
    actual_product = math.prod(actual_values[p] - walk_away.get(p, 0) for p in parties) \
        if actual_ok else None
    nash = members(best_mask) if search.best is not None else None
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
        signable=search.signable,
        nash=nash,
        nash_product=best_product,
        nash_values=nash_values,
        actual=actual_set,
        actual_values=actual_values,
        actual_signable=actual_ok,
        actual_product=actual_product,
        better_for_all=better,
        truncated=not finished,
        # Without the exact count the search visited every package (it did not prune), so
        # its tally is exact when it finished.
        feasible_exact=exact_count is not None or finished,
    )
