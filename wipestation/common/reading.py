"""Reading and writing what comes from outside, bounded: `read_regular` (a regular file within a size
limit; a FIFO, a device or a folder is refused before anything is read), `write_regular` (refuses a FIFO, a
device or a folder before it writes), `parse_json` (size and depth), `read_stream_lines` (standard input: size
and line length). The tools run through `wipestation.common.commands.SubprocessRunner` (time: the whole process
group ends on a timeout).

`os_error_line(exc)` says an operating-system error as a person reads it, in one line in the reader's
language, naming the path and what to do, never the exception's name.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path
from typing import IO

from wipestation.common.errors import BadValue, NotFound
from wipestation.common.i18n import N_, _
from wipestation.common.inputs import LINE_LIMIT, MAX_DEPTH, STDIN_MAX_BYTES, TOOL_OUTPUT_MAX_BYTES
from wipestation.common.text import check_plain, escape_control


def read_regular(path: Path, what: str, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit`; a FIFO, a device, a folder or a
    larger file is refused before anything is read (the open never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise NotFound(_("{what}: file not found: {path}").format(what=what, path=path)) from None
    except OSError as exc:
        raise BadValue(os_error_line(exc, path, what=what)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadValue(
                _("{what}: {path} is not a regular file ({kind}): name a file").format(
                    what=what, path=path, kind=_(file_kind(info.st_mode))
                )
            )
        if info.st_size > limit:
            raise BadValue(
                _("{what}: {path} is {size} bytes, more than the {limit} allowed").format(
                    what=what, path=path, size=info.st_size, limit=limit
                )
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise BadValue(os_error_line(exc, path, what=what)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise BadValue(
            _("{what}: {path} is more than the {limit} bytes allowed").format(what=what, path=path, limit=limit)
        )
    return data


def file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return N_("a folder")
    if stat.S_ISFIFO(mode):
        return N_("a named pipe")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("a device")
    if stat.S_ISSOCK(mode):
        return N_("a socket")
    return N_("not a file")


def write_regular(path: Path, data: bytes, *, what: str, mode: int = 0o600) -> None:
    """Write `data` to the file at `path` (created `mode`, or replaced), refusing a FIFO, a device or
    a folder before anything is written; one line naming the path when the system refuses."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise BadValue(os_error_line(exc, path, what=what)) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise BadValue(
            _("{what}: {path} is not a regular file ({kind}): name a file").format(
                what=what, path=path, kind=_(file_kind(info.st_mode))
            )
        )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NONBLOCK, mode)
    except OSError as exc:
        raise BadValue(os_error_line(exc, path, what=what)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the stat and the open
            raise BadValue(_("{what}: {path} is not a regular file: name a file").format(what=what, path=path))
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise BadValue(os_error_line(exc, path, what=what)) from None
    finally:
        os.close(fd)


def check_depth(value: object, what: str, limit: int = MAX_DEPTH) -> object:
    """`value` (parsed JSON or TOML), or BadValue when it nests deeper than `limit`."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                raise BadValue(_("{what} is nested more than {limit} levels deep").format(what=what, limit=limit))
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value


def parse_json(text: str | bytes, what: str, *, limit: int = TOOL_OUTPUT_MAX_BYTES, depth: int = MAX_DEPTH) -> object:
    """JSON from outside (a tool's output), bounded in size and depth; ValueError when it is not."""
    if len(text) > limit:
        raise ValueError(f"more than {limit} bytes")
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except ValueError:
        raise ValueError("not JSON") from None
    try:
        check_depth(data, what, depth)
    except BadValue:
        raise ValueError(f"nested more than {depth} levels deep") from None
    return data


def read_stream_lines(stream: IO[str], what: str, *, limit: int = STDIN_MAX_BYTES) -> list[str]:
    """The lines of a text stream (standard input), at most `limit` characters in all and
    `LINE_LIMIT` a line; control characters other than the line ends are refused (shown escaped)."""
    text = stream.read(limit + 1)
    if len(text) > limit:
        raise BadValue(_("{what}: more than {limit} characters").format(what=what, limit=limit))
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        where = _("{what}, line {line}").format(what=what, line=number)
        if len(line) > LINE_LIMIT:
            raise BadValue(_("{what} is longer than {limit} characters").format(what=where, limit=LINE_LIMIT))
        check_plain(line.rstrip("\r"), where)
    return [line.rstrip("\r") for line in lines]


# --- what the system said ----------------------------------------------------------------------

_ADVICE: dict[int, tuple[str, str]] = {
    errno.EROFS: (N_("read-only file system"), N_("choose a writable folder")),
    errno.EACCES: (N_("permission denied"), N_("choose a place you may write to, or ask the administrator")),
    errno.EPERM: (N_("operation not permitted"), N_("choose a place you may write to, or ask the administrator")),
    errno.ENOSPC: (N_("no space left on the device"), N_("free some space or choose another folder")),
    errno.EDQUOT: (N_("disk quota exceeded"), N_("free some space or choose another folder")),
    errno.ENOENT: (N_("not found"), N_("check the path")),
    errno.ENOTDIR: (N_("a part of the path is not a folder"), N_("check the path")),
    errno.EISDIR: (N_("is a folder"), N_("name a file")),
    errno.ENAMETOOLONG: (N_("the name is too long"), N_("choose a shorter path")),
    errno.ELOOP: (N_("too many symbolic links"), N_("check the path")),
    errno.ENXIO: (N_("not a regular file"), N_("name a file")),
    errno.EEXIST: (N_("already exists"), N_("choose another name")),
    errno.EBUSY: (N_("busy"), N_("try again when it is no longer in use")),
    errno.ETXTBSY: (N_("busy"), N_("try again when it is no longer in use")),
    errno.EIO: (N_("input/output error"), N_("the disk may be failing: choose another one")),
    errno.EMFILE: (N_("too many open files"), N_("close other programs and try again")),
}


def os_error_line(exc: OSError, path: object = None, *, what: str | None = None) -> str:
    """One line in the reader's language: what went wrong, the path, what to do."""
    where = path if path is not None else exc.filename
    known = _ADVICE.get(exc.errno or -1)
    if known:
        problem, todo = _(known[0]), _(known[1])
    else:
        # an errno-less OSError (raised by code, not by the kernel) carries its own words: keep them
        said = exc.strerror or (" ".join(str(exc).split()) if exc.args else "") or _("the system refused")
        problem, todo = escape_control(said).lower(), _("check the path and try again")
    shown = escape_control(str(where)) if where is not None else ""
    line = (
        _("{problem}: {path} — {todo}").format(problem=problem, path=shown, todo=todo)
        if shown
        else _("{problem} — {todo}").format(problem=problem, todo=todo)
    )
    return f"{what}: {line}" if what else line
