"""Files only for the shop: the data folder, private output files, exclusive temporary files, and
reading a file that claims to be a certificate.

The command sets umask 077 (wipestation.cli), so everything it creates is the owner's only; these
helpers also say so explicitly, for callers in other processes.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from wipestation.common.errors import BadValue, ConfigError, NotFound
from wipestation.common.i18n import _

PRIVATE_UMASK = 0o077
CERTIFICATE_MAX_BYTES = 20 * 1024 * 1024  # a certificate PDF is about 100 KB; anything this big is not one


def ensure_data_dir(path: Path) -> Path:
    """The data folder, created owner-only (0700); one that other users may write to is refused."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigError(_("data folder {path}: {error}").format(path=path, error=exc.strerror or exc)) from None
    if not stat.S_ISDIR(mode):
        raise ConfigError(_("data folder {path} is not a folder").format(path=path))
    if mode & stat.S_IWOTH:
        raise ConfigError(
            _(
                "data folder {path} can be written by other users (mode {mode}): run `chmod o-w,g-w {path}` "
                "(0700 is best)"
            ).format(path=path, mode=f"{stat.S_IMODE(mode):04o}")
        )
    return path


def _write_error(path: Path, exc: OSError) -> Exception:
    if isinstance(exc, FileNotFoundError):
        return NotFound(
            _("cannot write {path}: the folder {folder} does not exist").format(path=path, folder=path.parent)
        )
    if isinstance(exc, IsADirectoryError):
        return BadValue(_("cannot write {path}: it is a folder").format(path=path))
    return BadValue(_("cannot write {path}: {error}").format(path=path, error=exc.strerror or exc))


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, readable by the owner only (0600), with a one-line error on failure."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise _write_error(path, exc) from None
    with os.fdopen(fd, "wb") as fh:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, 0o600)
        fh.write(data)


def replace_atomically(target: Path, data: bytes, mode: int) -> None:
    """Write `target` through a new temporary file in its folder, created exclusively (O_EXCL with a
    random name: a symlink planted there is never followed), then renamed over the target."""
    try:
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _write_error(target, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), mode)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_certificate_file(path: Path, limit: int = CERTIFICATE_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; a device, a FIFO or a huge file is
    refused before it is read (never blocks, never reads without end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise NotFound(_("file not found: {path}").format(path=path)) from None
    except OSError as exc:
        raise BadValue(_("cannot read {path}: {error}").format(path=path, error=exc.strerror or exc)) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadValue(_("{path} is not a regular file: a certificate is a PDF file").format(path=path))
        if info.st_size > limit:
            raise BadValue(
                _("{path} is {size} bytes: a certificate is at most {limit} bytes").format(
                    path=path, size=info.st_size, limit=limit
                )
            )
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise BadValue(
            _("{path} is larger than {limit} bytes: a certificate is at most {limit} bytes").format(
                path=path, limit=limit
            )
        )
    return data
