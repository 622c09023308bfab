"""Rewrite the README's column reference from reporter/schema.py (run by `make docs`)."""

from pathlib import Path

from reporter.input.template import columns_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- columns:start", "<!-- columns:end -->"

text = README.read_text(encoding="utf-8")
before, rest = text.split(START, 1)
marker, rest = rest.split("-->", 1)
_, after = rest.split(END, 1)
README.write_text(f"{before}{START}{marker}-->\n{columns_markdown()}{END}{after}", encoding="utf-8")
