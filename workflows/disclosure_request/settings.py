"""The settings of a disclosure request definition, checked when it is registered.

``register(engine)`` puts :class:`DisclosureSettings` in the registry as the workflow's settings
model (``engine.definition.validate.SETTINGS_MODEL``), so a definition whose register number
template could not number a request (登记号; e.g. one loaded from an agency's JSON) is refused at
registration, not by every ``register`` trigger afterwards. Settings not named here are left to
the engine's own checks.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, StrictBool, field_validator

from engine.text import shown
from workflows.disclosure_request.register_number import RegisterNumberFormat

SAMPLE_YEAR, SAMPLE_SEQ = 2026, 1
"""The register number a template must render and read back at registration."""


class DisclosureSettings(BaseModel):
    """The typed settings; ``register_number_template`` must render a sample number that parses
    back to the same year and sequence."""

    model_config = ConfigDict(extra="allow")

    register_number_template: str | None = None
    fee_pauses_reply: StrictBool = True
    convenience_required: StrictBool = True

    @field_validator("register_number_template")
    @classmethod
    def _renders(cls, template: str | None) -> str | None:
        if template is None:
            return None
        try:
            fmt = RegisterNumberFormat(template)
            parsed = fmt.parse(fmt.format(SAMPLE_YEAR, SAMPLE_SEQ))
        except (ValueError, IndexError, KeyError) as exc:
            raise ValueError(f"template {shown(template)} cannot number a request: "
                             f"{str(exc)[:120]}") from None
        if parsed != (SAMPLE_YEAR, SAMPLE_SEQ):
            raise ValueError(f"template {shown(template)} does not read back its own numbers")
        return template
