"""
The clock of the whole suite (tests/ and property_tests/): no test reads the wall clock.

Verdicts depend on the day (a model past its ``retires_at`` is `MOD002`); the one clock
function, `messages_schema.config.utc_today`, is replaced by a fixed day for every test,
so the suite gives the same answers on any day it runs. Tests about lifecycles set
``LintConfig(today=...)`` themselves, on both sides of the date they test. Processes a
test starts (the CLI, Spark workers) do not see this fixture: they get ``--today`` or a
config with ``today`` from the test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.support.clock import PINNED_TODAY


@pytest.fixture(autouse=True, scope="session")
def pinned_today() -> Iterator[dt.date]:
    """Every test sees `PINNED_TODAY` as today (UTC)."""
    import messages_schema.config

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(messages_schema.config, "utc_today", lambda: PINNED_TODAY)
        yield PINNED_TODAY
