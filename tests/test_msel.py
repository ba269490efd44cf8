"""`exercise msel`: a scenario's injects as an MSEL spreadsheet (CSV or XLSX) and back.

Exporting and importing gives the same injects, for every bundled scenario and for generated
ones; sheets shaped like the HSEEP, OpenAEV and Conducttr layouts import into the injects a
reader of the sheet expects; a bad sheet gets a clear message with its row and column, exit
status 1, and nothing written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise import catalog
from exercise.msel.command import import_sheet
from exercise.msel.export import msel_table, order_of_play
from exercise.msel.sheets import csv_bytes, xlsx_bytes
from exercise.scenario.loading import check_file, load_scenario
from exercise.scenario.model import Scenario

from .conftest import run_cli, to_yaml
from .strategies import scenarios

HERE = Path(__file__).parent / "msel"
TUTORIAL = catalog.resolve("tutorial")


def _export(scenario: Scenario, path: Path) -> None:
    header, rows = msel_table(scenario)
    path.write_bytes(xlsx_bytes(header, rows) if path.suffix == ".xlsx"
                     else csv_bytes(header, rows))


def _round_trip(target: Path, sheet: Path) -> Scenario:
    scenario = load_scenario(target)
    _export(scenario, sheet)
    result = import_sheet(sheet, target, scenario, str(target.with_suffix(".out.yaml")))
    assert result.scenario is not None, [str(p) for p in result.problems]
    assert result.text is not None
    said = [str(p) for p in result.problems if p.file == str(sheet)]
    if scenario.injects:  # (an empty sheet is warned about: the scenario loses its injects)
        assert not said, "our own export should import without a warning"
    return result.scenario


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("entry", catalog.bundled(), ids=lambda e: e.name)
def test_bundled_scenarios_round_trip(entry: catalog.Entry, suffix: str, tmp_path: Path) -> None:
    """Exporting a bundled scenario and importing the sheet gives back its injects exactly
    (in the order of play), whether the sheet is CSV or XLSX."""
    original = load_scenario(entry.path)
    again = _round_trip(entry.path, tmp_path / f"msel{suffix}")
    assert list(again.injects) == order_of_play(original.injects)
    assert again.model_dump(exclude={"injects"}, warnings=False) == \
        original.model_dump(exclude={"injects"}, warnings=False)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                min_size=1, max_size=30).map(str.strip).filter(bool)
_MARKDOWN = st.lists(_TEXT, min_size=1, max_size=3).map("\n".join)


@st.composite
def _scenarios_with_sheet_texts(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(scenarios())
    data["round_minutes"] = draw(st.sampled_from([0, 5, 12.5, 30]))
    pids = [p["id"] for p in data["parties"]]
    for inject in data["injects"]:
        inject["title"] = draw(_TEXT)
        inject["text"] = draw(_MARKDOWN) + draw(st.sampled_from(["", "\n"]))
        if draw(st.booleans()):
            inject["audience"] = draw(st.lists(st.sampled_from(pids), min_size=1, max_size=3,
                                               unique=True))
        if draw(st.booleans()):
            inject["expected_actions"] = draw(st.lists(_TEXT, max_size=3))
            inject["questions"] = draw(st.lists(_TEXT, max_size=2))
            inject["facilitator_note"] = draw(_MARKDOWN)
        if draw(st.booleans()):
            inject["msel"] = {"Inject Type": draw(_TEXT), "Controller": draw(_MARKDOWN)}
    return data


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=_scenarios_with_sheet_texts(), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_generated_scenarios_round_trip(data: dict[str, Any], suffix: str,
                                        tmp_path: Path) -> None:
    """Any valid scenario (texts with accents, quotes, commas, line breaks, leading '=' or
    '-', private audiences, kept columns) survives export and import unchanged."""
    target = tmp_path / "generated.yaml"
    target.write_text(to_yaml(data), encoding="utf-8")
    checked = check_file(target)
    if checked.scenario is None:  # the strategy's rare invalid draw is not ours to test
        return
    again = _round_trip(target, tmp_path / f"msel{suffix}")
    assert list(again.injects) == order_of_play(checked.scenario.injects)


def test_importing_our_own_export_changes_nothing_in_the_file(tmp_path: Path) -> None:
    """A facilitator who exports a scenario, opens the sheet, saves it and imports it back
    gets the scenario file byte for byte: comments, order and blank lines kept."""
    mine = tmp_path / "mine.yaml"
    mine.write_bytes(TUTORIAL.read_bytes())
    for name in ("msel.csv", "msel.xlsx"):
        done = run_cli("msel", "export", str(mine), "-o", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        done = run_cli("msel", "import", str(tmp_path / name), "--into", str(mine))
        assert done.returncode == 0, done.stderr
        assert mine.read_bytes() == TUTORIAL.read_bytes()


def test_csv_is_rfc4180_utf8_with_a_bom_and_text_stays_text(tmp_path: Path) -> None:
    """The CSV starts with a BOM and ends its records with CRLF; the XLSX holds no formula
    even where a scenario's text starts with '='."""
    done = run_cli("msel", "export", "berlin-2025", "-o", str(tmp_path / "b.csv"))
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "b.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") >= 1 + len(load_scenario(catalog.resolve("berlin-2025")).injects)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["No.", "ID", "Round", "Time"]
    assert xlsx_text_only(xlsx_bytes(["A"], [["=1+1"], ["-x"]]))


