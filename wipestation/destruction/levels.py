"""What each destruction method can honestly reach on the DIN 66399 scale, and the shop's machines.

DIN 66399-2 (ISO/IEC 21964-2) grades the result of a destruction by what is left of the medium:
categories H (magnetic hard disks) and E (electronic: SSD, USB sticks, cards), levels 1..7. The levels
and particle sizes below are those of DIN 66399-2:2012-10, tables for material categories H and E, as
reproduced in the machine makers' overviews of the standard (HSM "DIN 66399 - the standard for data
media destruction", intimus "DIN 66399 security levels"); H-5 (<= 320 mm²) and E-3 (<= 160 mm²) were
checked against the standard's own text (see /work/shared/design/standards.md). A certificate may
state a level only as high as the method can reach on that medium, and, when the machine used is
one of the shop's configured machines (`[machines]`), only as high as that machine is certified for.

How far a method reaches (the highest level it can produce; the machine decides where in that range):
- drill (drilling / punching holes): the platters or chips are damaged and deformed, not divided into
  particles: H-3, E-2.
- crush (a crusher / deformer that bends and breaks): H-3, E-2.
- degauss: erases the magnetic domains; it makes no particles, so DIN 66399 gives it no particle
  level. It is counted as rendering the drive unusable (H-3 at most) and does nothing for flash.
- shred (a hard-disk shredder, cutting screens): up to H-6 and E-5 depending on the screen.
- disintegrate (a disintegrator / fine granulator): up to H-7 and E-7.
"""

from __future__ import annotations

from dataclasses import dataclass

from wipestation.common.config import Config, DestructionMachine
from wipestation.common.errors import BadValue
from wipestation.common.i18n import _

METHODS = ("shred", "disintegrate", "crush", "drill", "degauss")  # how a drive is destroyed

# (category, level) -> what the level requires of the remains
LEVEL_MEANING: dict[str, str] = {
    "H-1": "the drive no longer works",
    "H-2": "the drive is damaged",
    "H-3": "the drive is deformed",
    "H-4": "divided several times and deformed, particles <= 2000 mm²",
    "H-5": "divided many times and deformed, particles <= 320 mm²",
    "H-6": "particles <= 10 mm²",
    "H-7": "particles <= 5 mm²",
    "E-1": "the device no longer works",
    "E-2": "the device is broken",
    "E-3": "particles <= 160 mm²",
    "E-4": "particles <= 30 mm²",
    "E-5": "particles <= 10 mm²",
    "E-6": "particles <= 1 mm²",
    "E-7": "particles <= 0.5 mm²",
}

# method -> category -> highest level it can reach (absent: the method does not destroy that medium)
METHOD_REACH: dict[str, dict[str, int]] = {
    "drill": {"H": 3, "E": 2},
    "crush": {"H": 3, "E": 2},
    "degauss": {"H": 3},
    "shred": {"H": 6, "E": 5},
    "disintegrate": {"H": 7, "E": 7},
}

METHOD_NAMES = {
    "drill": "drilling",
    "crush": "crushing",
    "degauss": "degaussing",
    "shred": "shredding",
    "disintegrate": "disintegration",
}


def level_number(level: str) -> int:
    return int(level.split("-")[1])


def reach(method: str, category: str) -> int | None:
    return METHOD_REACH.get(method, {}).get(category)


def find_machine(config: Config, equipment: str | None) -> DestructionMachine | None:
    """The configured machine whose name `equipment` is (case and spacing ignored)."""
    if not equipment:
        return None
    wanted = " ".join(equipment.split()).casefold()
    return next((m for m in config.machines if " ".join(m.name.split()).casefold() == wanted), None)


@dataclass(frozen=True)
class LevelCheck:
    method: str
    level: str
    equipment: str | None


def check_reach(config: Config, check: LevelCheck) -> None:
    """Refuse a level above what the method (and the shop's machine, when named) can reach."""
    category = check.level[0]
    top = reach(check.method, category)
    name = METHOD_NAMES.get(check.method, check.method)
    if top is None:
        raise BadValue(
            (
                _("{method} does not destroy flash memory")
                if category == "E"
                else _("{method} does not destroy magnetic disks")
            ).format(method=name),
            field="method",
        )
    if level_number(check.level) > top:
        best = f"{category}-{top}"
        raise BadValue(
            _("level {level} ({meaning}) is beyond what {method} can reach ({best} at most: {best_meaning})").format(
                level=check.level,
                meaning=LEVEL_MEANING[check.level],
                method=name,
                best=best,
                best_meaning=LEVEL_MEANING[best],
            ),
            field="level",
        )
    machine = find_machine(config, check.equipment)
    if machine is None:
        return
    if machine.method != check.method:
        raise BadValue(
            _("machine '{machine}' does {does}, not {method} (see [machines] in the config)").format(
                machine=machine.name, does=machine.method, method=check.method
            ),
            field="method",
        )
    certified = next((lv for lv in machine.levels if lv[0] == category), None)
    if certified is None:
        raise BadValue(
            (
                _("machine '{machine}' is not certified for flash memory")
                if category == "E"
                else _("machine '{machine}' is not certified for magnetic disks")
            ).format(machine=machine.name),
            field="level",
        )
    if level_number(check.level) > level_number(certified):
        raise BadValue(
            _("level {level} is above machine '{machine}''s certified level {certified}").format(
                level=check.level, machine=machine.name, certified=certified
            ),
            field="level",
        )
