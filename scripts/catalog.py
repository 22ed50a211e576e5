"""scripts/catalog: extract, update and compile the gettext catalogs with Babel (see scripts/catalog).

Also imported by tests/test_i18n.py, so the test checks exactly what this script produces."""

from __future__ import annotations

import io
import sys
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
# certificates/: only the refusals and messages a technician reads in the CLI or the console (a key that
# cannot be read, a bad logo, a verified PDF's problems); the certificate documents' own texts are kept in
# both languages in certificates/texts/ and never go through this catalog.
SOURCES = ("wipestation", "tui", "certificates")
LOCALE_DIR = ROOT / "wipestation" / "locale"
DOMAIN = "wipestation"
LANGUAGES = ("nl",)  # English is the source text
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "NP_": (1, 2), "pgettext": ((1, "c"), 2), "K_": None}
KEY_CONTEXT = "key"  # wipestation.common.i18n.KEY_CONTEXT: a key's description in the footer (short)


def extract_python_keys(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, object, list[str]]]:
    """Babel's Python extractor, with `K_("Erase")` (a key's description) as `pgettext("key", "Erase")`:
    the footer's word may be shorter than the same word in a dialog."""
    for lineno, funcname, messages, comments in extract_python(fileobj, keywords, comment_tags, options):
        if funcname == "K_" and isinstance(messages, str):
            yield lineno, "pgettext", (KEY_CONTEXT, messages), comments
        else:
            yield lineno, funcname, messages, comments


METHODS = [("**.py", extract_python_keys)]


def extract() -> Catalog:
    """Every marked string of the sources (locations kept out of the files: they only make merges conflict)."""
    catalog = Catalog(project="wipestation", domain=DOMAIN, charset="utf-8", copyright_holder="wipestation")
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source, METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            catalog.add(
                message,
                None,
                [(f"{source}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
                flags=("python-brace-format",) if _braces(message) else (),
            )
    return catalog


def _braces(message: str | tuple[str, ...]) -> bool:
    texts = message if isinstance(message, tuple) else (message,)
    return any("{" in t for t in texts)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def updated(lang: str, template: Catalog) -> Catalog:
    """The language's catalog with the template's strings: new ones empty, old ones made obsolete."""
    if po_path(lang).exists():
        catalog = read(lang)
    else:
        catalog = Catalog(
            locale=lang, domain=DOMAIN, project="wipestation", charset="utf-8", copyright_holder="wipestation"
        )
        catalog.creation_date = template.creation_date
    created = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog.creation_date = created  # the header changes only when a translator changes it: --check stays quiet
    catalog.obsolete.clear()  # gone from the code: dropped, not kept as comments
    catalog.fuzzy = False  # the header (plural forms) is compiled too
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, no_location=True, omit_header=False, sort_output=True, include_previous=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def missing(catalog: Catalog, template: Catalog) -> Iterator[str]:
    """Each template string without a usable translation (empty, or fuzzy)."""
    for msg in template:
        if not msg.id:
            continue
        have: Message | None = catalog.get(msg.id, context=msg.context)
        strings = have.string if have is not None else ""
        texts = strings if isinstance(strings, tuple) else (strings,)
        if have is None or have.fuzzy or not all(texts):
            yield msg.id if isinstance(msg.id, str) else msg.id[0]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    template = extract()
    status = 0
    for lang in LANGUAGES:
        catalog = updated(lang, template)
        po, mo = po_bytes(catalog), mo_bytes(catalog)
        gaps = list(missing(catalog, template))
        if check:
            stale = [p for p, data in ((po_path(lang), po), (mo_path(lang), mo)) if not _same(p, data)]
            for path in stale:
                print(f"{path.relative_to(ROOT)} is not current: run scripts/catalog", file=sys.stderr)
            status |= 1 if stale or gaps else 0
        else:
            po_path(lang).parent.mkdir(parents=True, exist_ok=True)
            po_path(lang).write_bytes(po)
            mo_path(lang).write_bytes(mo)
        for text in gaps:
            print(f"{lang}: not translated: {text!r}", file=sys.stderr)
        print(f"{lang}: {len(template) - len(gaps)} of {len(template)} strings translated")
        status |= 1 if gaps else 0
    return status


def _same(path: Path, data: bytes) -> bool:
    return path.exists() and path.read_bytes() == data


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
