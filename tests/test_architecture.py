"""Imports point inward: the core never loads the console, the renderer or their libraries; inside
the core, the engine and detection know nothing of the store; and no function or module grows past
what a reader takes in at once, except those listed below with the reason."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("wipestation", "tui", "certificates")
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400

# Today's long functions and modules. Each entry must still be over its limit (the test says when one
# is not: take it off the list), and says why it may be; a new one needs a reason here or a split.
LONG_FUNCTIONS: dict[str, str] = {}
LONG_MODULES: dict[str, str] = {
    "wipestation/erasure/engine.py": "the overwrite engine: write and verify passes (says so in its text)",
}


def test_the_core_and_its_cli_load_without_textual_or_reportlab() -> None:
    code = (
        "import json, sys; import wipestation.cli, wipestation.records.custody, wipestation.records.customers; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual','reportlab','pyhanko','tui','certificates'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    assert json.loads(out.stdout) == []


def _contracts() -> list[dict[str, Any]]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        contracts: list[dict[str, Any]] = tomllib.load(fh)["tool"]["importlinter"]["contracts"]
    return contracts


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    result = subprocess.run([exe], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout
    assert "tui and certificates never import wipestation.cli" in result.stdout


def _forbids(sources: set[str], forbidden: set[str]) -> bool:
    return any(
        c["type"] == "forbidden"
        and sources <= set(c["source_modules"])
        and forbidden <= set(c["forbidden_modules"])
        and not c.get("allow_indirect_imports", False)
        for c in _contracts()
    )


def test_the_contracts_keep_the_store_out_of_the_engine_and_detection_and_the_cli_on_top() -> None:
    engine = {f"wipestation.erasure.{m}" for m in ("engine", "blockio", "patterns", "verify")}
    assert _forbids(
        engine, {"sqlalchemy", "wipestation.store.models", "wipestation.store.db", "wipestation.records.custody"}
    )
    assert _forbids({"wipestation.detection"}, {"sqlalchemy"})
    layers = [c["layers"] for c in _contracts() if c["type"] == "layers"]
    assert any(ls[0] == "wipestation.cli" and ls[-1] == "wipestation.common" for ls in layers)


CONTEXTS = (
    "common",
    "store",
    "audit",
    "records",
    "detection",
    "stock",
    "documents",
    "views",
    "erasure",
    "destruction",
    "backups",
    "shop",
    "cli",
)


def test_every_context_is_a_layer_and_says_what_it_owns() -> None:
    """The tree shows the contexts: each is a package whose docstring says what it owns, and each has its
    place in the layers contract (so an import upward, the ring of issue 26, breaks `lint-imports`)."""
    (layers,) = [c["layers"] for c in _contracts() if c["type"] == "layers" and c["layers"][0] == "wipestation.cli"]
    placed = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    for context in CONTEXTS:
        assert f"wipestation.{context}" in placed, context
        doc = ast.get_docstring(ast.parse((ROOT / "wipestation" / context / "__init__.py").read_text()))
        assert doc and len(doc) > 80, f"wipestation/{context}/__init__.py says what it owns"
    packages = {p.parent.name for p in (ROOT / "wipestation").glob("*/__init__.py")}
    assert packages == set(CONTEXTS), "a new package of the core is a context: list it and give it a layer"
    top = sorted(p.name for p in (ROOT / "wipestation").glob("*.py"))
    assert top == ["__init__.py", "app.py"], "a module at the top of the core belongs in a context: " + str(top)


def _import_cycles(package: str) -> list[list[str]]:
    """The cycles (strongly connected components) of the package's import graph, counting the imports made
    inside functions and under TYPE_CHECKING (grimp reads every import statement)."""
    import grimp

    graph = grimp.build_graph(package, include_external_packages=False, cache_dir=None)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                component.append(w)
            if component:
                cycles.append(sorted([v, *component]))

    for module in edges:
        if module not in index:
            visit(module)
    return cycles


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle_so_no_import_hides_in_a_function_to_dodge_one(package: str) -> None:
    """Counting the imports inside functions, no two modules import each other, directly or round a ring
    (the core's services once did, and the console's screens imported the app that opens them): an import
    inside a function is there to keep a start fast, never to dodge a cycle (moving any of them to the top
    of its module would create none)."""
    assert _import_cycles(package) == []


def test_the_engine_and_detection_load_without_the_store() -> None:
    code = (
        "import json, sys\n"
        "import wipestation.erasure.engine, wipestation.erasure.blockio, wipestation.erasure.patterns\n"
        "import wipestation.erasure.verify, wipestation.detection.source, wipestation.detection.watcher\n"
        "store = {'wipestation.store.models', 'wipestation.store.db', 'wipestation.records.custody'}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy' or m in store)))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT)
    assert json.loads(out.stdout) == []


def _sources() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations/versions" not in path.as_posix():
                yield path


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, lines from `def` to its last line) of every function, nested ones too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            yield name, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from _functions(node, name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def _sizes() -> tuple[dict[str, int], dict[str, int]]:
    functions: dict[str, int] = {}
    modules: dict[str, int] = {}
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        modules[rel] = len(text.splitlines())
        for name, lines in _functions(ast.parse(text)):
            functions[f"{rel}:{name}"] = lines
    return functions, modules


def test_the_size_measure_counts_nested_and_method_lines() -> None:
    tree = ast.parse("class A:\n    def f(self):\n        def g():\n            pass\n\n        return g\n")
    assert dict(_functions(tree)) == {"A.f": 5, "A.f.g": 2}


def test_no_function_over_60_lines_and_no_module_over_400_lines_unless_listed() -> None:
    functions, modules = _sizes()
    long_functions = {name: n for name, n in functions.items() if n > MAX_FUNCTION_LINES}
    long_modules = {name: n for name, n in modules.items() if n > MAX_MODULE_LINES}
    assert all(reason.strip() for reason in (*LONG_FUNCTIONS.values(), *LONG_MODULES.values()))
    unlisted = sorted(f"{name} ({n} lines)" for name, n in long_functions.items() if name not in LONG_FUNCTIONS)
    unlisted += sorted(f"{name} ({n} lines)" for name, n in long_modules.items() if name not in LONG_MODULES)
    assert not unlisted, f"over {MAX_FUNCTION_LINES} lines a function or {MAX_MODULE_LINES} a module: split it"
    shrunk = sorted(name for name in LONG_FUNCTIONS if name not in long_functions)
    shrunk += sorted(name for name in LONG_MODULES if name not in long_modules)
    assert not shrunk, "no longer over the limit (or gone): take them off the list"


def test_the_ruff_exemptions_of_modules_being_split_are_still_needed() -> None:
    """Each `[tool.ruff.lint.per-file-ignores]` entry of the three packages names only rules its module
    still breaks: once a split lands, its entry must go (ruff itself never says so)."""
    exe = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(exe).exists():
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    with (ROOT / "pyproject.toml").open("rb") as fh:
        exempt: dict[str, list[str]] = tomllib.load(fh)["tool"]["ruff"]["lint"]["per-file-ignores"]
    exempt = {path: codes for path, codes in exempt.items() if path.split("/")[0] in PACKAGES}
    codes = sorted({code for listed in exempt.values() for code in listed})
    assert exempt and codes
    args = ["check", "--config", "lint.per-file-ignores = {}", "--select", ",".join(codes), "--exit-zero"]
    result = subprocess.run(
        [exe, *args, "--output-format", "json", *PACKAGES],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    broken = {
        (Path(v["filename"]).resolve().relative_to(ROOT).as_posix(), v["code"]) for v in json.loads(result.stdout)
    }
    stale = sorted(
        f"{path}: {code}" for path, listed in exempt.items() for code in listed if (path, code) not in broken
    )
    assert not stale, "these modules no longer break these rules: take them out of per-file-ignores"


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
        if (
            isinstance(node, ast.Call)
            and is_values
            and any(k.arg == "state" and "CustodyState" in ast.unparse(k.value) for k in node.keywords)
        ):
            lines.append(node.lineno)
    return lines


def test_only_custody_changes_the_state_of_a_custody_record() -> None:
    """The erasure service and destruction call custody's transitions; none writes a state itself."""
    writers = {
        str(p.relative_to(ROOT)): found
        for p in sorted((ROOT / "wipestation").rglob("*.py"))
        if (found := _state_writes(p))
    }
    assert set(writers) == {"wipestation/records/custody.py"}, writers


def test_no_module_switches_the_garbage_collector() -> None:
    """Speed without process-wide tricks: the read side once paused the cyclic garbage collector around a
    list (for every thread of the console too); its views are now cheap for the collector instead."""
    calls = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "gc"):
                continue
            if node.attr in ("disable", "freeze", "set_threshold"):
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert calls == []
