"""The values of the statement on an erasure certificate whose scope is one data set."""

from __future__ import annotations

from certificates.texts import fmt_int
from wipestation.documents.certify import CertificateData


def statement_values(d: CertificateData, lang: str) -> dict[str, str]:
    """The values of a data set's statement: the backup, its customer and job, its size, the drive."""
    e = d.data_set
    assert e is not None
    return {
        "ref": e.backup_ref,
        "customer": str(e.customer_id),
        "job": e.job_ref,
        "files": fmt_int(e.files, lang),
        "bytes": fmt_int(e.bytes, lang),
        "serial": d.drive.serial,
    }
