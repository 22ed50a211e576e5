"""`wipestation destroy` and `wipestation certificate ...` through the CLI."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import Shop
from tests.conftest import Cli
from wipestation.documents.certify import VerifyReport
from wipestation.store.models import CustodyKind


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "shredder.jpg"
    path.write_bytes(b"\xff\xd8 not really a jpeg " * 100)
    return path


def test_destroy_one_drive_issues_a_certificate_that_verifies(
    cli: Cli, shop: Shop, photo: Path, tmp_path: Path
) -> None:
    record = shop.record("HDD-1")
    out = cli.ok(
        "destroy", str(record), "--method", "shred", "--level", "H-5", "--witness", "Piet", "--evidence", str(photo)
    )
    assert out["record"] == record and out["certificate"] == "WS-2026-000001"
    shown = cli.ok("show", str(record))
    assert shown["state"] == "destroyed"
    copied = cli.config.data_dir / "evidence"
    files = list(copied.rglob("*.jpg"))
    assert len(files) == 1 and files[0].read_bytes() == photo.read_bytes()

    pdf_path = tmp_path / "c.pdf"
    assert cli("certificate", "pdf", out["certificate"], "-o", str(pdf_path)).exit_code == 0
    again = tmp_path / "again.pdf"
    assert cli("certificate", "pdf", out["certificate"], "-o", str(again)).exit_code == 0
    assert pdf_path.read_bytes() == again.read_bytes()  # the very same stored bytes
    result = cli("certificate", "verify", str(pdf_path), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["database_checked"]
    evidence_hash = hashlib.sha256(photo.read_bytes()).hexdigest()
    listed = cli.ok("certificate", "list")
    assert [c["number"] for c in listed] == ["WS-2026-000001"]

    english = tmp_path / "en.pdf"
    assert cli("certificate", "pdf", out["certificate"], "--lang", "en", "-o", str(english)).exit_code == 0
    assert english.read_bytes() != pdf_path.read_bytes()
    assert cli("certificate", "verify", str(english)).exit_code == 0
    assert cli.ok("certificate", "list")[0]["languages"] == ["en", "nl"]
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(english).pages)
    assert "Certificate of destruction" in text and evidence_hash in "".join(text.split())


def test_destroy_several_drives_is_one_batch_with_one_certificate_each(cli: Cli, shop: Shop) -> None:
    refs = [shop.record("HDD-A"), shop.record("HDD-B")]
    out = cli.ok("destroy", str(refs[0]), "HDD-B", "--method", "shred", "--level", "H-5")
    assert isinstance(out, list) and [o["record"] for o in out] == refs
    assert len({o["batch"] for o in out}) == 1
    assert [o["certificate"] for o in out] == ["WS-2026-000001", "WS-2026-000002"]


def test_verify_fails_on_a_changed_file_with_one_line(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    out = cli.ok("destroy", str(shop.record("HDD-V")), "--method", "shred", "--level", "H-4")
    pdf = tmp_path / "c.pdf"
    cli("certificate", "pdf", out["certificate"], "-o", str(pdf))
    data = bytearray(pdf.read_bytes())
    data[data.index(b"Certificate data")] ^= 0x20
    pdf.write_bytes(bytes(data))
    result = cli("certificate", "verify", str(pdf))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "NOT authentic" in result.stderr


def test_verify_fails_when_the_database_does_not_know_the_certificate(
    cli: Cli, shop: Shop, tmp_path: Path, db_url: str
) -> None:
    out = cli.ok("destroy", str(shop.record("HDD-W")), "--method", "shred", "--level", "H-4")
    pdf = tmp_path / "c.pdf"
    cli("certificate", "pdf", out["certificate"], "-o", str(pdf))
    cli.sql("DELETE FROM certificate_documents")
    cli.sql("UPDATE certificates SET sha256 = :x, data = :d", x="0" * 64, d=json.dumps({"changed": True}))
    result = cli("certificate", "verify", str(pdf))
    assert result.exit_code == 1 and "differs from the record stored" in result.stderr
    assert cli("certificate", "verify", str(pdf), "--offline").exit_code == 0


SHRED = ["--method", "shred"]
BAD = [
    (["999", *SHRED, "--level", "H-5"], "no record"),
    (["BACKUP", *SHRED, "--level", "H-5"], "is a backup"),
    (["NOTDUE", *SHRED, "--level", "H-5"], "not due until"),
    (["NOTDUE", *SHRED, "--level", "H-5", "--early"], "--early needs --reason"),
    (["HDD", "--method", "melt", "--level", "H-5"], "unknown destruction method"),
    (["HDD", *SHRED, "--level", "H-9"], "unknown security level"),
    (["HDD", *SHRED, "--level", "E-5"], "use an H level"),
    (["SSD", *SHRED, "--level", "H-5"], "use an E level"),
    (["SSD", "--method", "degauss", "--level", "E-5"], "degaussing does not destroy flash"),
    (["HDD", *SHRED, "--level", "H-3"], "below the minimum"),
    (["HDD", *SHRED, "--level", "H-5", "--evidence", "/nonexistent/photo.jpg"], "evidence file not found"),
    (["HDD", "HDD", *SHRED, "--level", "H-5"], "given twice"),
    (["HDD", *SHRED, "--level", "H-5", "--on", "2027-01-01"], "in the future"),
    (["HDD", *SHRED, "--level", "H-5", "--on", "1 jan"], "not a date"),
    (["HDD", *SHRED, "--level", "H-5", "--on", "2026-06-30", "--early", "--reason", "x"], "before it was declared"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_changes_nothing_and_consumes_no_number(cli: Cli, shop: Shop, args: list[str], message: str) -> None:
    shop.record("HDD")
    shop.record("SSD", media="ssd")
    shop.record("BACKUP", kind=CustodyKind.BACKUP)
    shop.record("NOTDUE", due_on=shop.env.today().replace(year=2027))
    before = cli.snapshot()
    result = cli("destroy", *args)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli.snapshot() == before
    assert cli.ok("destroy", "HDD", "--method", "shred", "--level", "H-5")["certificate"] == "WS-2026-000001"


def test_a_damaged_key_file_is_refused_before_anything_is_written(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    shop.record("HDD-K")
    bad_key = tmp_path / "damaged.pem"
    bad_key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    good = cli.config
    cli.config = dataclasses.replace(good, certificates=dataclasses.replace(good.certificates, key_path=str(bad_key)))
    before = cli.snapshot()
    result = cli("destroy", "HDD-K", "--method", "shred", "--level", "H-5")
    assert result.exit_code == 1 and "damaged" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli.snapshot() == before
    assert not (good.data_dir / "evidence").exists()
    cli.config = good
    assert cli.ok("destroy", "HDD-K", "--method", "shred", "--level", "H-5")["certificate"] == "WS-2026-000001"


def test_accept_lower_records_the_reason(cli: Cli, shop: Shop) -> None:
    shop.record("HDD-L")
    out = cli.ok("destroy", "HDD-L", "--method", "drill", "--level", "H-2", "--accept-lower", "customer asked")
    assert out["level"] == "H-2"
    rows = cli.sql("SELECT lower_level_reason FROM destructions")
    assert rows[0][0] == "customer asked"


def test_early_destruction_with_reason(cli: Cli, shop: Shop) -> None:
    shop.record("HDD-E", due_on=shop.env.today().replace(year=2027))
    out = cli.ok("destroy", "HDD-E", "--method", "shred", "--level", "H-5", "--early", "--reason", "customer agreed")
    assert out["certificate"] == "WS-2026-000001"


# --- Review -----------------------------------------------------------------------------------------


def _issued_pdf(cli: Cli, shop: Shop, tmp_path: Path, serial: str, **record: object) -> tuple[str, Path]:
    out = cli.ok("destroy", str(shop.record(serial, **record)), "--method", "shred", "--level", "H-5")  # type: ignore[arg-type]
    pdf = tmp_path / f"{serial}.pdf"
    assert cli("certificate", "pdf", out["certificate"], "-o", str(pdf)).exit_code == 0
    return out["certificate"], pdf


def test_verify_of_a_damaged_or_foreign_file_is_one_line_and_exit_1(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    _, pdf = _issued_pdf(cli, shop, tmp_path, "HDD-D")
    genuine = pdf.read_bytes()
    stream = genuine.index(b"stream", genuine.index(b"/Type /EmbeddedFile")) + len(b"stream\r\n")
    inflates_not = bytearray(genuine)
    inflates_not[stream + 40] ^= 1
    cases = {
        "empty": b"",
        "text": b"hello, not a PDF\n",
        "truncated": genuine[: len(genuine) // 2],
        "damaged attachment": bytes(inflates_not),
    }
    for name, content in cases.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(content)
        result = cli("certificate", "verify", str(path))
        assert result.exit_code == 1, name
        assert len(result.stderr.strip().splitlines()) == 1 and "NOT authentic" in result.stderr, name


def test_verify_fails_when_only_the_stored_hash_was_changed(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    number, pdf = _issued_pdf(cli, shop, tmp_path, "HDD-H")
    cli.sql("UPDATE certificates SET sha256 = :x WHERE number = :n", x="0" * 64, n=number)
    result = cli("certificate", "verify", str(pdf))
    assert result.exit_code == 1 and "differs from the record stored" in result.stderr


def test_verify_fails_when_only_the_stored_data_was_changed(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    number, pdf = _issued_pdf(cli, shop, tmp_path, "HDD-J")
    (raw,) = cli.sql("SELECT data FROM certificates WHERE number = :n", n=number)[0]
    data = json.loads(raw) if isinstance(raw, str) else raw
    data["destruction"]["level"] = "H-7"
    cli.sql("UPDATE certificates SET data = :d WHERE number = :n", d=json.dumps(data), n=number)
    result = cli("certificate", "verify", str(pdf))
    assert result.exit_code == 1 and "record stored for" in result.stderr


def test_after_anonymising_both_copies_verify_and_a_changed_record_does_not(
    cli: Cli, shop: Shop, tmp_path: Path
) -> None:
    customer = shop.customer("Zoë Geheim")
    number, original = _issued_pdf(cli, shop, tmp_path, "HDD-X", customer_id=customer)
    assert cli("customer", "anonymise", str(customer)).exit_code == 0
    fresh = tmp_path / "fresh.pdf"
    assert cli("certificate", "pdf", number, "--lang", "en", "-o", str(fresh)).exit_code == 0
    for pdf in (original, fresh):
        result = cli("certificate", "verify", str(pdf))
        assert result.exit_code == 0, result.stderr
    (raw,) = cli.sql("SELECT data FROM certificates WHERE number = :n", n=number)[0]
    data = json.loads(raw) if isinstance(raw, str) else raw
    data["destruction"]["witness"] = "Someone who was not there"
    cli.sql("UPDATE certificates SET data = :d WHERE number = :n", d=json.dumps(data), n=number)
    result = cli("certificate", "verify", str(original))
    assert result.exit_code == 1 and "differs from the record stored" in result.stderr


def test_a_renderer_failure_after_the_number_was_taken_consumes_nothing(cli: Cli, shop: Shop, photo: Path) -> None:
    shop.record("HDD-R")

    class Broken:
        def prepare(self) -> None:
            pass

        def render(self, data: object, lang: str) -> bytes:
            raise OSError("disk full")

        def verify(self, pdf: bytes) -> VerifyReport:
            raise AssertionError

    before = cli.snapshot()
    cli.overrides = replace(cli.overrides, certificate_renderer=Broken())
    result = cli("destroy", "HDD-R", "--method", "shred", "--level", "H-5", "--evidence", str(photo))
    assert result.exit_code == 1 and "disk full" in result.stderr
    assert cli.snapshot() == before
    assert not list((cli.config.data_dir / "evidence").rglob("*.jpg"))
    cli.overrides = replace(cli.overrides, certificate_renderer=None)
    assert cli.ok("destroy", "HDD-R", "--method", "shred", "--level", "H-5")["certificate"] == "WS-2026-000001"


def test_received_on_and_the_signature_date_are_the_shops_calendar_days(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    """A disk registered at 00:30 Amsterdam time was received that day, not the day before (UTC); a
    certificate issued at 00:30 on 1 January is of the new year, and so is the date it is signed on."""
    from datetime import UTC, date, datetime

    from pypdf import PdfReader

    record = shop.record("HDD-T")
    cli.sql(
        "UPDATE custody_records SET created_at = :t WHERE id = :i",
        t=datetime(2026, 7, 1, 22, 30, tzinfo=UTC).isoformat(" "),
        i=record,
    )
    cli.clock.set_day(date(2026, 12, 31))
    cli.clock.advance(hours=11, minutes=30)  # 23:30 UTC: 00:30 on 1 January 2027 in Amsterdam
    out = cli.ok("destroy", str(record), "--method", "shred", "--level", "H-5", "--on", "2027-01-01")
    assert out["certificate"] == "WS-2027-000001"
    pdf = tmp_path / "t.pdf"
    assert cli("certificate", "pdf", out["certificate"], "--lang", "en", "-o", str(pdf)).exit_code == 0
    result = cli("certificate", "verify", str(pdf), "--json")
    report = json.loads(result.stdout)
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "1 January 2027, 00:30:00 CET" in text
    assert "Date: 1 January 2027" in text and "31 December 2026" not in text
    assert result.exit_code == 0, result.stderr
    assert report["ok"]
    (raw,) = cli.sql("SELECT data FROM certificates WHERE number = :n", n=out["certificate"])[0]
    data = json.loads(raw) if isinstance(raw, str) else raw
    assert data["destruction"]["received_on"] == "2026-07-02"


def test_a_destruction_names_the_drives_erasures_of_earlier_records(
    cli: Cli, shop: Shop, renderer: PdfCertificateRenderer
) -> None:
    """A drive erased under one record (its certificate issued) and destroyed under a later one: the
    destruction certificate names that erasure (the drive is the same serial), not "geen"."""
    from datetime import UTC, datetime

    from wipestation.documents.certify import issue_erasure_certificate
    from wipestation.store.models import CustodyRecord, CustodyState

    first = shop.record("HDD-PRIOR", kind=CustodyKind.BACKUP)
    erased = shop.erasure(first)
    with shop.sessions.begin() as s:
        number = issue_erasure_certificate(s, shop.env, renderer, erased).number
        old = s.get(CustodyRecord, first)
        assert old is not None
        old.state = CustodyState.ERASED
        later = CustodyRecord(
            kind=CustodyKind.ABANDONED,
            state=CustodyState.STORED,
            drive_id=old.drive_id,
            customer_id=old.customer_id,
            job_ref="JOB-2",
            started_on=old.started_on,
            due_on=old.due_on,
            location="Kast C",
            created_at=datetime(2026, 8, 1, 10, 0, tzinfo=UTC),
            created_by="tester",
        )
        s.add(later)
        s.flush()
        later_id = later.id
    out = cli.ok("destroy", str(later_id), "--method", "shred", "--level", "H-5")
    data = cli.sql(f"SELECT data FROM certificates WHERE number = '{out['certificate']}'")[0][0]
    facts = (json.loads(data) if isinstance(data, str) else data)["destruction"]
    assert facts["prior_erasure"] == number
