"""Join codes (issue 10 item 6): unambiguous, about 30 bits, constant-time, kept 0600 beside
the log so a resumed host keeps them, and failures rate-limited per address."""

from __future__ import annotations

import json
import math
import stat
from pathlib import Path

import pytest

from exercise.host.codes import ALPHABET, LENGTH, Codes, CodesError, RateLimiter, codes_path

VIEWERS = ["facilitator", "room", "ukraine", "russia", "us"]


def test_codes_are_unambiguous_distinct_and_about_30_bits() -> None:
    assert not set("0O1IL") & set(ALPHABET) and len(ALPHABET) == 31
    assert 29 <= LENGTH * math.log2(len(ALPHABET)) <= 31
    codes = Codes.create(VIEWERS)
    assert set(codes.by_viewer) == set(VIEWERS)
    assert len(set(codes.by_viewer.values())) == len(VIEWERS)
    for code in codes.by_viewer.values():
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)


def test_a_typed_code_finds_its_viewer_however_it_is_typed() -> None:
    codes = Codes.create(VIEWERS)
    code = codes.by_viewer["russia"]
    assert codes.viewer_for(code) == "russia"
    assert codes.viewer_for(f" {code[:3].lower()}-{code[3:]} ") == "russia"
    assert codes.viewer_for("WRONG9") is None and codes.viewer_for("") is None


def test_regenerating_a_code_retires_the_old_one() -> None:
    codes = Codes.create(VIEWERS)
    old = codes.by_viewer["us"]
    new = codes.regenerate("us")
    assert new != old and codes.viewer_for(old) is None and codes.viewer_for(new) == "us"


def test_codes_file_is_private_and_round_trips(tmp_path: Path) -> None:
    log = tmp_path / "session.jsonl"
    path = codes_path(log)
    assert path.name == "session.jsonl.codes.json"
    codes = Codes.create(VIEWERS)
    codes.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == codes.by_viewer
    again = Codes.load(path, [*VIEWERS, "turkey"])
    assert {v: again.by_viewer[v] for v in VIEWERS} == codes.by_viewer
    assert "turkey" in again.by_viewer  # a seat the file lacked gets a new code


@pytest.mark.parametrize("content, message", [
    (b"not json", "not JSON"),
    (b"[1, 2]", "map each seat"),
])
def test_a_bad_codes_file_is_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.codes.json"
    path.write_bytes(content)
    with pytest.raises(CodesError, match=message):
        Codes.load(path, VIEWERS)
    with pytest.raises(CodesError, match=r"missing\.codes\.json"):
        Codes.load(tmp_path / "missing.codes.json", VIEWERS)


def test_failures_are_rate_limited_per_address() -> None:
    now = [0.0]
    limiter = RateLimiter(allowed=3, window=60, lockout=30, clock=lambda: now[0])
    for _ in range(2):
        limiter.failed("10.0.0.5")
    assert limiter.blocked("10.0.0.5") == 0
    limiter.failed("10.0.0.5")
    assert limiter.blocked("10.0.0.5") == 30
    assert limiter.blocked("10.0.0.6") == 0  # another laptop is not held up
    now[0] = 31
    assert limiter.blocked("10.0.0.5") == 0
    limiter.failed("10.0.0.6")
    limiter.succeeded("10.0.0.6")
    limiter.failed("10.0.0.6")
    limiter.failed("10.0.0.6")
    assert limiter.blocked("10.0.0.6") == 0  # a right code forgave the earlier failure
