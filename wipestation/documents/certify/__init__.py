"""Certificates: the data the customer receives, its number, its hash, and issuing it.

The core fills a frozen `CertificateData` from the records; a `CertificateRenderer` (the
`certificates` package, found through the `wipestation.certificates` entry point) turns it into a
signed PDF and checks such PDFs. The renderer never sees the database, and the core never imports
reportlab or pyHanko.

Numbers are `PREFIX-YEAR-NNNNNN`, gap-free per year and unique across every workstation sharing one
database: the year's counter row is locked while a number is taken, inside the caller's transaction,
so a failure later in that transaction gives the number back.

One module per concern: `data` (the frozen data, its JSON and QR payload), `renderer` (the Protocol
and its entry point), `numbering`, `issuing` (building the data and issuing), `stored` (stored
certificates and their copies). Import from here."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from wipestation.documents.certify.data import (
    ANONYMISED,
    ENTRY_POINT_GROUP,
    LANGUAGES,
    QR_PREFIX,
    RULE_BEFORE_DESTRUCTION,
    RULE_EARLY,
    RULE_HOLD_RELEASED,
    RULE_NO_RECORD,
    RULE_RETENTION,
    SCHEMA,
    AuditHeadRef,
    CertificateData,
    CustomerRef,
    DataSetFacts,
    DestructionFacts,
    DriveFacts,
    ErasureFacts,
    Evidence,
    Issuer,
    QrPayload,
    canonical_json,
    parse_qr_payload,
    qr_payload,
)
from wipestation.documents.certify.renderer import (
    CertificateRenderer,
    VerifyReport,
    load_renderer,
    require_shop,
)

if TYPE_CHECKING:
    from wipestation.documents.certify.issuing import (
        build_destruction_data,
        build_erasure_data,
        issue_destruction_certificate,
        issue_erasure_certificate,
        prior_erasures,
        protection_class,
    )
    from wipestation.documents.certify.numbering import (
        format_number,
        next_number,
    )
    from wipestation.documents.certify.stored import (
        anonymised_data,
        certificate_pdf,
        certificate_to_dict,
        find_certificate,
        list_certificates,
        stored_hashes,
        stored_record_problem,
    )

# Issuing, numbering and the stored certificates need the database (SQLAlchemy and the models):
# imported on first use, so that reading the data and verifying a PDF (`certificate verify` on a
# customer's machine) starts without them.
_LAZY = {
    **dict.fromkeys(
        (
            "build_destruction_data",
            "build_erasure_data",
            "issue_destruction_certificate",
            "issue_erasure_certificate",
            "prior_erasures",
            "protection_class",
        ),
        "wipestation.documents.certify.issuing",
    ),
    **dict.fromkeys(("format_number", "next_number"), "wipestation.documents.certify.numbering"),
    **dict.fromkeys(
        (
            "anonymised_data",
            "certificate_pdf",
            "certificate_to_dict",
            "find_certificate",
            "list_certificates",
            "stored_hashes",
            "stored_record_problem",
        ),
        "wipestation.documents.certify.stored",
    ),
}


def __getattr__(name: str) -> Any:  # noqa: ANN401 - the lazily imported name, typed above for mypy
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ANONYMISED",
    "ENTRY_POINT_GROUP",
    "LANGUAGES",
    "QR_PREFIX",
    "RULE_BEFORE_DESTRUCTION",
    "RULE_EARLY",
    "RULE_HOLD_RELEASED",
    "RULE_NO_RECORD",
    "RULE_RETENTION",
    "SCHEMA",
    "AuditHeadRef",
    "CertificateData",
    "CertificateRenderer",
    "CustomerRef",
    "DataSetFacts",
    "DestructionFacts",
    "DriveFacts",
    "ErasureFacts",
    "Evidence",
    "Issuer",
    "QrPayload",
    "VerifyReport",
    "anonymised_data",
    "build_destruction_data",
    "build_erasure_data",
    "canonical_json",
    "certificate_pdf",
    "certificate_to_dict",
    "find_certificate",
    "format_number",
    "issue_destruction_certificate",
    "issue_erasure_certificate",
    "list_certificates",
    "load_renderer",
    "next_number",
    "parse_qr_payload",
    "prior_erasures",
    "protection_class",
    "qr_payload",
    "require_shop",
    "stored_hashes",
    "stored_record_problem",
]