def xlsx_text_only(data: bytes) -> bool:
    """Whether no cell of the workbook is a formula."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return all(cell.data_type != "f" for ws in book.worksheets for row in ws.iter_rows()
               for cell in row)


def test_export_with_a_log_says_what_fired(tmp_path: Path) -> None:
    """With --log, each row says whether the inject fired, in which round and when, and an
    ad-hoc card never played is 'ad hoc unused'."""
    log = tmp_path / "s.jsonl"
    done = run_cli("run", "tutorial", "--bots", "all", "--seed", "3", "--log", str(log))
    assert done.returncode == 0, done.stderr
    done = run_cli("msel", "export", "tutorial", "--log", str(log), "-o", str(tmp_path / "m.csv"))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "m.csv").read_text("utf-8-sig"))))
    fired = [e for e in (yaml.safe_load(line) for line in log.read_text().splitlines())
             if e.get("event") == "inject_fired"]
    for row in rows:
        mine = [e for e in fired if e["inject"] == row["ID"]]
        if mine:
            assert row["Status"] == "fired"
            assert row["Fired (round)"] == ", ".join(str(e["round"]) for e in mine)
            assert row["Actual Time"].startswith("T+")
        else:
            assert row["Status"] == ("ad hoc unused" if row["Trigger"] == "ad hoc"
                                     else "not fired")


# --- sheets of other layouts ----------------------------------------------------------


def _golden(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((HERE / f"{name}.expected.yaml").read_text(encoding="utf-8"))


def _injects_as_data(scenario: Scenario) -> list[dict[str, Any]]:
    out = []
    for inject in scenario.injects:
        data = yaml.safe_load(to_yaml(_plain(inject.model_dump(by_alias=True,
                                                               exclude_defaults=True,
                                                               warnings=False))))
        out.append(data)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict) or hasattr(value, "items"):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize(("sheet", "extra"), [
    ("hseep.csv", []),
    ("openaev.xlsx", ["--minutes-per-round", "60"]),
    ("conducttr.csv", []),
])
def test_other_layouts_import(sheet: str, extra: list[str], tmp_path: Path) -> None:
    """Sheets laid out like an HSEEP MSEL (title and phase rows, 'Designated Scenario Time',
    'Intended Player'), an OpenAEV import (a cover sheet, D+ H+ M+ times, 'Teams') and a
    Conducttr MEL (semicolons, 'Round 1'/'R2'/'Move 3', names for recipients) import into
    the injects their rows describe; their own columns are kept under msel:."""
    out = tmp_path / "out.yaml"
    done = run_cli("msel", "import", str(HERE / sheet), "--into", "tutorial", "-o", str(out),
                   *extra)
    assert done.returncode == 0, done.stderr
    assert _injects_as_data(load_scenario(out)) == _golden(sheet.split(".")[0])
    if sheet == "hseep.csv":
        assert "skipped a heading row: 'Phase I — Opening'" in done.stderr
        assert "hseep.csv:6:2: warning: Designated Scenario Time: T+00:07 falls inside " \
            "round 2" in done.stderr


# --- bad sheets ---------------------------------------------------------------------


def _refused(tmp_path: Path, sheet: Path, *extra: str) -> str:
    out = tmp_path / "never.yaml"
    done = run_cli("msel", "import", str(sheet), "--into", "tutorial", "-o", str(out), *extra)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "nothing written" in done.stderr
    assert not out.exists()
    return done.stderr


def test_unknown_recipient_and_round_past_the_last(tmp_path: Path) -> None:
    """A recipient that is no party is named with a did-you-mean, and a round past the
    scenario's last is refused, each at its row and column, both in one run."""
    sheet = tmp_path / "bad.csv"
    sheet.write_text("Subject,Message,To,Round\n"
                     "Talks,The talks open.,Ukrane,1\n"
                     "Late news,Too late to matter.,all,9\n", encoding="utf-8")
    err = _refused(tmp_path, sheet)
    assert "bad.csv:2:3: error: To: 'Ukrane' is no party of this scenario (did you mean " \
        "'ukraine'?)" in err
    assert "bad.csv:3:4: error: Round: round 9 is beyond the scenario's 3 rounds" in err


