"""The catalogue: every fixed text of a certificate, in Dutch (default) and English, by key."""

from __future__ import annotations

from certificates.texts.dataset import DATA_SET
from certificates.texts.destruction import DESTRUCTION
from certificates.texts.erasure import ERASURE
from certificates.texts.explain import EXPLAIN
from certificates.texts.page import PAGE

TEXTS: dict[str, tuple[str, str]] = {**PAGE, **ERASURE, **DATA_SET, **DESTRUCTION, **EXPLAIN}

LANGS = ("nl", "en")


def t(key: str, lang: str, **values: object) -> str:
    text = TEXTS[key][LANGS.index(lang)]
    return text.format(**values) if values else text


def term(prefix: str, value: str | None, lang: str) -> str:
    """A translated term (`media.hdd`), or the value itself when there is no translation."""
    if value is None:
        return t("unknown", lang)
    key = f"{prefix}.{value}"
    return t(key, lang) if key in TEXTS else value
