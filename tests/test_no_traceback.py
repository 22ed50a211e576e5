"""No traceback reaches the terminal without WIPESTATION_DEBUG: an internal error (a bug) is one line
and exit code 70; with WIPESTATION_DEBUG the exception goes through, traceback and all."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from tests.conftest import Cli
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import ExitCode


class BuggySource:
    def list_drives(self) -> list[DetectedDrive]:
        raise RuntimeError("a bug in the drive list")

    def identify(self, device: str) -> DetectedDrive:
        raise RuntimeError("a bug")

    def identify_fd(self, fd: int) -> DetectedDrive:
        raise RuntimeError("a bug")


def test_an_internal_error_is_one_line_and_exit_70(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIPESTATION_DEBUG", raising=False)
    cli.overrides = replace(cli.overrides, drive_source=BuggySource())
    result = cli("drives")
    assert result.exit_code == int(ExitCode.INTERNAL) == 70
    assert result.stderr == (
        "error: internal error (RuntimeError: a bug in the drive list); this is a defect of wipestation: "
        "please report it with WIPESTATION_DEBUG=1\n"
    )
    monkeypatch.setenv("WIPESTATION_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug in the drive list"):
        cli("drives")


def test_a_logged_error_is_one_line_without_its_traceback(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The core logs what it gets past (`log.exception`): one line, the traceback only when debugging."""
    monkeypatch.delenv("WIPESTATION_DEBUG", raising=False)

    class LoggingSource(BuggySource):
        def list_drives(self) -> list[DetectedDrive]:
            try:
                raise OSError("the bay's controller went away")
            except OSError:
                logging.getLogger("wipestation.test").exception("could not read bay %s", 3)
            return []

    cli.overrides = replace(cli.overrides, drive_source=LoggingSource())
    result = cli("drives")
    assert result.exit_code == 0
    assert result.stderr == "warning: could not read bay 3\n"
    monkeypatch.setenv("WIPESTATION_DEBUG", "1")
    debug = cli("drives")
    assert "warning: could not read bay 3\nTraceback" in debug.stderr and "went away" in debug.stderr
