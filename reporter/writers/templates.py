"""Where the document templates are: shipped in the wheel as the package data ``reporter.templates``.

In the repository they live in the top-level ``templates/`` folder; setuptools
maps that folder to ``reporter.templates`` (see ``pyproject.toml``), so an
installed copy and a checkout find them the same way.  A company's own folder
can be passed instead wherever a ``templates`` parameter is taken.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from reporter.errors import ReporterError


def default_templates() -> Path:
    """The folder of the bundled templates, as a real path (WeasyPrint and Jinja read files)."""
    folder = Path(str(files("reporter.templates")))
    if not (folder / "print.css").is_file():
        raise ReporterError(f"找不到随程序安装的模板目录 {folder}：请重新安装 reporter")
    return folder
