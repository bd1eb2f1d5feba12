"""The commit hook and the CI gate: staged content, baselines, diff-aware gating, sharding,
report merging and ``tokenward init``. Library code: it never prints and never exits."""
