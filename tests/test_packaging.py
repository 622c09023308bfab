"""The package as a user installs it: every subpackage and the templates in the wheel, usable from any folder.

The whole round trip with dependencies from PyPI runs in CI (scripts/smoke_wheel.sh); here the wheel
is built offline and installed into a fresh virtualenv that borrows this one's dependencies, so the
test needs no network.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, once_per_run

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_subpackage_is_listed_for_the_wheel():
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "reporter").rglob("__init__.py")}
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed == on_disk | {"reporter.templates"}
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"reporter.templates": "templates"}


def test_templates_are_found_through_the_package_not_a_relative_path():
    from reporter.writers.templates import default_templates

    assert default_templates().samefile(ROOT / "templates")
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "reporter").rglob("*.py"))
    assert "parents[2]" not in sources and "REPORTER_TEMPLATES" not in sources


def _import_time_nodes(node):
    """Every node that runs when the module is imported: all but the bodies of functions."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from child.decorator_list if not isinstance(child, ast.Lambda) else ()
            continue
        yield child
        yield from _import_time_nodes(child)


def test_no_module_reads_the_environment_at_import():
    """os.environ / os.getenv only inside functions: the edges are parameters, read by the CLI."""
    offenders = []
    for path in (ROOT / "reporter").rglob("*.py"):
        for node in _import_time_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") or \
                    isinstance(node, ast.Name) and node.id in ("environ", "getenv"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_modules_stay_small():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (ROOT / "reporter").rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 420} == {}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of a clean copy of the tracked files (no build/ or egg-info left in the checkout)."""
    return once_per_run(tmp_path_factory, "wheel", build_wheel)


def build_wheel(tmp: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    source = tmp / "src"
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(tmp / "dist"), str(source)], check=True)
    return next((tmp / "dist").glob("reporter-*.whl"))


@pytest.mark.slow
def test_wheel_holds_every_package_and_the_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").iterdir():
        if template.is_file():
            assert f"reporter/templates/{template.name}" in names
    for package in PYPROJECT["tool"]["setuptools"]["packages"]:
        assert f"{package.replace('.', '/')}/__init__.py" in names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Python: >=3.11" in text and "License" in text and "Classifier: License :: OSI Approved" in text


@pytest.mark.slow
def test_installed_wheel_works_from_another_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # no ensurepip: ~10 s
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index",
                    "--disable-pip-version-check", str(wheel)], check=True)  # this pip, into the new venv
    # Borrow this environment's dependencies only: a plain path entry, so its editable reporter is not seen.
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args):
        done = subprocess.run([str(venv / "bin" / args[0]), *map(str, args[1:])], cwd=elsewhere,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = run("python", "-c", "import reporter, reporter.writers.templates as t; "
                                "print(reporter.__file__); print(t.default_templates())")
    assert str(venv) in where and str(ROOT) not in where
    assert "Commands:" in run("python", "-m", "reporter", "--help")
    run("reporter", "init", "x.xlsx")
    run("reporter", "validate", "x.xlsx")
    run("reporter", "build", SAMPLE, "--out", "y", "--employee", "HZ0016", "--only", "letters,scorecards")
    assert (elsewhere / "y" / "2026-10" / "letters" / "HZ0016.pdf").stat().st_size > 10_000
