"""Every field of a record's views appears in the text (`show`), the JSON (`show --json`) and the console's
record detail, or is listed in `wipestation.views.coverage.LEFT_OUT` with the reason (issue 26, point 4).

Each field is changed in turn (in every element of a tuple of views); a medium shows the field when its
output changes. Three states of a record are tried (`_bases`): some lines belong to one kind or state.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from tests.tui.conftest import add_customers
from tui.screens.record_detail import RecordDetailScreen
from wipestation import views
from wipestation.cli.output import to_json
from wipestation.cli.records import detail_lines
from wipestation.common.env import Env
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.engine import EngineResult
from wipestation.erasure.methods import get_method
from wipestation.erasure.service import begin_erasure, finish_erasure
from wipestation.records import custody, registration
from wipestation.store.models import CustodyState, ErasureOutcome
from wipestation.views import CertificateView, DriveInfo, ErasureEntry, EventView, HoldView, RecordDetail, RecordView
from wipestation.views.coverage import CONSOLE, JSON, LEFT_OUT, MEDIA, TEXT, left_out

GB = 10**9
DRIVE = DriveIdentity(serial="COVER-1", model="Disk 8", vendor="Acme", capacity_bytes=8 * GB, bus="usb", media="hdd")
WALKED: tuple[type[Any], ...] = (RecordDetail, RecordView, DriveInfo, HoldView, EventView, ErasureEntry)
Mutation = tuple[str, str, RecordDetail]  # view, field, the detail with that field changed


def _detail(store: sessionmaker[Session], env: Env) -> RecordDetail:
    """A record with every field filled: seal, computer, location, a running and a released hold, an
    early-deletion request, an erasure of its drive, and a certificate."""
    (cid,) = add_customers(store, env, "Marta Jansen")
    today = env.today()
    with store.begin() as s:
        reg = custody.Registration(
            cid, "JOB-4711", today, location="shelf B3", host_computer="HP laptop", seal_number="SEAL-77",
            received_on=today - timedelta(days=9),
        )  # fmt: skip
        ref = str(registration.register_abandoned(s, env, DRIVE, reg).id)
        custody.hold(s, env, ref, today + timedelta(days=5), "police asked")
        custody.release(s, env, ref, "police done")
        custody.hold(s, env, ref, today + timedelta(days=200), "court case")
        custody.request_deletion(s, env, ref, "letter of the customer")
    with store.begin() as s:
        start = begin_erasure(
            s, env, identity=DRIVE, device="/dev/sdx", method=get_method("zero"), verify="full", category="Clear",
            tool="wipestation", resume=False, key=None,
        )  # fmt: skip
    with store.begin() as s:
        result = EngineResult(ErasureOutcome.SUCCEEDED, 8 * GB, 8 * GB, verify_mode="full", verify_result="passed")
        finish_erasure(s, env, start.erasure_id, result)
    with store.begin() as s:
        detail = views.record_detail(s, today, ref)
    certificate = _certificate(detail.record.id, start.erasure_id, cid)
    (erasure,) = detail.erasures
    erasure = dataclasses.replace(erasure, bad_ranges=((4096, 8192),), sectors_not_written=12)
    return dataclasses.replace(detail, erasures=(erasure,), certificates=(certificate,))


def _certificate(record_id: int, erasure_id: int, customer_id: int) -> CertificateView:
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    return CertificateView(
        "2026-0042", "erasure", when, "tester", record_id, erasure_id, None, DRIVE.serial, "ab" * 32,
        ("en",), customer_id, "Marta Jansen", None, when, "wrong drive", (),
    )  # fmt: skip


def _bases(detail: RecordDetail) -> list[RecordDetail]:
    """The customer's record on hold; the same without a running hold (the console then counts the days);
    the shop's own drive (the owner line instead of the customer's); its erasure interrupted (the
    checkpoint is shown)."""
    free = detail.record._replace(hold_until=None)
    shop = detail.record._replace(kind="shop", customer_id=None, destroy_reason="worn out")
    (done,) = detail.erasures
    stopped = dataclasses.replace(done, outcome=ErasureOutcome.INTERRUPTED, checkpoint_offset=3 * GB, passes=3)
    return [
        detail,
        dataclasses.replace(detail, record=free),
        dataclasses.replace(detail, record=shop),
        dataclasses.replace(detail, erasures=(stopped,)),
    ]


def _other(value: Any, hint: Any) -> Any:
    """A value of the field's type that any honest rendering shows differently."""
    if value is None:
        kinds = [t for t in typing.get_args(hint) if t is not type(None)]
        value = {str: "", int: 1, date: date(2027, 3, 3), datetime: datetime(2027, 3, 3, 8, 0, tzinfo=UTC)}.get(
            kinds[0], {}
        )
        if value == {} and typing.get_origin(kinds[0]) is not dict:
            raise AssertionError(f"no value to try for {hint}")
    if isinstance(value, bool):
        return not value
    if isinstance(value, enum.Enum):
        members = list(type(value))
        return members[(members.index(value) + 1) % len(members)]
    if isinstance(value, int):
        return value * 2 + 7
    if isinstance(value, str):
        return value + "-zq"
    if isinstance(value, datetime):
        return value + timedelta(days=3, hours=5)
    if isinstance(value, date):
        return value + timedelta(days=3)
    if isinstance(value, dict):
        return {**dict.fromkeys(value, "zq"), "state": "zq-state"}
    if isinstance(value, tuple):
        assert value, "give the fixture a value for every tuple"
        return ()
    raise AssertionError(f"no other value for {value!r}")


