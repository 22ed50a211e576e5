"""`wipestation doctor`: what is missing on this workstation, one line each, with what to do.

Read only: it opens the database without upgrading it, reads files and asks the kernel; it installs,
creates and changes nothing. Everything it asks the system goes through `System`, so tests inject one.
"""

from __future__ import annotations

import ctypes
import grp
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from wipestation.common.config import Config
from wipestation.common.errors import WipestationError
from wipestation.common.i18n import N_, Phrase
from wipestation.detection.udev_rules import RULES_FILE_NAME, SYSTEM_RULES_DIR, render_rules
from wipestation.shop.dependencies import installed_version, tested_versions
from wipestation.shop.doctor_work import check_site, check_work_left
from wipestation.shop.findings import Finding
from wipestation.shop.workstation import ACCESS_RULES_FILE_NAME, GROUP, render_access_rules
from wipestation.store.db import alembic_config, make_engine

TOOLS = (
    ("hdparm", "hdparm", N_("ATA secure erase and sanitize")),
    ("nvme", "nvme-cli", N_("NVMe format and sanitize")),
    ("smartctl", "smartmontools", N_("drive health")),
    ("sg_sanitize", "sg3-utils", N_("SCSI/SAS sanitize")),
)
MIN_FREE_BYTES = 1 << 30
_SETUP = Phrase(N_("run `wipestation setup-workstation` as root"))
_CORRECT_DB = Phrase(N_("correct --db / WIPESTATION_DB"))
_BAYS_FIX = Phrase(
    N_("set [devices] wipe_bay_paths (see udev/README.md), then run `wipestation setup-workstation` as root")
)
KEY_FILE = "shop-signing-key.pem"  # the default location the certificate plug-in uses: <data>/keys/
STA_UNSYNC = 0x0040
TIME_ERROR = 5


class _Timex(ctypes.Structure):
    # struct timex (linux/timex.h): only `modes` (0: read only) and `status` are used.
    _fields_ = [
        ("modes", ctypes.c_uint),
        ("offset", ctypes.c_long),
        ("freq", ctypes.c_long),
        ("maxerror", ctypes.c_long),
        ("esterror", ctypes.c_long),
        ("status", ctypes.c_int),
        ("constant", ctypes.c_long),
        ("precision", ctypes.c_long),
        ("tolerance", ctypes.c_long),
        ("time_sec", ctypes.c_long),
        ("time_usec", ctypes.c_long),
        ("tick", ctypes.c_long),
        ("ppsfreq", ctypes.c_long),
        ("jitter", ctypes.c_long),
        ("shift", ctypes.c_int),
        ("stabil", ctypes.c_long),
        ("jitcnt", ctypes.c_long),
        ("calcnt", ctypes.c_long),
        ("errcnt", ctypes.c_long),
        ("stbcnt", ctypes.c_long),
        ("tai", ctypes.c_int),
        ("_reserved", ctypes.c_int * 11),
    ]


