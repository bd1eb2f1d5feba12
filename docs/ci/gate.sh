#!/usr/bin/env sh
# tokenward as a CI gate, for any CI system. Run from the repository root.
#   BASE=origin/main sh docs/ci/gate.sh       pull-request gate: every commit since BASE
#   sh docs/ci/gate.sh                        full scan (baseline applied when present)
# The pull-request gate scans what each commit of the branch added (`--history BASE..HEAD`):
# a token added in one commit and removed in the next is still pushed, and fails it.
# It needs the history: clone with fetch-depth: 0 (or fetch BASE and the branch in full).
# Writes tokenward.sarif (for code-scanning upload) and tokenward.junit.xml (dashboards);
# exits 0 clean, 1 findings, 2 tool or usage error (never 0 after an internal error).
#
# Where tokenward comes from when it is not installed yet (`tokenward` not on PATH): it is
# not on PyPI, so point TOKENWARD at what pip can install today, with the scan extra:
#   a wheel built from tokenward's repository (python -m build) and kept in yours:
#     TOKENWARD="./ci/tokenward-0.1.0-py3-none-any.whl[scan]"
#   tokenward's git repository at a pinned commit:
#     TOKENWARD="tokenward[scan] @ git+https://github.com/tokenward/tokenward@<commit>"
# Once tokenward is published: TOKENWARD="tokenward[scan]==<version>".
# It is installed into its own virtual environment, outside the repository (so the scan
# does not read it): TOKENWARD_VENV, default $RUNNER_TEMP or $TMPDIR or /tmp + tokenward-ci.
set -u
if ! command -v tokenward >/dev/null 2>&1; then
  if [ -z "${TOKENWARD:-}" ]; then
    echo "gate.sh: tokenward is not installed: set TOKENWARD to a wheel or a pip" \
      "requirement (see the top of this script)" >&2
    exit 2
  fi
  venv="${TOKENWARD_VENV:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokenward-ci}"
  python3 -m venv "$venv" && "$venv/bin/python" -m pip install --quiet "$TOKENWARD" || {
    echo "gate.sh: could not install $TOKENWARD" >&2
    exit 2
  }
  PATH="$venv/bin:$PATH"
fi
FAIL_ON="${FAIL_ON:-low}"
if [ -n "${BASE:-}" ]; then
  SCOPE="--history $BASE..HEAD"
else
  SCOPE=""
fi
# shellcheck disable=SC2086  # SCOPE is two words on purpose
tokenward scan $SCOPE --fail-on "$FAIL_ON" --no-progress --format sarif --output tokenward.sarif
status=$?
tokenward merge tokenward.sarif --format junit --output tokenward.junit.xml >/dev/null 2>&1 || true
# The readable report for the job log (same findings; its exit code is the gate's).
# shellcheck disable=SC2086
tokenward scan $SCOPE --fail-on "$FAIL_ON" --no-progress --format text
exit $status
