"""Hypothesis settings profiles for the property tests: ``quick`` (the default, a few seconds
per workflow) and ``thorough`` (for a nightly run), chosen by ``HYPOTHESIS_PROFILE``.

The profile is loaded for the whole run only when ``HYPOTHESIS_PROFILE`` is set, so the other
hypothesis tests keep their own settings in an ordinary run; the tests here always use
:func:`profile`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "HYPOTHESIS_PROFILE"
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large,
                HealthCheck.filter_too_much]
"""Each example builds an engine and a database: slow by hypothesis' measure, and meant so."""

settings.register_profile("quick", max_examples=20, stateful_step_count=15, deadline=None,
                          database=None, suppress_health_check=SLOW_IS_FINE)
settings.register_profile("thorough", max_examples=200, stateful_step_count=40,
                          deadline=None, suppress_health_check=SLOW_IS_FINE)
if os.environ.get(PROFILE_VARIABLE):
    settings.load_profile(os.environ[PROFILE_VARIABLE])


def profile() -> settings:
    """The selected profile (``quick`` unless ``HYPOTHESIS_PROFILE`` names another)."""
    return settings.get_profile(os.environ.get(PROFILE_VARIABLE, "quick"))