def kernel_clock_synchronised() -> bool | None:
    """What the kernel says (adjtimex, read only): NTP/chrony/timesyncd clear STA_UNSYNC once in sync."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        timex = _Timex()
        state = libc.adjtimex(ctypes.byref(timex))
    except (OSError, AttributeError):
        return None
    if state < 0:
        return None
    return state != TIME_ERROR and not timex.status & STA_UNSYNC


def _current_groups() -> set[int]:
    return {os.getegid(), *os.getgroups()}


def _group_id(name: str) -> int | None:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None


def _free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


@dataclass
class System:
    """What the doctor asks the workstation (the real one by default)."""

    which: Callable[[str], str | None] = shutil.which
    rules_dir: Path = Path(SYSTEM_RULES_DIR)
    euid: Callable[[], int] = os.geteuid
    groups: Callable[[], set[int]] = _current_groups
    group_id: Callable[[str], int | None] = _group_id
    clock_synchronised: Callable[[], bool | None] = kernel_clock_synchronised
    free_bytes: Callable[[Path], int] = _free_bytes
    installed_version: Callable[[str], str | None] = installed_version


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]


def examine(config: Config, db_url: str, system: System) -> Report:
    report = Report()
    report.findings += check_tools(system)
    report.findings.append(check_udev_rules(config, system))
    report.findings.append(check_group(system))
    database = check_database(db_url)
    report.findings.append(database)
    if database.ok:
        report.findings += check_work_left(config, db_url)
    report.findings += [site] if (site := check_site(config, db_url)) is not None else []
    report.findings.append(check_signing_key(config))
    report.findings.append(check_clock(system))
    report.findings.append(check_free_space(config, db_url, system))
    report.findings.append(check_dependencies(tested_versions(), system.installed_version))
    return report


def check_tools(system: System) -> list[Finding]:
    out = []
    for command, package, purpose in TOOLS:
        found = system.which(command)
        if found:
            out.append(Finding(Phrase(N_("tool {command}"), command=command), True, found))
        else:
            out.append(
                Finding(
                    Phrase(N_("tool {command}"), command=command),
                    False,
                    Phrase(N_("not installed ({purpose} is not possible)"), purpose=Phrase(purpose)),
                    f"apt-get install {package}",
                )
            )
    return out


def check_udev_rules(config: Config, system: System) -> Finding:
    check = Phrase(N_("udev rules"))
    bays = config.devices.wipe_bay_paths
    if not bays:
        return Finding(
            check,
            False,
            Phrase(N_("no wipe bays configured")),
            _BAYS_FIX,
        )
    try:
        wanted = {
            RULES_FILE_NAME: render_rules(bays),
            ACCESS_RULES_FILE_NAME: render_access_rules(),
        }
    except WipestationError as exc:
        return Finding(check, False, str(exc), Phrase(N_("correct [devices] wipe_bay_paths in the config")))
    for name, text in wanted.items():
        path = system.rules_dir / name
        try:
            found = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Finding(check, False, Phrase(N_("{path} is not installed"), path=path), _SETUP)
        except OSError as exc:
            return Finding(
                check,
                False,
                Phrase(N_("{path} unreadable: {reason}"), path=path, reason=exc.strerror),
                Phrase(N_("check its permissions (0644)")),
            )
        if found != text:
            return Finding(
                check,
                False,
                Phrase(N_("{path} does not match [devices] wipe_bay_paths"), path=path),
                Phrase(N_("run `wipestation setup-workstation` as root again")),
            )
    return Finding(
        check, True, Phrase(N_("installed for {n} wipe bay(s) in {path}"), n=len(bays), path=system.rules_dir)
    )


def check_group(system: System) -> Finding:
    check = Phrase(N_("group"))
    gid = system.group_id(GROUP)
    if system.euid() == 0:
        return Finding(check, True, Phrase(N_("running as root (technicians run wipestation as themselves)")))
    if gid is None:
        return Finding(check, False, Phrase(N_("the group {group} does not exist"), group=GROUP), _SETUP)
    if gid not in system.groups():
        return Finding(
            check,
            False,
            Phrase(
                N_("this user is not in the group {group} (no access to the wipe bays or the shared records)"),
                group=GROUP,
            ),
            Phrase(N_("as root: usermod -aG {group} $USER, then log in again"), group=GROUP),
        )
    return Finding(check, True, Phrase(N_("member of {group}"), group=GROUP))


def check_database(db_url: str) -> Finding:
    check = Phrase(N_("database"))
    try:
        url = make_url(db_url)
    except ArgumentError:
        return Finding(check, False, Phrase(N_("not a database URL: {url}"), url=db_url), _CORRECT_DB)
    where = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if url.database in (None, "", ":memory:"):
            return Finding(check, True, Phrase(N_("in memory")))
        if not path.exists():
            return Finding(
                check,
                False,
                Phrase(N_("no database at {path} yet"), path=path),
                Phrase(N_("run any wipestation command once to create it")),
            )
    try:
        engine = make_engine(db_url)
    except WipestationError as exc:
        return Finding(check, False, str(exc), _CORRECT_DB)
    try:
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
        return Finding(
            check,
            False,
            Phrase(N_("{url} not reachable: {reason}"), url=where, reason=reason),
            Phrase(N_("check the server, the URL and the password")),
        )
    finally:
        engine.dispose()
    if current != head:
        return Finding(
            check,
            False,
            Phrase(
                N_("{url} is at schema {current}, not {head}"),
                url=where,
                current=current or Phrase(N_("none")),
                head=head,
            ),
            Phrase(N_("run any wipestation command once to upgrade it")),
        )
    return Finding(check, True, Phrase(N_("{url} reachable, schema {head}"), url=where, head=head))


def _key_path(config: Config) -> tuple[Path, bool]:
    if config.certificates.key_path:
        return Path(config.certificates.key_path).expanduser(), False
    return config.data_dir / "keys" / KEY_FILE, True


def check_signing_key(config: Config) -> Finding:
    check = Phrase(N_("signing key"))
    path, default = _key_path(config)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        fix = (
            Phrase(N_("it is made with the first certificate"))
            if default
            else Phrase(N_("set [certificates] key_path to the key"))
        )
        return Finding(check, False, Phrase(N_("no signing key at {path}"), path=path), fix)
    except OSError as exc:
        return Finding(
            check,
            False,
            Phrase(N_("{path} unreadable: {reason}"), path=path, reason=exc.strerror),
            Phrase(N_("check its owner and permissions")),
        )
    parent_mode = path.parent.stat().st_mode
    shared = default and bool(parent_mode & stat.S_ISGID)  # the group's folder: technicians may read the key
    forbidden, wanted = (0o027, "640") if shared else (0o077, "600")
    if mode & forbidden:
        return Finding(
            check,
            False,
            Phrase(N_("{path} has mode {mode}: others can read it"), path=path, mode=f"{mode:04o}"),
            f"chmod {wanted} {path}",
        )
    if default and stat.S_IMODE(parent_mode) & forbidden:
        dir_mode = "2750" if shared else "700"
        return Finding(
            check,
            False,
            Phrase(N_("{path} has mode {mode}"), path=path.parent, mode=f"{stat.S_IMODE(parent_mode):04o}"),
            f"chmod {dir_mode} {path.parent}",
        )
    return Finding(check, True, Phrase(N_("{path} (mode {mode})"), path=path, mode=f"{mode:04o}"))


def check_clock(system: System) -> Finding:
    check = Phrase(N_("clock"))
    synced = system.clock_synchronised()
    if synced is None:
        return Finding(
            check,
            False,
            Phrase(N_("cannot tell whether the clock is synchronised")),
            Phrase(N_("install chrony or enable NTP")),
        )
    if not synced:
        return Finding(
            check,
            False,
            Phrase(N_("not synchronised (certificates and the audit log carry its time)")),
            Phrase(N_("enable NTP: timedatectl set-ntp true (or install chrony)")),
        )
    return Finding(check, True, Phrase(N_("synchronised")))


def check_dependencies(tested: dict[str, str], installed: Callable[[str], str | None]) -> Finding:
    """The libraries installed are those the tests passed with (an install without the lock gets others).
    A locked package that is not installed is left out (the lock also holds other platforms' packages)."""
    found = {name: installed(name) for name in sorted(tested)}
    other = [f"{n} {v} ({tested[n]})" for n, v in found.items() if v is not None and v != tested[n]]
    if not other:
        return Finding(Phrase(N_("libraries")), True, Phrase(N_("the versions the tests passed with")))
    which = Phrase(N_("{count} not as tested, installed (tested): {which}"), count=len(other), which=", ".join(other))
    fix = Phrase(N_("install the dependencies from requirements/app.lock (docs/install.md)"))
    return Finding(Phrase(N_("libraries")), False, which, fix)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_free_space(config: Config, db_url: str, system: System) -> Finding:
    check = Phrase(N_("free space"))
    places = {config.data_dir}
    url = make_url(db_url) if db_url.startswith("sqlite") else None
    if url is not None and url.database not in (None, "", ":memory:"):
        places.add(Path(url.database or "").parent)
    if config.backup.dir:
        places.add(Path(config.backup.dir))
    for place in sorted(places):
        free = system.free_bytes(_existing(place))
        if free < MIN_FREE_BYTES:
            return Finding(
                check,
                False,
                Phrase(N_("only {mib} MiB free for {path}"), mib=free // (1 << 20), path=place),
                Phrase(N_("free some space (keep at least 1 GiB for the records and their backups)")),
            )
    return Finding(check, True, ", ".join(str(p) for p in sorted(places)))
