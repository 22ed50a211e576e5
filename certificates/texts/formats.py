"""Values in the language's way: Dutch or English numbers, decimals, sizes, long dates, durations."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from certificates.texts.catalog import t


def fmt_int(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "nl" else text


def fmt_decimal(text: str, lang: str) -> str:
    """A decimal written with a point in the data ("10.30") in the language's way ("10,30" in Dutch)."""
    return text.replace(".", ",") if lang == "nl" else text


def fmt_percent(text: str, lang: str) -> str:
    return f"{fmt_decimal(text, lang)} %"


def fmt_bytes(n: int | None, lang: str) -> str:
    if n is None:
        return t("unknown", lang)
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            short = fmt_decimal(f"{n / size:.1f}", lang)
            return f"{short} {unit} ({fmt_int(n, lang)} bytes)"
    return f"{fmt_int(n, lang)} bytes"


MONTHS = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def fmt_date(d: date | None, lang: str) -> str:
    """The long date of the language: `29 november 2026`, `29 November 2026`."""
    if d is None:
        return t("unknown", lang)
    return f"{d.day} {MONTHS[lang][d.month - 1]} {d.year}"


def local_date(dt: datetime, tz: str) -> date:
    """The shop's calendar day of an instant (an issue at 00:30 on 1 January is in the new year)."""
    return dt.astimezone(ZoneInfo(tz)).date()


def fmt_datetime(dt: datetime, tz: str, lang: str = "en") -> str:
    local = dt.astimezone(ZoneInfo(tz))
    return f"{fmt_date(local.date(), lang)}, {local:%H:%M:%S} {local.tzname()}"


def fmt_duration(seconds: int, lang: str) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    h = "u" if lang == "nl" else "h"
    if hours:
        return f"{hours} {h} {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def yes_no(value: bool, lang: str) -> str:
    return t("yes" if value else "no", lang)
