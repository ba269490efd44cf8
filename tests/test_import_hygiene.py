"""The engine, scenario and bot modules load without Textual; `--help` loads nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = ["exercise.engine", "exercise.scenario.loading", "exercise.scenario.schema",
        "exercise.bots", "exercise.headless", "exercise.catalog", "exercise.commands",
        "exercise.room", "exercise.view", "exercise.station", "exercise.recap",
        "exercise.msel.command", "exercise.msel.importer", "exercise.msel.export"]


def loaded_modules(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("module", CORE)
def test_core_modules_never_import_textual(module):
    """Importing a core module does not import textual (the UI is the only user of it)."""
    modules = loaded_modules(f"import {module}")
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_a_whole_headless_game_never_imports_textual():
    """Playing a game end to end, bots and all, leaves textual unloaded."""
    code = (
        "from exercise.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['run', 'tutorial', '--bots', 'all', '--json'])\n"
    )
    modules = loaded_modules(code)
    assert "exercise.engine.game" in modules
    assert "textual" not in modules


def test_the_host_package_and_its_codes_load_without_the_network_or_textual():
    """`exercise.host` and its codes import nothing heavy: no textual, asyncssh or aiohttp
    until a host is started."""
    modules = loaded_modules("import exercise.host, exercise.host.codes, exercise.host.server")
    heavy = {"textual", "asyncssh", "aiohttp", "jinja2", "textual_serve"}
    assert not heavy & {m.split(".")[0] for m in modules}


def test_help_loads_no_heavy_modules():
    """`exercise --help` needs argparse only: no pydantic, yaml, transitions or textual."""
    code = (
        "from exercise.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
    )
    modules = loaded_modules(code)
    heavy = {"pydantic", "yaml", "transitions", "textual", "rich"}
    assert not heavy & {m.split(".")[0] for m in modules}
