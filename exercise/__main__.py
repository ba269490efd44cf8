"""``python -m exercise``: the same as the ``exercise`` command."""

from exercise.cli import run

if __name__ == "__main__":
    run()
