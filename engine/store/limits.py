"""The agency default and the lengths the tables hold, apart from the tables themselves so that
what only needs a name or a limit (the command line's options) does not load SQLAlchemy."""

DEFAULT_AGENCY = "default"
"""The agency (机关) of an engine created without one: a database serving a single agency."""
AGENCY_MAX_LENGTH = 64
"""The longest agency code the ``agency`` columns hold (PostgreSQL refuses a longer one)."""
BUSINESS_KEY_MAX = 255
"""The longest business key an instance carries."""
SCHEDULE_NAME_MAX = 128
"""The longest name of a calendar schedule."""
