"""The command line, on top of every stage: parse arguments, call one library function, print the summary.

One small module per group of commands (``workbook``: init, validate,
demo-data; ``build``: build, merge; ``plan``; ``email``; ``confirm``: confirm, status, payroll; ``annual``), shared options in
``options`` and the group with its error handling in ``app``.
"""

from reporter.cli import annual, build, calibrate, confirm, email, history, plan, verify, workbook  # noqa: F401 - importing registers the commands
from reporter.cli.app import cli, main

__all__ = ["cli", "main"]
