"""The day the whole suite runs "as of" (see the root ``conftest.py``)."""

from __future__ import annotations

import datetime as dt

#: Tests whose data name a model that retires later in the capability table
#: (``claude-sonnet-4-5`` retired on 2026-11-30) keep the meaning they were written with.
#: Tests about lifecycles set ``LintConfig(today=...)`` on both sides of the date instead.
PINNED_TODAY = dt.date(2026, 11, 16)
