"""The searches behind :mod:`exercise.analysis`: a depth-first walk over the feasible
packages (elements as bits of an int, in requirement order), the main survey, the hunt for a
package that dominates the deal, and the frontier as it is found. The package's docstring
says what each does and where it stops."""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Sequence
from operator import add, ge, gt, le, sub

EPS = 1e-9  # sums are of decimals the engine rounds to nine places

Vector = tuple[float, ...]


def gain_product(totals: Sequence[float], lines: Sequence[float]) -> float:
    """The Nash product of a signable package (a gain a hair below zero counts as zero)."""
    gains = list(map(sub, totals, lines))
    return 0.0 if gains and min(gains) <= 0 else math.prod(gains)


def _hair(target: Vector) -> tuple[list[float], list[float]]:
    """Half a hair below and above the deal's values: a package dominates the deal when its
    sums are above the first for every party and above the second for one. The values have
    at most nine decimal places and a sum's float error is far below half of the ninth, so
    this is the comparison of the sums rounded as the engine rounds them, with no rounding
    for every package."""
    return [t - EPS / 2 for t in target], [t + EPS / 2 for t in target]


class Frontier:
    """The frontier as it is found: value vectors no kept vector dominates, each with the
    packages (as masks) that reach it (see the module docstring for the bounds)."""

    def __init__(self, limit: int, work: int) -> None:
        self.limit = limit
        self.counts: dict[Vector, int] = {}  # packages found with each vector on it
        self.masks: dict[Vector, list[int]] = {}  # the ones kept
        self.kept = 0
        self.work = work
        self.stopped = False  # the frontier outgrew its bounds; its upkeep stopped
        self.last: Vector | None = None  # the vector that dominated the last one checked

    def admit(self, vector: Vector, mask: int, *, again: bool = False) -> None:
        """Add a signable package, unless a kept one dominates it; drop those it dominates
        (``again``: it may have been added before, as the climb's packages may). Not to be
        called once :attr:`stopped`."""
        counts = self.counts
        known = counts.get(vector)
        if known is not None:
            if not (again and mask in self.masks[vector]):
                counts[vector] = known + 1
                self._keep(vector, mask)
            return
        # Packages met one after another are alike: what beat the last one often beats this.
        last = self.last
        if last is not None and all(map(ge, last, vector)):
            return
        self.work -= 2 * len(counts)
        for kept in counts:
            if all(map(ge, kept, vector)):  # ``kept`` differs from ``vector``: it is no key
                self.last = kept
                return
        for kept in [k for k in counts if all(map(le, k, vector))]:
            del counts[kept]
            self.kept -= len(self.masks.pop(kept))
            if kept == last:
                self.last = None
        if len(counts) >= self.limit or self.work < 0:
            self.stopped = True
            return
        counts[vector] = 1
        self.masks[vector] = []
        self._keep(vector, mask)

    def _keep(self, vector: Vector, mask: int) -> None:
        if self.kept < self.limit:
            self.masks[vector].append(mask)
            self.kept += 1

    @property
    def listed_all(self) -> bool:
        """Every package found on the frontier is kept."""
        return not self.stopped and all(len(self.masks[v]) == c for v, c in self.counts.items())


class Walk:
    """A depth-first walk over the feasible packages, elements in requirement order as bits
    of an int, skipping branches where some party can no longer reach its ``floor``."""

    def __init__(self, gains: list[Vector], needs: list[int], clashes: list[int],
                 floor: list[float], *, whole: bool):
        self.gains, self.needs, self.clashes, self.floor = gains, needs, clashes, floor
        self.whole = whole  # every value is a whole number: sums need no rounding
        n = len(gains)
        self.n = n
        parties = len(floor)
        # The most each party could still gain from elements i.. on.
        rest: list[Vector] = [(0.0,) * parties] * (n + 1)
        for i in range(n - 1, -1, -1):
            rest[i] = tuple(r + max(0.0, g) for r, g in zip(rest[i + 1], gains[i], strict=True))
        self.rest = rest
        self.dependents = [[d for d in range(n) if needs[d] >> i & 1] for i in range(n)]
        self.visited = 0

    def vector(self, totals: Vector) -> Vector:
        """Values as compared: rounded to nine places, as the engine keeps them."""
        return totals if self.whole else tuple(round(t, 9) for t in totals)

    def consider(self, mask: int, totals: Vector, size: int) -> None:
        """Look at one feasible package."""
        raise NotImplementedError

    def unlocked(self, avail: int, mask: int, i: int) -> int:
        """Elements whose requirements are all in ``mask`` once ``i`` joins it."""
        for d in self.dependents[i]:
            if self.needs[d] & mask == self.needs[d]:
                avail |= 1 << d
        return avail

    def run(self, *, prune: bool, budget: int) -> bool:
        """Visit every feasible package (skipping hopeless branches when ``prune``); False
        when the budget ran out first."""
        n, gains, clashes, rest, floor = self.n, self.gains, self.clashes, self.rest, self.floor
        free = sum(1 << i for i in range(n) if not self.needs[i])
        everything = (1 << n) - 1
        # A frame: the package (mask), its totals and size, and the candidates left to add
        # (elements after its last one, their requirements in it, nothing it excludes).
        empty = (0.0,) * len(floor)
        stack: list[tuple[int, Vector, int, int, int, int]] = [(0, empty, 0, free, 0, free)]
        while stack:
            mask, totals, size, avail, blocked, candidates = stack.pop()
            if not candidates:
                continue
            low = candidates & -candidates
            i = low.bit_length() - 1
            stack.append((mask, totals, size, avail, blocked, candidates ^ low))
            if self.visited == budget:
                return False
            self.visited += 1
            grown = mask | low
            sums = tuple(map(add, totals, gains[i]))
            self.consider(grown, sums, size + 1)
            if prune and not all(map(ge, map(add, sums, rest[i + 1]), floor)):
                continue  # some party can no longer reach its floor here
            now = blocked | clashes[i]
            opened = self.unlocked(avail, grown, i)
            after = everything & ~((low << 1) - 1)
            stack.append((grown, sums, size + 1, opened, now, opened & ~now & after))
        return True

    def totals(self, mask: int) -> Vector:
        """Each party's value of a package."""
        sums = [0.0] * len(self.floor)
        while mask:
            low = mask & -mask
            for k, g in enumerate(self.gains[low.bit_length() - 1]):
                sums[k] += g
            mask ^= low
        return tuple(sums)


