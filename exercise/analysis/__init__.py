"""Deal analysis: every package that could be adopted, which every required party would sign,
their Pareto frontier, the Nash package(s), and whether the actual deal could be bettered.

A *package* is a set of elements that could stand adopted together: no two exclude each
other, and each one's ``requires`` are in it too. An element whose requirement is not among
the elements analysed (hidden for good, or withdrawn) can never be adopted, nor can one in a
``requires`` cycle (validation refuses those): such an element is in no package
(``unadoptable``). A required party *signs* a package when its value of the package reaches
its walk-away. The Nash product of a package is the product, over the required parties, of
value minus walk-away: the bargaining solution that weighs every signature equally. A package
*dominates* another when it is at least as good for every required party and better for one;
the *frontier* is the signable packages no signable package dominates (packages with equal
values are all on it). Values are compared rounded to nine places, as the engine keeps them.

A scenario may have 250 elements, and so up to 2^250 packages: the analysis is exact
where it can be and says so where it cannot, in bounded time.

* **Packages that could stand together** are counted exactly by a sweep over the
  elements in an order where requirements come first, keeping only what later elements
  depend on (which of the earlier elements they require or exclude are in): a chain of
  requirements or an element excluding a hundred others keeps a handful of states. Past
  :data:`COUNT_STATES` states the count is the number of packages the search below
  visited (it then skips no branch): exact if it finished, else a lower limit
  (``feasible_exact`` false).
* **Signable packages, the frontier, the Nash packages and what dominates the deal** come
  from a depth-first search that forms only feasible packages and skips every branch in
  which some required party can no longer reach its walk-away. When it has visited every
  package that could be signed within :data:`SEARCH_BUDGET` packages, all are exact. Past
  the budget the search stops (``truncated``): the signable count is a lower limit ("at
  least N"), and the Nash packages are the best found, by the search and then by a greedy
  climb (add or drop one element while the product grows) from the best package found and
  from nothing. A package that dominates the deal is then looked for by a second search that
  skips every branch where some party can no longer reach its value in the deal
  (:data:`DOMINANCE_BUDGET` packages): if that one finishes, "none dominates" is proven
  (``dominance_exact``), else it only means "none found". Every package named is a real
  package, and every value and product named is really reached.
* **The frontier** is kept as it is found: a package no kept one dominates joins it and
  drops those it dominates. At most :data:`FRONTIER_LIMIT` distinct value vectors and
  packages are kept, and the upkeep stops after :data:`FRONTIER_WORK` comparisons (at the
  limits a frontier over 20 parties is most of the packages). ``frontier_complete`` says
  whether the list is the whole frontier (the search finished, nothing was cut);
  ``frontier_size`` is its exact size when known (the search finished and the upkeep did
  not stop: packages sharing a vector are counted even when not all are listed).
* **Ties**: every package whose Nash product equals the largest (both rounded to nine
  places) is a Nash package; the first :data:`NASH_LIMIT` are listed, smaller packages
  first, and ``nash_ties`` counts them all.

The analysis takes whatever element set and values it is given; :func:`candidates` is the
set the reports and ``simulate`` use (open at the start, or hidden and added by some
inject), and :func:`analyse_at_start` and :func:`analyse_at_end` label the values used
(``basis``), so that every caller says which numbers it shows.

Nothing here recurses, so a 250-element ``requires`` chain is as easy as a short one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import ge
from typing import TYPE_CHECKING, Any

from exercise.analysis.search import EPS as _EPS
from exercise.analysis.search import Hunt, Survey, gain_product

if TYPE_CHECKING:
    from exercise.engine.rulebook import Rulebook

COUNT_STATES = 4_096  # states of the exact count before it gives up (see the docstring)
SEARCH_BUDGET = 100_000  # packages the search visits before it stops
DOMINANCE_BUDGET = 50_000  # packages the search for a better deal visits, past the budget
FRONTIER_LIMIT = 200  # value vectors, and packages, the frontier keeps
FRONTIER_WORK = 1_000_000  # comparisons of value vectors the frontier's upkeep may make
NASH_LIMIT = 50  # tied Nash packages listed (all are counted)

CANDIDATES = "the elements open at the start and those an inject can add"
BASIS_START = f"values and walk-aways as the scenario starts, over {CANDIDATES}"
BASIS_END = f"values and walk-aways at the end, over {CANDIDATES}"


def package_count(number: int) -> str:
    """A count of packages for people: 2^250 of them is a power of ten, not 76 digits."""
    if number < 10**15:
        return f"{number:,}"
    exponent = len(str(number)) - 1
    return f"{number / 10**exponent:.2f} × 10^{exponent}"


@dataclass(frozen=True)
class Package:
    """A package and what it is worth: each required party's value, and its Nash product
    (None when some required party would not sign it)."""

    elements: tuple[str, ...]
    values: dict[str, float]
    product: float | None

    def to_data(self, *, product: bool = False) -> dict[str, Any]:
        """The package as plain data: its elements and values (and its product)."""
        data: dict[str, Any] = {"elements": list(self.elements), "values": dict(self.values)}
        if product:
            data["product"] = self.product
        return data


@dataclass(frozen=True)
class DealAnalysis:
    """What the packages on the table allowed, and where the actual deal stands.

    Counts, the Nash product and values are exact unless ``truncated`` (then "at least" and
    "the best found"); ``feasible_exact``, ``frontier_complete``, ``frontier_size`` (None:
    unknown) and ``dominance_exact`` say which of the rest are exact (see the module
    docstring). ``deal_on_frontier`` is None when nothing was adopted, False when the deal
    is not signable or ``dominating_package`` betters it, else True.
    """

    elements: tuple[str, ...]
    required: tuple[str, ...]
    feasible: int
    signable: int
    nash: tuple[str, ...] | None  # the first of ``nash_packages``
    nash_product: float | None
    nash_values: dict[str, float] | None
    actual: tuple[str, ...]
    actual_values: dict[str, float]
    actual_signable: bool
    actual_product: float | None
    better_for_all: tuple[str, ...] | None  # the elements of ``dominating_package``
    truncated: bool  # the search stopped at its budget: "at least" counts, the best found
    feasible_exact: bool = True  # the count of feasible packages is exact (even if truncated)
    basis: str = ""  # which values and walk-aways, over which elements (see BASIS_START)
    unadoptable: tuple[str, ...] = ()  # elements in no package: a requirement is missing
    frontier: tuple[Package, ...] = ()  # best product first, then smaller packages
    frontier_size: int | None = None  # packages on the frontier, when known exactly
    frontier_complete: bool = False  # ``frontier`` lists every package on the frontier
    nash_packages: tuple[Package, ...] = ()  # all tied for the largest product (listed ones)
    nash_ties: int = 0  # packages found tied for the largest product, listed or not
    deal_on_frontier: bool | None = None  # None: nothing adopted
    dominating_package: Package | None = None  # a signable package better for all required
    dominance_exact: bool = True  # False: "none dominates" means only "none found"

    @property
    def zone_share(self) -> float:
        """The share of feasible packages every required party would sign."""
        return self.signable / self.feasible if self.feasible else 0.0

    def to_data(self) -> dict[str, Any]:
        """The analysis as JSON-ready data (the reports' and ``simulate``'s key names)."""
        return {
            "basis": self.basis,
            "required": list(self.required),
            "elements": list(self.elements),
            "unadoptable": list(self.unadoptable),
            "feasible": self.feasible,
            "feasible_exact": self.feasible_exact,
            "signable": self.signable,
            "signable_share": round(self.zone_share, 6),
            "truncated": self.truncated,
            "frontier": [p.to_data() for p in self.frontier],
            "frontier_size": self.frontier_size,
            "frontier_complete": self.frontier_complete,
            "nash_packages": [p.to_data(product=True) for p in self.nash_packages],
            "nash_ties": self.nash_ties,
            "nash_product": self.nash_product,
            "actual": {"elements": list(self.actual), "values": dict(self.actual_values),
                       "signable": self.actual_signable, "product": self.actual_product},
            "deal_on_frontier": self.deal_on_frontier,
            "dominating_package": None if self.dominating_package is None
            else self.dominating_package.to_data(),
            "dominance_exact": self.dominance_exact,
        }


def candidates(book: Rulebook) -> tuple[str, ...]:
    """The elements that could be on the table, in file order: those open at the start, and
    the hidden ones some inject's ``add_elements`` names (whatever its trigger: the
    facilitator may fire any inject)."""
    added = {e for spec in book.injects.values() for e in spec.add}
    return tuple(e for e in book.element_ids if e not in book.hidden or e in added)


def analyse_at_start(book: Rulebook, actual: Sequence[str] = ()) -> DealAnalysis:
    """The analysis over :func:`candidates` with the scenario's own values and walk-aways
    (``basis`` :data:`BASIS_START`)."""
    return analyse(candidates(book), book.requires, book.excludes, book.values,
                   book.walk_away, book.required, actual, basis=BASIS_START)


def analyse_at_end(book: Rulebook, values: Mapping[str, Mapping[str, float]],
                   walk_away: Mapping[str, float], actual: Sequence[str]) -> DealAnalysis:
    """The analysis over :func:`candidates` with the values and walk-aways a game ended with
    (after inject shifts; ``basis`` :data:`BASIS_END`)."""
    return analyse(candidates(book), book.requires, book.excludes, values, walk_away,
                   book.required, actual, basis=BASIS_END)


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


def _adoptable(elements: Sequence[str], requires: Mapping[str, Sequence[str]]) -> list[str]:
    """The elements that can be in a package, requirements first: each of an element's
    requirements is among them and comes before it. One pass over :func:`_order`: a
    requirement that is missing, unadoptable itself, or later in the order (a cycle) rules
    the element out."""
    ok: set[str] = set()
    out = []
    for e in _order(elements, requires):
        if all(r in ok for r in requires.get(e, ())):
            ok.add(e)
            out.append(e)
    return out


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


def analyse(
    elements: Sequence[str],
    requires: Mapping[str, Sequence[str]],
    excludes: Mapping[str, Collection[str]],
    values: Mapping[str, Mapping[str, float]],
    walk_away: Mapping[str, float],
    required: Sequence[str],
    actual: Sequence[str],
    *,
    basis: str = "",
) -> DealAnalysis:
    """Count the feasible and signable packages, find the frontier and the Nash packages, and
    place the actual deal among them (see the module docstring for what is exact and what
    is a bound).

    Args:
        elements: the elements that could be adopted (see :func:`candidates`); a
            requirement outside them is never met.
        requires: each element's requirements.
        excludes: each element's exclusions (symmetric).
        values: each party's value of each element.
        walk_away: each party's walk-away.
        required: the parties whose signature an agreement needs.
        actual: the elements actually adopted.
        basis: which values these are, over which elements, for the reader (kept as given;
            :data:`BASIS_START` and :data:`BASIS_END` are the reports').
    """
    order = _adoptable(list(elements), requires)
    index = {e: i for i, e in enumerate(order)}
    n = len(order)
    parties = list(required)
    gains = [tuple(float(values.get(p, {}).get(e, 0)) for p in parties) for e in order]
    needs = [sum(1 << index[r] for r in set(requires.get(e, ()))) for e in order]
    clashes = [sum(1 << index[x] for x in set(excludes.get(e, ())) if x in index) for e in order]
    lines = [float(walk_away.get(p, 0)) for p in parties]
    whole = all(g.is_integer() for gain in gains for g in gain)

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
    target = tuple(actual_values[p] for p in parties) if actual_set else None

    exact_count = _count(needs, clashes)
    search = Survey(gains, needs, clashes, lines, target, whole=whole, nash_limit=NASH_LIMIT,
                    frontier_limit=FRONTIER_LIMIT, frontier_work=FRONTIER_WORK)
    finished = search.run(prune=exact_count is not None, budget=SEARCH_BUDGET)
    dominator = search.dominator
    dominance_exact = finished or target is None
    if not finished:
        # Past the budget: climb from the best package found, and from nothing.
        best = search.ties[0][1] if search.ties else 0
        for start in dict.fromkeys((best, 0)):
            mask = search.climb(start)
            totals = search.totals(mask)
            if mask and all(map(ge, totals, search.floor)):
                search.note(mask, totals, mask.bit_count(), again=True)
        dominator = search.dominator
        if dominator is None and target is not None:
            hunt = Hunt(gains, needs, clashes, lines, target, whole=whole)
            dominance_exact = hunt.run(prune=True, budget=DOMINANCE_BUDGET)
            dominator = hunt.dominator
        dominance_exact = dominance_exact or dominator is not None
    feasible = exact_count if exact_count is not None else search.visited

    def package(mask: int, vector: tuple[float, ...] | None = None) -> Package:
        chosen = {order[i] for i in range(n) if mask >> i & 1}
        members = tuple(e for e in elements if e in chosen)
        if vector is None:
            vector = search.vector(search.totals(mask))
        signs = all(map(ge, vector, search.floor))
        return Package(members, dict(zip(parties, vector, strict=True)),
                       round(gain_product(vector, lines), 9) if signs else None)

    nash_packages = tuple(package(mask) for _, mask in search.ties)
    nash = nash_packages[0] if nash_packages else None
    front = search.frontier
    ranked = sorted((-round(gain_product(vector, lines), 9), mask.bit_count(), mask, vector)
                    for vector, masks in front.masks.items() for mask in masks)
    frontier = tuple(package(mask, vector) for _, _, mask, vector in ranked)
    dominating = package(-dominator[2]) if dominator is not None else None
    on_frontier = None if not actual_set else actual_ok and dominating is None
    return DealAnalysis(
        elements=tuple(elements),
        required=tuple(parties),
        feasible=feasible,
        signable=search.signable,
        nash=nash.elements if nash is not None else None,
        nash_product=nash.product if nash is not None else None,
        nash_values=nash.values if nash is not None else None,
        actual=actual_set,
        actual_values=actual_values,
        actual_signable=actual_ok,
        actual_product=actual_product,
        better_for_all=dominating.elements if dominating is not None else None,
        truncated=not finished,
        # Without the exact count the search visited every package (it did not prune), so
        # its tally is exact when it finished.
        feasible_exact=exact_count is not None or finished,
        basis=basis,
        unadoptable=tuple(e for e in elements if e not in index),
        frontier=frontier,
        frontier_size=sum(front.counts.values()) if finished and not front.stopped else None,
        frontier_complete=finished and front.listed_all,
        nash_packages=nash_packages,
        nash_ties=search.tie_count,
        deal_on_frontier=on_frontier,
        dominating_package=dominating,
        dominance_exact=dominance_exact,
    )
