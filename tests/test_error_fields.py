"""The core's errors carry the field they are about (`BadValue(field=...)`), named as the service's
input names it, so a form can show each beside its field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState, NotFound, WipestationError
from wipestation.common.identity import DriveIdentity
from wipestation.common.text import check_plain
from wipestation.destruction.destroying import DestructionRequest, check_request, parse_level
from wipestation.records import custody, registration
from wipestation.records.customers import CustomerInput, add_customer, edit_customer


def test_an_error_carries_its_field_and_stays_one_message() -> None:
    error = BadValue("not a date: 'x'", field="until")
    assert (str(error), error.field) == ("not a date: 'x'", "until")
    assert BadValue("about nothing in particular").field is None
    assert check_plain("plain", "--as") == "plain"
    with pytest.raises(BadValue) as caught:
        check_plain("a\x1b[31m", "host computer", field="host_computer")
    assert caught.value.field == "host_computer"


def _field(call: object) -> str | None:
    assert callable(call)
    with pytest.raises(WipestationError) as caught:
        call()
    return caught.value.field


def test_registration_errors_name_the_registration_field(sessions: sessionmaker[Session], env: Env) -> None:
    with sessions.begin() as s:
        cid = add_customer(s, env, CustomerInput(name="Anna Voorbeeld")).id
    today = env.today()
    drive = DriveIdentity(serial="S1", model="M")
    with sessions.begin() as s:
        reg = custody.Registration(cid, None, today)
        assert _field(lambda: registration.register_backup(s, env, drive, reg)) == "job_ref"
        future = custody.Registration(cid, "J-1", today + timedelta(days=1))
        assert _field(lambda: registration.register_backup(s, env, drive, future)) == "started_on"
        nobody = custody.Registration(cid + 99, "J-1", today)
        assert _field(lambda: registration.register_backup(s, env, drive, nobody)) == "customer_id"
        sealed = custody.Registration(cid, None, today, seal_number="x" * 61)
        assert _field(lambda: registration.register_abandoned(s, env, drive, sealed)) == "seal_number"
        assert _field(lambda: registration.register_abandoned(s, env, DriveIdentity(serial=" "), reg)) == "serial"


def test_customer_and_hold_errors_name_their_field(sessions: sessionmaker[Session], env: Env) -> None:
    with sessions.begin() as s:
        assert _field(lambda: add_customer(s, env, CustomerInput(name=" "))) == "name"
        assert _field(lambda: add_customer(s, env, CustomerInput(name="A", email="no-at"))) == "email"
        assert _field(lambda: add_customer(s, env, CustomerInput(name="A", phone="1" * 61))) == "phone"
        cid = add_customer(s, env, CustomerInput(name="Anna")).id
        assert _field(lambda: edit_customer(s, env, cid + 5, CustomerInput(name="B"))) == "customer_id"
        record = registration.register_abandoned(
            s, env, DriveIdentity(serial="S2", model="M"), custody.Registration(cid, None, env.today())
        )
        ref = str(record.id)
        assert _field(lambda: custody.hold(s, env, ref, env.today(), "why")) == "until"
        assert _field(lambda: custody.hold(s, env, ref, env.today() + timedelta(days=3), " ")) == "reason"


def test_destruction_errors_name_the_request_field(sessions: sessionmaker[Session], env: Env) -> None:
    assert _field(lambda: parse_level("Z-9")) == "level"
    with sessions.begin() as s:

        def check(**changes: object) -> str | None:
            request = DestructionRequest(**{"refs": ("1",), "method": "shred", "level": "H-5", **changes})  # type: ignore[arg-type]
            return _field(lambda: check_request(s, env, request))

        assert check(refs=()) == "refs"
        assert check(method="burn") == "method"
        assert check(level="H-5,H-4") == "level"
        assert check(on=env.today() + timedelta(days=1)) == "on"
        assert check(early=True) == "reason"
        assert check(accept_lower="   ") == "accept_lower"  # the option --accept-lower, the request's field
        assert check(evidence=(Path("/nonexistent/photo.jpg"),)) == "evidence"
    assert isinstance(NotFound("x", field="evidence"), WipestationError)
    assert InvalidState("x").field is None
