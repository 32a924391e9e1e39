"""Defaults of the testing toolkit that the command line shows in its help without loading the
toolkit (hypothesis, the engine) itself."""

SHRINK_SECONDS = 30
"""Seconds hypothesis may spend shrinking a failing run to its shortest steps."""
