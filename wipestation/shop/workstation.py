"""`wipestation setup-workstation`: make a Debian machine a wipe station for technicians without root.

What it puts in place (under `root`, "/" on the real machine, a staging tree for packaging/tests):
  - the group `wipestation` (the technicians);
  - /etc/udev/rules.d/60-wipestation.rules: the wipe bays by ID_PATH, no desktop auto-mount;
  - /etc/udev/rules.d/61-wipestation-access.rules: bay disks belong to the group, mode 0660;
  - the data folder, owned by root:wipestation, mode 2770 (set-group-id: new files stay the group's),
    and the backup folder likewise;
  - systemd units and timers: the morning digest at the shop's opening hour, the daily backup;
  - /etc/sudoers.d/wipestation: the group may run exactly one root helper (`wipestation-helper`),
    which re-checks identity and protection itself before any firmware command;
  - /etc/profile.d/wipestation.sh: technicians' shells find the shop's configuration.

Every step compares before it writes, so a second run changes nothing; `uninstall` removes what it
added, except a data folder that holds records (they are kept for seven years).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wipestation.common.errors import BadValue, WipestationError
from wipestation.common.i18n import _
from wipestation.detection.udev_rules import RULES_FILE_NAME, render_rules
from wipestation.shop.workstation_files import (
    ACCESS_RULES_FILE_NAME,
    DEFAULT_CONFIG,
    DEFAULT_DATA_DIR,
    GROUP,
    STATE_FILE,
    SYSTEM_GID_RANGE,
    TIMERS,
    UNITS,
    Layout,
    layout_for,
    profile_text,
    render_access_rules,
    sudoers_text,
    unit_texts,
)

__all__ = [
    "ACCESS_RULES_FILE_NAME",
    "DEFAULT_CONFIG",
    "DEFAULT_DATA_DIR",
    "GROUP",
    "STATE_FILE",
    "SYSTEM_GID_RANGE",
    "TIMERS",
    "UNITS",
    "Host",
    "Layout",
    "Outcome",
    "Setup",
    "default_executables",
    "layout_for",
    "profile_text",
    "render_access_rules",
    "share_with_group",
    "sudoers_text",
    "unit_texts",
]


@dataclass
class Host:
    """The side effects on the live system (root "/"), injectable for tests."""

    run: Callable[[Sequence[str]], int] = lambda args: subprocess.run(list(args), check=False).returncode
    udevd_running: Callable[[], bool] = lambda: Path("/run/udev/control").exists()
    systemd_running: Callable[[], bool] = lambda: Path("/run/systemd/system").is_dir()


@dataclass
class Outcome:
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Setup:
    def __init__(self, root: Path, layout: Layout, bays: Sequence[str], host: Host | None = None) -> None:
        self.root = root
        self.live = root.resolve() == Path("/")
        self.layout = layout
        self.bays = tuple(bays)
        self.host = host or Host()
        self.out = Outcome()

    def at(self, path: str) -> Path:
        """`path` of the target system under `root`; a path that would climb out of it is refused."""
        if ".." in Path(path).parts:
            raise BadValue(_("setup-workstation: {path} climbs out of --root ('..')").format(path=path))
        return self.root / path.lstrip("/")

    # --- install -------------------------------------------------------------------------------
    def install(self) -> Outcome:
        rules = render_rules(self.bays)  # refuses a malformed bay path before anything is written
        if os.geteuid() != 0:
            raise BadValue(_("setup-workstation creates a group and root-owned files: run it as root"))
        gid, created = self.ensure_group()
        state = self._read_state()
        if created:
            state["group_created"] = True
        rules_changed = self.put("/etc/udev/rules.d/" + RULES_FILE_NAME, rules, 0o644)
        rules_changed |= self.put("/etc/udev/rules.d/" + ACCESS_RULES_FILE_NAME, render_access_rules(), 0o644)
        units_changed = False
        for name, text in unit_texts(self.layout).items():
            units_changed |= self.put(f"/etc/systemd/system/{name}", text, 0o644)
        for timer in TIMERS:
            units_changed |= self.link(
                f"/etc/systemd/system/timers.target.wants/{timer}", f"/etc/systemd/system/{timer}"
            )
        self.put("/etc/sudoers.d/wipestation", sudoers_text(self.layout), 0o440)
        self.put("/etc/profile.d/wipestation.sh", profile_text(self.layout), 0o644)
        created_folders = {str(f) for f in _as_list(state.get("folders_created"))}
        for folder in dict.fromkeys((self.layout.data_dir, self.layout.backups)):
            if self.folder(folder, gid):
                created_folders.add(folder)
        state["folders_created"] = sorted(created_folders)
        self._write_state(state)
        if self.live:
            self._reload(rules_changed, units_changed)
        if not self.bays:
            self.out.notes.append(_("no wipe bays in [devices] wipe_bay_paths: no drive is given to the group yet"))
        if not self.out.changes:
            self.out.notes.append(_("nothing to change: this workstation is set up"))
        return self.out

    def ensure_group(self) -> tuple[int, bool]:
        gid = self.group_id()
        if gid is not None:
            return gid, False
        if self.live:
            if self.host.run(["groupadd", "--system", GROUP]) != 0:
                raise WipestationError(_("groupadd could not create the group {group}").format(group=GROUP))
        else:
            self._add_staged_group()
        gid = self.group_id()
        if gid is None:
            raise WipestationError(_("the group {group} was not created").format(group=GROUP))
        self.out.changes.append(_("created group {group} (gid {gid})").format(group=GROUP, gid=gid))
        return gid, True

    def group_id(self) -> int | None:
        if self.live:
            import grp

            try:
                return grp.getgrnam(GROUP).gr_gid
            except KeyError:
                return None
        path = self.at("/etc/group")
        if not path.exists():
            return None
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split(":")
            if len(parts) >= 3 and parts[0] == GROUP:
                return int(parts[2])
        return None

    def _add_staged_group(self) -> None:
        path = self.at("/etc/group")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        used = {int(p[2]) for p in (line.split(":") for line in text.splitlines()) if len(p) >= 3 and p[2].isdigit()}
        gid = next(g for g in SYSTEM_GID_RANGE if g not in used)
        if text and not text.endswith("\n"):
            text += "\n"
        path.write_text(f"{text}{GROUP}:x:{gid}:\n", encoding="utf-8")
        os.chmod(path, 0o644)

    def put(self, path: str, text: str, mode: int) -> bool:
        target = self.at(path)
        data = text.encode()
        try:
            same = target.read_bytes() == data
        except FileNotFoundError:
            same = False
        if same and stat.S_IMODE(target.stat().st_mode) == mode and target.stat().st_uid == 0:
            return False
        existed = target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.new")
        partial.write_bytes(data)
        os.chown(partial, 0, 0)
        os.chmod(partial, mode)
        os.replace(partial, target)
        self.out.changes.append((_("updated {path}") if existed else _("wrote {path}")).format(path=path))
        return True

    def link(self, path: str, points_to: str) -> bool:
        target = self.at(path)
        if target.is_symlink() and os.readlink(target) == points_to:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        target.symlink_to(points_to)
        self.out.changes.append(_("enabled {name}").format(name=Path(path).name))
        return True

    def folder(self, path: str, gid: int) -> bool:
        """The folder exists, root:wipestation, 2770. Returns whether it was created now."""
        target = self.at(path)
        created = not target.exists()
        if target.exists() and not target.is_dir():
            raise BadValue(_("{path} exists and is not a folder").format(path=path))
        target.mkdir(parents=True, exist_ok=True)
        st = target.stat()
        if st.st_uid != 0 or st.st_gid != gid or stat.S_IMODE(st.st_mode) != 0o2770:
            os.chown(target, 0, gid)
            os.chmod(target, 0o2770)
            self.out.changes.append(
                (_("created {path} ({owner}, {mode})") if created else _("set {path} ({owner}, {mode})")).format(
                    path=path, owner=f"root:{GROUP}", mode="2770"
                )
            )
        return created

    def _reload(self, rules_changed: bool, units_changed: bool) -> None:
        if rules_changed and self.host.udevd_running():
            self.host.run(["udevadm", "control", "--reload"])
            self.host.run(["udevadm", "trigger", "--subsystem-match=block", "--action=change"])
            self.out.notes.append(_("udev rules reloaded; plugged-in drives re-evaluated"))
        if units_changed and self.host.systemd_running():
            self.host.run(["systemctl", "daemon-reload"])
            self.host.run(["systemctl", "start", *TIMERS])
            self.out.notes.append(_("systemd reloaded; timers started"))

    def _read_state(self) -> dict[str, object]:
        path = self.at(STATE_FILE)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_state(self, state: dict[str, object]) -> None:
        self.put(STATE_FILE, json.dumps(state, sort_keys=True) + "\n", 0o644)

    # --- uninstall -----------------------------------------------------------------------------
    def uninstall(self) -> Outcome:
        if os.geteuid() != 0:
            raise BadValue(_("setup-workstation --uninstall removes root-owned files: run it as root"))
        state = self._read_state()
        units_changed = False
        for timer in TIMERS:
            units_changed |= self.remove(f"/etc/systemd/system/timers.target.wants/{timer}")
        if self.live and units_changed and self.host.systemd_running():
            self.host.run(["systemctl", "stop", *TIMERS])
        for name in UNITS:
            units_changed |= self.remove(f"/etc/systemd/system/{name}")
        rules_changed = self.remove("/etc/udev/rules.d/" + ACCESS_RULES_FILE_NAME)
        rules_changed |= self.remove("/etc/udev/rules.d/" + RULES_FILE_NAME)
        self.remove("/etc/sudoers.d/wipestation")
        self.remove("/etc/profile.d/wipestation.sh")
        self._remove_folders(_as_list(state.get("folders_created")))
        if state.get("group_created"):
            self._remove_group()
        self.remove(STATE_FILE)
        state_dir = self.at(str(Path(STATE_FILE).parent))
        if state_dir.is_dir() and not any(state_dir.iterdir()):
            state_dir.rmdir()
        if self.live:
            self._reload(rules_changed, False)
            if units_changed and self.host.systemd_running():
                self.host.run(["systemctl", "daemon-reload"])
        if not self.out.changes:
            self.out.notes.append(_("nothing to remove"))
        return self.out

    def _remove_folders(self, created: list[object]) -> None:
        """The folders setup made, deepest first, where they are empty; a folder with records stays."""
        for folder in sorted((str(f) for f in created), key=len, reverse=True):
            target = self.at(str(folder))
            if target.is_dir() and not any(target.iterdir()):
                target.rmdir()
                self.out.changes.append(_("removed {path} (empty)").format(path=folder))
            elif target.is_dir():
                self.out.notes.append(
                    _("kept {path}: it holds records (remove it yourself once they may go)").format(path=folder)
                )

    def remove(self, path: str) -> bool:
        target = self.at(path)
        if not (target.exists() or target.is_symlink()):
            return False
        target.unlink()
        self.out.changes.append(_("removed {path}").format(path=path))
        return True

    def _remove_group(self) -> None:
        if self.group_id() is None:
            return
        if self.live:
            if self.host.run(["groupdel", GROUP]) != 0:
                self.out.notes.append(_("groupdel could not remove the group {group}").format(group=GROUP))
                return
        else:
            path = self.at("/etc/group")
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            path.write_text("".join(x for x in lines if not x.startswith(f"{GROUP}:")), encoding="utf-8")
        self.out.changes.append(_("removed group {group}").format(group=GROUP))


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def default_executables() -> tuple[str, str]:
    """The installed `wipestation` and `wipestation-helper` next to the running interpreter."""
    import sys

    bin_dir = Path(sys.executable).parent
    exe = bin_dir / "wipestation"
    helper = bin_dir / "wipestation-helper"
    found_exe = str(exe) if exe.exists() else (shutil.which("wipestation") or str(exe))
    found_helper = str(helper) if helper.exists() else (shutil.which("wipestation-helper") or str(helper))
    return str(Path(found_exe).absolute()), str(Path(found_helper).absolute())


def _shared_folder(folder: Path) -> bool:
    """A set-group-id folder of a group this process is in: the shop's shared data folder."""
    try:
        st = folder.stat()
    except OSError:
        return False
    return bool(st.st_mode & stat.S_ISGID) and st.st_gid in {os.getegid(), *os.getgroups()}


def share_with_group(data_dir: Path, db_url: str | None = None) -> bool:
    """In the shop's shared data folder (set-group-id, a group this process is in), files are made for
    the group, so every technician can write the records: umask 007, and the SQLite file is created
    0660 before SQLite makes it 0644 (its -wal and -shm files follow the database file's mode).
    Elsewhere nothing changes. Returns whether this process works in a shared folder."""
    shared = _shared_folder(data_dir)
    db_file: Path | None = None
    if db_url and db_url.startswith("sqlite:///"):
        database = db_url.removeprefix("sqlite:///").split("?", 1)[0]
        if database and database != ":memory:":
            db_file = Path(database).expanduser()
            shared = shared or _shared_folder(db_file.parent)
    if not shared:
        return False
    old = os.umask(0o007)
    os.umask((old & ~0o070) | 0o007)
    if db_file is not None and _shared_folder(db_file.parent):
        try:
            fd = os.open(db_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o660)
            os.close(fd)
        except FileExistsError:
            st = db_file.stat()
            if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) & 0o060 != 0o060:
                os.chmod(db_file, stat.S_IMODE(st.st_mode) | 0o060)
        except OSError:
            pass  # SQLite will say what is wrong when it opens the file
    return True
