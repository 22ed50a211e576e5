"""What a person types, and what a device reports, before either reaches a terminal.

Typed text (names, reasons, --as) with a control character or a terminal escape sequence is refused;
text that comes from a device (udev's model and vendor strings) is kept, with such characters shown
as `\\xNN`. The limits are the columns' (the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

import re

from wipestation.common.errors import BadValue
from wipestation.common.i18n import _

NAME_LIMIT = 200  # customer names, e-mail addresses, locations, host computers
ACTOR_LIMIT = 120  # --as, technicians, witnesses
REVOCATION_REASON_LIMIT = 500  # a revocation's reason (light: the certificate commands name it at import)
TAG_LIMIT = 64  # the shop's asset or service tag of a drive
REASON_LIMIT = 2000  # reasons for holds, releases, deletion requests, early or lower-level destruction

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def check_plain(value: str, what: str, *, multiline: bool = False, field: str | None = None) -> str:
    """`value` unchanged, or BadValue (about `field`, default `what`) when it holds a control character
    (an escape sequence starts with one). `multiline` allows line breaks (an address)."""
    match = (_CONTROL_BUT_NEWLINE if multiline else _CONTROL).search(value)
    if match:
        raise BadValue(
            _("{what} contains a control character ({code}): type plain text").format(
                what=what, code=f"{ord(match.group()):#04x}"
            ),
            field=field or what,
        )
    return value


def check_length(value: str, what: str, limit: int, *, field: str | None = None) -> str:
    if len(value) > limit:
        raise BadValue(
            _("{what} is longer than {limit} characters").format(what=what, limit=limit), field=field or what
        )
    return value


def escape_control(text: str) -> str:
    """Device text made safe to print: control characters shown as `\\xNN`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_terminal(text: str) -> str:
    """A line for the terminal with whatever came from outside in it: control characters other than
    the tab and the line break shown as `\\xNN`, so an escape sequence is printed, never obeyed."""
    return _TERMINAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
