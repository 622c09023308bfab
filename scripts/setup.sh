#!/usr/bin/env bash
# Set up reporter on a Debian machine: system packages (as root) and a virtualenv.
# Safe to run again: it installs only what is missing.
#   scripts/setup.sh          runtime: Pango (WeasyPrint), CJK fonts, HarfBuzz subsetting for the PDFs
#   scripts/setup.sh --test   also LibreOffice (recalculates workbooks in tests) and poppler
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(fonts-noto-cjk fontconfig libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0)
extras=""
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libreoffice-calc-nogui poppler-utils zbar-tools)  # zbar: tests scan the printed QR codes
  extras="[test]"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing system packages: ${missing[*]} — run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extras}"
echo "setup: ready (.venv)"
