"""The language of what a person reads: the console, the CLI's messages (gettext catalogs).

Dutch is the default, English on request. The source strings are English; the Dutch catalog is
`wipestation/locale/nl/LC_MESSAGES/wipestation.po` (compiled to `.mo`), kept by `scripts/catalog`
(Babel: extract, update, compile).

Which language: `--lang nl|en` on the command line, else `WIPESTATION_LANG` (the technician's own
interface language: the console and messages only, never the shop's documents), else the top-level
`language` of the config. The certificates' default language follows `language` and `--lang`
(see `wipestation.common.config.with_language`).

`_()` translates when it is called, so a string kept at module level (column headers, key
descriptions) is marked with `N_()` and translated where it is shown.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
DOMAIN = "wipestation"
LOCALE_DIR = Path(__file__).parent.parent / "locale"
ENV_VAR = "WIPESTATION_LANG"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language`; English is the source text itself."""
    if language == "en":
        return gettext.NullTranslations()
    # A missing compiled catalog falls back to English rather than taking the console down; a test
    # checks that the committed .mo is present and current.
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def _initial() -> str:
    value = os.environ.get(ENV_VAR, "")
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


_language = _initial()


def set_language(language: str) -> None:
    """Use `language` ("nl" or "en") for every message from now on (one per process)."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language '{language}' (nl or en)")
    _language = language


def language() -> str:
    return _language


# Set inside `english()`: a context variable, so it holds for the thread (or task) that set it only.
_english_here: ContextVar[bool] = ContextVar("wipestation_english_here", default=False)


@contextmanager
def english() -> Iterator[None]:
    """Messages made inside are English whatever the language: text that is stored with a record
    (a refusal raised once an erasure has started goes into the erasure's error). Other threads (the
    console's UI thread, erasures side by side) keep their language."""
    token = _english_here.set(True)
    try:
        yield
    finally:
        _english_here.reset(token)


def _catalog() -> gettext.NullTranslations:
    return translations("en" if _english_here.get() else _language)


def env_language() -> str | None:
    """`WIPESTATION_LANG`, when it names a known language."""
    value = os.environ.get(ENV_VAR, "")
    return value if value in LANGUAGES else None


def choose(option: str | None, configured: str) -> str:
    """The interface language: `--lang`, else WIPESTATION_LANG, else the config's `language`."""
    return option or env_language() or configured


def _(message: str) -> str:
    """`message` in the current language ("" stays "": gettext would return the catalog's header)."""
    if not message:
        return message
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog().ngettext(singular, plural, n)


KEY_CONTEXT = "key"


def K_(description: str) -> str:
    """Marks a key's description (footer); translated by `key_text` in the catalog's "key" context,
    where a word may be shorter than the same word in a dialog."""
    return description


def key_text(description: str) -> str:
    if not description:
        return description
    return _catalog().pgettext(KEY_CONTEXT, description)


class Phrase(str):
    """Text with two faces: it *is* the English text (what JSON, the store and comparisons see) and
    `shown()` gives it in the reader's language. For a line that is both printed and put into
    `--json` (a doctor finding, an audit finding, a certificate's problem): the JSON stays English.

    `Phrase(N_("record {id} has no events"), id=7)`; a value that is a Phrase is shown in the same
    language as the text around it."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> Phrase:
        with english():
            text = _fill(template, values)
        self = super().__new__(cls, text)
        self.template = template
        self.values = values
        return self

    def shown(self) -> str:
        """The text in the current language."""
        return _fill(self.template, self.values)


def joined(parts: list[str]) -> str | None:
    """The parts joined with "; " (None for none): a Phrase, so each part that is one is shown in the
    reader's language (the English stays what JSON and the store see)."""
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Phrase(N_("{first}; {rest}"), first=parts[0], rest=joined(parts[1:]))


def _fill(template: str, values: dict[str, object]) -> str:
    return _(template).format(**{k: shown(v) if isinstance(v, str) else v for k, v in values.items()})


def shown(text: str) -> str:
    """`text` as the reader reads it: a Phrase in the current language, any other text as it is."""
    return text.shown() if isinstance(text, Phrase) else text


def N_(message: str) -> str:
    """Marks a string for the catalog without translating it yet (translated where it is shown)."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural pair for the catalog (translated with `ngettext` where it is shown)."""
    return singular, plural


# Values from the store, shown in the lists (the store and the JSON keep the English value).
KIND_WORDS = {"backup": N_("backup"), "abandoned": N_("abandoned"), "shop": N_("shop")}
STATE_WORDS = {
    "holding": N_("holding"),
    "stored": N_("stored"),
    "due": N_("due"),
    "erasing": N_("erasing"),
    "erased": N_("erased"),
    "destroyed": N_("destroyed"),
    "available": N_("available"),
    "retired": N_("retired"),
}


# Erasure and destruction methods, by their ids (the store, the JSON and the CLI's --method keep the id).
METHOD_WORDS = {
    "zero": N_("zeros"),
    "ones": N_("ones (0xFF)"),
    "random": N_("random data"),
    "zero-verify-2pass": N_("zeros, twice, verified"),
    "dod-3pass": N_("three passes (DoD)"),
    "ata-secure-erase": N_("ATA secure erase"),
    "ata-sanitize": N_("ATA sanitize"),
    "nvme-format": N_("NVMe format"),
    "nvme-sanitize": N_("NVMe sanitize"),
    "scsi-sanitize": N_("SCSI sanitize"),
    "drill": N_("drilling"),
    "crush": N_("crushing"),
    "degauss": N_("degaussing"),
    "shred": N_("shredding"),
    "disintegrate": N_("disintegration"),
}
# What the audit log records (its action names), as a person reads them.
EVENT_WORDS = {
    "certificate.issued": N_("certificate issued"),
    "certificate.mail_failed": N_("certificate not sent"),
    "certificate.mailed": N_("certificate sent"),
    "certificate.rendered": N_("certificate rendered"),
    "certificate.revoked": N_("certificate revoked"),
    "customer.added": N_("customer added"),
    "customer.anonymised": N_("customer anonymised"),
    "customer.edited": N_("customer edited"),
    "destruction.recorded": N_("destruction recorded"),
    "digest.mailed": N_("digest sent"),
    "drive.capacity_restored": N_("capacity restored"),
    "drive.health_checked": N_("health checked"),
    "drive.queued": N_("queued for destruction"),
    "drive.registered": N_("drive registered"),
    "drive.retired": N_("drive retired"),
    "erasure.failed": N_("erasure failed"),
    "erasure.interrupted": N_("erasure interrupted"),
    "erasure.resumed": N_("erasure resumed"),
    "erasure.started": N_("erasure started"),
    "erasure.succeeded": N_("erasure succeeded"),
    "erasure.succeeded_with_exceptions": N_("erasure with exceptions"),
    "record.deletion_requested": N_("deletion requested"),
    "record.destroyed": N_("destroyed"),
    "record.erased": N_("erased"),
    "record.erasure_ended": N_("erasure ended"),
    "record.erasure_started": N_("erasure started"),
    "record.held": N_("put on hold"),
    "record.registered": N_("registered"),
    "record.released": N_("hold released"),
}


# An erasure's check (its mode and result) and a drive's health, as a line of output says them.
CHECK_WORDS = {
    "full": N_("full"),
    "sample": N_("sample"),
    "none": N_("none"),
    "passed": N_("passed"),
    "failed": N_("failed"),
    "skipped": N_("skipped"),
    "healthy": N_("healthy"),
    "failing": N_("failing"),
    "unknown": N_("unknown"),
}


def check_word(word: str | None) -> str:
    return _(CHECK_WORDS[word]) if word in CHECK_WORDS else str(word)


def method_word(method: str) -> str:
    """A method's name for a person (its id when it has none)."""
    return _(METHOD_WORDS[method]) if method in METHOD_WORDS else method


def event_word(action: str) -> str:
    """An audit event's name for a person (the action itself when it has none)."""
    return _(EVENT_WORDS[action]) if action in EVENT_WORDS else action


def kind_word(kind: str) -> str:
    return _(KIND_WORDS[kind]) if kind in KIND_WORDS else kind


def state_word(state: str) -> str:
    return _(STATE_WORDS[state]) if state in STATE_WORDS else state
