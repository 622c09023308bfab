"""Exceptions the library raises; only the CLI turns them into messages and exit codes.

Every problem with the input names where it is (file › sheet › row › column)
and says, in HR's terms, what is wrong and what to do.  Validation collects
all problems of a file and raises them together as one :class:`InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) at one place in the input."""

    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    severity: str = "error"  # "error" or "warning"

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.sheet) if p]
        if self.row is not None:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(self.column)
        return " › ".join(parts)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.message}" if where else self.message


class ReporterError(Exception):
    """Base class of every error the library raises on purpose."""


class CellError(ReporterError, ValueError):
    """A single cell value cannot be used; the reader adds the location."""


class InputFileError(ReporterError):
    """The input file as a whole cannot be read (not an xlsx, damaged, unsafe)."""

    def __init__(self, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.problem = Problem(message, file=file)


class InputError(ReporterError):
    """Every problem found in one input file, raised at once after validation."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity != "error"]
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{len(self.problems)} {noun} in the input")


class UsageError(ReporterError, ValueError):
    """A library call with arguments that cannot work (an unknown output kind, shard 3 of 2 …)."""


class HistoryError(ReporterError):
    """The history lacks what a command needs (no period of the year asked for, no grade bands recorded …)."""


class OutputExistsError(ReporterError):
    """A build would overwrite results that already exist."""


class DeliveryError(ReporterError):
    """Mail could not be prepared or sent."""


class MailConfigError(InputError, DeliveryError):
    """Mail settings that cannot work: every problem at once, each naming its file and key.

    An input error (the CLI exits 2, listing them) that is also a delivery error for callers of the mailer.
    """

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.args = ("\n".join(str(p) for p in self.problems),)
