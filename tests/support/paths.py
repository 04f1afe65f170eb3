"""Where the suite's files are: every fixture lives under ``tests/fixtures``."""

from __future__ import annotations

from pathlib import Path

#: The checkout.
ROOT = Path(__file__).resolve().parents[2]
#: The one root of the suite's data files.
FIXTURES = ROOT / "tests" / "fixtures"
#: One file of cases per rule code (``<CODE>.json``), read by ``tests/rules``.
RULE_FIXTURES = FIXTURES / "rules"
#: Recorded and hand-written SSE streams.
STREAMS = FIXTURES / "streams"
#: Expected ``check`` output, one file per format.
GOLDEN = FIXTURES / "golden"
#: Input files for the CLI tests.
CLI_DATA = FIXTURES / "cli"
#: Recorded real traffic (see its README).
CORPUS = FIXTURES / "corpus"
#: The SARIF 2.1.0 JSON Schema the ``sarif`` output is validated against.
SARIF_SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"
#: The documented examples shipped with the project.
EXAMPLES = ROOT / "examples"
