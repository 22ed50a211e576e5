"""The core's application object: every seam a typed field of Overrides, so a misspelt or mistyped
seam is refused (TypeError at construction, a mypy error before that), never a silent fall-back to
the real drive source; the real seams are built only when asked for."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner
from tests.erasure.test_run import IDENTITY, SIZE, OneDrive
from tests.fakes import FakeClock
from wipestation.app import AppContext, Overrides
from wipestation.common.commands import SubprocessRunner
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.erasure.blockio import OsBlockOpener
from wipestation.shop.helper import HelperRunner

ROOT = Path(__file__).resolve().parent.parent


def _app(tmp_path: Path, **seams: Any) -> AppContext:
    overrides = Overrides(clock=FakeClock(), config=Config(data_dir=tmp_path / "data"))
    return AppContext.create(
        config_path=None,
        db_url=f"sqlite:///{tmp_path / 'app.sqlite3'}",
        actor="tester",
        overrides=replace(overrides, **seams),
    )


def test_an_unknown_seam_name_is_refused_when_the_overrides_are_built() -> None:
    with pytest.raises(TypeError, match="drive_sorce"):
        Overrides(drive_sorce=OneDrive(DetectedDrive(IDENTITY)))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Overrides(OneDrive(DetectedDrive(IDENTITY)))  # type: ignore[call-arg, arg-type]  # keywords only: no seam by position


def test_mypy_sees_the_type_of_each_seam(tmp_path: Path) -> None:
    code = (
        "from wipestation.app import Overrides\n"
        "from wipestation.common.commands import SubprocessRunner\n"
        "Overrides(command_runner=SubprocessRunner())\n"  # right: no error on this line
        "Overrides(drive_source=SubprocessRunner())\n"  # a runner is no drive source
        "Overrides(drive_sorce=None)\n"
    )
    (tmp_path / "inject.py").write_text(code)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(tmp_path / "inject.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    assert [line.split(":")[1] for line in lines if ": error:" in line] == ["4", "5"], result.stdout
    assert 'Argument "drive_source" to "Overrides" has incompatible type "SubprocessRunner"' in result.stdout
    assert 'Unexpected keyword argument "drive_sorce" for "Overrides"' in result.stdout


def test_injected_seams_are_the_ones_used(tmp_path: Path) -> None:
    source = OneDrive(DetectedDrive(IDENTITY))
    runner = FakeRunner({})
    opener = FakeOpener(FakeBlockDevice(SIZE))
    app = _app(tmp_path, drive_source=source, command_runner=runner, block_opener=opener, executables=("a", "b"))
    assert app.drive_source is source
    assert app.command_runner() is runner
    assert app.device_runner("/dev/sdz", "S") is runner
    assert app.block_opener is opener
    assert app.executables == ("a", "b")


def test_without_overrides_the_real_seams_are_built_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    app = _app(tmp_path)
    assert isinstance(app.block_opener, OsBlockOpener)
    assert isinstance(app.command_runner(), SubprocessRunner)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert isinstance(app.device_runner("/dev/sdz", "S"), HelperRunner)  # a technician: the root helper
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert isinstance(app.device_runner("/dev/sdz", "S"), SubprocessRunner)
    assert app.erase_before_verify is None
    assert app.command_run is subprocess.run
