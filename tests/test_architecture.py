"""Imports point inward: the core never loads the console, the renderer or their libraries."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_core_and_its_cli_load_without_textual_or_reportlab() -> None:
    code = (
        "import json, sys; import wipestation.cli, wipestation.custody, wipestation.customers; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual','reportlab','pyhanko','tui','certificates'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    assert json.loads(out.stdout) == []


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([exe], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout
    assert "tui and certificates never import wipestation.cli" in result.stdout
