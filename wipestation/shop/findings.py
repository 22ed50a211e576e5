"""One line of the doctor's report: what was checked, whether it is fine, and what to do when not."""

from __future__ import annotations

from dataclasses import dataclass

from wipestation.common.i18n import _, shown


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    message: str
    fix: str | None = None

    def line(self) -> str:
        """The finding as the technician reads it (its `to_dict()`, the JSON, stays English)."""
        check, message = shown(self.check), shown(self.message)
        if self.ok:
            return "{word:<8} {check}: {message}".format(word=_("ok"), check=check, message=message)
        fix = shown(self.fix or "")
        return "{word:<8} {check}: {message} -> {fix}".format(word=_("PROBLEM"), check=check, message=message, fix=fix)

    def to_dict(self) -> dict[str, object]:
        return {"check": self.check, "ok": self.ok, "message": self.message, "fix": self.fix}
