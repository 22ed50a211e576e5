"""One error hierarchy for the core; the CLI maps each class to a fixed exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every `wipestation` command (interface.md)."""

    OK = 0
    RULES = 1  # refused or failed by the rules: unknown record, wrong state, bad value
    USAGE = 2  # click's own usage errors
    SAFETY = 3  # refused for safety: protected or mismatching device
    ERASE_FAILED = 4  # an erasure ran and failed (I/O error, verification mismatch, interrupted)
    UNCHECKABLE = 5  # `certificate verify`: cannot be checked here (the shop's key is unknown)
    INTERNAL = 70  # an internal error (a defect of wipestation or of a library): sysexits' EX_SOFTWARE


class WipestationError(Exception):
    """Base of every error the user may see. The message is one line, meant for a person.

    `field` names the input the error is about, as the service calls it (`BadValue("...", field="email")`,
    a `CustomerInput`'s or a `Registration`'s attribute): a form shows the message beside that field."""

    exit_code: ExitCode = ExitCode.RULES

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(WipestationError):
    """An id, serial, number or file that does not exist."""


class InvalidState(WipestationError):
    """The record exists but is not in a state that allows the action."""


class BadValue(WipestationError):
    """A value that cannot be parsed or is out of range (date, capacity, level, ...)."""


class BadUsage(WipestationError):
    """A command given wrongly: an option value of the wrong form, a file argument that does not
    exist (exit 2, as click's own usage errors, but one line)."""

    exit_code = ExitCode.USAGE


class ConfigError(WipestationError):
    """The configuration file is missing a value, malformed, or a key file is damaged."""


class SafetyRefusal(WipestationError):
    """Refused because the device is protected or is not the one that was confirmed."""

    exit_code = ExitCode.SAFETY


class EraseFailed(WipestationError):
    """An erasure ran and did not succeed (failed or interrupted)."""

    exit_code = ExitCode.ERASE_FAILED
