"""The static verification site the shop publishes at `[certificates] verify_url`.

`write_site(session, directory, fingerprint)` writes `index.html`, `site.css`, `verify.js`,
`fingerprint.txt` and one small JSON file per certificate. No server code: the page reads the
fragment of the QR code's URL (`#NUMBER.HASH`) and fetches `c/<sha256("NUMBER.HASH")>.json`; a
dropped PDF is hashed in the browser (WebCrypto, nothing uploaded) and looked up as
`p/<sha256(pdf)>.json`, which names the certificate's file.

Nothing on the site can be enumerated or names a person: a certificate's file name needs its data
hash (256 bits, printed only on the certificate itself), a PDF's file name needs the PDF; the files
hold the kind, the issue date, the drive (serial partly masked), the method, the result, and whether
the certificate was revoked. No customer name, job reference, technician or computer.

Running it again updates the site: every certificate's file is rewritten (a revocation shows), and
the PDF hashes a file listed before are kept, so a customer's copy stays checkable after the shop
deleted its stored PDFs (customer anonymised).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wipestation.common.errors import BadValue
from wipestation.common.i18n import _
from wipestation.store.models import Certificate, CertificateDocument, CertificateRevocation

ASSETS = Path(__file__).parent / "site_assets"
ASSET_FILES = ("index.html", "site.css", "verify.js")
SITE_STATE = "site-published.json"  # in the data folder: what the last `certificate site` published


def certificate_file_id(number: str, sha256: str) -> str:
    """The certificate's file name on the site: unguessable without the hash printed on it."""
    return hashlib.sha256(f"{number}.{sha256}".encode()).hexdigest()


def mask_serial(serial: str) -> str:
    """Enough to recognise one's own drive, not enough to copy: `Z3TX1234` -> `Z3••••34`."""
    serial = serial.strip()
    if len(serial) <= 4:
        return "•" * len(serial)
    keep_start = 2 if len(serial) >= 8 else 1
    return serial[:keep_start] + "•" * (len(serial) - keep_start - 2) + serial[-2:]


def public_record(cert: Certificate, revocation: CertificateRevocation | None) -> dict[str, Any]:
    """What the site shows of one certificate: no personal data."""
    data = cert.data if isinstance(cert.data, dict) else {}
    drive = data.get("drive") or {}
    out: dict[str, Any] = {
        "number": cert.number,
        "kind": cert.kind.value,
        "issued_on": cert.issued_at.date().isoformat(),
        "drive": {
            "manufacturer": drive.get("manufacturer"),
            "model": drive.get("model"),
            "serial": mask_serial(str(drive.get("serial") or "")),
            "capacity_bytes": drive.get("capacity_bytes"),
        },
        "status": "revoked" if revocation is not None else "genuine",
    }
    erasure = data.get("erasure")
    if isinstance(erasure, dict):
        out["method"] = {"name": erasure.get("method"), "nist_category": erasure.get("nist_category")}
        out["result"] = {
            "verify": erasure.get("verify_result"),
            "errors": erasure.get("errors"),
            "outcome": erasure.get("outcome", "succeeded"),
        }
    destruction = data.get("destruction")
    if isinstance(destruction, dict):
        out["method"] = {"name": destruction.get("method"), "level": destruction.get("level")}
        out["result"] = {"outcome": "destroyed", "destroyed_on": destruction.get("destroyed_on")}
    if revocation is not None:
        out["revoked_on"] = revocation.revoked_at.date().isoformat()
        out["revoked_reason"] = revocation.reason
    return out


@dataclass(frozen=True)
class SiteReport:
    directory: Path
    certificates: int
    revoked: int
    pdfs: int


def _read_json(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@dataclass(frozen=True)
class SiteLag:
    """What the published site lacks: PDFs issued (a copy in another language too) and revocations
    made since the last `certificate site` of this workstation; `published`: whether there was one."""

    published: bool
    copies: int
    revocations: int

    def to_dict(self) -> dict[str, Any]:
        return {"published": self.published, "copies": self.copies, "revocations": self.revocations}


def _marks(session: Session) -> dict[str, int]:
    documents = session.execute(select(func.max(CertificateDocument.id))).scalar()
    revocations = session.execute(select(func.max(CertificateRevocation.id))).scalar()
    return {"documents": int(documents or 0), "revocations": int(revocations or 0)}


def site_lag(session: Session, data_dir: Path) -> SiteLag | None:
    """None when the site holds every PDF and revocation there is; else what it lacks. A copy rendered
    after the site was written is not found there ("changed") until the site is written again."""
    state = _read_json(data_dir / SITE_STATE)
    documents = session.execute(
        select(func.count(CertificateDocument.id)).where(CertificateDocument.id > int(state.get("documents") or 0))
    ).scalar_one()
    revoked = session.execute(
        select(func.count(CertificateRevocation.id)).where(
            CertificateRevocation.id > int(state.get("revocations") or 0)
        )
    ).scalar_one()
    if not documents and not revoked:
        return None
    return SiteLag(bool(state), int(documents), int(revoked))


def write_site(
    session: Session, directory: Path, fingerprint: str, *, shop_name: str, data_dir: Path | None = None
) -> SiteReport:
    """Write (or update) the whole site in `directory`; with `data_dir`, note there what it holds
    (`doctor` and the digest then say when the site is out of date)."""
    if directory.exists() and not directory.is_dir():
        raise BadValue(_("{path} is not a directory").format(path=directory))
    directory.mkdir(parents=True, exist_ok=True)
    for name in ASSET_FILES:
        _write(directory / name, (ASSETS / name).read_text(encoding="utf-8"))
    _write(directory / "fingerprint.txt", fingerprint + "\n")
    _write(directory / "shop.json", json.dumps({"name": shop_name, "fingerprint": fingerprint}, ensure_ascii=False))
    for sub in ("c", "p"):  # no listing of the certificates' files, even on a server that lists folders
        _write(directory / sub / "index.html", "<!doctype html><title>-</title>\n")
    revocations = {r.certificate_id: r for r in session.execute(select(CertificateRevocation)).scalars()}
    count = revoked = pdfs = 0
    for cert in session.execute(select(Certificate).order_by(Certificate.id)).scalars():
        file_id = certificate_file_id(cert.number, cert.sha256)
        path = directory / "c" / f"{file_id}.json"
        hashes = set(_read_json(path).get("pdf_sha256") or [])
        hashes |= {hashlib.sha256(doc.pdf).hexdigest() for doc in cert.documents}
        record = public_record(cert, revocations.get(cert.id))
        record["pdf_sha256"] = sorted(hashes)
        _write(path, json.dumps(record, ensure_ascii=False, sort_keys=True))
        for digest in hashes:
            _write(directory / "p" / f"{digest}.json", json.dumps({"c": file_id}))
        count += 1
        revoked += cert.id in revocations
        pdfs += len(hashes)
    if data_dir is not None:
        _write(data_dir / SITE_STATE, json.dumps({**_marks(session), "directory": str(directory)}))
    return SiteReport(directory=directory, certificates=count, revoked=revoked, pdfs=pdfs)
