"""The README and docs/ stay true: short README, working links, every command and option documented,
the module tree as the folders are, the generated parts as the code says."""

import importlib.util
import re
import unicodedata

import pytest

from reporter.cli import cli
from reporter.input.schema import SHEETS
from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
ALL_DOCS = [README, *DOCS]


def text(path):
    return path.read_text(encoding="utf-8")


def prose(path):
    """The document without its fenced code blocks (links inside code are not links)."""
    return re.sub(r"^ *```.*?^ *```", "", text(path), flags=re.S | re.M)


def update_docs():
    spec = importlib.util.spec_from_file_location("update_docs", ROOT / "scripts" / "update_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    heading = unicodedata.normalize("NFC", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def anchors(path):
    return {github_anchor(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", prose(path), re.M)}


def test_readme_is_short():
    assert len(text(README).splitlines()) < 250


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", text(README), re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_readme_make_targets_exist():
    makefile = text(ROOT / "Makefile")
    for target in sorted(set(re.findall(r"`make ([a-z][a-z-]*)`", text(README)))):
        if target == "test-fast" and "test-fast:" not in makefile:
            pytest.skip("make test-fast comes with the fast-tests change")
        assert re.search(rf"^{re.escape(target)}:", makefile, re.M), f"README mentions `make {target}`"


def test_ci_runs_the_readme_test_command():
    assert "make test" in text(ROOT / ".ci" / "run")


def test_anchor_rule_matches_github():
    assert github_anchor("Pay (工资, 篇六 and 篇五)") == "pay-工资-篇六-and-篇五"
    assert github_anchor("The HR summary workbook (`summary.xlsx`)") == "the-hr-summary-workbook-summaryxlsx"


@pytest.mark.parametrize("doc", ALL_DOCS, ids=lambda p: p.name)
def test_every_relative_link_points_to_an_existing_file(doc):
    links = re.findall(r"\]\(([^)\s]+)\)", prose(doc))
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue  # an absolute URL
        target, _, anchor = link.partition("#")
        path = (doc.parent / target).resolve() if target else doc
        assert path.is_file(), f"{doc.name}: link to {link}"
        if anchor and path.suffix == ".md":
            assert anchor in anchors(path), f"{doc.name}: no heading for #{anchor} in {path.name}"


def test_readme_links_every_document_in_docs():
    linked = set(re.findall(r"\]\(docs/([^)#]+)", text(README)))
    assert linked == {p.name for p in DOCS}


def test_every_command_and_option_is_documented():
    everything = "\n".join(text(p) for p in ALL_DOCS)
    for name, command in cli.commands.items():
        assert f"reporter {name}" in everything, f"command {name}"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in everything, f"reporter {name} {opt}"


@pytest.mark.parametrize("part", update_docs().generated_parts(), ids=lambda p: f"{p[0].name}:{p[1]}")
def test_generated_parts_are_current(part):
    """Run `make docs` after changing the schema, a scoring method or a pay rule."""
    path, name, content = part
    _, current, _ = update_docs().split_part(text(path), name)
    assert current.strip() == content.strip()


def test_column_reference_covers_every_sheet_and_column():
    _, section, _ = update_docs().split_part(text(ROOT / "docs" / "input.md"), "columns")
    for sheet in SHEETS:
        assert f"#### {sheet.zh} ({sheet.en})" in section
        for column in sheet.columns:
            assert f"| {column.zh} / `{column.en}` |" in section


def test_rules_show_every_scoring_method_and_pay_rule():
    from reporter.rules.pay import PAY_FORMULAS
    from reporter.rules.scoring import METHOD_FORMULAS

    rules = text(ROOT / "docs" / "rules.md")
    for formula in [*METHOD_FORMULAS.values(), *PAY_FORMULAS.values()]:
        assert f"`{formula}`" in rules


def _tree_paths(block: str) -> set[str]:
    """The file paths a tree listing names: two spaces of indent per level, folders end in '/'."""
    paths, stack = set(), []
    for line in block.splitlines():
        name = line.strip().split()[0]
        depth = (len(line) - len(line.lstrip(" "))) // 2
        stack[depth:] = [name]
        if not name.endswith("/"):
            paths.add("".join(stack))
    return paths


def test_architecture_tree_lists_every_module():
    doc = text(ROOT / "docs" / "architecture.md")
    block = next(b for b in re.findall(r"```text\n(.*?)```", doc, re.S) if b.startswith("reporter/\n"))
    listed = _tree_paths(block)
    actual = {p.relative_to(ROOT).as_posix() for p in (ROOT / "reporter").rglob("*.py")}
    actual |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "templates").iterdir()
               if p.is_file() and p.name != "__init__.py"}
    assert listed == actual


def test_file_counts_match_the_demo_company(sample_result):
    """Two files per employee, a scorecard per appraised one, a letter batch per department, three more
    (no agreements: `reporter plan` issues them), and a scorecard and a letter per unit scored."""
    results = sample_result.results
    departments = {r.employee.department_key for r in results}
    units = [u for u in sample_result.units if u.scored]
    expected = 2 * len(results) + len(sample_result.appraised) + len(departments) + 3 + 2 * len(units)
    assert re.findall(r"已写入 (\d+) 个文件", text(README)) == [str(expected)]
    outputs = text(ROOT / "docs" / "outputs.md")
    assert re.findall(r"writes\s+(\d+) files", outputs) == [str(expected)]
    shape = re.search(r"\((\d+) employees, (\d+) appraised, (\d+) departments, (\d+) units\)", outputs).groups()
    assert shape == (str(len(results)), str(len(sample_result.appraised)), str(len(departments)), str(len(units)))
