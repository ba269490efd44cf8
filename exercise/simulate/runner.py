"""Many games: their seeds, chunks of them, processes to share them out, progress.

Game ``i`` of a simulation with seed ``S`` is the game ``exercise run SCENARIO --bots all
--seed S+i`` plays, so any game a simulation counts can be replayed on its own. Games
are played in fixed chunks; each chunk's counts are a :class:`Tally` of whole numbers,
so the totals are the same with one process or many, in any order.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from exercise.engine.rulebook import Rulebook
from exercise.simulate.memo import Simulator
from exercise.simulate.stats import Tally

CHUNK = 500  # games per chunk: the unit of progress and of work handed to a process


def chunks(games: int, size: int = CHUNK) -> list[range]:
    """Game indices, in chunks of ``size``."""
    return [range(start, min(games, start + size)) for start in range(0, games, size)]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector: a simulation keeps many small objects alive, and the
    collector would walk them all again and again, finding nothing to free."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def play_chunk(sim: Simulator, seed: int, games: range) -> Tally:
    """The games of one chunk, counted."""
    tally = Tally(sim.book)
    batch = sim.run(range(seed + games.start, seed + games.stop))
    tally.add_batch(sim.book, batch)
    return tally


# --- in other processes --------------------------------------------------------------------

_worker: Simulator | None = None


def _start_worker(source: bytes, name: str, personas: dict[str, str], talks: bool) -> None:
    from exercise.scenario.loading import check_text

    global _worker
    checked = check_text(source, name)
    assert checked.scenario is not None, "the scenario was checked before the workers began"
    _worker = Simulator(Rulebook(checked.scenario), personas, talks=talks)
    gc.disable()  # see paused_gc; a worker lives only for the simulation


def _worker_chunk(task: tuple[int, range]) -> Tally:
    assert _worker is not None
    seed, games = task
    return play_chunk(_worker, seed, games)


# --- a simulation ----------------------------------------------------------------------------


def simulate(
    book: Rulebook,
    games: int,
    seed: int = 0,
    *,
    personas: dict[str, str] | None = None,
    jobs: int = 1,
    source: tuple[bytes, str] | None = None,
    on_progress: Callable[[int], Any] | None = None,
    talks: bool = True,
) -> Tally:
    """Play ``games`` computer-only games and count what happened.

    Args:
        book: the scenario's rulebook.
        games: how many games.
        seed: game ``i`` is played with seed ``seed + i``.
        personas: persona overrides per party.
        jobs: processes to share the games out to (1: this one).
        source: the scenario file's bytes and name, for the other processes to load.
        on_progress: called with the number of games done after each chunk.
        talks: whether the computer players bargain in discussion (the default, as in
            play); False for ``simulate --no-talks``.
    """
    personas = personas or {}
    tally = Tally(book)
    done = 0
    parts = chunks(games)
    if jobs <= 1 or len(parts) <= 1:
        sim = Simulator(book, personas, talks=talks)
        with paused_gc():
            for part in parts:
                tally.merge(play_chunk(sim, seed, part))
                done += len(part)
                if on_progress:
                    on_progress(done)
            # Its states go while the collector is paused (nothing in them is a cycle): a
            # collector resumed with them alive walks them all once, for nothing.
            del sim
        return tally
    if source is None:
        raise ValueError("other processes need the scenario's source")
    context = multiprocessing.get_context()
    with context.Pool(min(jobs, len(parts)), _start_worker,
                      (source[0], source[1], personas, talks)) as pool:
        for part, counted in zip(parts, pool.imap(_worker_chunk, [(seed, p) for p in parts]),
                                 strict=True):
            tally.merge(counted)
            done += len(part)
            if on_progress:
                on_progress(done)
    return tally


__all__ = ["CHUNK", "chunks", "paused_gc", "play_chunk", "simulate"]
