"""`customer anonymise` means gone: no text typed about the customer survives in any column, in the
SQLite file, its WAL, or the data folder (evidence file names included)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import JSON, Enum, LargeBinary, String, Text

from tests.conftest import Cli
from wipestation.common.config import MailConfig
from wipestation.records.privacy import KEPT, SCRUBBED
from wipestation.store.models import Base

NAME = "Ëlise van Dijk-Smit"
TRACES = ("Ëlise", "van Dijk", "Dijk-Smit", "elise@voorbeeld.nl")


def _text_columns() -> dict[str, object]:
    out: dict[str, object] = {}
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            kind = getattr(kind, "impl_instance", kind)  # a TypeDecorator (typed erasure details): what it stores
            if isinstance(kind, Enum):
                continue  # fixed words only
            if isinstance(kind, String | Text | JSON | LargeBinary):
                out[f"{table.name}.{column.name}"] = kind
    return out


def test_every_text_column_is_either_scrubbed_or_kept_with_a_reason() -> None:
    columns = _text_columns()
    unlisted = sorted(set(columns) - set(SCRUBBED) - set(KEPT))
    assert unlisted == [], f"say in wipestation/records/privacy.py whether anonymise scrubs these: {unlisted}"
    assert sorted(set(SCRUBBED) & set(KEPT)) == []
    assert sorted((set(SCRUBBED) | set(KEPT)) - set(columns)) == [], "listed but not a column"
    assert all(len(why.split()) >= 1 and why.strip() for why in (*SCRUBBED.values(), *KEPT.values()))


def _customer_with_everything(cli: Cli, tmp_path: Path) -> tuple[int, Path]:
    cid = int(
        cli.ok("customer", "add", "--name", NAME, "--email", "elise@voorbeeld.nl", "--phone", "06-12345678")["id"]
    )
    common = ["--model", "WD10EZEX", "--capacity", "1TB", "--media", "hdd", "--customer", str(cid)]
    computer = f"HP of {NAME}"
    cli.ok("abandoned", "register", "--serial", "GONE-1", *common, "--computer", computer)
    cli.ok("abandoned", "register", "--serial", "GONE-2", *common, "--computer", computer)
    cli.ok("hold", "GONE-1", "--until", "2027-06-01", "--reason", f"{NAME} disputes the invoice")
    cli.ok("release", "GONE-1", "--reason", f"call with mrs {NAME}")
    cli.ok("request-deletion", "GONE-1", "--reason", "mail from elise@voorbeeld.nl")
    camera = tmp_path / "camera"
    camera.mkdir()
    photo = camera / f"laptop {NAME}.JPG"
    photo.write_bytes(b"\xff\xd8 a photo of shredded platters")
    destroyed = cli.ok(
        "destroy",
        "GONE-2",
        "--method",
        "shred",
        "--level",
        "H-3",
        "--accept-lower",
        f"{NAME} only needs H-3",
        "--early",
        "--reason",
        f"{NAME} agreed on the phone",
        "--evidence",
        str(photo),
    )
    assert destroyed["certificate"]
    # a mail that did not go out (its address recorded with the attempt) and a revocation typed about it
    cli.config = dataclasses.replace(cli.config, mail=MailConfig(host="127.0.0.1", port=1, sender="w@somcom.nl"))
    assert cli("certificate", "send", destroyed["certificate"]).exit_code != 0
    cli.ok("certificate", "revoke", destroyed["certificate"], "--reason", f"wrong disk of {NAME}")
    return cid, camera


def _all_rows(cli: Cli) -> str:
    return json.dumps(
        {t: [list(map(str, r)) for r in cli.sql(f'SELECT * FROM "{t}"')] for t in Base.metadata.tables},
        ensure_ascii=False,
    )


def _files_blob(cli: Cli) -> bytes:
    """The SQLite file, its WAL and journal, and every name and byte in the data folder."""
    parts = [p.read_bytes() for p in cli.db_path.parent.iterdir() if p.name.startswith(cli.db_path.name)]
    for path in sorted(cli.config.data_dir.rglob("*")):
        parts.append(str(path.relative_to(cli.config.data_dir)).encode())
        if path.is_file():
            parts.append(path.read_bytes())
    return b"\n".join(parts)


def test_nothing_typed_about_the_customer_survives(cli: Cli, tmp_path: Path) -> None:
    cid, _ = _customer_with_everything(cli, tmp_path)
    before = _all_rows(cli)
    assert all(trace in before for trace in TRACES)  # the test does put the name everywhere
    evidence = [p.name for p in (cli.config.data_dir / "evidence").rglob("*") if p.is_file()]
    assert len(evidence) == 1 and NAME not in evidence[0] and evidence[0].endswith(".jpg")
    anon = cli.ok("customer", "anonymise", str(cid))
    assert anon["anonymised"] is True
    after = _all_rows(cli)
    for trace in TRACES:
        assert trace not in after, trace
    shown = cli.ok("show", "GONE-1")
    assert "removed" in shown["host_computer"] and "removed" in shown["deletion_reason"]
    assert "GONE-2" in after and "H-3" in after  # the records and the destruction stay
    if cli.is_sqlite:
        blob = _files_blob(cli)
        for trace in TRACES:
            assert trace.encode() not in blob, trace
        assert b"GONE-1" in blob


def test_a_column_listed_as_scrubbed_is_scrubbed(cli: Cli, tmp_path: Path) -> None:
    """Each String/Text column of SCRUBBED gets its own marker; none survives anonymise."""
    cid, _ = _customer_with_everything(cli, tmp_path)
    columns = _text_columns()
    markers = {}
    for name in SCRUBBED:
        if not isinstance(columns[name], String | Text):
            continue
        table, column = name.split(".")
        marker = f"MARK-{table}-{column}"
        markers[name] = marker
        cli.sql(f'UPDATE "{table}" SET "{column}" = :m', m=marker)  # only this customer's rows exist
    assert len(markers) >= 9
    cli.ok("customer", "anonymise", str(cid))
    after = _all_rows(cli)
    left = [name for name, marker in markers.items() if marker in after]
    assert left == []
    if cli.is_sqlite:
        blob = _files_blob(cli)
        assert [name for name, marker in markers.items() if marker.encode() in blob] == []


@pytest.mark.parametrize("filename", ["foto.tar.gz", "noext", "weird.j p g"])
def test_evidence_copies_have_neutral_names(cli: Cli, tmp_path: Path, filename: str) -> None:
    cid = cli.ok("customer", "add", "--name", "Piet")["id"]
    cli.ok(
        "abandoned", "register", "--serial", "EV-1", "--model", "M", "--capacity", "1TB", "--media", "hdd",
        "--customer", str(cid), "--abandoned-on", "2026-07-01",
    )  # fmt: skip
    source = tmp_path / filename
    source.write_bytes(b"evidence")
    cli.ok("destroy", "EV-1", "--method", "shred", "--level", "H-5", "--evidence", str(source))
    copies = [p for p in (cli.config.data_dir / "evidence").rglob("*") if p.is_file()]
    assert len(copies) == 1
    stem = filename.split(".")[0].split(" ")[0]
    assert stem not in copies[0].name
    assert copies[0].read_bytes() == b"evidence"
