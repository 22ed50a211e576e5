"""What each medium deliberately leaves out of a view, and why.

Every field of a view appears in the text (`wipestation show`), the JSON (`show --json`) and the console
(the record detail), unless it is listed here with the reason; `tests/tui/test_field_coverage.py` changes
each field in turn and fails when a medium's output does not change and the field is not listed.
"""

from __future__ import annotations

from typing import Final

TEXT: Final = "text"
JSON: Final = "json"
CONSOLE: Final = "console"
MEDIA = (TEXT, JSON, CONSOLE)

_FOR_PEOPLE = (TEXT, CONSOLE)

# (view, field) -> {medium: why it is left out there}
LEFT_OUT: Final[dict[tuple[str, str], dict[str, str]]] = {
    ("RecordView", "stored_state"): dict.fromkeys(
        MEDIA, "the stored state behind `state`, which every medium shows (it says `due` once a kept record's day came)"
    ),
    ("RecordView", "created_at"): dict.fromkeys(
        _FOR_PEOPLE, "the history's first event says when the record was registered, and by whom"
    ),
    ("RecordView", "created_by"): dict.fromkeys(
        _FOR_PEOPLE, "the history's first event says when the record was registered, and by whom"
    ),
    ("DriveInfo", "wwn"): dict.fromkeys(_FOR_PEOPLE, "for matching drives, not for reading; the serial is"),
    ("DriveInfo", "owner"): dict.fromkeys(
        _FOR_PEOPLE,
        "the kind says whose drive it is (a backup: the shop's; an abandoned disk: the customer's)",
    ),
    ("HoldView", "id"): dict.fromkeys(_FOR_PEOPLE, "holds are listed in order; the id is for programs"),
    ("ErasureEntry", "record_id"): dict.fromkeys(_FOR_PEOPLE, "the history is the drive's; its record is above"),
    ("ErasureEntry", "serial"): dict.fromkeys(_FOR_PEOPLE, "the record's drive, shown above the history"),
    **{
        ("ErasureEntry", name): {CONSOLE: "the erasures table has room for ten columns; `show` prints the rest"}
        for name in ("error", "host", "technician", "resumed", "verify_result", "sectors_not_written")
    },
    ("EventView", "id"): {TEXT: "events are listed in order; the id is for programs (the console's table has it)"},
    ("RecordDetail", "backup_set"): {
        CONSOLE: "a backup made by wipestation (issue 27): the console's record detail does not show it yet"
    },
}


def left_out(view: str, field: str, medium: str) -> str | None:
    """Why `medium` leaves `view.field` out (None: it shows it)."""
    return LEFT_OUT.get((view, field), {}).get(medium)
