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


def _state_writes(path: Path) -> list[int]:
    """Lines of `path` that write a custody record's state: `x.state = CustodyState.…` or an UPDATE with
    `.values(state=CustodyState.…)`."""
    import ast

    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Attribute) and t.attr == "state" for t in targets):
            assert isinstance(node, ast.Assign)
            if "CustodyState" in ast.unparse(node.value):
                lines.append(node.lineno)
        is_values = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "values"
        if is_values and any(k.arg == "state" and "CustodyState" in ast.unparse(k.value) for k in node.keywords):  # type: ignore[attr-defined]
            lines.append(node.lineno)
    return lines


def test_only_custody_changes_the_state_of_a_custody_record() -> None:
    """The erasure service and destruction call custody's transitions; none writes a state itself."""
    writers = {
        str(p.relative_to(ROOT)): found
        for p in sorted((ROOT / "wipestation").rglob("*.py"))
        if (found := _state_writes(p))
    }
    assert set(writers) == {"wipestation/custody.py"}, writers


def test_core_functions_and_modules_stay_short_unless_they_say_why() -> None:
    """No function over 60 lines and no module over 400 lines in the core, unless its text says why
    ("Longer than … on purpose")."""
    import ast

    too_long = []
    for path in sorted((ROOT / "wipestation").rglob("*.py")):
        text = path.read_text()
        name = str(path.relative_to(ROOT))
        if len(text.splitlines()) > 400 and "Longer than 400 lines on purpose" not in text:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text, name)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                body = ast.get_source_segment(text, node) or ""
                if length > 60 and "Longer than 60 lines on purpose" not in body:
                    too_long.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    assert too_long == []
