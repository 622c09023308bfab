#!/usr/bin/env bash
# Build the wheel from this checkout, install it into a fresh virtualenv and use it from another
# folder, as a new user would: init, validate, build the sample, a mail dry run, python -m reporter.
# Needs the system packages of scripts/setup.sh (fonts, Pango, HarfBuzz); reaches PyPI for the
# build backend and the dependencies.  Fails loudly at the first step that does not work.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/reporter-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
PYTHON=${PYTHON:-python3}

echo "smoke: building the wheel"
"$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/dist" "$repo"
wheel=$(ls "$work"/dist/reporter-*.whl)
"$PYTHON" - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
needed = ["reporter/templates/letter.html.j2", "reporter/templates/agreement.html.j2", "reporter/templates/print.css",
          "reporter/templates/addendum.html.j2", "reporter/templates/email_body.txt.j2",
          "reporter/writers/pdf/renderer.py", "reporter/mail/send.py", "reporter/cli/app.py", "reporter/__main__.py"]
missing = [n for n in needed if n not in names]
if missing:
    sys.exit(f"smoke: the wheel lacks {missing}")
print(f"smoke: the wheel holds {len(names)} files, templates included")
PY

echo "smoke: installing into a fresh virtualenv"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check "$wheel"

mkdir "$work/elsewhere" && cd "$work/elsewhere"
export PATH="$work/venv/bin:$PATH"
reporter --help >/dev/null
python -m reporter --help >/dev/null
reporter --version
reporter init blank.xlsx
reporter validate blank.xlsx
reporter validate "$repo/sample_inputs/appraisal-2026-10.xlsx"
reporter build "$repo/sample_inputs/appraisal-2026-10.xlsx" --out results --workers 2
reporter email results/2026-10 >/dev/null
test -f results/2026-10/summary.xlsx
test -f results/2026-10/letters/HZ0016.pdf
test -f results/2026-10/outbox/HZ0016.eml
test -f results/2026-10/units/letters/HD_KF.pdf
# The Python API, with pandas, from the installed package: the history's frame agrees with the build's payroll.
python - <<'PY'
import csv
import reporter
frame = reporter.open_history("results/reporter.sqlite").to_frame()
with open("results/2026-10/payroll.csv", encoding="utf-8-sig") as f:
    payroll = sum(round(float(row["应发合计"]) * 100) for row in csv.DictReader(f))
assert int(frame.pay_total_cents.sum()) == payroll, (frame.pay_total_cents.sum(), payroll)
print("smoke: reporter.open_history(...).to_frame():", len(frame), "rows")
PY
echo "smoke: the installed wheel works from another folder"
