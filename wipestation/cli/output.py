"""Results on stdout: one JSON document with --json, short human lines otherwise."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime

import click

from wipestation.common.text import escape_terminal


def _default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def to_json(data: object) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2)


def json_line(data: object, *, ensure_ascii: bool = True) -> str:
    """One JSON document on one line (a stream of events or progress)."""
    return json.dumps(data, default=_default, ensure_ascii=ensure_ascii)


def emit(data: object, as_json: bool, lines: Iterable[str] | str) -> None:
    """JSON (control characters escaped by the encoder), or the lines with every control character
    but the tab and the line break shown as `\\xNN`: text from outside (a reason, a shop name, a
    device's model) never drives the technician's terminal."""
    if as_json:
        click.echo(to_json(data))
        return
    if isinstance(lines, str):
        click.echo(escape_terminal(lines))
        return
    for line in lines:
        click.echo(escape_terminal(line))


json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
