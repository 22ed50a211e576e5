"""The audit log: every change to a record is an event in one hash chain (`log`), which `audit verify` checks
and whose head the shop keeps elsewhere. Every context that changes a record writes here; the log itself knows
only the store."""
