"""Firmware sanitisation: capability detection, command building, progress polling and a check
that the data really changed. Every tool runs through a CommandRunner, so the parsing and the
command lines are tested against recorded outputs (tests/fixtures/tools) without the drives.

One module per concern: `parsing` (the tools' outputs), `capabilities` (which methods a drive
accepts), `plans` (the exact command lines), `engine` (running them). Import from here."""

from __future__ import annotations

from wipestation.erasure.firmware.capabilities import (
    ENABLED_TEXT,
    EXPIRED_TEXT,
    FROZEN_TEXT,
    LOCKED_TEXT,
    SANITIZE_FROZEN_TEXT,
    FirmwareSupport,
    detect_support,
    nvme_namespaces,
    tool_versions,
)
from wipestation.erasure.firmware.engine import (
    MARKER_SAMPLES,
    FirmwareEngine,
)
from wipestation.erasure.firmware.parsing import (
    SANITIZE_DONE,
    SANITIZE_DONE_NO_DEALLOC,
    SANITIZE_FAILED,
    SANITIZE_NEVER,
    SANITIZE_RUNNING,
    AtaInfo,
    HpaState,
    NvmeController,
    SanitizeStatus,
    SmartInfo,
    parse_hdparm_hpa,
    parse_hdparm_identify,
    parse_hdparm_sanitize_running,
    parse_hdparm_sanitize_state,
    parse_hdparm_sanitize_succeeded,
    parse_nvme_id_ctrl,
    parse_nvme_sanitize_log,
    parse_percent,
    parse_sg_opcodes_sanitize,
    parse_smartctl_info,
)
from wipestation.erasure.firmware.plans import (
    FirmwarePlan,
    build_commands,
)

__all__ = [
    "ENABLED_TEXT",
    "EXPIRED_TEXT",
    "FROZEN_TEXT",
    "LOCKED_TEXT",
    "MARKER_SAMPLES",
    "SANITIZE_DONE",
    "SANITIZE_DONE_NO_DEALLOC",
    "SANITIZE_FAILED",
    "SANITIZE_FROZEN_TEXT",
    "SANITIZE_NEVER",
    "SANITIZE_RUNNING",
    "AtaInfo",
    "FirmwareEngine",
    "FirmwarePlan",
    "FirmwareSupport",
    "HpaState",
    "NvmeController",
    "SanitizeStatus",
    "SmartInfo",
    "build_commands",
    "detect_support",
    "nvme_namespaces",
    "parse_hdparm_hpa",
    "parse_hdparm_identify",
    "parse_hdparm_sanitize_running",
    "parse_hdparm_sanitize_state",
    "parse_hdparm_sanitize_succeeded",
    "parse_nvme_id_ctrl",
    "parse_nvme_sanitize_log",
    "parse_percent",
    "parse_sg_opcodes_sanitize",
    "parse_smartctl_info",
    "tool_versions",
]
