.PHONY: check test lint types schema diagram bench

check: test lint types

test:
	pytest

lint:
	ruff check exercise tests benchmarks

types:
	mypy

schema:
	exercise schema -o scenarios/scenario.schema.json

diagram:
	python -m exercise.engine.diagram > docs/phases.md

bench:
	python benchmarks/bench_cli.py
	python benchmarks/bench_tui.py
	python benchmarks/bench_sessions.py
	python benchmarks/bench_simulate.py
	python benchmarks/bench_limits.py
	python benchmarks/bench_analysis.py
	python benchmarks/bench_host.py
