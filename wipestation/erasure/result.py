"""The result of one erasure, as `run_erasure` returns it: the stored erasure, the health verdict
of a shop drive, and the certificate issued for it (or why none was). Frozen and typed: the CLI's
JSON is `to_dict()`, the console reads the fields."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from wipestation.common.outcome import ErasureOutcome

if TYPE_CHECKING:
    from wipestation.store.models import Erasure


@dataclass(frozen=True)
class ErasureResult:
    erasure_id: int
    drive_id: int
    record_id: int | None
    device: str
    method: str
    passes: int
    nist_category: str
    outcome: ErasureOutcome
    bytes_total: int
    bytes_written: int
    bytes_verified: int
    verify_mode: str
    verify_result: str | None
    verify_seed: str | None
    verify_coverage: float | None
    bad_ranges: tuple[tuple[int, int], ...]  # [start, end) byte ranges that could not be written
    error: str | None
    checkpoint_pass: int
    checkpoint_offset: int
    tool: str
    started_at: datetime
    ended_at: datetime | None
    resumed: int  # how many times it was resumed from a checkpoint
    hpa_dco: str | None
    sectors_not_written: int | None  # hidden (HPA/DCO) sectors the overwrite could not reach
    hidden_restored: str | dict[str, Any] | None  # "nothing hidden", or what --restore-hidden restored
    health: str | None = None  # the verdict on a shop backup drive's health, read after the erasure
    certificate: str | None = None  # the number of the certificate issued for it
    certificate_error: str | None = None  # why none was issued although it should have been
    mail: dict[str, Any] | None = None  # the automatic send on issue ([certificates] send_on_issue), if any
    mail_warning: str | None = None  # one line when that send failed, saying how to retry

    @property
    def finished_well(self) -> bool:
        """Succeeded, or succeeded with exceptions (hidden sectors not written)."""
        return self.outcome.erased

    @classmethod
    def stored(cls, erasure: Erasure) -> ErasureResult:
        """The erasure as stored (no health verdict or certificate yet)."""
        details = erasure.details
        return cls(
            erasure_id=erasure.id,
            drive_id=erasure.drive_id,
            record_id=erasure.record_id,
            device=erasure.device_path,
            method=erasure.method,
            passes=erasure.passes,
            nist_category=erasure.nist_category,
            outcome=erasure.outcome,
            bytes_total=erasure.bytes_total,
            bytes_written=erasure.bytes_written,
            bytes_verified=erasure.bytes_verified,
            verify_mode=erasure.verify_mode,
            verify_result=erasure.verify_result,
            verify_seed=erasure.verify_seed,
            verify_coverage=erasure.verify_coverage,
            bad_ranges=tuple((int(a), int(b)) for a, b in erasure.bad_ranges or ()),
            error=erasure.error,
            checkpoint_pass=erasure.checkpoint_pass,
            checkpoint_offset=erasure.checkpoint_offset,
            tool=erasure.tool,
            started_at=erasure.started_at,
            ended_at=erasure.ended_at,
            resumed=details.resumed,
            hpa_dco=details.hidden.text,
            sectors_not_written=details.hidden.sectors_not_written,
            hidden_restored=details.hidden.restored_summary(),
        )

    def to_dict(self) -> dict[str, Any]:
        """Every field under its own name, in declaration order (the `erase --json` document);
        bad ranges as lists of two numbers."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["bad_ranges"] = [list(r) for r in self.bad_ranges]
        return out
