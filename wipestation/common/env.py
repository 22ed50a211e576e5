"""What every service needs besides its Session: the clock, the configuration, who acts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from wipestation.common.clock import Clock, local_today
from wipestation.common.config import Config


@dataclass(frozen=True)
class Env:
    clock: Clock
    config: Config
    actor: str

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return local_today(self.clock, self.config.timezone)
