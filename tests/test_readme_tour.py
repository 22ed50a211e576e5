"""The README's tour runs as written (issue 28): its commands are taken from README.md and run
literally, in a temporary directory of their own (`mktemp -d` made there), each block in one bash with
`set -e`, so the first command that fails fails the test. The block on a loop device needs root; it
is skipped with the reason otherwise."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.helpers.loop import IS_ROOT, detach, needs_root

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def tour_blocks(text: str) -> list[str]:
    """The shell blocks of the README's "## A tour" section, in order."""
    section = text.split("\n## A tour\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def run_tour(blocks: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The blocks as one bash script (`set -e`: it stops at the first failing command), in `tmp_path`
    where `.venv` is the repository's; a clean environment: no database or configuration of the
    machine's, temporary files in `tmp_path`."""
    work = tmp_path / "clone"
    work.mkdir()
    (work / ".venv").symlink_to(Path(sys.prefix))
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIPESTATION_") and not k.startswith("XDG_")} | {
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
    }
    script = "set -euo pipefail\nset -x\n" + "\n".join(blocks)
    try:
        return subprocess.run(
            ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        detach_loops_under(tmp_path)


def detach_loops_under(directory: Path) -> None:
    """A failed tour may leave its loop device attached: detach those over files in `directory` (only)."""
    if not IS_ROOT:
        return
    listed = subprocess.run(["losetup", "--json", "--list"], capture_output=True, text=True, check=False)
    for dev in json.loads(listed.stdout or '{"loopdevices": []}').get("loopdevices", []):
        if str(dev.get("back-file") or "").startswith(str(directory)):
            detach(dev["name"])


def test_the_tour_is_found() -> None:
    """The extraction itself: three blocks, the loop-device one in the middle (a README without the
    tour would otherwise run nothing and pass)."""
    blocks = tour_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) == 3
    assert "customer add" in blocks[0] and "losetup" in blocks[1] and "anonymise" in blocks[2]
    assert all("losetup" not in b for b in (blocks[0], blocks[2]))


def test_the_tour_without_a_drive(tmp_path: Path) -> None:
    blocks = tour_blocks(README.read_text(encoding="utf-8"))
    result = run_tour([blocks[0], blocks[2]], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "vernietigd" in result.stdout  # the destruction of the record the tour made
    assert "geanonimiseerd" in result.stdout or "anonimi" in result.stdout


@needs_root
def test_the_whole_tour_on_a_loop_device(tmp_path: Path) -> None:
    blocks = tour_blocks(README.read_text(encoding="utf-8"))
    result = run_tour(blocks, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "LOOP-tour-disk.img" in result.stdout
    assert re.search(r"certificaat: WS-\d{4}-\d+", result.stdout), result.stdout  # the erasure's
    assert "gewist" in result.stdout  # show: the record is erased
