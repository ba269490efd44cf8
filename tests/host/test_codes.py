"""Join codes: unambiguous, distinct, kept 0600 beside the log, and guessing is slowed."""

from __future__ import annotations

import json
import stat

import pytest

from exercise.host.codes import (
    ALPHABET,
    FACILITATOR,
    PUBLIC,
    CodeFileProblem,
    FailureLimiter,
    JoinCodes,
    new_code,
)

VIEWERS = ["ukraine", "russia", PUBLIC, FACILITATOR]


def test_codes_use_31_symbols_no_one_can_misread():
    """Six symbols from 31, none of 0 O 1 I L; fresh codes differ."""
    assert len(ALPHABET) == 31 and not set("0O1IL") & set(ALPHABET)
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 6 and set(code) <= set(ALPHABET) for code in codes)


def test_a_code_is_found_however_it_is_typed_and_only_its_own():
    """Lower case, spaces and a dash are forgiven; a near miss finds no one."""
    codes = JoinCodes.fresh(VIEWERS)
    code = codes.code_for("russia")
    assert codes.viewer_for(code) == "russia"
    assert codes.viewer_for(f" {code[:3].lower()}-{code[3:]} ") == "russia"
    near = code[:5] + next(s for s in ALPHABET if s != code[5])
    assert codes.viewer_for(near) != "russia"
    for typed in ("", "ABC", "ÄÄÄÄÄÄ", "O" * 6, code + "2", "x" * 10_000):
        assert codes.viewer_for(typed) is None, typed


def test_regenerating_a_code_retires_the_old_one():
    """The new code works, the old one no longer does, the others are unchanged."""
    codes = JoinCodes.fresh(VIEWERS)
    before = {v: codes.code_for(v) for v in VIEWERS}
    new = codes.regenerate("ukraine")
    assert new != before["ukraine"]
    assert codes.viewer_for(new) == "ukraine"
    assert codes.viewer_for(before["ukraine"]) is None
    assert all(codes.code_for(v) == before[v] for v in VIEWERS if v != "ukraine")


def test_the_codes_file_is_private_and_round_trips(tmp_path):
    """Saved as {"facilitator", "room", parties...} with mode 0600; loaded back the same."""
    codes = JoinCodes.fresh(VIEWERS)
    path = tmp_path / "session.codes.json"
    codes.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert set(data) == {"ukraine", "russia", "room", "facilitator"}
    assert data["room"] == codes.code_for(PUBLIC)
    loaded = JoinCodes.load(path)
    assert {v: loaded.code_for(v) for v in VIEWERS} == {v: codes.code_for(v) for v in VIEWERS}


def test_a_resumed_host_keeps_the_codes_it_had(tmp_path):
    """`kept_in` makes the file the first time, returns the same codes the next, and
    gives a code only to a viewer that had none."""
    path = tmp_path / "codes.json"
    first = JoinCodes.kept_in(path, VIEWERS)
    again = JoinCodes.kept_in(path, VIEWERS)
    assert {v: again.code_for(v) for v in VIEWERS} == {v: first.code_for(v) for v in VIEWERS}
    grown = JoinCodes.kept_in(path, [*VIEWERS, "us"])
    assert grown.code_for("ukraine") == first.code_for("ukraine")
    assert grown.viewer_for(grown.code_for("us")) == "us"
    assert "us" in json.loads(path.read_text())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(("content", "words"), [
    ("not json", "not JSON"),
    ("[1, 2]", "JSON object"),
    ('{"ukraine": "ABC"}', "'ukraine'"),
    ('{"ukraine": 5}', "'ukraine'"),
    ('{"ukraine": "ABCDEF", "russia": "ABCDEF"}', "share a code"),
])
def test_a_bad_codes_file_is_one_sentence_naming_it(tmp_path, content, words):
    """Each fault in a codes file is named, with the file, without a traceback."""
    path = tmp_path / "codes.json"
    path.write_text(content)
    with pytest.raises(CodeFileProblem) as caught:
        JoinCodes.load(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_a_missing_codes_file_is_named(tmp_path):
    """Loading a file that is not there says so."""
    with pytest.raises(CodeFileProblem, match="no such file"):
        JoinCodes.load(tmp_path / "nowhere.json")


def test_a_party_cannot_take_the_rooms_name():
    """"room" is the file's name for the projector's view, so no party may be called it."""
    with pytest.raises(ValueError, match="room"):
        JoinCodes.fresh(["room", "ukraine"])


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_in_a_minute_block_the_address_for_a_while():
    """The fifth wrong code within the window blocks that address (not others) for the
    block time; failures spread beyond the window never add up."""
    clock = Clock()
    limiter = FailureLimiter(failures=5, window=60, block=120, clock=clock)
    for _ in range(4):
        limiter.failed("10.0.0.5")
        clock.now += 1
    assert not limiter.blocked("10.0.0.5")
    limiter.failed("10.0.0.5")
    assert limiter.blocked("10.0.0.5") == pytest.approx(120)
    assert not limiter.blocked("10.0.0.6")
    clock.now += 119
    assert limiter.blocked("10.0.0.5")
    clock.now += 2
    assert not limiter.blocked("10.0.0.5")
    for _ in range(10):  # one every 20 s: never five within a minute
        limiter.failed("10.0.0.7")
        clock.now += 20
        assert not limiter.blocked("10.0.0.7")
