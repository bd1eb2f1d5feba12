#!/usr/bin/env sh
# tokenward as a CI gate, for any CI system. Run from the repository root.
#   BASE=origin/main sh docs/ci/gate.sh       pull-request gate: every commit since BASE
#   sh docs/ci/gate.sh                        full scan (baseline applied when present)
# The pull-request gate scans what each commit of the branch added (`--history BASE..HEAD`):
# a token added in one commit and removed in the next is still pushed, and fails it.
# It needs the history: clone with fetch-depth: 0 (or fetch BASE and the branch in full).
# Writes tokenward.sarif (for code-scanning upload) and tokenward.junit.xml (dashboards);
# exits 0 clean, 1 findings, 2 tool or usage error (never 0 after an internal error).
set -u
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
