"""Around a finished erasure: the health of a shop backup drive (its own transaction, before the end
is recorded), the certificate of a customer's disk (inside the transaction that records the end: the
two are never separated), and the automatic send of that certificate (`[certificates] send_on_issue`)
after it."""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.commands import CommandRunner
from wipestation.common.env import Env
from wipestation.common.identity import DriveIdentity
from wipestation.documents.certify import CertificateRenderer, issue_erasure_certificate
from wipestation.documents.sending import send_on_issue
from wipestation.erasure.engine import EngineResult
from wipestation.erasure.result import ErasureResult
from wipestation.erasure.starting import ErasureStart
from wipestation.stock.health import erasure_signs, read_health
from wipestation.stock.pool import record_health
from wipestation.store.models import Drive, Erasure, ErasureOutcome

log = logging.getLogger(__name__)


def certify_in(
    session: Session, env: Env, stored: ErasureResult, renderer: CertificateRenderer | None
) -> ErasureResult:
    """Issue the certificate of a finished erasure of a customer's disk inside the transaction that
    records the erasure's end (a failure rolls both back)."""
    if not stored.finished_well or stored.record_id is None or renderer is None:
        return stored
    number = issue_erasure_certificate(session, env, renderer, stored.erasure_id).number
    return replace(stored, certificate=str(number))


def send_issued(
    sessions: sessionmaker[Session], env: Env, done: ErasureResult, renderer: CertificateRenderer | None
) -> ErasureResult:
    """After the issuing transaction, when the shop asks for it (`[certificates] send_on_issue`); a
    failed send leaves the erasure and its certificate as they are and says how to retry."""
    if not done.certificate:
        return done
    sent = send_on_issue(sessions, env, renderer, done.certificate)
    if sent is None:
        return done
    return replace(done, mail=sent.to_dict(), mail_warning=sent.failure_line())


def read_backup_drive_health(
    sessions: sessionmaker[Session],
    env: Env,
    runner: CommandRunner,
    start: ErasureStart,
    device: str,
    identity: DriveIdentity,
    result: EngineResult,
) -> str | None:
    """When the erasure of a shop backup drive has run (to success or failure, not interrupted): read
    its SMART and record it with what the erasure showed (unwritable ranges, speed), just before the
    erasure's end is recorded, so the certificate finds it. Returns the verdict; None for a
    customer's disk or an interrupted erasure. A failure here never changes the erasure's result.
    Whether the drive is the shop's was read when the erasure began (its row was locked then)."""
    if result.outcome not in (ErasureOutcome.SUCCEEDED.value, ErasureOutcome.FAILED.value) or not start.shop_drive:
        return None
    erasure_id = start.erasure_id
    reading = read_health(runner, device, bus=identity.bus)
    try:
        with sessions.begin() as s:
            erasure = s.get_one(Erasure, erasure_id)
            signs = erasure_signs(
                s, erasure, ended_at=env.now(), bytes_written=result.bytes_written, bad_ranges=result.bad_ranges
            )
            drive = s.get_one(Drive, erasure.drive_id)
            return record_health(s, env, drive, reading, erasure=erasure, signs=signs).verdict
    except Exception:
        log.exception("could not record the health of the drive of erasure %s", erasure_id)
        return None
