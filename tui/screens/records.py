"""Every custody record, searchable; Enter opens one. The rows are read column-wise and the table
renders only what is visible. The first FIRST_PAGE rows are read before the screen draws, the rest in a
worker: 100 000 records take seconds to read, the first page milliseconds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Select

from tui.queries import RecordRow, record_rows
from tui.rowtable import RowTable, reuse_rows
from tui.texts import K_, N_, _, kind_word, localise_bindings, state_word
from tui.widgets import FittingFooter
from wipestation.common.i18n import KIND_WORDS, STATE_WORDS
from wipestation.records.retention import days_text

if TYPE_CHECKING:
    from tui.console import Console

FIRST_PAGE = 200
"""Rows read on the UI thread when the screen opens (more than a terminal shows); a store with more
gets the rest from a worker, and the subtitle says so until they are in."""
STATE_FILTERS = {
    "open": frozenset(("holding", "stored", "due", "erasing")),
    "due": frozenset(("due",)),
    "closed": frozenset(("erased", "destroyed")),
}


class Loaded(NamedTuple):
    """What `load()` read: the rows, by id, and each one's search text."""

    rows: list[RecordRow]
    haystacks: list[str]


FILTERS = [(N_("all records"), "all"), (N_("open"), "open"), (N_("due"), "due"), (N_("closed"), "closed")]
STATE_STYLE = {"due": "bold dark_orange", "erased": "green", "destroyed": "green", "erasing": "cyan"}
COLUMNS = [
    (N_("Record"), 7),
    (N_("Kind"), 9),
    (N_("State"), 9),
    (N_("Serial"), 22),
    (N_("Customer"), 28),
    (N_("Job"), 12),
    (N_("Due"), 11),
    ("", 16),
    (N_("Location"), 0),
]


# Below WIDE columns the record number, serial and customer are narrower, so the due date is on the
# screen at 80 columns; the rest (job, days, location) is reached by scrolling right.
WIDE = 120
NARROW = {N_("Record"): 5, N_("Serial"): 14, N_("Customer"): 20}


def columns(narrow: bool = False) -> list[tuple[str, int]]:
    """The columns, the kind and the state as wide as the language's longest words."""
    kind = max([9] + [len(kind_word(k)) for k in KIND_WORDS])
    state = max([9] + [len(state_word(s)) for s in STATE_WORDS])
    widths = {**(NARROW if narrow else {}), N_("Kind"): kind, N_("State"): state}
    return [(label, widths.get(label, width)) for label, width in COLUMNS]


NARROW_ORDER = (0, 1, 2, 3, 4, 6, 7, 8, 5)  # the job number last: the due date and its days first


def fit_columns(table: RowTable[Any], width: int) -> None:
    """The record table's columns for the terminal's width (narrow: the job last, scrolled to)."""
    narrow = width < WIDE
    cols = columns(narrow)
    if narrow:
        cols = [(label, w or 16) for label, w in cols]
        table.columns = [cols[i] for i in NARROW_ORDER[:-1]] + [(cols[NARROW_ORDER[-1]][0], 0)]
        table.format_row = _narrow_record
    else:
        table.columns, table.format_row = cols, format_record
    table.virtual_size = table.virtual_size.with_width(table.full_width())
    table.refresh()


def _narrow_record(r: RecordRow) -> list[tuple[str, str]]:
    cells = format_record(r)
    return [cells[i] for i in NARROW_ORDER]


def format_record(r: RecordRow) -> list[tuple[str, str]]:
    return [
        (str(r.id), ""),
        (kind_word(r.kind), ""),
        (state_word(r.state), STATE_STYLE.get(r.state, "")),
        (r.serial, ""),
        (r.customer_name if r.customer_id is None else f"{r.customer_name} ({r.customer_id})", ""),
        (r.job or "", ""),
        (r.due_on.isoformat(), ""),
        _when(r),
        (r.location or "", ""),
    ]


HOLD_STYLE = "bold cyan"


