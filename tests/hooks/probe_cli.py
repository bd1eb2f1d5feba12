"""Run the real ``tokenward`` command line with a test-only rule list.

    python tests/hooks/probe_cli.py TW901,TW903 scan --staged

The listed probe rules (tests/scanner/probe_rules.py) replace the registry before the
engine is imported, so the whole program runs unchanged on rules whose behaviour the test
controls: TW901 fires on ``SECRET-xxxxxxxx`` markers, TW903 always raises (an internal
error). Nothing in the CLI is mocked.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]


def main() -> int:
    import tokenward.rules as registry
    from tests.scanner import probe_rules

    probes = {r.id: r for r in (probe_rules.TEXT_MARK, probe_rules.PY_STRING,
                                probe_rules.EXPLODES)}
    chosen = tuple(probes[i] for i in sys.argv[1].split(","))
    registry.RULES = chosen
    registry.RULES_BY_ID.clear()
    registry.RULES_BY_ID.update({r.id: r for r in chosen})
    if sys.argv[2:3] == ["hook"]:  # the pre-commit entry point instead of the CLI
        from tokenward.hooks.precommit import main as hook_main

        return hook_main(sys.argv[3:])
    from tokenward.cli import main as cli_main

    return cli_main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