class Survey(Walk):
    """The main search: signable packages, the Nash ties, the frontier, and the best package
    that dominates ``target`` (the deal's values), if any."""

    def __init__(self, gains: list[Vector], needs: list[int], clashes: list[int],
                 lines: list[float], target: Vector | None, *, whole: bool,
                 nash_limit: int, frontier_limit: int, frontier_work: int):
        super().__init__(gains, needs, clashes, [w - EPS for w in lines], whole=whole)
        self.nash_limit = nash_limit
        self.lines = lines
        self.hair = None if target is None else _hair(target)
        self.signable = 0
        self.top = -math.inf  # the largest Nash product (rounded) so far
        self.ties: list[tuple[int, int]] = []  # (size, mask) of the packages reaching it
        self.tie_count = 0
        self.dominator: tuple[float, int, int] | None = None  # (product, -size, -mask)
        self.frontier = Frontier(frontier_limit, frontier_work)

    def consider(self, mask: int, totals: Vector, size: int) -> None:
        """Count a package if it is signable, and note it (see :meth:`note`)."""
        if all(map(ge, totals, self.floor)):
            self.signable += 1
            self.note(mask, totals, size)

    def note(self, mask: int, totals: Vector, size: int, *, again: bool = False) -> None:
        """Weigh a signable package as a Nash package, a frontier one and a better deal
        (``again``: it may have been noted before)."""
        product = round(gain_product(totals, self.lines), 9)
        if product >= self.top:
            self.tie(product, size, mask)
        hair = self.hair
        if hair is not None and all(map(ge, totals, hair[0])) and any(map(gt, totals, hair[1])):
            key = (product, -size, -mask)
            if self.dominator is None or key > self.dominator:
                self.dominator = key
        if not self.frontier.stopped:  # once stopped, it neither lists nor counts
            self.frontier.admit(self.vector(totals), mask, again=again)

    def tie(self, product: float, size: int, mask: int) -> None:
        """Keep a package whose product is at least the largest so far."""
        entry = (size, mask)
        if product > self.top:
            self.top, self.ties, self.tie_count = product, [entry], 1
        elif entry not in self.ties:
            self.tie_count += 1
            insort(self.ties, entry)
            if len(self.ties) > self.nash_limit:
                self.ties.pop()

    def worth(self, mask: int, totals: Sequence[float]) -> tuple[int, float, int, int]:
        """How good a package is, for the climb: signable ones first, by Nash product (then
        the smaller, then the earlier, as the search ranks them); others by how little they
        fall short of the walk-aways."""
        size = mask.bit_count()
        short = sum(max(0.0, f - t) for t, f in zip(totals, self.floor, strict=True))
        if short == 0:
            return (1, round(gain_product(totals, self.lines), 9), -size, -mask)
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
            best: tuple[tuple[int, float, int, int], int, Vector] | None = None
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


class Hunt(Walk):
    """The search for a signable package that dominates ``target``, past the main search's
    budget: branches where some party can no longer reach its value in the deal (or its
    walk-away) are skipped, so it reaches much further."""

    def __init__(self, gains: list[Vector], needs: list[int], clashes: list[int],
                 lines: list[float], target: Vector, *, whole: bool):
        floor = [max(w - EPS, t - EPS / 2) for w, t in zip(lines, target, strict=True)]
        super().__init__(gains, needs, clashes, floor, whole=whole)
        self.lines = lines
        self.above = _hair(target)[1]
        self.dominator: tuple[float, int, int] | None = None

    def consider(self, mask: int, totals: Vector, size: int) -> None:
        """Keep a package if it dominates the target and beats the best one so far."""
        if all(map(ge, totals, self.floor)) and any(map(gt, totals, self.above)):
            key = (round(gain_product(totals, self.lines), 9), -size, -mask)
            if self.dominator is None or key > self.dominator:
                self.dominator = key

