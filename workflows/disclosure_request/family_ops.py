"""Clock effects on the members of a clock family (one period per key, e.g. per consulted party).

:class:`workflows.common.build.ClockOps` writes effects on one clock; a family's effects also
name the data field holding the member's key and, for one effect per object of a list, the list
(``ClockEffect.key_field`` and ``each``): ``FamilyOps("consultation").start("on",
key_field="party", each="letters")`` starts one period per letter, each from its own day.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import ClockEffect
from engine.definition.model import ClockOp

__all__ = ["FamilyOps"]


@dataclass(frozen=True)
class FamilyOps:
    """The effects a transition can have on the members of the clock family ``clock``."""

    clock: str

    def _effect(self, op: ClockOp, date_field: str | None, key_field: str | None,
                each: str | None) -> ClockEffect:
        return ClockEffect(self.clock, op, date_field, key_field=key_field, each=each)

    def start(self, date_field: str, *, key_field: str, each: str | None = None) -> ClockEffect:
        """Start the member(s) named by ``key_field`` (in each object of ``each``)."""
        return self._effect("start", date_field, key_field, each)

    def pause(self, date_field: str, *, key_field: str | None = None,
              each: str | None = None) -> ClockEffect:
        """Hold the member(s) named (every member without ``key_field``)."""
        return self._effect("pause", date_field, key_field, each)

    def resume(self, date_field: str, *, key_field: str | None = None,
               each: str | None = None) -> ClockEffect:
        """Count on from the day given (every held member without ``key_field``)."""
        return self._effect("resume", date_field, key_field, each)

    def stop(self, date_field: str, *, key_field: str | None = None,
             each: str | None = None) -> ClockEffect:
        """End the member(s) named (every member without ``key_field``)."""
        return self._effect("stop", date_field, key_field, each)
