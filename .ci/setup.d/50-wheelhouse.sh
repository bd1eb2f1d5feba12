#!/usr/bin/env bash
# A wheelhouse for the release tests (tests/test_release.py), which build tokenward and
# install it into fresh virtual environments with no network: every wheel that the runtime,
# the scan extra and the build need, downloaded once (pip download, with the network this
# setup step is allowed). The tests install from it plus the machine's own package index.
# Where: TOKENWARD_WHEELHOUSE, else ~/.cache/tokenward-tests/wheelhouse.
# Idempotent: does nothing when every requirement is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."
DEST=${TOKENWARD_WHEELHOUSE:-$HOME/.cache/tokenward-tests/wheelhouse}
mkdir -p "$DEST"
# The requirements come from pyproject.toml, so the list never drifts from it.
mapfile -t REQUIREMENTS < <(python3 - <<'PY'
import tomllib
data = tomllib.load(open("pyproject.toml", "rb"))
for requirement in (*data["build-system"]["requires"], *data["project"]["dependencies"],
                    *data["project"]["optional-dependencies"]["scan"]):
    print(requirement)
PY
)
if python3 -m pip download --quiet --no-index --find-links "$DEST" --dest "$DEST" \
    "${REQUIREMENTS[@]}" >/dev/null 2>&1; then
  echo "wheelhouse: complete in $DEST"
  exit 0
fi
echo "wheelhouse: downloading ${REQUIREMENTS[*]} into $DEST"
python3 -m pip download --quiet --only-binary=:all: --dest "$DEST" "${REQUIREMENTS[@]}"
