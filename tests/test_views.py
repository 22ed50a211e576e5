"""The read side (`wipestation.views`): what the CLI and the console show, built from a Session."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.fakes import FakeClock
from wipestation import views
from wipestation.common.devices import DetectedDrive
from wipestation.common.env import Env
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.records.customers import CustomerInput, add_customer
from wipestation.records.retention import days_text, due_words
from wipestation.store.models import CustodyRecord, CustodyState


def _seed(sessions: sessionmaker[Session], env: Env) -> dict[str, int]:
    """Four records on 2026-11-25: overdue, held past its date, deletion asked, not yet due."""
    today = env.today()
    with sessions.begin() as s:
        anna = add_customer(s, env, CustomerInput(name="Anna", email="anna@example.nl")).id
        bob = add_customer(s, env, CustomerInput(name="Bob")).id
        ids = {"anna": anna, "bob": bob}

        def backup(serial: str, cid: int, days_ago: int) -> int:
            reg = custody.Registration(cid, "J-" + serial, today - timedelta(days=days_ago), location="A1")
            return registration.register_backup(s, env, DriveIdentity(serial=serial, model="M"), reg).id

        ids["overdue"] = backup("OVER", anna, 40)  # due 10 days ago
        ids["held"] = backup("HELD", anna, 35)  # due 5 days ago, but held
        custody.hold(s, env, str(ids["held"]), today + timedelta(days=7), "dispute")
        ids["asked"] = backup("ASKED", bob, 3)  # due in 27 days, deletion asked today
        custody.request_deletion(s, env, str(ids["asked"]), "phone call")
        ids["later"] = backup("LATER", bob, 1)
    return ids


def test_due_list_is_most_overdue_first_and_leaves_out_held_and_later_records(
    sessions: sessionmaker[Session], env: Env
) -> None:
    ids = _seed(sessions, env)
    with sessions.begin() as s:
        due = views.due_list(s, env.today())
    assert [r.id for r in due] == [ids["overdue"], ids["asked"]]
    assert [r.overdue_days for r in due] == [10, 0]
    assert due[0].customer_name == "Anna" and due[0].state == "due"


def test_due_list_matches_the_service_rule_on_any_day(sessions: sessionmaker[Session], env: Env) -> None:
    _seed(sessions, env)
    with sessions.begin() as s:
        loaded = list(s.execute(select(CustodyRecord).order_by(CustodyRecord.id)).scalars())
        for offset in (-20, 0, 6, 7, 8, 40):
            day = env.today() + timedelta(days=offset)
            # the rule applied to each loaded record (holds, early deletion), most overdue first
            rule = [
                (r.id, (day - custody.effective_due(r)).days)
                for r in loaded
                if r.state.is_open and custody.effective_due(r) <= day
            ]
            rule.sort(key=lambda pair: (-pair[1], pair[0]))
            assert [(r.id, r.overdue_days) for r in views.due_list(s, day)] == rule


def test_list_reads_the_same_as_the_loaded_records(sessions: sessionmaker[Session], env: Env) -> None:
    """Column-wise rows and a loaded ORM record give the same view (and so the same JSON)."""
    _seed(sessions, env)
    with sessions.begin() as s:
        listed = views.record_list(s, env.today())
        for view in listed:
            loaded = views.record_view(s.get_one(CustodyRecord, view.id), env.today())
            assert view == loaded
    held = next(v for v in listed if v.serial == "HELD")
    assert held.on_hold and held.hold_until == env.today() + timedelta(days=7)
    assert held.holds[0].reason == "dispute" and not held.holds[0].released


def test_list_filters_by_display_state_and_kind(sessions: sessionmaker[Session], env: Env) -> None:
    ids = _seed(sessions, env)
    with sessions.begin() as s:
        assert [r.id for r in views.record_list(s, env.today(), state="due")] == [ids["overdue"], ids["asked"]]
        assert [r.id for r in views.record_list(s, env.today(), state="holding")] == [ids["held"], ids["later"]]
        assert len(views.record_list(s, env.today(), state="open")) == 4
        assert views.record_list(s, env.today(), state="closed") == []
        assert views.record_list(s, env.today(), kind="abandoned") == []


def test_record_detail_has_reasons_holds_and_history(
    sessions: sessionmaker[Session], env: Env, clock: FakeClock
) -> None:
    ids = _seed(sessions, env)
    with sessions.begin() as s:
        custody.release(s, env, str(ids["held"]), "settled")
    with sessions.begin() as s:
        held = views.record_detail(s, env.today(), "HELD")
        asked = views.record_detail(s, env.today(), str(ids["asked"]))
    assert held.record.id == ids["held"]
    assert held.record.holds[0].release_reason == "settled" and held.record.holds[0].released
    assert not held.record.on_hold
    assert [e.action for e in held.events] == ["record.registered", "record.held", "record.released"]
    assert "state: holding" in held.events[0].change()
    assert asked.record.deletion_reason == "phone call"
    assert asked.record.deletion_requested_on == env.today()
    assert held.erasures == () and held.certificates == ()
    assert held.to_dict()["erasures"] == [] and held.to_dict()["last_erasure_warning"] is None


def test_customers_with_open_counts_and_their_records(sessions: sessionmaker[Session], env: Env) -> None:
    ids = _seed(sessions, env)
    with sessions.begin() as s:
        listed = {c.name: c for c in views.customer_list(s)}
        found = views.customer_list(s, "ANNA@")
        detail = views.customer_detail(s, env.today(), ids["bob"])
    assert listed["Anna"].open_records == 2 and listed["Bob"].open_records == 2
    assert [c.id for c in found] == [ids["anna"]]
    assert [r.id for r in detail.records] == [ids["asked"], ids["later"]]
    assert detail.to_dict()["records"][0]["deletion_reason"] == "phone call"


def test_known_drive_of_an_attached_disk(sessions: sessionmaker[Session], env: Env) -> None:
    ids = _seed(sessions, env)
    with sessions.begin() as s:
        over = views.attached_drive(s, env.today(), DetectedDrive(DriveIdentity(serial="OVER", device="/dev/sdz")))
        unknown = views.known_drive(s, env.today(), "NOPE")
        protected = views.attached_drive(
            s, env.today(), DetectedDrive(DriveIdentity(serial="OVER"), "system disk"), skip_protected=True
        )
    assert over.known is not None and over.known.record is not None
    known: dict[str, Any] = over.known.to_dict()
    assert known["id"] == ids["overdue"] and known["days_left"] == -10 and known["state"] == "due"
    assert unknown is None and protected.known is None


def test_due_words_say_the_days_of_days_text() -> None:
    assert [due_words(n) for n in (3, 1, 0, -1, -2)] == [
        "due in 3 days",
        "due in 1 day",
        "due today",
        "overdue by 1 day",
        "overdue by 2 days",
    ]
    assert days_text(-2) == "2 days overdue"


def _seed_mixed(sessions: sessionmaker[Session], env: Env, clock: FakeClock) -> None:
    """60 records of both kinds, registered over 4 months, with early-deletion requests, holds that run,
    holds that ended without being released, released holds and closed records (a fixed seed)."""
    rng = random.Random(15)
    start = env.today()
    with sessions.begin() as s:
        cid = add_customer(s, env, CustomerInput(name="Anna")).id
        for n in range(60):
            started = start - timedelta(days=rng.randrange(0, 120))
            reg = custody.Registration(cid, f"J-{n}", started)
            register = registration.register_backup if n % 3 else registration.register_abandoned
            rid = register(s, env, DriveIdentity(serial=f"MIX-{n:03d}"), reg).id
            roll = rng.random()
            if roll < 0.2:
                custody.request_deletion(s, env, str(rid), "asked")
            if 0.1 < roll < 0.6:
                clock.set_day(start - timedelta(days=rng.randrange(0, 40)))
                custody.hold(s, env, str(rid), clock.now().date() + timedelta(days=rng.randrange(1, 60)), "dispute")
                if rng.random() < 0.3:
                    custody.release(s, env, str(rid), "settled")
                clock.set_day(start)
            if rng.random() < 0.1:
                s.get_one(CustodyRecord, rid).state = CustodyState.ERASED
            elif rng.random() < 0.05:
                s.get_one(CustodyRecord, rid).state = CustodyState.ERASING


def test_the_due_rule_in_sql_agrees_with_the_rule_on_every_record(
    sessions: sessionmaker[Session], env: Env, clock: FakeClock
) -> None:
    """The due list, the dashboard's page of it and the display-state filters are SQL (holds, requests,
    order); each agrees with `custody.effective_due` applied to the loaded records, day after day."""
    _seed_mixed(sessions, env, clock)
    with sessions.begin() as s:
        loaded = list(s.execute(select(CustodyRecord).order_by(CustodyRecord.id)).scalars())
        for offset in range(-45, 130, 2):
            day = env.today() + timedelta(days=offset)
            rule = [(r.id, (day - custody.effective_due(r)).days) for r in loaded if r.state.is_open]
            due = sorted(((i, late) for i, late in rule if late >= 0), key=lambda pair: (-pair[1], pair[0]))
            full = views.due_list(s, day)
            assert [(r.id, r.overdue_days) for r in full] == due
            destroyable = [r for r in full if r.kind == "abandoned" and r.state == "due"]
            assert views.due_list(s, day, kinds=("abandoned", "shop")) == destroyable
            for limit in (1, 5, 1000):
                page = views.due_page(s, day, limit)
                assert page.rows == full[:limit]
                assert (page.total, page.overdue) == (len(due), sum(1 for _, late in due if late > 0))
            every = views.record_list(s, day)
            for state in ("due", "holding", "stored", "erasing", "erased", "open", "closed"):
                grouped = {"open": True, "closed": False}
                wanted = [r.id for r in every if r.state == state or grouped.get(state) == r.is_open]
                assert [r.id for r in views.record_list(s, day, state=state)] == wanted, (day, state)
            assert views.record_list(s, day, limit=7) == every[:7]
    with sessions() as s:
        today = views.due_page(s, env.today(), 1)
    assert 0 < today.overdue < today.total < 60  # the seed makes a mix