def _hints(cls: type[Any]) -> dict[str, Any]:
    module = __import__(cls.__module__, fromlist=["_"])
    return typing.get_type_hints(cls, vars(module))


def _fields(view: Any) -> tuple[str, ...]:
    """A view's fields: a frozen dataclass's, or a NamedTuple's (the list views)."""
    return view._fields if hasattr(view, "_fields") else tuple(f.name for f in dataclasses.fields(view))


def _replace(view: Any, **changes: Any) -> Any:
    return view._replace(**changes) if hasattr(view, "_replace") else dataclasses.replace(view, **changes)


def _mutations(obj: Any, rebuild: Callable[[Any], RecordDetail]) -> Iterator[Mutation]:
    hints = _hints(type(obj))
    for name in _fields(obj):
        value = getattr(obj, name)
        hint = hints[name]
        if not isinstance(value, WALKED):  # a view inside a view: changed field by field, below
            yield type(obj).__name__, name, rebuild(_replace(obj, **{name: _other(value, hint)}))

        def inner(new: Any, name: str = name) -> RecordDetail:
            return rebuild(_replace(obj, **{name: new}))

        if isinstance(value, WALKED):
            yield from _mutations(value, inner)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, WALKED):

                    def in_tuple(
                        new: Any, i: int = i, items: tuple[Any, ...] = value, up: Callable[..., Any] = inner
                    ) -> Any:
                        return up((*items[:i], new, *items[i + 1 :]))

                    yield from _mutations(item, in_tuple)


def _shown(render: Callable[[RecordDetail], str], bases: list[RecordDetail]) -> dict[tuple[str, str], bool]:
    """(view, field) -> whether some change of it changes the output, on some base record."""
    seen: dict[tuple[str, str], bool] = {}
    for base in bases:
        before = render(base)
        for view, field, changed in _mutations(base, lambda d: d):
            key = (view, field)
            seen[key] = seen.get(key, False) or render(changed) != before
    return seen


def _text(detail: RecordDetail) -> str:
    return "\n".join(detail_lines(detail))


def _json(detail: RecordDetail) -> str:
    return to_json(detail.to_dict())


def _console(screen: RecordDetailScreen) -> Callable[[RecordDetail], str]:
    def render(detail: RecordDetail) -> str:
        screen.apply(detail)
        parts = [str(screen.query_one("#detail", Static).render())]
        for table in screen.query(DataTable):
            for row in range(table.row_count):
                parts += [str(table.get_cell_at(Coordinate(row, c))) for c in range(len(table.columns))]
        return "\n".join(parts)

    return render


def _missing(seen: dict[tuple[str, str], bool], medium: str) -> list[str]:
    return sorted(f"{v}.{f}" for (v, f), shown in seen.items() if not shown and left_out(v, f, medium) is None)


async def test_every_field_of_a_record_is_shown_in_every_medium_or_left_out_with_a_reason(
    make_app: Callable[..., Any], store: sessionmaker[Session], env: Env
) -> None:
    detail = _detail(store, env)
    bases = _bases(detail)
    assert _missing(_shown(_text, bases), TEXT) == [], " ".join(_missing(_shown(_text, bases), TEXT))
    assert _missing(_shown(_json, bases), JSON) == [], JSON
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        app.push_screen(RecordDetailScreen(detail.record.id))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordDetailScreen)
        assert _missing(_shown(_console(screen), bases), CONSOLE) == []


def test_the_left_out_list_names_real_fields_and_media() -> None:
    fields = {(cls.__name__, name) for cls in WALKED for name in _fields(cls)}
    assert set(LEFT_OUT) <= fields
    assert all(set(why) <= set(MEDIA) and all(why.values()) for why in LEFT_OUT.values())


def test_a_field_no_medium_shows_is_found() -> None:
    """The walk sees a field the renderer ignores (so the coverage test can fail)."""
    seen = _shown(lambda d: d.record.serial, [_fixed_detail()])
    assert seen[("DriveInfo", "serial")] and not seen[("RecordView", "job")]


def _fixed_detail() -> RecordDetail:
    day = date(2026, 11, 25)
    at = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    drive = DriveInfo("S1", "M", "V", GB, "usb", "hdd", "wwn-1", "customer")
    hold = HoldView(1, day, "why", "tester", at, "done")
    record = RecordView(
        1, "abandoned", "stored", CustodyState.STORED, 2, "Marta", "J", day, day, day, 3, day, "r", None, day,
        (hold,), "shelf", "pc", "seal", day, drive, at, "tester", at,
    )  # fmt: skip
    event = EventView(1, at, "tester", "record.registered", None, {"state": "stored"})
    erasure = ErasureEntry(
        1, 1, "S1", "zero", ErasureOutcome.SUCCEEDED, at, at, GB, GB, GB, "passed", ((0, 1),), 0, GB, 1, None,
        None, 0, False, None, "tester", "ws1",
    )  # fmt: skip
    return RecordDetail(record, (erasure,), None, (_certificate(1, 1, 2),), (event,))
