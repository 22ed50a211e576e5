"""One way to take a value from outside (an argument, a config key, a scanned code, a tool's output,
standard input), one kind of value each.

A kind's `take(value, what)` returns the value it stands for, or raises `BadValue` naming `what` (the
option or the config key) in one line. The kinds:

- `Text(limit)`: no control character (an escape sequence starts with one), at most `limit`
  characters, not empty unless `empty=True`; `multiline=True` allows line breaks (an address).
- `Folder()` / `InFile()` / `OutFile()`: a path: never '', no control character, no `..` part (a path
  is what it claims, it does not climb out of a given root), `absolute=True` where a relative path
  would depend on where the command ran. What is at the path is checked where it is used:
  `read_regular` opens a file without blocking and reads it only when it is a regular file within a
  size limit; `write_regular` refuses a FIFO, a device or a folder before it writes.
- `Address()` / `Addresses()`: e-mail addresses, parsed by the standard library's header parser
  (`email.headerregistry`), one address each, no line break, a domain with a dot.
- `Url()`: `https:` or `http:` with a host, nothing else (`javascript:`, `file:` are refused).
- `TimeOfDay()`: HH:MM on the 24-hour clock, the whole value (a trailing newline is refused).
- `Count(minimum, maximum)`: a whole number in range, from ASCII digits only.
- `Fingerprint()`: 64 hexadecimal digits (SHA-256), colons and spaces allowed between them.
- `Words(...)`: one of a few words.

`Outside(kind)` is the click parameter type of a kind: every command's option and argument that
takes a value uses one (a test walks the commands), and every config key has its kind in
`wipestation.common.config.KEY_KINDS` (a test walks the keys).

Reading what comes from outside is bounded, in `wipestation.common.reading`: `read_regular` (size),
`parse_json` (size and depth), `read_stream_lines` (standard input: size and line length); and
`os_error_line(exc)` says an operating-system error in one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import HeaderRegistry
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

import click

from wipestation.common.errors import BadValue
from wipestation.common.i18n import N_, _
from wipestation.common.text import check_length, check_plain, escape_control
from wipestation.common.units import parse_capacity, parse_date

T = TypeVar("T", covariant=True)

PATH_LIMIT = 4096  # PATH_MAX on Linux
ADDRESS_LIMIT = 254  # RFC 5321: the longest forward path
URL_LIMIT = 2000
CONFIG_MAX_BYTES = 1024 * 1024  # a TOML configuration; the shop's is about 2 KB
TOOL_OUTPUT_MAX_BYTES = 16 * 1024 * 1024  # smartctl -x of a big SAS drive is about 200 KB
MAX_DEPTH = 64  # nesting of a JSON or TOML document from outside
STDIN_MAX_BYTES = 4 * 1024 * 1024  # scanned codes on standard input: ~40 000 lines of 100 characters
LINE_LIMIT = 1000  # one scanned code


class Kind(Protocol, Generic[T]):
    def take(self, value: object, what: str) -> T: ...

    def describe(self) -> str: ...


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise BadValue(_("{what} must be text").format(what=what), field=what)
    return value


@dataclass(frozen=True)
class Text:
    limit: int
    multiline: bool = False
    empty: bool = False  # '' (or only spaces) allowed

    def take(self, value: object, what: str) -> str:
        text = check_length(check_plain(_string(value, what), what, multiline=self.multiline), what, self.limit)
        if not self.empty and not text.strip():
            raise BadValue(_("{what} is empty").format(what=what), field=what)
        return text

    def describe(self) -> str:
        return f"text of at most {self.limit} characters"


_DOT_DOT = re.compile(r"(^|/)\.\.(/|$)")


@dataclass(frozen=True)
class _PathKind:
    absolute: bool = False
    noun: str = N_("a path")

    def take(self, value: object, what: str) -> Path:
        text = check_length(check_plain(_string(value, what), what), what, PATH_LIMIT)
        if not text.strip():
            raise BadValue(_("{what} is empty: name {noun}").format(what=what, noun=_(self.noun)), field=what)
        if _DOT_DOT.search(text):
            raise BadValue(
                _("{what} must not contain '..': name {noun} itself: {path}").format(
                    what=what, noun=_(self.noun), path=text
                ),
                field=what,
            )
        path = Path(text).expanduser() if text.startswith("~") else Path(text)
        if self.absolute and not path.is_absolute():
            raise BadValue(
                _("{what} must be an absolute path (starting with /): {path}").format(what=what, path=text), field=what
            )
        return path

    def describe(self) -> str:
        return "an absolute path" if self.absolute else "a path"


@dataclass(frozen=True)
class Folder(_PathKind):
    """A folder that exists or may be created."""

    noun: str = N_("a folder")


@dataclass(frozen=True)
class InFile(_PathKind):
    """A file to read (opened later with `read_regular`)."""

    noun: str = N_("a file")


@dataclass(frozen=True)
class OutFile(_PathKind):
    """A file to write (with `write_regular`): not a folder."""

    noun: str = N_("a file")

    def take(self, value: object, what: str) -> Path:
        path = super().take(value, what)
        if str(value).endswith("/"):
            raise BadValue(_("{what} names a folder: name a file: {path}").format(what=what, path=value), field=what)
        return path


_HEADERS = HeaderRegistry()
_DOMAIN_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _one_address(text: str, what: str, *, display_name: bool) -> str:
    refused = BadValue(_("{what}: not an e-mail address: '{text}'").format(what=what, text=text), field=what)
    try:
        header = _HEADERS("To", text)
        addresses = header.addresses  # type: ignore[attr-defined]
    except (HeaderParseError, ValueError, IndexError, TypeError):
        raise refused from None
    if len(addresses) != 1 or getattr(header, "defects", None):
        raise refused
    address = addresses[0]
    if not address.username or not address.domain or (address.display_name and not display_name):
        raise refused
    try:
        labels = address.domain.encode("idna").decode("ascii").split(".")
    except UnicodeError:
        raise refused from None
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise refused
    return str(address) if display_name else str(address.addr_spec)


@dataclass(frozen=True)
class Address:
    """One e-mail address; `display_name=True` allows `Shop <info@shop.nl>` (a sender)."""

    display_name: bool = False

    def take(self, value: object, what: str) -> str:
        text = check_length(check_plain(_string(value, what), what), what, ADDRESS_LIMIT + 200).strip()
        if not text:
            raise BadValue(_("{what} is empty: give an e-mail address").format(what=what), field=what)
        return _one_address(text, what, display_name=self.display_name)

    def describe(self) -> str:
        return "an e-mail address"


@dataclass(frozen=True)
class Addresses:
    """A list of e-mail addresses (a config key)."""

    def take(self, value: object, what: str) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            raise BadValue(_("{what} must be a list of e-mail addresses").format(what=what), field=what)
        if len(value) > 100:
            raise BadValue(_("{what}: at most 100 addresses").format(what=what), field=what)
        return tuple(Address().take(v, what) for v in value)

    def describe(self) -> str:
        return "a list of e-mail addresses"


@dataclass(frozen=True)
class Url:
    """A web address people open: https: or http:, with a host."""

    def take(self, value: object, what: str) -> str:
        text = check_length(check_plain(_string(value, what), what), what, URL_LIMIT).strip()
        try:
            parts = urlsplit(text)
            host = parts.hostname
        except ValueError:
            host = None
            parts = None
        if parts is None or parts.scheme.lower() not in {"https", "http"} or not host or " " in text:
            raise BadValue(
                _("{what} must be a web address starting with https:// (or http://): '{text}'").format(
                    what=what, text=text
                ),
                field=what,
            )
        return text

    def describe(self) -> str:
        return "an https: or http: address"


_HOUR = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


@dataclass(frozen=True)
class TimeOfDay:
    def take(self, value: object, what: str) -> str:
        text = _string(value, what)
        if not _HOUR.fullmatch(text):
            raise BadValue(
                _('{what} must be HH:MM (24-hour clock), e.g. "08:30": {text}').format(
                    what=what, text=repr(escape_control(text))
                ),
                field=what,
            )
        return text

    def describe(self) -> str:
        return "a time of day HH:MM"


@dataclass(frozen=True)
class Count:
    minimum: int = 0
    maximum: int = 2**63 - 1

    def take(self, value: object, what: str) -> int:
        if isinstance(value, str):
            if not re.fullmatch(r"[0-9]{1,19}", value.strip()):
                raise BadValue(
                    _("{what} must be a whole number from {minimum} to {maximum}: {text}").format(
                        what=what, minimum=self.minimum, maximum=self.maximum, text=repr(escape_control(value[:40]))
                    ),
                    field=what,
                )
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool) or not self.minimum <= value <= self.maximum:
            raise BadValue(
                _("{what} must be a whole number from {minimum} to {maximum}").format(
                    what=what, minimum=self.minimum, maximum=self.maximum
                ),
                field=what,
            )
        return value

    def describe(self) -> str:
        return f"a whole number from {self.minimum} to {self.maximum}"


@dataclass(frozen=True)
class Fingerprint:
    def take(self, value: object, what: str) -> str:
        text = check_length(check_plain(_string(value, what), what), what, 200)
        wanted = text.replace(":", "").replace(" ", "").strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", wanted):
            raise BadValue(
                _("{what} must be 64 hexadecimal digits (SHA-256), not '{text}'").format(what=what, text=text),
                field=what,
            )
        return wanted

    def describe(self) -> str:
        return "a SHA-256 fingerprint"


@dataclass(frozen=True)
class Words:
    words: tuple[str, ...]

    def take(self, value: object, what: str) -> str:
        if value not in self.words:
            raise BadValue(
                _("{what} must be one of: {words}").format(what=what, words=", ".join(self.words)), field=what
            )
        return str(value)

    def describe(self) -> str:
        return "one of " + ", ".join(self.words)


@dataclass(frozen=True)
class Flag:
    def take(self, value: object, what: str) -> bool:
        if not isinstance(value, bool):
            raise BadValue(_("{what} must be true or false").format(what=what), field=what)
        return value

    def describe(self) -> str:
        return "true or false"


class Outside(click.ParamType):  # type: ignore[type-arg,unused-ignore]  # generic from click 8.3 on
    """The click type of a command's option or argument: the kind's `take`, refusing with a
    `BadValue` (one line, exit 1) before the command opens the store."""

    def __init__(self, kind: Kind[Any], metavar: str | None = None) -> None:
        self.kind = kind
        self.name = type(kind).__name__.lower()
        self._metavar = metavar

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str | None:
        return self._metavar

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> object:
        if not isinstance(value, str):
            return value  # a default that is already the value
        what = _param_name(param)
        return self.kind.take(value, what)


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return "value"
    if isinstance(param, click.Option) and param.opts:
        return max(param.opts, key=len)
    return (param.human_readable_name or param.name or "value").upper()


@dataclass(frozen=True)
class Day:
    """A date YYYY-MM-DD (ASCII digits), between 1900 and 2100."""

    def take(self, value: object, what: str) -> str:
        text = check_length(check_plain(_string(value, what), what), what, 40)
        parse_date(text)
        return text.strip()

    def describe(self) -> str:
        return "a date YYYY-MM-DD"


@dataclass(frozen=True)
class Capacity:
    """500GB, 2TB, 1TiB or bytes; at least 1 MB."""

    def take(self, value: object, what: str) -> int:
        return parse_capacity(check_length(check_plain(_string(value, what), what), what, 60))

    def describe(self) -> str:
        return "a capacity of at least 1 MB"
