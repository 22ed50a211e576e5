"""How an erasure ended: the one outcome type of the engine, the store, the CLI's JSON and the console
(a `StrEnum`: its members are the stored and printed words)."""

from __future__ import annotations

import enum


class ErasureOutcome(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    # every visible sector written and verified, but sectors hidden by an HPA/DCO were not written:
    # the certificate says how many (issue 12)
    WITH_EXCEPTIONS = "with-exceptions"

    @property
    def erased(self) -> bool:
        """Ran to its end over every sector it could reach (a certificate can be issued)."""
        return self in (ErasureOutcome.SUCCEEDED, ErasureOutcome.WITH_EXCEPTIONS)