def _when(r: RecordRow) -> tuple[str, str]:
    """Days left (or overdue) for an open record, a hold marker for a held one, nothing once closed."""
    if r.state not in ("holding", "stored", "due", "erasing"):
        return "", ""
    if r.on_hold:
        return _("ON HOLD"), HOLD_STYLE
    return days_text(r.days_left), ""


class RecordsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", K_("Back")),
        Binding("ctrl+f", "focus_search", K_("Search")),
        Binding("h", "hold", K_("Hold")),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)
        self.all_rows: list[RecordRow] = []
        self.haystacks: list[str] = []  # each row's search text, lower case
        self.shown: list[RecordRow] = []
        self.complete = False  # all_rows holds every record (not only the first page)

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        table: RowTable[RecordRow] = RowTable(columns(), format_record, id="records")
        yield Header()
        with Vertical(classes="full"):
            with Horizontal(id="filters"):
                yield Input(placeholder=_("search id, serial, customer, job, location"), id="search")
                filters = [(_(label), value) for label, value in FILTERS]
                yield Select(filters, value="all", allow_blank=False, id="state")
            yield table
        yield FittingFooter()

    def on_mount(self) -> None:
        self.reload()
        self.table.focus()

    def on_resize(self) -> None:
        fit_columns(self.table, self.size.width)

    def reload(self) -> None:
        """The first page now; when the store has more, every record from a worker (the shown first page
        is not replaced by a page again once every record is in)."""
        page = self.load(limit=FIRST_PAGE)
        if len(page.rows) < FIRST_PAGE:
            self.apply(page)
            return
        if self.complete:
            self.wapp.reload_in_background(self)
            return
        self.all_rows, self.haystacks = page
        self.apply_filter()
        # after the first page is drawn: the worker's reading holds the interpreter most of the time,
        # which would otherwise hold up that first frame by as long again
        self.call_after_refresh(self.wapp.reload_in_background, self)

    def load(self, limit: int | None = None) -> Loaded:
        """Every record (or the first `limit`) as display rows, with their search text (thread-safe: a
        worker runs it)."""
        services = self.wapp.services
        with services.sessions.begin() as s:
            rows = record_rows(s, services.env.today(), limit=limit)
        rows = reuse_rows(self.all_rows, rows, _record_id)
        return Loaded(rows, [_haystack(r) for r in rows])

    def apply(self, loaded: Loaded) -> None:
        """Every record (what `load()` read in full)."""
        self.all_rows, self.haystacks = loaded
        self.complete = True
        self.apply_filter()

    def apply_filter(self) -> None:
        """The rows of the chosen state that contain the search text: one pass over the search texts
        made by the worker (making them on each key cost 0.14 s of the UI thread at 100 000 records)."""
        text = self.query_one("#search", Input).value.strip().lower()
        states = STATE_FILTERS.get(str(self.query_one("#state", Select).value))
        rows = self.all_rows
        if states is not None or text:
            rows = [
                r
                for r, hay in zip(self.all_rows, self.haystacks, strict=True)
                if (states is None or r.state in states) and text in hay
            ]
        self.shown = rows
        self.table.set_rows(rows, key=_record_id)
        if self.complete:
            self.sub_title = _("{n} of {total} records").format(n=len(rows), total=len(self.all_rows))
        else:
            self.sub_title = _("{n} of the first {total} records; reading the others…").format(
                n=len(rows), total=len(self.all_rows)
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        self.apply_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.apply_filter()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    @property
    def table(self) -> RowTable[RecordRow]:
        return cast("RowTable[RecordRow]", self.query_one("#records", RowTable))

    def selected(self) -> int | None:
        current = self.table.current
        return current.id if current is not None else None

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        event.stop()
        record_id = self.selected()
        if record_id is not None:
            self.wapp.show_record(record_id)

    def action_hold(self) -> None:
        from tui.screens.hold import HoldScreen

        record_id = self.selected()
        if record_id is not None:
            self.app.push_screen(HoldScreen(record_id))


def _record_id(r: RecordRow) -> int:
    return r.id


def _haystack(r: RecordRow) -> str:
    return f"{r.id} #{r.id} {r.serial} {r.customer_name} {r.job or ''} {r.location or ''}".lower()
