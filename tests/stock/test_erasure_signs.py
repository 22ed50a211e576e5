"""What an erasure tells about its drive: unwritable ranges, and its speed against the drive's own
earlier runs of the same method and verification (a resumed run says nothing about speed)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tests.fakes import FakeClock
from wipestation.common.env import Env
from wipestation.common.erasure_details import ErasureDetails
from wipestation.stock.health import erasure_signs, slow_reason
from wipestation.store.models import Drive, DriveOwner, Erasure, ErasureOutcome

GB = 10**9


def _erasure(s: Session, env: Env, drive: Drive, seconds: float, **kw: Any) -> Erasure:
    """An erasure of `seconds` that ends now; the clock then moves on, so that the next one runs
    after it, alone (an erasure beside another one has no speed: see the test below)."""
    assert isinstance(env.clock, FakeClock)
    env.clock.advance(seconds=seconds + 1)
    start = env.now() - timedelta(seconds=seconds)
    values: dict[str, Any] = {
        "drive_id": drive.id,
        "device_path": "/dev/sdz",
        "method": "zero",
        "passes": 1,
        "nist_category": "Clear",
        "verify_mode": "sample",
        "bytes_total": 100 * GB,
        "bytes_written": 100 * GB,
        "outcome": ErasureOutcome.SUCCEEDED,
        "tool": "t",
        "technician": "t",
        "started_at": start,
        "ended_at": env.now(),
        "bad_ranges": [],
        "details": ErasureDetails(),
    }
    values.update(kw)
    e = Erasure(**values)
    s.add(e)
    s.flush()
    return e


def test_speed_is_compared_with_like_runs_only(sessions: sessionmaker[Session], env: Env) -> None:
    with sessions.begin() as s:
        drive = Drive(serial="SPEED-1", owner=DriveOwner.SHOP, erase_count=0, created_at=env.now())
        s.add(drive)
        s.flush()
        for _ in range(3):
            _erasure(s, env, drive, 500)  # 200 MB/s, sampled verification
        _erasure(s, env, drive, 2000, verify_mode="full")  # slower, but it read everything back
        _erasure(s, env, drive, 100_000, details=ErasureDetails(resumed=1))  # resumed after days: no speed
        _erasure(s, env, drive, 100, method="random")  # another method
        _erasure(s, env, drive, 10, outcome=ErasureOutcome.FAILED)  # failed runs do not count
        now = _erasure(s, env, drive, 2500, bad_ranges=[[0, 4096]])  # 40 MB/s
        signs = erasure_signs(s, now)
        assert signs.io_errors == 1
        assert signs.bytes_per_second == 40e6 and sorted(signs.earlier_bytes_per_second) == [200e6] * 3
        assert slow_reason(signs, 50) and slow_reason(signs, 20) is None
        resumed = _erasure(s, env, drive, 100_000, details=ErasureDetails(resumed=2))
        assert erasure_signs(s, resumed).bytes_per_second is None
        full = _erasure(s, env, drive, 2100, verify_mode="full")
        assert erasure_signs(s, full).earlier_bytes_per_second == (50e6,)


def test_a_run_beside_another_erasure_has_no_speed_and_no_baseline(sessions: sessionmaker[Session], env: Env) -> None:
    """Like with like: two erasures side by side on one workstation share its CPU (and often a bus):
    neither's speed is judged, and neither counts in the drive's usual speed later."""
    with sessions.begin() as s:
        drive = Drive(serial="SPEED-2", owner=DriveOwner.SHOP, erase_count=0, created_at=env.now())
        other = Drive(serial="SPEED-3", owner=DriveOwner.SHOP, erase_count=0, created_at=env.now())
        s.add_all([drive, other])
        s.flush()
        alone = _erasure(s, env, drive, 500, host="ws1")  # 200 MB/s alone
        beside = _erasure(s, env, drive, 2500, host="ws1")  # 40 MB/s ...
        _erasure_beside(s, env, other, beside, host="ws1")  # ... while the other drive was erased
        elsewhere = _erasure(s, env, drive, 2500, host="ws1")
        _erasure_beside(s, env, other, elsewhere, host="ws2")  # another workstation shares nothing
        assert erasure_signs(s, alone).bytes_per_second == 200e6
        shared = erasure_signs(s, beside)
        assert shared.shared and shared.bytes_per_second is None and slow_reason(shared, 50) is None
        apart = erasure_signs(s, elsewhere)
        assert not apart.shared and apart.bytes_per_second == 40e6
        assert apart.earlier_bytes_per_second == (200e6,)  # the shared run is no baseline


def _erasure_beside(s: Session, env: Env, drive: Drive, during: Erasure, **kw: Any) -> Erasure:
    assert during.ended_at is not None
    middle = during.started_at + (during.ended_at - during.started_at) / 2
    values: dict[str, Any] = {"started_at": middle, "ended_at": during.ended_at}
    e = _erasure(s, env, drive, 1, **kw)
    e.started_at, e.ended_at = values["started_at"], values["ended_at"]
    s.flush()
    return e
