#!/usr/bin/env bash
# Make a fresh machine ready: system packages, then the virtual environment in ./.venv.
# Usage: scripts/bootstrap.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

# libmagic: file sniffing; Pango, HarfBuzz and Noto CJK: the report PDF (WeasyPrint).
system_packages=(libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
# poppler-utils (pdfsig, pdffonts, pdftotext, pdfimages), openssl and libnss3-tools (certutil, for
# the signing tests) check real PDFs and packets; chromium runs the phone app's browser tests.
[ "$purpose" = test ] && system_packages+=(postgresql redis-server poppler-utils openssl libnss3-tools chromium)

missing=()
for package in "${system_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
python=$(command -v python3.11 || true)
[ -n "$python" ] || missing+=(python3.11 python3.11-venv)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "Missing system packages: ${missing[*]} (install them as root)" >&2
    exit 1
  fi
  as_root=""; [ "$(id -u)" -ne 0 ] && as_root=sudo
  echo "Installing system packages: ${missing[*]}"
  $as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
  python=$(command -v python3.11)
fi

if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv || {
    echo "Could not create .venv; on Debian: apt-get install python3.11-venv" >&2
    exit 1
  }
fi

requirements=requirements.txt
[ "$purpose" = test ] && requirements=requirements-dev.txt
stamp=.venv/.installed-$purpose
if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  # (pipefail: a failing pip fails this line; the filter only hides index noise)
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements" 2>&1 \
    | { grep -v "^WARNING: Location" || true; }
  touch "$stamp"
fi