def test_formula_cell_is_reported_not_evaluated(tmp_path: Path) -> None:
    """A formula in an XLSX cell is reported at its cell; it is never computed."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Subject", "Message", "Round"])
    ws.append(["Sums", "=1+1", "1"])
    sheet = tmp_path / "formula.xlsx"
    book.save(sheet)
    err = _refused(tmp_path, sheet)
    assert "formula.xlsx:2:2: error: Message: a formula (=1+1) is not evaluated" in err


@pytest.mark.parametrize(("content", "said"), [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "this is not a spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "Excel 97-2003 workbook (.xls)"),
    (b"just a line of words\nand another\n", "no header row found"),
])
def test_files_that_are_no_msel(content: bytes, said: str, tmp_path: Path) -> None:
    """An empty file, an image, an old .xls and text with no header row each get one
    clear sentence."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(content)
    assert said in _refused(tmp_path, sheet)


def test_a_bundled_scenario_is_not_changed_in_place(tmp_path: Path) -> None:
    """Importing into a bundled scenario without -o is refused (exit 2), naming -o."""
    done = run_cli("msel", "import", str(HERE / "conducttr.csv"), "--into", "tutorial")
    assert done.returncode == 2
    assert "-o OUT.yaml" in done.stderr


def test_an_edit_in_the_sheet_changes_only_that_value_in_the_file(tmp_path: Path) -> None:
    """Changing one subject and one recipient in the exported sheet changes just those
    lines of the scenario file; the command says which injects changed."""
    mine = tmp_path / "mine.yaml"
    mine.write_bytes(TUTORIAL.read_bytes())
    sheet = tmp_path / "msel.csv"
    assert run_cli("msel", "export", str(mine), "-o", str(sheet)).returncode == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text("utf-8-sig"), newline="")))
    header = rows[0]
    rows[1][header.index("Subject")] += " again"
    rows[3][header.index("To")] = "Ukraine and the United States"
    with sheet.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    done = run_cli("msel", "import", str(sheet), "--into", str(mine))
    assert done.returncode == 0, done.stderr
    assert f"changed by the sheet: {rows[1][1]}, {rows[3][1]}" in done.stderr
    before = TUTORIAL.read_text("utf-8").splitlines()
    after = mine.read_text("utf-8").splitlines()
    gone = [line for line in before if line not in after]
    new = [line for line in after if line not in before]
    assert [line.strip() for line in gone] == [f"title: {rows[1][header.index('Subject')]}"
                                               .removesuffix(" again")]
    assert sorted(line.strip() for line in new) == sorted([
        f"title: {rows[1][header.index('Subject')]}", "audience: [ukraine, us]"])


def test_columns_we_do_not_know_come_back_on_export(tmp_path: Path) -> None:
    """A column of the sheet that the format has no key for (HSEEP's 'Responsible
    Controller') is kept with each inject and is a column of the exported MSEL again."""
    out = tmp_path / "out.yaml"
    assert run_cli("msel", "import", str(HERE / "hseep.csv"), "--into", "tutorial",
                   "-o", str(out)).returncode == 0
    done = run_cli("msel", "export", str(out), "-o", str(tmp_path / "again.csv"))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "again.csv").read_text("utf-8-sig"))))
    source = list(csv.reader(io.StringIO((HERE / "hseep.csv").read_text("utf-8"))))
    wanted = [r[4] for r in source[2:] if r[0].isdigit()]
    assert [r["Responsible Controller"] for r in rows] == wanted
