"""Seeded, counter-based randomness: one number per (seed, what, which time), in any order.

A game's one random source is a hash, not a stream: the n-th draw for an inject is a
function of the game's seed, the inject and n. The same seed always gives the same
draws, whatever else happened in between, and two games that reach the same state
with the same seed would draw alike — which lets a simulation share the work of
identical states across thousands of games. Computer players' noise uses the same
functions.
"""

from __future__ import annotations

MASK = (1 << 64) - 1
DRAW_SALT = 0x5EED_D2A7  # keeps inject draws apart from players' noise for the same seed


def mix(*parts: int) -> int:
    """A 64-bit hash of integers (the splitmix64 finaliser over each part in turn)."""
    x = 0x9E3779B97F4A7C15
    for part in parts:
        x = (x ^ (part & MASK)) * 0xBF58476D1CE4E5B9 & MASK
        x = (x ^ (x >> 31)) * 0x94D049BB133111EB & MASK
        x ^= x >> 29
    return x


def unit(base: int, detail: int) -> float:
    """A number in [0, 1) from a base hash and a detail (one more splitmix round)."""
    x = (base ^ detail) * 0xBF58476D1CE4E5B9 & MASK
    x = (x ^ (x >> 31)) * 0x94D049BB133111EB & MASK
    x ^= x >> 29
    return (x >> 11) / 9007199254740992.0  # 2 ** 53
