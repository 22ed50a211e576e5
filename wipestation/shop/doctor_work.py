"""The doctor's look at the records: closed records without their certificate, what interrupted work left
in the data folder, and whether the published verification site is up to date."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.config import Config
from wipestation.common.errors import WipestationError
from wipestation.common.i18n import N_, Phrase
from wipestation.common.leftovers import find_leftovers
from wipestation.documents.certify.owed import owed
from wipestation.documents.site import site_lag
from wipestation.shop.audit_check import owed_phrase
from wipestation.shop.findings import Finding
from wipestation.store.db import make_engine
from wipestation.store.models import Destruction


def check_work_left(config: Config, db_url: str) -> list[Finding]:
    """Closed records without their certificate, and what interrupted work left in the data folder
    (the next start removes it; listed here when it could not)."""
    engine = make_engine(db_url)
    sessions = sessionmaker(engine)
    try:
        with sessions.begin() as session:
            missing = owed(session)

        def recorded() -> set[str]:
            with sessions.begin() as session:
                return set(session.scalars(select(Destruction.batch).distinct()))

        left = find_leftovers(config.data_dir, recorded)
    except SQLAlchemyError:
        return []  # check_database said it is reachable; a race with a server going away is its finding
    finally:
        engine.dispose()
    certificates = Phrase(N_("certificates"))
    out = [
        Finding(
            certificates,
            False,
            owed_phrase(item.record_id, item.kind, item.work_id),
            Phrase(N_("run `wipestation certificate issue-owed`")),
        )
        for item in missing
    ]
    if not missing:
        out.append(Finding(certificates, True, Phrase(N_("every closed record has its certificate"))))
    leftovers = Phrase(N_("interrupted work"))
    out += [
        Finding(
            leftovers,
            False,
            Phrase(N_("{path} was left by interrupted work and could not be removed"), path=path),
            Phrase(N_("remove it by hand when no destruction is being recorded")),
        )
        for path in left
    ]
    if not left:
        out.append(Finding(leftovers, True, Phrase(N_("nothing left half-made in the data folder"))))
    return out


def check_site(config: Config, db_url: str) -> Finding | None:
    """With `[certificates] verify_url`: whether the published verification site holds every PDF and
    revocation (a copy rendered later, in another language, is not found there until it is rewritten)."""
    if not config.certificates.verify_url:
        return None
    if db_url.startswith("sqlite") and not Path(db_url.partition("///")[2].partition("?")[0] or "-").exists():
        return None  # no database here yet: nothing issued (and none made by asking)
    try:
        engine = make_engine(db_url)
    except WipestationError:
        return None  # the database finding says why
    try:
        with Session(engine) as session:
            lag = site_lag(session, config.data_dir)
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
    check = Phrase(N_("verification site"))
    if lag is None:
        return Finding(check, True, Phrase(N_("holds every PDF and revocation")))
    message = Phrase(
        N_("{copies} PDF(s) and {revoked} revocation(s) are not on it yet (a customer's copy reads 'altered')")
        if lag.published
        else N_("never written from this workstation: {copies} PDF(s) and {revoked} revocation(s) are not on it"),
        copies=lag.copies,
        revoked=lag.revocations,
    )
    return Finding(check, False, message, Phrase(N_("run `wipestation certificate site DIR` and publish the folder")))
