#!/usr/bin/env bash
# Make a fresh machine ready: system packages, then the virtual environment in ./.venv.
# Prints one line per thing it installs (nothing when all is there); the details go to
# $RUN_LOG (default $DATA_DIR/logs/install.log). Usage: scripts/bootstrap.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}
source scripts/steps.sh

# libmagic: file sniffing; Pango, HarfBuzz and Noto CJK: the report PDF (WeasyPrint); nginx: the
# buffering front that `make run` puts before gunicorn (slow clients wait there, not in its threads);
# tesseract with its Chinese model: the text of screenshots and photos (evidence/ocr); poppler-utils
# (pdftotext, pdftoppm) finds and renders a PDF's scanned pages for it, and the tests check real
# PDFs with it (pdfsig, pdffonts).
system_packages=(libmagic1 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk nginx-light
                 tesseract-ocr tesseract-ocr-chi-sim poppler-utils)
# openssl and libnss3-tools (certutil, for the signing tests) check real packets; chromium runs the
# phone app's browser tests; python3-swift and memcached are the S3 store the storage tests use
# (scripts/swift/s3.sh).
[ "$purpose" = test ] && system_packages+=(postgresql redis-server openssl libnss3-tools chromium python3-swift memcached)

missing=()
for package in "${system_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
python=$(command -v python3.11 || true)
[ -n "$python" ] || missing+=(python3.11 python3.11-venv)

apt_install() {
  $as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
  # Packages are installed, not started as services (memcached would take port 11211): what the
  # tests need, scripts/services.sh starts itself.
  local policy=/usr/sbin/policy-rc.d made=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $as_root tee "$policy" >/dev/null && $as_root chmod +x "$policy" && made=1
  fi
  local status=0
  DEBIAN_FRONTEND=noninteractive $as_root apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "$@" \
    || status=$?
  if [ -n "$made" ]; then $as_root rm -f "$policy"; fi
  return $status
}
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    echo "Missing system packages: ${missing[*]} (install them as root)" >&2
    exit 1
  fi
  as_root=""; [ "$(id -u)" -ne 0 ] && as_root=sudo
  step "Installing system packages with apt-get: ${missing[*]} (a few minutes)…" apt_install "${missing[@]}"
  python=$(command -v python3.11)
fi

if [ ! -x .venv/bin/python ]; then
  make_venv() {
    "$python" -m venv .venv || { echo "Could not create .venv; on Debian: apt-get install python3.11-venv"; return 1; }
  }
  step "Creating the Python environment in .venv (a few seconds)…" make_venv
fi

# A stamp newer than the requirements files it covers says they are installed. The test
# requirements include requirements.txt, so a .venv made for `make test` also serves `make run`.
up_to_date() {  # up_to_date STAMP FILE...
  local stamp=$1 file
  shift
  [ -f "$stamp" ] || return 1
  for file in "$@"; do [ "$file" -nt "$stamp" ] && return 1; done
  return 0
}
requirements=requirements.txt
[ "$purpose" = test ] && requirements=requirements-dev.txt
stamp=.venv/.installed-$purpose
if [ "$purpose" = test ]; then
  up_to_date "$stamp" requirements.txt requirements-dev.txt && exit 0
else
  { up_to_date "$stamp" requirements.txt || up_to_date .venv/.installed-test requirements.txt; } && exit 0
fi
if [ -f "$stamp" ] || [ -f .venv/.installed-run ] || [ -f .venv/.installed-test ]; then
  what="Updating Python packages in .venv (the requirements changed; under a minute)…"
elif [ "$purpose" = test ]; then
  what="Installing Python packages and test tools into .venv (first time: about 3 minutes)…"
else
  what="Installing Python packages into .venv (first time: about 2 minutes)…"
fi
step "$what" .venv/bin/pip install --disable-pip-version-check --progress-bar off -r "$requirements"
touch "$stamp"
