"""What the published scenario limits cost at their worst (issue 9, promise 5).

Run:  python benchmarks/bench_limits.py [--games N] [--only NAME ...]

(needs the test extras: the worst cases are built by ``tests/strategies.py``.)

Prints, for fresh processes as a user runs them:

* ``exercise validate`` on a 1 MB file full of unknown references    target ≤ 2 s
* for each worst-case scenario at the limits (``worst_cases()``):
  ``validate``, ``run --bots all --log``, ``simulate -n 100`` and ``report`` of the log,
  each with its wall and CPU time                                      target ≤ 20 s each
* the deal analysis at the element and party limits, in process       target ≤ 2 s

Every figure is a single run: the worst cases are slow enough that their variance is small
next to the targets. CPU time is shown beside wall time because a shared machine's load
shows in the second and hardly in the first.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from exercise.analysis import analyse  # noqa: E402
from exercise.scenario import limits as lim  # noqa: E402
from tests.strategies import worst_cases  # noqa: E402
from tests.test_hostile_scenarios import bad_references  # noqa: E402


def timed(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and exit status of a command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if "Traceback" in done.stderr:
        sys.exit(f"{' '.join(args)} crashed:\n{done.stderr}")
    return wall, cpu, done.returncode


def line(label: str, wall: float, cpu: float, target: float, status: int | None = None) -> bool:
    """Print one figure; return whether it met its target."""
    ok = wall <= target
    rc = "" if status is None else f"  exit {status}"
    print(f"{label:<58} {wall:6.2f} s wall  {cpu:6.2f} s cpu  target {target:g} s  "
          f"{'ok' if ok else 'MISSED'}{rc}")
    return ok


def main() -> int:
    """Run the measurements; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=100, help="games for simulate (100)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these worst cases")
    args = parser.parse_args()
    exe = [sys.executable, "-m", "exercise"]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bad = folder / "bad-references.yaml"
        bad.write_text(bad_references(1_000_000), encoding="utf-8")
        wall, cpu, status = timed([*exe, "validate", str(bad)])
        ok &= line(f"validate, 1 MB of bad references ({bad.stat().st_size:,} bytes)", wall, cpu,
                   2.0, status)
        for name, data in worst_cases().items():
            if args.only and name not in args.only:
                continue
            path = folder / f"{name}.yaml"
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            log = folder / f"{name}.jsonl"
            print(f"\n{name} ({path.stat().st_size // 1024} KiB)")
            for label, command in (
                    ("validate", ["validate", str(path)]),
                    ("run --bots all --log", ["run", str(path), "--bots", "all", "--json",
                                              "--log", str(log)]),
                    (f"simulate -n {args.games}", ["simulate", str(path), "-n",
                                                   str(args.games), "--json"]),
                    ("report", ["report", str(log)])):
                wall, cpu, status = timed([*exe, *command])
                if status != 0:
                    sys.exit(f"{label} of {name} exited {status}")
                ok &= line(f"  {label}", wall, cpu, 20.0)
    print()
    rng = random.Random(1)
    elements = [f"e{i}" for i in range(lim.MAX_ELEMENTS)]
    parties = [f"p{k}" for k in range(lim.MAX_PARTIES)]
    values = {p: {e: rng.randint(-5, 9) for e in elements} for p in parties}
    start, cpu_start = time.perf_counter(), time.process_time()
    deal = analyse(elements, {}, {}, values, dict.fromkeys(parties, 0), parties, ())
    ok &= line(f"deal analysis, {lim.MAX_ELEMENTS} elements × {lim.MAX_PARTIES} parties "
               f"({'truncated' if deal.truncated else 'exact'})",
               time.perf_counter() - start, time.process_time() - cpu_start, 2.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
