"""The doctor's look at the records: closed records without their certificate, and what interrupted
work left in the data folder."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from wipestation.common.config import Config
from wipestation.common.i18n import N_, Phrase
from wipestation.shop.doctor import Finding
from wipestation.store.db import make_engine


def check_work_left(config: Config, db_url: str) -> list[Finding]:
    """Closed records without their certificate, and what interrupted work left in the data folder
    (the next start removes it; listed here when it could not)."""
    from sqlalchemy.orm import sessionmaker

    from wipestation.documents.certify.owed import owed
    from wipestation.shop.audit_check import owed_phrase
    from wipestation.shop.leftovers import find_leftovers
    from wipestation.store.models import Destruction

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
