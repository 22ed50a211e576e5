"""The shop's install, and technicians without root.

A wheel is built with `python -m build` from the project's files and installed into a fresh venv made
from Debian's /usr/bin/python3 (as docs/install.md does for the shop), with its dependencies exactly as
requirements/app.lock pins them, hash-checked. Then, through that install,
as unprivileged users (uids without a passwd entry, via setpriv):
  - a technician in the group erases a loop device the group was given with mode 0660 (as the udev
    rule does) and gets a certificate; a second technician shares the records through the group;
  - a user outside the group is refused with exit 3 and one line;
  - the root helper refuses a protected drive, and refuses to run for anyone but root.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.helpers.loop import IS_ROOT, loop_device

ROOT = Path(__file__).resolve().parents[1]
DEBIAN_PYTHON = Path("/usr/bin/python3")
TECHNICIAN, SECOND_TECHNICIAN, OUTSIDER = 61234, 61236, 61237
SHOP_GROUP = 61235

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DEBIAN_PYTHON.exists(), reason="needs Debian's /usr/bin/python3 (python3-venv)"),
]


def _project_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [f for f in out.stdout.split("\0") if f and (ROOT / f).is_file()]


@pytest.fixture(scope="session")
def installed() -> Iterator[Path]:
    """The bin/ folder of a fresh venv (Debian's python3) with the wheel built from this tree installed."""
    base = Path(tempfile.mkdtemp(prefix="ws-install-"))
    try:
        os.chmod(base, 0o755)  # the unprivileged tests run the installed command
        source = base / "src"
        for name in _project_files():
            target = source / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        dist = base / "dist"
        built = subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        wheels = list(dist.glob("wipestation-*.whl"))
        assert len(wheels) == 1
        venv = base / "venv"
        subprocess.run([str(DEBIAN_PYTHON), "-m", "venv", str(venv)], check=True, timeout=300)
        # As docs/install.md does: the dependencies exactly as locked, each checked against its hash,
        # then the wheel alone.
        pip = [str(venv / "bin/python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        for args in (["--require-hashes", "-r", str(ROOT / "requirements/app.lock")], ["--no-deps", str(wheels[0])]):
            done = subprocess.run([*pip, *args], capture_output=True, text=True, timeout=1500)
            assert done.returncode == 0, done.stderr[-3000:]
        yield venv / "bin"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_the_wheel_installs_and_runs(installed: Path, tmp_path: Path) -> None:
    version = subprocess.run([str(installed / "wipestation"), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and "0.1.0" in version.stdout
    # A command that needs the migrations shipped in the wheel, on a new database:
    db = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env = dict(os.environ, WIPESTATION_DATA_DIR=str(tmp_path / "data"))
    added = subprocess.run(
        [str(installed / "wipestation"), "--db", db, "customer", "add", "--name", "Jan", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # not the checkout: nothing may come from the source tree
    )
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["id"] == 1
    # The compiled Dutch catalog ships in the wheel: Dutch is the default language.
    dutch = dict(env)
    dutch.pop("WIPESTATION_LANG", None)
    due = subprocess.run(
        [str(installed / "wipestation"), "--db", db, "due", "--on", "2026-01-05"],
        capture_output=True,
        text=True,
        env=dutch,
        cwd=tmp_path,
    )
    assert due.returncode == 0, due.stderr
    assert due.stdout.strip() == "niets te doen op 2026-01-05"
    where = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import wipestation, tui, certificates, importlib.resources as r; "
            "print(wipestation.__file__); "
            "print(r.files('wipestation').joinpath('store/migrations/script.py.mako').is_file()); "
            "print(r.files('tui').joinpath('app.tcss').is_file()); "
            "print(r.files('wipestation').joinpath('store/migrations/versions/0002_reasons.py').is_file())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    lines = where.stdout.split()
    assert lines[0].startswith(str(installed.parent)), lines  # the installed copy, not the checkout
    assert lines[1:] == ["True", "True", "True"]
    helper = subprocess.run([str(installed / "wipestation-helper"), "--help"], capture_output=True, text=True)
    assert helper.returncode == 0 and "firmware" in helper.stdout


def _as(uid: int, groups: list[int], *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    group_option = f"--groups={','.join(map(str, groups))}" if groups else "--clear-groups"
    return subprocess.run(
        ["setpriv", f"--reuid={uid}", f"--regid={uid}", group_option, "--", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.blockdev
@pytest.mark.skipif(not IS_ROOT or shutil.which("setpriv") is None, reason="needs root and setpriv (util-linux)")
def test_technicians_without_root(installed: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="ws-shop-"))
    try:
        _technicians_without_root(installed, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _technicians_without_root(installed: Path, base: Path) -> None:
    os.chmod(base, 0o755)
    data = base / "data"
    data.mkdir()
    os.chown(data, 0, SHOP_GROUP)
    os.chmod(data, 0o2770)  # what setup-workstation makes
    config = base / "wipestation.toml"
    config.write_text(
        f'language = "en"\ndata_dir = "{data}"\n[shop]\nname = "Testwinkel"\n[devices]\nallow_loop = true\n'
    )
    config.chmod(0o644)
    homes = base / "home"
    homes.mkdir(mode=0o755)

    def env(uid: int) -> dict[str, str]:
        home = homes / str(uid)
        home.mkdir(exist_ok=True)
        os.chown(home, uid, uid)
        return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "WIPESTATION_CONFIG": str(config)}

    ws = str(installed / "wipestation")
    disks = base / "disks"
    disks.mkdir(mode=0o700)
    with loop_device(disks, "bay1.img", 8 << 20, fill=b"\xa5") as device:
        serial = "LOOP-bay1.img"

        def run(uid: int, groups: list[int], *args: str) -> subprocess.CompletedProcess[str]:
            return _as(uid, groups, ws, "--as", f"user{uid}", *args, env=env(uid))

        made = ["--made-on", (date.today() - timedelta(days=40)).isoformat()]  # due: it may be erased
        added = run(TECHNICIAN, [SHOP_GROUP], "customer", "add", "--name", "Jan de Vries", "--json")
        assert added.returncode == 0, added.stderr
        store = data / "wipestation.sqlite3"
        st = store.stat()
        assert (st.st_uid, st.st_gid) == (TECHNICIAN, SHOP_GROUP)
        assert stat.S_IMODE(st.st_mode) & 0o660 == 0o660 and not stat.S_IMODE(st.st_mode) & 0o007
        # The udev rule's work, done when the disk appears: the bay's disk belongs to the group, mode 0660
        # (identity and protection read the device itself: a technician reads only what the group may).
        os.chown(device, 0, SHOP_GROUP)
        os.chmod(device, 0o660)
        registered = run(
            TECHNICIAN, [SHOP_GROUP], "backup", "register", "--device", device, "--customer", "1", "--job", "R-1", *made
        )
        assert registered.returncode == 0, registered.stderr

        # Outside the group: refused before anything is opened, exit 3, one line.
        refused = run(OUTSIDER, [], "erase", device, "--method", "zero", "--verify", "full", "--confirm", serial)
        assert refused.returncode == 3, refused.stderr
        assert refused.stderr.splitlines() == [
            f"error: {device}: this user may not write to it: only drives in a wipe bay are given to the group "
            "wipestation, and the technician must be in that group"
        ]
        assert (disks / "bay1.img").read_bytes()[:4096] == b"\xa5" * 4096  # nothing written

        erased = run(
            TECHNICIAN,
            [SHOP_GROUP],
            "erase",
            device,
            "--method",
            "zero",
            "--verify",
            "full",
            "--confirm",
            serial,
            "--json",
        )
        assert erased.returncode == 0, erased.stderr
        result = json.loads(erased.stdout.splitlines()[-1])
        assert result["outcome"] == "succeeded" and result["verify_result"] == "passed"
        number = result["certificate"]
        assert number and number.startswith("WS-")
        with open(disks / "bay1.img", "rb") as fh:
            while chunk := fh.read(1 << 20):
                assert chunk.count(0) == len(chunk)

        # A second technician shares the records through the group: reads and writes them.
        certs = run(SECOND_TECHNICIAN, [SHOP_GROUP], "certificate", "list", "--json")
        assert certs.returncode == 0, certs.stderr
        assert [c["number"] for c in json.loads(certs.stdout)] == [number]
        more = run(SECOND_TECHNICIAN, [SHOP_GROUP], "customer", "add", "--name", "Piet", "--json")
        assert more.returncode == 0, more.stderr
        # ... and signs with the shop's key, which the first one created (group-readable, 0640).
        with loop_device(disks, "bay2.img", 8 << 20, fill=b"\x5a") as bay2:
            os.chown(bay2, 0, SHOP_GROUP)  # the udev rule's work, when the disk appears (as for bay1)
            os.chmod(bay2, 0o660)
            args = ["backup", "register", "--device", bay2, "--customer", "2", "--job", "R-2", *made]
            registered2 = run(SECOND_TECHNICIAN, [SHOP_GROUP], *args)
            assert registered2.returncode == 0, registered2.stderr
            erase2 = ["erase", bay2, "--method", "zero", "--verify", "sample", "--confirm", "LOOP-bay2.img", "--json"]
            second = run(SECOND_TECHNICIAN, [SHOP_GROUP], *erase2)
            assert second.returncode == 0, second.stderr
            assert json.loads(second.stdout.splitlines()[-1])["certificate"]
        key = data / "keys" / "shop-signing-key.pem"
        assert stat.S_IMODE(key.stat().st_mode) == 0o640 and key.stat().st_gid == SHOP_GROUP
        assert run(TECHNICIAN, [SHOP_GROUP], "audit", "verify").returncode == 0

        # The root helper: refuses a protected drive (run as root, with the system configuration) ...
        protected = base / "system.toml"
        protected.write_text(f'[devices]\nallow_loop = true\nprotected_serials = ["{serial}"]\n')
        helper = str(installed / "wipestation-helper")
        no = subprocess.run(
            [helper, "--config", str(protected), device, serial, "hdparm", "-I", device], capture_output=True, text=True
        )
        assert no.returncode == 3
        assert no.stderr.startswith(f"wipestation-helper: refused: {device} is protected: ")
        # ... and does nothing for anyone but root.
        not_root = _as(TECHNICIAN, [SHOP_GROUP], helper, device, serial, "hdparm", "-I", device, env=env(TECHNICIAN))
        assert not_root.returncode == 1
        assert (
            not_root.stderr.strip() == "wipestation-helper: refused: must run as root (technicians run it through sudo)"
        )
