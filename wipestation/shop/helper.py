"""`wipestation-helper`: the one program technicians may run as root (sudo), for firmware commands.

Overwrite erasures need no root: the udev rules give wipe-bay disks to the group `wipestation`.
Firmware commands (ATA secure erase and sanitize, NVMe format and sanitize, SCSI sanitize) need raw
device access, so the technician's `wipestation` runs them as

    sudo -n wipestation-helper DEVICE SERIAL TOOL ARG...

and the helper, as root, trusts nothing it is given:
  - the configuration is the system's (/etc/wipestation.toml), never the caller's, and the caller's
    environment is ignored (WIPESTATION_ALLOW_LOOP included);
  - DEVICE is identified again through the same detection code as `wipestation drives`; it must not
    be protected (system disk, mounted, swap, RAID, protected serial, ...) and its serial must be SERIAL;
  - the command must be one that wipestation itself sends (TOOL and the exact shape of its
    arguments, see COMMANDS), with DEVICE as its only device; the tool is found in a fixed PATH;
  - only then it runs the tool, with a clean environment, and passes its output and exit code back.
Refusals are one line on stderr: exit 3 for safety (protected, another drive), 2 for a command it
does not allow, 1 when it is not root.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from wipestation.common.commands import CommandResult, SubprocessRunner
from wipestation.common.config import Config, load_config
from wipestation.common.errors import ExitCode, WipestationError

SYSTEM_CONFIG = "/etc/wipestation.toml"
SAFE_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
HELPER_NAME = "wipestation-helper"

DEV = "{dev}"
ANY = "{any}"  # a password or value: no path, not an option
# Every command line wipestation sends to a drive (erasure/firmware.py), as templates.
COMMANDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "hdparm": (
        ("-I", DEV),
        ("-N", DEV),
        ("--user-master", "u", "--security-set-pass", ANY, DEV),
        ("--user-master", "u", "--security-erase", ANY, DEV),
        ("--user-master", "u", "--security-erase-enhanced", ANY, DEV),
        ("--user-master", "u", "--security-disable", ANY, DEV),
        ("--yes-i-know-what-i-am-doing", "--sanitize-crypto-scramble", DEV),
        ("--yes-i-know-what-i-am-doing", "--sanitize-block-erase", DEV),
        ("--yes-i-know-what-i-am-doing", "--sanitize-overwrite", "hex:00000000", DEV),
        ("--sanitize-status", DEV),
    ),
    "nvme": (
        ("id-ctrl", DEV, "-o", "json"),
        ("format", DEV, "--ses=1", "--force"),
        ("format", DEV, "--ses=2", "--force"),
        ("sanitize", DEV, "--sanact=2"),
        ("sanitize", DEV, "--sanact=3"),
        ("sanitize", DEV, "--sanact=4"),
        ("sanitize-log", DEV, "-o", "json"),
    ),
    "sg_opcodes": ((DEV,),),
    "sg_sanitize": (("--crypto", "--quick", "--early", DEV), ("--block", "--quick", "--early", DEV)),
    "sg_requests": (("--progress", DEV),),
    "smartctl": (("-i", "-j", DEV), ("-a", "-j", DEV), ("-H", "-j", DEV)),
}


class Refused(WipestationError):
    pass


class SafetyRefused(Refused):
    exit_code = ExitCode.SAFETY


class NotAllowed(Refused):
    exit_code = ExitCode.USAGE


def _fits(args: Sequence[str], template: Sequence[str], device: str) -> bool:
    if len(args) != len(template):
        return False
    for arg, want in zip(args, template, strict=True):
        if want == DEV:
            if arg != device:
                return False
        elif want == ANY:
            if not arg or arg.startswith("-") or "/" in arg:
                return False
        elif arg != want:
            return False
    return True


def check_command(tool: str, args: Sequence[str], device: str) -> None:
    """Refuse (NotAllowed) anything but a command wipestation sends, aimed at `device`."""
    templates = COMMANDS.get(tool)
    if templates is None:
        raise NotAllowed(f"{tool!r} is not a tool the helper runs")
    if not any(_fits(args, t, device) for t in templates):
        raise NotAllowed(f"{tool} {' '.join(args)}: not a command wipestation sends to {device}")


def check_drive(config: Config, device: str, serial: str) -> None:
    """Identify the device again and refuse a protected one or another drive (SafetyRefused)."""
    from wipestation.detection import default_drive_source

    try:
        detected = default_drive_source(config).identify(device)
    except WipestationError as exc:
        raise SafetyRefused(f"{device}: {exc}") from None
    if detected.protected_reason is not None:
        raise SafetyRefused(f"{device} is protected: {detected.protected_reason}")
    if detected.identity.serial != serial:
        raise SafetyRefused(f"{device} is not the drive {serial!r} (its serial is {detected.identity.serial!r})")


def run_tool(tool: str, args: Sequence[str]) -> int:
    path = shutil.which(tool, path=SAFE_PATH)
    if path is None:
        print(f"{tool}: not installed", file=sys.stderr)
        return 127
    env = {"PATH": SAFE_PATH, "LC_ALL": "C"}
    return subprocess.run([path, *args], env=env, check=False).returncode


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog=HELPER_NAME, description="Run one firmware erasure command on a wipe-bay drive, as root, after checks."
    )
    parser.add_argument("--config", help="A configuration file (root only; never through sudo).")
    parser.add_argument("device")
    parser.add_argument("serial")
    parser.add_argument("tool")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    try:
        sys.exit(_main(ns))
    except WipestationError as exc:
        print(f"{HELPER_NAME}: refused: {' '.join(str(exc).split())}", file=sys.stderr)
        sys.exit(int(exc.exit_code))


def _main(ns: argparse.Namespace) -> int:
    if os.geteuid() != 0:
        raise Refused("must run as root (technicians run it through sudo)")
    if ns.config is not None and ("SUDO_UID" in os.environ or os.getuid() != 0):
        raise NotAllowed("--config is for root itself; through sudo the system's configuration counts")
    config_path = ns.config or (SYSTEM_CONFIG if Path(SYSTEM_CONFIG).exists() else None)
    config = load_config(Path(config_path) if config_path else None, env={})
    device = ns.device
    if not device.startswith("/dev/"):
        raise NotAllowed(f"{device}: not a device path")
    args = list(ns.args)
    if args[:1] == ["--"]:
        args = args[1:]
    check_command(ns.tool, args, device)
    check_drive(config, device, ns.serial)
    return run_tool(ns.tool, args)


class HelperRunner:
    """A CommandRunner for a technician without root: commands that name the drive go through
    `sudo -n wipestation-helper DEVICE SERIAL ...`; the others (`hdparm -V`, ...) run directly."""

    def __init__(
        self,
        device: str,
        serial: str,
        *,
        helper: str | None = None,
        prefix: Sequence[str] = ("sudo", "-n"),
        direct: SubprocessRunner | None = None,
    ) -> None:
        self.device = device
        self.serial = serial
        self.helper = helper or helper_path()
        self.prefix = tuple(prefix)
        self.direct = direct or SubprocessRunner()

    def command(self, args: Sequence[str]) -> list[str]:
        if self.device not in args[1:]:
            return list(args)
        return [*self.prefix, self.helper, self.device, self.serial, args[0], *args[1:]]

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        return self.direct.run(self.command(args), timeout=timeout)


def helper_path() -> str:
    beside = Path(sys.executable).parent / HELPER_NAME
    if beside.exists():
        return str(beside)
    return shutil.which(HELPER_NAME) or HELPER_NAME


def runner_for(device: str, serial: str) -> SubprocessRunner | HelperRunner:
    """Root runs the tools itself; anyone else through the helper."""
    return SubprocessRunner() if os.geteuid() == 0 else HelperRunner(device, serial)


def require_device_access(device: str) -> None:
    """Before anything else: a technician without write access to the drive is refused (exit 3)."""
    if os.geteuid() == 0 or not os.path.exists(device):
        return
    if not os.access(device, os.R_OK | os.W_OK):
        from wipestation.common.errors import SafetyRefusal
        from wipestation.common.i18n import _

        raise SafetyRefusal(
            _(
                "{device}: this user may not write to it: only drives in a wipe bay are given to the group "
                "wipestation, and the technician must be in that group"
            ).format(device=device)
        )


if __name__ == "__main__":
    main()
