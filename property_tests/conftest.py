"""
Hypothesis settings profiles, chosen by ``MESSAGES_SCHEMA_HYPOTHESIS_PROFILE``.

* ``dev`` (default): quick, for every save.
* ``ci``: bounded so the whole suite stays within a few minutes on 2 cores, and
  derandomized: every CI run draws the same examples, so its time and verdict do not
  depend on the seed (the ``fuzz`` profile is where new inputs are hunted).
* ``fuzz``: long runs, for hunting bugs.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=100_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("MESSAGES_SCHEMA_HYPOTHESIS_PROFILE", "dev"))
