"""The console runs firmware tools as the CLI does: root itself, a technician through the narrow root
helper (issue 18); a technician without access to the drive is refused before anything opens."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tui.erasing import CoreEraseBackend
from tui.services import EraseRequest
from wipestation.common.commands import SubprocessRunner
from wipestation.common.errors import SafetyRefusal
from wipestation.shop.helper import HelperRunner


def _backend(store: Any, env: Any) -> CoreEraseBackend:
    return CoreEraseBackend(store, env, source=None)  # type: ignore[arg-type]


def test_a_technician_runs_firmware_tools_through_the_helper(store: Any, env: Any, monkeypatch: Any) -> None:
    backend = _backend(store, env)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    runner = backend.runner_for("/dev/sdz", "WD-123")
    assert isinstance(runner, HelperRunner) and (runner.device, runner.serial) == ("/dev/sdz", "WD-123")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert isinstance(backend.runner_for("/dev/sdz", "WD-123"), SubprocessRunner)


def test_an_injected_runner_is_used_as_it_is(store: Any, env: Any) -> None:
    injected = SubprocessRunner()
    assert CoreEraseBackend(store, env, None, runner=injected).runner_for("/dev/sdz", "S") is injected  # type: ignore[arg-type]


def test_a_technician_outside_the_group_is_refused_before_anything_opens(
    store: Any, env: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    node = tmp_path / "sdz"
    node.write_bytes(b"\xa5" * 4096)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    request = EraseRequest(device=str(node), method="zero", verify="full", serial="WD-123")
    with pytest.raises(SafetyRefusal, match="may not write to it"):
        _backend(store, env).erase(request, lambda p: None, lambda: False)
    assert node.read_bytes() == b"\xa5" * 4096
