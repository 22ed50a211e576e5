"""Past-tense events that workers and the watcher post to the App (never touching widgets)."""

from __future__ import annotations

from textual.message import Message

from tui.services import EraseEnd
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.engine import Progress


class DriveEventMessage(Message):
    """A drive came, changed or went. A later event for the same device supersedes a pending one,
    so a burst of udev events becomes one update."""

    action = "changed"

    def __init__(
        self, device: str, identity: DriveIdentity | None, protected_reason: str | None, *, initial: bool = False
    ) -> None:
        super().__init__()
        self.initial = initial  # found by the start-up scan, not plugged in now
        self.device = device
        self.identity = identity
        self.protected_reason = protected_reason

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DriveEventMessage) and message.device == self.device


class DriveAttached(DriveEventMessage):
    action = "attached"


class DriveChanged(DriveEventMessage):
    action = "changed"


class DriveDetached(DriveEventMessage):
    action = "detached"


class DrivesScanned(Message):
    """The start-up scan of attached drives is done."""


class EraseProgressed(Message):
    """Progress of one erasure; only the newest pending one of a job is handled."""

    def __init__(self, job_id: int, progress: Progress) -> None:
        super().__init__()
        self.job_id = job_id
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EraseProgressed) and message.job_id == self.job_id


class EraseFinished(Message):
    def __init__(self, job_id: int, end: EraseEnd) -> None:
        super().__init__()
        self.job_id = job_id
        self.end = end


class RecordsChanged(Message):
    """Something in the store changed (registration, hold, erasure, ...): views reload.
    `polled`: found by the periodic check (the CLI, another workstation, midnight); views that
    can load in a worker do so."""

    def __init__(self, *, polled: bool = False) -> None:
        super().__init__()
        self.polled = polled

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RecordsChanged)
