"""Promise 4 (untrusted text is text), on the command line: no command writes an escape
sequence that came from a file, and the Markdown report shows text fields as written."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt

from .conftest import run_cli, scenario_data, to_yaml

OSC52 = "\x1b]52;c;SGVsbG8=\x07"  # "write 'Hello' to the clipboard"
RAW = ("\x1b", "\x07", "\x9b", "\x9d")


def _clean(text: str) -> bool:
    return not any(c in text for c in RAW)


def test_validate_never_echoes_an_escape_sequence(tmp_path):
    """Promise 4: a problem that quotes what the file says (an unknown id with an OSC 52
    sequence in it) prints the sequence escaped, visibly, never raw."""
    scenario = Path(tmp_path) / "s.yaml"
    scenario.write_text(to_yaml(scenario_data(turn_order=["ukr" + OSC52 + "aine"])),
                        encoding="utf-8")
    done = run_cli("validate", str(scenario))
    assert done.returncode == 1
    assert _clean(done.stdout + done.stderr)
    assert "\\u001b]52" in done.stdout


def test_a_moves_file_cannot_write_to_the_terminal(tmp_path):
    """Promise 4: the facilitator's end reason from a moves file, shown in the summary, is
    escaped; --json output stays valid JSON."""
    moves = Path(tmp_path) / "moves.yaml"
    moves.write_text(to_yaml([{"end": "Stop" + OSC52 + "\x9b2J"}]), encoding="utf-8")
    done = run_cli("run", "tutorial", "--moves", str(moves))
    assert done.returncode == 0, done.stderr
    assert _clean(done.stdout + done.stderr) and "\\u001b]52" in done.stdout
    as_json = run_cli("run", "tutorial", "--moves", str(moves), "--json")
    assert _clean(as_json.stdout) and json.loads(as_json.stdout)["outcome"] == "ended"


def _log_with_a_hostile_note(tmp_path: Path) -> Path:
    log = tmp_path / "s.jsonl"
    assert run_cli("run", "tutorial", "--bots", "all", "--seed", "1", "--log",
                   str(log)).returncode == 0
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    at = next(i for i, r in enumerate(records) if r["type"] == "move")
    records.insert(at, {"type": "note", "text": "noted" + OSC52 + "\x9d0;pwned\x07",
                        "round": 1, "phase": "proposal", "t": "2026-01-01T00:00:00Z"})
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return log


def test_reports_never_carry_an_escape_sequence(tmp_path):
    """Promise 4: a facilitator's note holding OSC sequences (a crafted log) is escaped in
    every report format, on stdout and in a file written with -o; JSON stays valid."""
    log = _log_with_a_hostile_note(Path(tmp_path))
    for fmt in ("md", "html", "csv", "json"):
        done = run_cli("report", str(log), "--format", fmt)
        assert done.returncode == 0, done.stderr
        assert _clean(done.stdout), fmt
        out = Path(tmp_path) / f"r.{fmt}"
        assert run_cli("report", str(log), "--format", fmt, "-o", str(out)).returncode == 0
        assert _clean(out.read_text(encoding="utf-8")), fmt
        if fmt == "json":
            json.loads(done.stdout)
    md = MarkdownIt("commonmark").render(run_cli("report", str(log)).stdout)
    assert "noted\\u001b]52" in md  # as a reader of the rendered report sees it


def test_the_markdown_report_shows_text_fields_as_written(tmp_path):
    """Promise 4: raw HTML and Markdown in a title (a link, emphasis, a tag) appear in the
    Markdown report as written, escaped, not as HTML or a link; the HTML report escapes
    them too."""
    hostile = "<b>bold</b> [click](javascript:alert(1)) *loud*"
    data = scenario_data()
    data["elements"][0]["title"] = hostile
    data["parties"][0]["name"] = "Ukraine <script>x</script>"
    scenario = Path(tmp_path) / "s.yaml"
    scenario.write_text(to_yaml(data), encoding="utf-8")
    log = Path(tmp_path) / "s.jsonl"
    assert run_cli("run", str(scenario), "--bots", "all", "--log", str(log)).returncode == 0
    md = run_cli("report", str(log)).stdout
    rendered = MarkdownIt("commonmark").render(md)  # what a Markdown viewer makes of it
    assert "<b>" not in rendered and "<script>" not in rendered and "<em>loud" not in rendered
    assert 'href="javascript' not in rendered
    assert "&lt;b&gt;bold&lt;/b&gt; [click](javascript:alert(1)) *loud*" in rendered
    html = run_cli("report", str(log), "--format", "html").stdout
    assert "<b>bold" not in html and "&lt;b&gt;bold" in html and "<script>x" not in html


def test_moves_left_after_the_end_are_an_illegal_move(tmp_path):
    """Promise 11: moves left in the file after the exercise ended are not dropped silently:
    the first is reported as illegal (exit 2), naming its index and line."""
    moves = Path(tmp_path) / "moves.yaml"
    moves.write_text(to_yaml([{"end": "Time is up"}, {"pass": {"party": "us"}}, "ratify"]),
                     encoding="utf-8")
    done = run_cli("run", "tutorial", "--moves", str(moves), "--json")
    assert done.returncode == 2
    assert "index 1" in done.stderr and "has ended" in done.stderr
    assert json.loads(done.stdout)["outcome"] == "ended"
