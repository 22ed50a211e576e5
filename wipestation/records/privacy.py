"""What `customer anonymise` removes and what it keeps, column by column.

Every text-like column of the store (String, Text, JSON, binary) is named here exactly once: in
SCRUBBED, with what anonymising does to it, or in KEPT, with why it stays. A test walks the models and
fails for a column named in neither, so a new column cannot be forgotten.
"""

from __future__ import annotations

REMOVED_NOTE = "[removed when the customer was anonymised]"

SCRUBBED: dict[str, str] = {
    "customers.name": "replaced by 'anonymised customer N'",
    "customers.email": "cleared to nothing",
    "customers.phone": "cleared to nothing",
    "customers.address": "cleared to nothing",
    "custody_records.deletion_reason": "replaced by a note (how the customer asked may name them)",
    "custody_records.host_computer": "replaced by a note ('HP of <name>')",
    "holds.reason": "replaced by a note (that there was a hold, and its dates, stay)",
    "holds.release_reason": "replaced by a note",
    "destructions.early_reason": "replaced by a note (that it was early stays on the record)",
    "destructions.lower_level_reason": "replaced by a note",
    "destructions.evidence": "the evidence files' original names are removed; the copies have neutral names",
    "certificates.data": "customer name, host computer and typed reasons replaced; number and hash stay",
    "certificate_documents.pdf": "the stored PDFs, which print the name, are deleted (re-rendered on demand)",
    "certificate_sends.address": "the customer's e-mail address a certificate was mailed to: cleared",
    "certificate_sends.error": "replaced by a note (a mail server's answer may quote the address)",
    "certificate_revocations.reason": "replaced by a note (typed about the customer's record); the revocation stays",
}

KEPT: dict[str, str] = {
    "backup_sets.backup_uuid": "a random id of the backup (its key slot's name)",
    "backup_sets.job_ref": "the shop's repair job number, as on the custody record",
    "backup_sets.objects": "the random names of the backup's encrypted objects on the pool drive",
    "backup_sets.manifest_object": "the random name of the encrypted manifest",
    "backup_sets.journal_object": "the random name of the encrypted journal",
    "backup_sets.last_check": "the counts of the last check (missing, different), never a file name",
    "backup_sets.source_hash": "a SHA-256 of the source's path (to find a backup to resume), not the path",
    "backup_sets.state": "a fixed word (making, complete, erasing, erased)",
    "pool_stores.pool_uuid": "a random id of the pool drive",
    "pool_stores.prepared_by": "the technician",
    "drives.serial": "identifies the drive, not a person; the certificates are about it",
    "drives.wwn": "the drive's world wide name",
    "drives.vendor": "read from the drive",
    "drives.model": "read from the drive",
    "drives.firmware": "read from the drive",
    "drives.bus": "a fixed word (ata, usb, ...)",
    "drives.media": "a fixed word (hdd, ssd, ...)",
    "custody_records.job_ref": "the shop's repair job number, needed for the tax records (7 years)",
    "custody_records.location": "the shop's shelf or cupboard",
    "custody_records.seal_number": "the number of the shop's evidence seal",
    "custody_records.created_by": "the technician (the shop's staff, not the customer)",
    "holds.created_by": "the technician",
    "holds.released_by": "the technician",
    "erasures.device_path": "the kernel's device name",
    "erasures.method": "a method name of the tool",
    "erasures.nist_category": "Clear or Purge",
    "erasures.verify_mode": "full, sample or none",
    "erasures.verify_result": "passed, failed or skipped",
    "erasures.verify_seed": "a random number",
    "erasures.error": "written by the tool from the device's errors, never typed about a customer",
    "erasures.tool": "the tool's name and version",
    "erasures.technician": "the technician",
    "erasures.host": "the workstation's host name",
    "erasures.stream_key": "a random key, wiped when the erasure ends",
    "erasures.bad_ranges": "byte ranges",
    "erasures.details": "what the tool measured on the drive (HPA/DCO, firmware results)",
    "destructions.batch": "a generated batch id",
    "destructions.method": "a method name (shred, ...)",
    "destructions.level": "a DIN 66399 level",
    "destructions.equipment": "the shop's shredder",
    "destructions.place": "where the shop destroyed it",
    "destructions.operator": "the technician",
    "destructions.witness": "the shop's witness, who signs for the destruction on the certificate",
    "destructions.details": "particle size, whether the serial was rescanned",
    "certificates.number": "the certificate number, kept for the tax records and for verifying copies",
    "certificates.issued_by": "the technician",
    "certificates.sha256": "the hash of the original certificate data (the customer's copy verifies)",
    "certificate_documents.lang": "nl or en",
    "audit_events.actor": "the technician",
    "audit_events.action": "an action name (wipestation.audit.log.Action)",
    "audit_events.entity": "a table name",
    "audit_events.before": "ids, states and dates only: record_event refuses personal fields",
    "audit_events.after": "ids, states and dates only: record_event refuses personal fields",
    "audit_events.prev_hash": "a hash",
    "audit_events.hash": "a hash",
    "audit_head.last_hash": "a hash",
    "certificate_sends.lang": "nl or en",
    "certificate_sends.status": "sent, failed or retried",
    "certificate_sends.attempted_by": "the technician",
    "certificate_revocations.revoked_by": "the technician",
    "drive_health.verdict": "healthy, failing or unknown: about the shop's own drive",
    "drive_health.source": "which tool was read (smartctl, nvme)",
    "drive_health.figures": "SMART figures of the shop's own drive",
    "drive_health.reasons": "why the tool judged the shop's drive failing, written by the tool",
    "drive_health.read_by": "the technician",
    "drives.retired_reason": "why the shop took its own backup drive out of the pool (not a customer's disk)",
    "custody_records.destroy_reason": "why the shop destroys its own retired drive (a record with no customer)",
}


def scrub_certificate_data(data: dict[str, object]) -> dict[str, object]:
    """Certificate data as anonymising leaves it: name, host computer and typed reasons replaced."""
    out = dict(data)
    customer = out.get("customer")
    if isinstance(customer, dict) and customer:
        out["customer"] = {**customer, "name": "anonymised"}
    drive = out.get("drive")
    if isinstance(drive, dict) and drive.get("host_computer"):
        out["drive"] = {**drive, "host_computer": REMOVED_NOTE}
    destruction = out.get("destruction")
    if isinstance(destruction, dict):
        destruction = dict(destruction)
        for key in ("early_reason", "lower_level_reason"):
            if destruction.get(key):
                destruction[key] = REMOVED_NOTE
        out["destruction"] = destruction
    out["anonymised"] = True
    return out
