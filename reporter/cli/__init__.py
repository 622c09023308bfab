"""Stage 6 — the command line: parse arguments, call one library function, print what happened."""

from reporter.cli.main import cli, main

__all__ = ["cli", "main"]
