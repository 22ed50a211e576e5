"""`Erasure.details` is typed: stored as JSON with a version, and rows written before the version still read."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, bindparam, text
from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.env import Env
from wipestation.common.erasure_details import (
    NOTHING_HIDDEN,
    ErasureDetails,
    Firmware,
    HiddenAreas,
    NewerDetails,
    Origin,
    RestoredHidden,
    Technique,
    Verification,
    from_json,
    to_json,
)
from wipestation.erasure.result import ErasureResult
from wipestation.records.history import erasure_entry
from wipestation.stock.health import erasure_speed
from wipestation.store.models import Drive, DriveOwner, Erasure, ErasureOutcome

# what a row looked like before the version key (issue 26): one flat object
OLD_ROW: dict[str, Any] = {
    "technique": "Overwrite with zeros",
    "pattern": "0x00",
    "bus": "ata",
    "media": "hdd",
    "via": "cli",
    "asset_tag": "INV-7",
    "hpa_dco": "HPA: 2113 hidden; DCO: none",
    "hidden_state": "hidden",
    "sectors_not_written": 2113,
    "sector_size": 4096,
    "verify_mismatches": [[0, 4096]],
    "verify_subsections": 16,
    "resumed": 2,
    "superseded": True,
    "something_later": "kept",
}

FULL = ErasureDetails(
    technique=Technique("Overwrite with zeros", "0x00"),
    origin=Origin("nvme", "ssd", "console", "INV-8"),
    firmware=Firmware("crypto", "the drive supports it"),
    hidden=HiddenAreas(
        text="restored before the erasure",
        state="restored",
        restored=RestoredHidden(100, 20, ("hdparm -N p120 /dev/x",)),
    ),
    verification=Verification(((8, 16),), 4),
    sector_size=512,
    resumed=1,
    superseded=True,
)


def _erasure_row(sessions: sessionmaker[Session], env: Env, stored: dict[str, Any]) -> int:
    """An erasure whose details column holds `stored` exactly as given (written past the typed column)."""
    with sessions.begin() as s:
        drive = Drive(serial="DETAILS-1", owner=DriveOwner.SHOP, erase_count=0, created_at=env.now())
        s.add(drive)
        s.flush()
        erasure = Erasure(
            drive_id=drive.id,
            device_path="/dev/x",
            method="zero",
            passes=1,
            nist_category="Clear",
            verify_mode="sample",
            bytes_total=10**9,
            bytes_written=10**9,
            outcome=ErasureOutcome.WITH_EXCEPTIONS,
            tool="t",
            technician="t",
            started_at=env.now() - timedelta(seconds=10),
            ended_at=env.now(),
            bad_ranges=[],
        )
        s.add(erasure)
        s.flush()
        update = text("UPDATE erasures SET details = :d WHERE id = :id").bindparams(bindparam("d", type_=JSON))
        s.execute(update, {"d": stored, "id": erasure.id})
        return erasure.id


def _raw(sessions: sessionmaker[Session], erasure_id: int) -> dict[str, Any]:
    with sessions.begin() as s:
        value = s.execute(text("SELECT details FROM erasures WHERE id = :id"), {"id": erasure_id}).scalar_one()
    return json.loads(value) if isinstance(value, str) else dict(value)


def test_a_row_written_before_the_version_reads_typed(sessions: sessionmaker[Session], env: Env) -> None:
    erasure_id = _erasure_row(sessions, env, OLD_ROW)
    with sessions.begin() as s:
        erasure = s.get_one(Erasure, erasure_id)
        details = erasure.details
        assert details.technique == Technique("Overwrite with zeros", "0x00")
        assert details.origin == Origin("ata", "hdd", "cli", "INV-7")
        assert details.hidden == HiddenAreas(
            text="HPA: 2113 hidden; DCO: none", state="hidden", sectors_not_written=2113
        )
        assert details.verification == Verification(((0, 4096),), 16)
        assert (details.sector_size, details.resumed, details.superseded, details.firmware) == (4096, 2, True, None)
        assert details.unknown == {"something_later": "kept"}
        result = ErasureResult.stored(erasure)
        assert (result.resumed, result.hpa_dco, result.sectors_not_written) == (2, "HPA: 2113 hidden; DCO: none", 2113)
        entry = erasure_entry(erasure, "DETAILS-1", None)
        assert (entry.resumed, entry.superseded, entry.sectors_not_written) == (2, True, 2113)
        assert erasure_speed(erasure) is None  # a resumed erasure has no speed
        erasure.details = replace(erasure.details)  # an equal value is not written back
    assert _raw(sessions, erasure_id) == OLD_ROW


def test_an_old_row_rewritten_is_stored_with_the_version(sessions: sessionmaker[Session], env: Env) -> None:
    erasure_id = _erasure_row(sessions, env, OLD_ROW)
    with sessions.begin() as s:
        erasure = s.get_one(Erasure, erasure_id)
        erasure.details = replace(erasure.details, resumed=3)
    raw = _raw(sessions, erasure_id)
    assert raw["version"] == 1 and raw["resumed"] == 3 and raw["something_later"] == "kept"
    assert raw["hidden"] == {"text": "HPA: 2113 hidden; DCO: none", "state": "hidden", "sectors_not_written": 2113}
    with sessions.begin() as s:
        assert s.get_one(Erasure, erasure_id).details.hidden.sectors_not_written == 2113


def test_the_oldest_rows_name_hpa_and_dco_apart() -> None:
    assert from_json({"hpa": "none", "dco": "2 hidden"}).hidden.text == "HPA: none; DCO: 2 hidden"
    assert from_json({"dco": "none"}).hidden.text == "HPA: ?; DCO: none"


def test_restored_hidden_sectors_read_from_an_old_row() -> None:
    old = {"hidden_restored": {"visible_sectors": 100, "restored_sectors": 20, "commands": ["a b"]}}
    assert from_json(old).hidden.restored == RestoredHidden(100, 20, ("a b",))
    assert from_json({"hidden_restored": NOTHING_HIDDEN}).hidden.restored_summary() == NOTHING_HIDDEN
    assert from_json({"firmware_action": "enhanced"}).firmware == Firmware("enhanced", None)


@pytest.mark.parametrize(
    "details", [ErasureDetails(), FULL, ErasureDetails(firmware=Firmware(None)), ErasureDetails(unknown={"x": 1})]
)
def test_details_survive_the_store(sessions: sessionmaker[Session], env: Env, details: ErasureDetails) -> None:
    erasure_id = _erasure_row(sessions, env, OLD_ROW)
    with sessions.begin() as s:
        s.get_one(Erasure, erasure_id).details = details
    assert _raw(sessions, erasure_id)["version"] == 1
    with sessions.begin() as s:
        assert s.get_one(Erasure, erasure_id).details == details
    assert from_json(to_json(details)) == details


def test_the_json_result_keeps_its_shape() -> None:
    assert FULL.hidden.restored_summary() == {
        "visible_sectors": 100,
        "restored_sectors": 20,
        "commands": ["hdparm -N p120 /dev/x"],
    }
    assert HiddenAreas(nothing_to_restore=True).restored_summary() == NOTHING_HIDDEN
    assert HiddenAreas().restored_summary() is None


def test_a_newer_version_is_refused_rather_than_read_wrongly() -> None:
    with pytest.raises(NewerDetails, match="version 2 are newer"):
        from_json({"version": 2, "resumed": 1})
